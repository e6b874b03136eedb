import { readdirSync, readFileSync } from 'node:fs';

/** CPU and memory of processes from /proc (Linux): what the scale bench samples. */

const CLK_TCK = 100;

export interface CpuTicks {
  /** utime + stime of the process itself. */
  self: number;
  /** cutime + cstime: its children that exited and were reaped (e.g. one `tmux capture-pane` per capture). */
  reaped: number;
}

export function cpuTicks(pid: number): CpuTicks {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after "(comm)": state=0 … utime=11 stime=12 cutime=13 cstime=14
    return { self: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return { self: 0, reaped: 0 };
  }
}

/** A process's short name (/proc/<pid>/comm), '' when gone. */
export function commName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Memory only this process holds (Private_Clean + Private_Dirty of /proc/<pid>/smaps_rollup):
 * what it adds beside processes that map the same files (a helper `node` shares the worker's
 * node binary pages, which RSS counts in both).
 */
export function privateMb(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    let kb = 0;
    for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) kb += Number(m[1]);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** Live descendants of a process (children, grandchildren…). */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

export interface Usage {
  cpuPct: number;
  rssMbMax: number;
  rssMbMean: number;
  /** With `rssTree`: the live descendants counted in the RSS at the last sample (name → MB). */
  members?: { pid: number; name: string; rssMb: number }[];
}

export interface Group {
  pid: number;
  /** CPU of the process plus its reaped children and live descendants. */
  tree?: boolean;
  /**
   * RSS of the process plus its live descendants, minus these pids (e.g. a daemon it started) and
   * theirs; with `privateOnly`, the descendants count only their private memory (privateMb).
   */
  rssTree?: { exclude: number[]; privateOnly?: boolean };
}

/** The pids whose RSS a group counts: its own, or with `rssTree` its live descendants too. */
function rssPids(g: Group): number[] {
  if (!g.rssTree) return [g.pid];
  const skip = new Set(g.rssTree.exclude.flatMap((p) => [p, ...descendants(p)]));
  return [g.pid, ...descendants(g.pid).filter((p) => !skip.has(p))];
}

/**
 * Samples named groups of processes over `ms`: CPU as % of one core (self + reaped children +
 * live descendants when `tree`), RSS every second (the group's own process, or with `rssTree`
 * the sum over it and its live descendants).
 */
export async function sampleUsage(groups: Record<string, Group>, ms: number): Promise<Record<string, Usage>> {
  const total = (g: Group) => {
    const own = cpuTicks(g.pid);
    let ticks = own.self + (g.tree ? own.reaped : 0);
    if (g.tree) for (const d of descendants(g.pid)) ticks += cpuTicks(d).self;
    return ticks;
  };
  const t0 = Date.now();
  const start = Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, total(g)]));
  const rss: Record<string, number[]> = Object.fromEntries(Object.keys(groups).map((k) => [k, []]));
  const members: Record<string, Usage['members']> = {};
  while (Date.now() - t0 < ms) {
    for (const [k, g] of Object.entries(groups)) {
      const each = rssPids(g).map((pid) => ({
        pid,
        name: commName(pid),
        rssMb: round(pid !== g.pid && g.rssTree?.privateOnly ? privateMb(pid) : rssMb(pid)),
      }));
      rss[k]!.push(each.reduce((a, m) => a + m.rssMb, 0));
      if (g.rssTree) members[k] = each;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seconds = (Date.now() - t0) / 1000;
  return Object.fromEntries(
    Object.entries(groups).map(([k, g]) => {
      const r = rss[k]!;
      const usage: Usage = {
        cpuPct: round(((total(g) - start[k]!) / CLK_TCK / seconds) * 100),
        rssMbMax: round(Math.max(...r)),
        rssMbMean: round(r.reduce((a, b) => a + b, 0) / r.length),
      };
      if (members[k]) usage.members = members[k];
      return [k, usage];
    }),
  );
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: values.length, p50: pick(0.5), p95: pick(0.95), max: sorted[sorted.length - 1] ?? NaN };
}
