import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';

/**
 * `DROVER_MEMORY_LOG=<file>`: every 5 s the worker appends one JSON line with its memory
 * (process.memoryUsage, V8 heap of the main thread) — how the scale bench attributes RSS.
 * Returns a stop function; does nothing without the variable.
 */
export function startMemoryLog(env: NodeJS.ProcessEnv): () => void {
  const file = env.DROVER_MEMORY_LOG;
  if (!file) return () => undefined;
  const mb = (n: number) => Math.round(n / 2 ** 20);
  const write = () => {
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    const line = {
      at: new Date().toISOString(),
      rss: mb(m.rss),
      heapTotal: mb(m.heapTotal),
      heapUsed: mb(m.heapUsed),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
      mallocedMemory: mb(h.malloced_memory),
      heapLimit: mb(h.heap_size_limit),
    };
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // a diagnostic only
    }
  };
  write();
  const timer = setInterval(write, 5000);
  timer.unref();
  return () => clearInterval(timer);
}
