/** One line of `drover doctor`: what was checked, how it went, and the fix when it did not. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  group: string;
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
  ms: number;
}

export type CheckBody = () => Promise<Omit<CheckResult, 'group' | 'name' | 'ms'>>;

/** Runs one check with a deadline; a throw or a timeout is a failure with its message. */
export async function runCheck(group: string, name: string, timeoutMs: number, body: CheckBody): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    });
    const got = await Promise.race([body(), timeout]);
    return { group, name, ...got, ms: Date.now() - started };
  } catch (error) {
    return {
      group,
      name,
      status: 'fail',
      detail: (error as Error).message.split('\n')[0]!.slice(0, 200),
      ms: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

const MARK: Record<CheckStatus, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** A plain-text table: check, status, detail; fixes listed under the failing rows. */
export function renderChecks(results: readonly CheckResult[]): string {
  const rows = results.map((r) => [`${r.group}: ${r.name}`, MARK[r.status], r.detail]);
  const w0 = Math.max(5, ...rows.map((r) => r[0]!.length));
  const w1 = 6;
  const lines = [
    `${'CHECK'.padEnd(w0)}  ${'STATUS'.padEnd(w1)}  DETAIL`,
    `${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(40)}`,
  ];
  results.forEach((r, i) => {
    const row = rows[i]!;
    lines.push(`${row[0]!.padEnd(w0)}  ${row[1]!.padEnd(w1)}  ${row[2]}`);
    if (r.fix && (r.status === 'fail' || r.status === 'warn')) lines.push(`${' '.repeat(w0 + w1 + 4)}fix: ${r.fix}`);
  });
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  lines.push('', `${count('ok')} ok, ${count('warn')} warnings, ${count('fail')} failed, ${count('skip')} skipped`);
  return lines.join('\n');
}
