/**
 * The load mode of the chaos runs and the test suite (`CHAOS_LOAD=1`, `DROVER_TEST_LOAD=1`): CPU
 * hogs beside the run, so it meets a busy machine like CI's (a load average of at least 4 on 2
 * cores). `stress-ng` (Debian) when installed, else busy node processes; every hog is this
 * process's child, ended by pid when the run ends. The load average is sampled so a report can
 * say what load the run actually saw.
 */
import os from 'node:os';
import { execa, type ResultPromise } from 'execa';

export interface LoadMode {
  /** Load averages (1 min) sampled every 5 s while the hogs ran. */
  samples: number[];
  stop(): Promise<{ hogs: string; loadAverage: { min: number; max: number; mean: number } }>;
}

export function loadWanted(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`${name} must be 0 or 1, not ${JSON.stringify(raw)}`);
}

/** `workers` busy loops (default: 2 per CPU, which keeps a 2-core machine's load average near 4 and above with the run's own work). */
export async function startLoad(workers = os.cpus().length * 2): Promise<LoadMode> {
  const hasStressNg =
    (await execa('stress-ng', ['--version'], { reject: false }).catch(() => undefined))?.exitCode === 0;
  const hogs: ResultPromise[] = hasStressNg
    ? [execa('stress-ng', ['--cpu', String(workers), '--cpu-method', 'matrixprod', '--quiet'], { reject: false })]
    : Array.from({ length: workers }, () =>
        execa(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random())'], { reject: false }),
      );
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(os.loadavg()[0]!), 5000);
  return {
    samples,
    async stop() {
      clearInterval(timer);
      for (const hog of hogs) hog.kill('SIGKILL');
      await Promise.all(hogs);
      const s = samples.length > 0 ? samples : [os.loadavg()[0]!];
      const round = (n: number) => Math.round(n * 10) / 10;
      return {
        hogs: hasStressNg ? `stress-ng --cpu ${workers}` : `${workers} busy node processes`,
        loadAverage: {
          min: round(Math.min(...s)),
          max: round(Math.max(...s)),
          mean: round(s.reduce((a, b) => a + b, 0) / s.length),
        },
      };
    },
  };
}
