import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehearsalClaudeEnv, seedClaudeHome } from '../../src/host/agent-home/claude-home.js';
import { startModelServer, type ModelServer } from '../../src/rehearsal/model-server.js';
import { loadScenario, type Scenario } from '../../src/rehearsal/scenario.js';
import { parseSse } from '../../src/rehearsal/sse.js';

const CLAUDE = path.resolve('node_modules/@anthropic-ai/claude-code-linux-x64/claude');
const TOOLS = [{ name: 'Bash', description: 'run', input_schema: { type: 'object' } }];
type Msg = { role: string; content: unknown };

const unitScenario: Scenario = {
  name: 'unit',
  turns: [
    { text: 'Looking.', tool: 'Bash', input: { command: 'ls' } },
    { tool: 'Write', input: { file_path: 'a.txt', content: 'x' }, expectToolResult: '/calc\\.js/' },
    { text: 'Done.' },
  ],
};

function mainBody(messages: Msg[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-opus-4-8',
    max_tokens: 1000,
    system: [{ type: 'text', text: 'You are Claude Code' }],
    tools: TOOLS,
    messages,
    ...extra,
  };
}
const user = (text: string): Msg => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): Msg => ({ role: 'assistant', content: [{ type: 'text', text }] });
const toolResult = (content: string): Msg => ({
  role: 'user',
  content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content }],
});

