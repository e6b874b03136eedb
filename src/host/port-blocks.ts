import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withKeyLock } from './keyed-mutex.js';

/**
 * A block of TCP ports per task on this host, so two agents that start dev servers do not
 * collide: the agent (and its setup commands) get `DROVER_PORT` / `PORT` (the block's first port)
 * and `DROVER_PORT_COUNT`. Blocks are kept per task id in `<droverHome>/port-blocks.json` (the
 * same block after a relaunch or a worker restart); a new task takes the lowest free block.
 */

export const PORT_BLOCK_SIZE = 10;
const FIRST_PORT = 20_000;
const LAST_PORT = 59_999;

export interface PortBlock {
  start: number;
  count: number;
}

async function readBlocks(file: string): Promise<Record<string, number>> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/** The task's block, given out once and kept. */
export async function portBlockFor(droverHome: string, taskId: string): Promise<PortBlock> {
  const file = path.join(droverHome, 'port-blocks.json');
  return withKeyLock(file, async () => {
    const blocks = await readBlocks(file);
    const known = blocks[taskId];
    if (typeof known === 'number') return { start: known, count: PORT_BLOCK_SIZE };
    const taken = new Set(Object.values(blocks));
    let start = FIRST_PORT;
    while (taken.has(start)) start += PORT_BLOCK_SIZE;
    if (start + PORT_BLOCK_SIZE - 1 > LAST_PORT) throw new Error(`no free port block left in ${file}`);
    blocks[taskId] = start;
    await mkdir(droverHome, { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(blocks, null, 1));
    await rename(`${file}.tmp`, file);
    return { start, count: PORT_BLOCK_SIZE };
  });
}

/** The environment that hands the block to a process. */
export function portEnv(block: PortBlock): Record<string, string> {
  return { DROVER_PORT: String(block.start), PORT: String(block.start), DROVER_PORT_COUNT: String(block.count) };
}
