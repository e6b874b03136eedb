import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * An agent's processes and how to end them (Linux /proc). The agent's pane process leads its
 * own session and process group (tmux starts each pane with setsid), but a CLI may start its
 * tools in process groups of their own, so signalling the group alone can leave a `sleep 600`
 * running: the tree is the pane process, every descendant, and every process still in its
 * session (children orphaned by a parent that died are still there). Collected once, before any
 * signal, and each process is signalled only while its start time is the one collected (a pid
 * that ended and was given to another process is left alone).
 */

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks since boot when it started: with the pid, one process for good. */
  start: number;
  /** Zombie: dead, waiting for its parent to reap it. */
  zombie: boolean;
}

function parseStat(text: string): ProcessEntry | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime
  const fields = text.slice(close + 2).split(' ');
  const pid = Number(text.slice(0, open).trim());
  const entry = {
    pid,
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    start: Number(fields[19]),
    zombie: fields[0] === 'Z',
  };
  return Number.isInteger(entry.pid) && Number.isInteger(entry.ppid) ? entry : undefined;
}

async function readEntry(pid: number): Promise<ProcessEntry | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process of the machine as /proc shows it now. */
export async function listProcesses(): Promise<ProcessEntry[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const entries = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => readEntry(Number(n))));
  return entries.filter((e): e is ProcessEntry => e !== undefined);
}

/** The root, its descendants and the other members of its session and process group, from one listing. */
export function treeOf(root: number, all: readonly ProcessEntry[]): ProcessEntry[] {
  const rootEntry = all.find((e) => e.pid === root);
  if (!rootEntry) return [];
  const children = new Map<number, ProcessEntry[]>();
  for (const e of all) children.set(e.ppid, [...(children.get(e.ppid) ?? []), e]);
  const found = new Map<number, ProcessEntry>([[root, rootEntry]]);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (found.has(child.pid)) continue;
      found.set(child.pid, child);
      queue.push(child.pid);
    }
  }
  const leads = rootEntry.session === root || rootEntry.pgrp === root;
  if (leads) for (const e of all) if ((e.session === root || e.pgrp === root) && !found.has(e.pid)) found.set(e.pid, e);
  return [...found.values()];
}

/** Whether this very process (pid and start time) still runs (a zombie does not). */
async function stillRunning(entry: ProcessEntry): Promise<boolean> {
  const now = await readEntry(entry.pid);
  return now !== undefined && now.start === entry.start && !now.zombie;
}

async function signalAll(entries: readonly ProcessEntry[], sig: NodeJS.Signals): Promise<void> {
  for (const e of entries) {
    if (!(await stillRunning(e))) continue;
    try {
      process.kill(e.pid, sig);
    } catch {
      // gone meanwhile
    }
  }
}

async function running(entries: readonly ProcessEntry[]): Promise<ProcessEntry[]> {
  const alive = await Promise.all(entries.map(async (e) => ((await stillRunning(e)) ? e : undefined)));
  return alive.filter((e): e is ProcessEntry => e !== undefined);
}

/** Polls until none of `entries` runs or `ms` passed; the ones still running. */
async function waitGone(entries: readonly ProcessEntry[], ms: number): Promise<ProcessEntry[]> {
  const until = Date.now() + ms;
  let left = await running(entries);
  while (left.length > 0 && Date.now() < until) {
    await delay(100);
    left = await running(left);
  }
  return left;
}

export interface TreeEnded {
  /** Every process of the tree when it was collected. */
  pids: number[];
  /** How many were still running after the grace period (then SIGTERM, and SIGKILL 2 s later). */
  afterGrace: number;
  /** Still running after SIGKILL (should be none). */
  survivors: number[];
}

/**
 * Ends a process tree: `interrupt` first (e.g. Ctrl-C to the agent's pane) and `graceMs` for it
 * to wind down, then SIGTERM to every process of the tree still running, SIGKILL 2 s later.
 */
export async function endProcessTree(
  root: number,
  options: { graceMs: number; interrupt?: () => Promise<void> },
): Promise<TreeEnded> {
  const tree = treeOf(root, await listProcesses()).filter((e) => !e.zombie);
  const pids = tree.map((e) => e.pid);
  if (tree.length === 0) return { pids, afterGrace: 0, survivors: [] };
  if (options.interrupt) await options.interrupt().catch(() => undefined);
  let left = options.interrupt ? await waitGone(tree, options.graceMs) : tree;
  const afterGrace = left.length;
  if (left.length > 0) {
    await signalAll(left, 'SIGTERM');
    left = await waitGone(left, 2000);
  }
  if (left.length > 0) {
    await signalAll(left, 'SIGKILL');
    left = await waitGone(left, 1000);
  }
  return { pids, afterGrace, survivors: left.map((e) => e.pid) };
}
