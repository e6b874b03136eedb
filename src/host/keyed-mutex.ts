/**
 * One at a time per key, within this process: the host worker runs every activity of its host,
 * so this serializes what must not overlap on one base clone (fetch, `worktree prune`,
 * `worktree add`). At 100 agents starting together, overlapping fetches failed on ref locks and a
 * `worktree prune` removed another task's half-made worktree (docs/scale.md).
 */
const tails = new Map<string, Promise<unknown>>();

export async function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous.catch(() => undefined);
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