async function post(
  server: ModelServer,
  route: string,
  body: unknown,
  subpath = '/v1/messages?beta=true',
): Promise<Response> {
  return fetch(`${server.url}/r/${route}${subpath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('model server (protocol)', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ scenarios: { unit: unitScenario } });
  });
  afterAll(() => server.close());

  it('answers a main request with plain JSON: text then tool_use, stop_reason tool_use', async () => {
    const response = await post(server, 'unit', mainBody([user('go')]));
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await json(response);
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4-8',
      stop_reason: 'tool_use',
    });
    expect(body.content).toEqual([
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', id: 'toolu_unit_0', name: 'Bash', input: { command: 'ls' } },
    ]);
    const usage = body.usage as Record<string, number>;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(0);
  });

  it('streams the same message as well-formed SSE', async () => {
    const response = await post(server, 'unit', mainBody([user('go')], { stream: true }));
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    for (const e of events) expect(e.data.type).toBe(e.event);
    const names = events.map((e) => e.event).filter((name) => name !== 'content_block_delta');
    expect(names).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_stop',
      'content_block_start',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const blocks: Record<number, { start: Record<string, unknown>; acc: string }> = {};
    for (const { data } of events) {
      const index = data.index as number;
      if (data.type === 'content_block_start')
        blocks[index] = { start: data.content_block as Record<string, unknown>, acc: '' };
      if (data.type === 'content_block_delta') {
        const delta = data.delta as { type: string; text?: string; partial_json?: string };
        const block = blocks[index];
        if (block) block.acc += delta.type === 'text_delta' ? delta.text : delta.partial_json;
      }
    }
    expect(blocks[0]?.acc).toBe('Looking.');
    expect(blocks[1]?.start).toMatchObject({ type: 'tool_use', id: 'toolu_unit_0', name: 'Bash' });
    expect(JSON.parse(blocks[1]?.acc ?? '')).toEqual({ command: 'ls' });
    const delta = events.find((e) => e.event === 'message_delta')?.data as {
      delta: { stop_reason: string };
      usage: { output_tokens: number };
    };
    expect(delta.delta.stop_reason).toBe('tool_use');
    expect(delta.usage.output_tokens).toBeGreaterThan(0);
  });

  it('serves the turn whose index is the number of assistant turns in the history', async () => {
    const history = [user('go'), assistant('Looking.'), toolResult('calc.js README.md')];
    const second = await json(await post(server, 'unit', mainBody(history)));
    expect(second.content).toEqual([
      { type: 'tool_use', id: 'toolu_unit_1', name: 'Write', input: { file_path: 'a.txt', content: 'x' } },
    ]);
    // Consecutive assistant messages (and system messages) belong to one turn.
    const split = [
      user('go'),
      assistant('a'),
      { role: 'system', content: 'note' },
      assistant('b'),
      toolResult('calc.js'),
    ];
    expect((await json(await post(server, 'unit', mainBody(split)))).content).toMatchObject([{ name: 'Write' }]);
    const third = await json(await post(server, 'unit', mainBody([...history, assistant('w'), toolResult('ok')])));
    expect(third).toMatchObject({ content: [{ type: 'text', text: 'Done.' }], stop_reason: 'end_turn' });
    const after = await json(
      await post(
        server,
        'unit',
        mainBody([...history, assistant('w'), toolResult('ok'), assistant('Done.'), user('more')]),
      ),
    );
    expect(after).toMatchObject({ content: [{ type: 'text', text: 'Scenario complete.' }], stop_reason: 'end_turn' });
  });

  it('replies with a visible mismatch when the tool result lacks the expected text', async () => {
    const body = await json(
      await post(server, 'unit', mainBody([user('go'), assistant('x'), toolResult('nothing here')])),
    );
    expect(body.stop_reason).toBe('end_turn');
    expect(JSON.stringify(body.content)).toContain('REHEARSAL MISMATCH at turn 1');
  });

  it('answers side requests harmlessly without consuming turns', async () => {
    const title = await post(server, 'unit', {
      model: 'claude-opus-4-8',
      messages: [user('<session>fix</session>')],
      tools: [],
      output_config: {
        format: {
          type: 'json_schema',
          schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
        },
      },
      stream: true,
    });
    const text = parseSse(await title.text())
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (e.data.delta as { text: string }).text)
      .join('');
    expect(JSON.parse(text)).toEqual({ title: expect.any(String) as unknown });
    expect((await json(await post(server, 'unit', { model: 'm', messages: [user('quota')] }))).content).toEqual([
      { type: 'text', text: 'OK.' },
    ]);
    expect(await json(await post(server, 'unit', { messages: [user('x')] }, '/v1/messages/count_tokens'))).toEqual({
      input_tokens: expect.any(Number) as unknown,
    });
    expect((await fetch(`${server.url}/r/unit`, { method: 'HEAD' })).status).toBe(200);
    expect((await json(await post(server, 'unit', mainBody([user('go')])))).content).toMatchObject([
      {},
      { id: 'toolu_unit_0' },
    ]);
    const kinds = server
      .requests('unit')
      .slice(-5)
      .map((r) => [r.kind, r.turnIndex]);
    expect(kinds).toEqual([
      ['side', undefined],
      ['side', undefined],
      ['count_tokens', undefined],
      ['preflight', undefined],
      ['main', 0],
    ]);
  });

  it('returns 404 JSON errors for unknown routes and paths', async () => {
    const response = await post(server, 'nobody', mainBody([user('go')]));
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('nobody') as unknown },
    });
    expect((await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await post(server, 'unit', {}, '/v1/models')).status).toBe(404);
    const malformed = await fetch(`${server.url}/r/unit/v1/messages`, { method: 'POST', body: 'not json' });
    expect(malformed.status).toBe(400);
    expect(await json(malformed)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('registers routes and lists recorded requests over the control API', async () => {
    const put = await fetch(`${server.url}/_control/routes/ctl`, {
      method: 'PUT',
      body: JSON.stringify({ turns: [{ text: 'hi from control' }] }),
    });
    expect(await json(put)).toEqual({ route: 'ctl', turns: 1 });
    expect((await json(await post(server, 'ctl', mainBody([user('go')])))).content).toEqual([
      { type: 'text', text: 'hi from control' },
    ]);
    const recorded = (await (await fetch(`${server.url}/_control/routes/ctl/requests`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ kind: 'main', turnIndex: 0, status: 200, reply: { stopReason: 'end_turn' } });
    expect(await json(await fetch(`${server.url}/_control/routes`))).toEqual({ routes: ['ctl', 'unit'] });
    const bad = await fetch(`${server.url}/_control/routes/ctl`, {
      method: 'PUT',
      body: JSON.stringify({ turns: [{ tool: 'Bash', input: 'ls' }] }),
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error as string).toMatch(/turns\.0\.input/);
  });

  it('loads JSON and YAML scenario files and names the file and field on error', async () => {
    expect((await loadScenario('scenarios/fix-defect.json')).turns).toHaveLength(5);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'drover-scenario-'));
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'turns:\n  - text: ok\n  - tool: Bash\n    input: {command: ls}\n    expectToolResult: 3\n');
    await expect(loadScenario(file)).rejects.toThrow(new RegExp(`${file}[\\s\\S]*turns\\.1\\.expectToolResult`));
    await rm(dir, { recursive: true, force: true });
  });
});

/** Drives one claude window of a private tmux server, answering dialogs like a user would. */
class Pane {
  readonly answered: string[] = [];
  constructor(
    private readonly socket: string,
    readonly target: string,
  ) {}

  tmux(args: string[], input?: string) {
    return execa('tmux', ['-L', this.socket, ...args], { input });
  }
  async screen(): Promise<string> {
    return (await this.tmux(['capture-pane', '-p', '-J', '-t', this.target])).stdout;
  }
  async type(text: string): Promise<void> {
    await this.tmux(['load-buffer', '-b', 'drover-ms', '-'], text);
    await this.tmux(['paste-buffer', '-d', '-b', 'drover-ms', '-t', this.target]);
    await sleep(150);
    await this.tmux(['send-keys', '-t', this.target, 'Enter']);
  }
  /** Answers dialogs until `done(screen)`; each answer waits for the dialog to go away. */
  async drive(done: (screen: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.screen();
      if (done(screen)) return screen;
      const dialog = detectDialog(screen);
      if (dialog) {
        this.answered.push(dialog.name);
        for (const key of dialog.keys) {
          await this.tmux(['send-keys', '-t', this.target, key]);
          await sleep(150);
        }
        const before = screen.trimEnd().split('\n').slice(-12).join('\n');
        while (Date.now() < deadline && (await this.screen()).trimEnd().split('\n').slice(-12).join('\n') === before)
          await sleep(100);
      } else {
        await sleep(150);
      }
    }
    throw new Error(`timed out in ${this.target}; answered ${this.answered.join(', ')}; screen:\n${screen}`);
  }
}

function detectDialog(screen: string): { name: string; keys: string[] } | undefined {
  if (/❯ 1\. Yes, I trust this folder/.test(screen)) return { name: 'trust', keys: ['Enter'] };
  if (/Do you want to use this API key\?/.test(screen) && /❯ 2\. No \(recommended\)/.test(screen))
    return { name: 'api-key', keys: ['Up', 'Enter'] };
  const permission = /Do you want to (proceed|create|make this edit)[^\n]*\?\s*\n\s*❯ 1\. Yes/.exec(screen);
  if (permission) return { name: `permission:${permission[1] ?? ''}`, keys: ['Enter'] };
  return undefined;
}
const idle = (screen: string): boolean => /\? for shortcuts/.test(screen) && !/esc to interrupt/.test(screen);

describe.skipIf(!existsSync(CLAUDE))('model server with the real claude CLI', () => {
  const socket = `drover-test-ms-${process.pid}`;
  let server: ModelServer;
  let tmp: string;
  let repo: string;

  const git = (...args: string[]) => execa('git', args, { cwd: repo });
  async function startClaude(window: string, route: string, home: string): Promise<Pane> {
    const env = rehearsalClaudeEnv({ baseUrl: server.routeUrl(route), home });
    const command = ['env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), CLAUDE];
    const exists = (await execa('tmux', ['-L', socket, 'has-session', '-t', 'ms'], { reject: false })).exitCode === 0;
    const args = exists
      ? ['new-window', '-t', 'ms', '-n', window, '-c', repo]
      : ['-f', '/dev/null', 'new-session', '-d', '-s', 'ms', '-n', window, '-x', '120', '-y', '40', '-c', repo];
    await execa('tmux', ['-L', socket, ...args, ...command]);
    await execa('tmux', ['-L', socket, 'set-option', '-t', 'ms', 'remain-on-exit', 'on']);
    return new Pane(socket, `ms:${window}`);
  }

  beforeAll(async () => {
    server = await startModelServer();
    tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'drover-ms-')));
    repo = path.join(tmp, 'repo');
    await execa('git', ['init', '-q', '-b', 'main', repo]);
    await git('config', 'user.email', 'test@example.com');
    await git('config', 'user.name', 'Test');
    await writeFile(path.join(repo, 'README.md'), '# sample\n');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'init');
  });
  afterAll(async () => {
    // Kill only our own tmux server, then wait for its claude processes to finish writing HOME.
    const panes = await execa('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}\t#{socket_path}'], {
      reject: false,
    });
    const rows = panes.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'));
    await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const pids = rows.map(([pid]) => Number(pid)).filter((pid) => pid > 0);
    for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
    const socketPath = rows[0]?.[1];
    if (socketPath) await rm(socketPath, { force: true });
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('answers the startup dialogs, then really runs Bash and Write', async () => {
    server.setScenario('cli', {
      turns: [
        {
          text: 'Writing with Bash first.',
          tool: 'Bash',
          input: { command: 'echo from-bash > bash-out.txt', description: 'Write bash-out.txt' },
        },
        { tool: 'Write', input: { file_path: 'write-out.txt', content: 'from-write\n' } },
        { expectToolResult: 'write-out.txt', text: 'Both files written.\nREHEARSAL-OK' },
      ],
    });
    const home = path.join(tmp, 'home-dialogs');
    await seedClaudeHome(home); // onboarding only: the trust and API-key dialogs appear
    const pane = await startClaude('dialogs', 'cli', home);
    await pane.drive(idle);
    expect(pane.answered).toEqual(['trust', 'api-key']);
    await pane.type('Please write the two files.');
    const screen = await pane.drive((s) => /REHEARSAL-OK/.test(s) && idle(s));
    expect(pane.answered).toEqual(['trust', 'api-key', 'permission:proceed', 'permission:create']);
    expect(screen).toContain('Both files written.');
    expect(await readFile(path.join(repo, 'bash-out.txt'), 'utf8')).toBe('from-bash\n');
    expect(await readFile(path.join(repo, 'write-out.txt'), 'utf8')).toBe('from-write\n');
    const main = server.requests('cli').filter((r) => r.kind === 'main');
    expect(main.map((r) => r.turnIndex)).toEqual([0, 1, 2]);
    expect(main.every((r) => r.stream === true)).toBe(true);
    expect(server.requests('cli').some((r) => r.kind === 'preflight')).toBe(true);
  });

  it('reaches the idle prompt without any dialog when HOME is fully seeded', async () => {
    server.setScenario('seeded', { turns: [{ text: 'SEEDED-OK' }] });
    const home = path.join(tmp, 'home-seeded');
    await seedClaudeHome(home, { trustedDirs: [tmp], approvedApiKeys: ['sk-ant-test'] });
    const pane = await startClaude('seeded', 'seeded', home);
    await pane.drive(idle);
    await pane.type('hello');
    await pane.drive((s) => /SEEDED-OK/.test(s) && idle(s));
    expect(pane.answered).toEqual([]);
  });
});
