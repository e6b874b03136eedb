import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_REHEARSAL_KEY, CODEX_REHEARSAL_KEY_ENV, seedCodexHome } from '../../src/host/agent-home/codex-home.js';
import { startModelServer, type ModelServer } from '../../src/rehearsal/model-server.js';
import type { Scenario } from '../../src/rehearsal/scenario.js';
import { parseSse } from '../../src/rehearsal/sse.js';

/** The Responses API adapter (codex): protocol, tool mapping, turn selection, and the real `codex exec`. */

const CODEX = path.resolve('node_modules/.bin/codex');
const EXEC_COMMAND = { type: 'function', name: 'exec_command', parameters: { type: 'object' } };
const APPLY_PATCH = { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } };
type Item = Record<string, unknown>;

const unitScenario: Scenario = {
  turns: [
    { text: 'Looking.', tool: 'Bash', input: { command: 'ls', description: 'List files' } },
    { tool: 'Write', input: { file_path: 'a.txt', content: 'one\ntwo\n' }, expectToolResult: '/calc\\.js/' },
    { tool: 'Edit', input: { file_path: 'a.txt', old_string: 'two', new_string: 'three' } },
    { text: 'Done.' },
  ],
};

const user = (text: string): Item => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const call = (id: string): Item => ({ type: 'function_call', call_id: id, name: 'exec_command', arguments: '{}' });
const output = (id: string, text: string): Item => ({ type: 'function_call_output', call_id: id, output: text });

function body(input: Item[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-5.5', input, tools: [EXEC_COMMAND, APPLY_PATCH], stream: false, ...extra };
}

async function post(server: ModelServer, route: string, payload: unknown, subpath = '/responses'): Promise<Response> {
  return fetch(`${server.url}/r/${route}${subpath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}
async function outputOf(response: Response): Promise<Item[]> {
  return ((await response.json()) as { output: Item[] }).output;
}

describe('model server: OpenAI Responses API (protocol)', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ scenarios: { unit: unitScenario } });
  });
  afterAll(() => server.close());

  it('a Bash turn is text then an escalated exec_command call (JSON reply)', async () => {
    const response = await post(server, 'unit', body([user('go')]));
    expect(response.status).toBe(200);
    const items = await outputOf(response);
    expect(items[0]).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Looking.' }],
    });
    expect(items[1]).toMatchObject({ type: 'function_call', name: 'exec_command', call_id: 'call_unit_0' });
    expect(JSON.parse(String(items[1]?.arguments))).toEqual({
      cmd: 'ls',
      sandbox_permissions: 'require_escalated',
      justification: 'List files',
    });
  });

  it('streams well-formed SSE: created … output_item.added/done … completed, deltas adding up', async () => {
    const response = await post(server, 'unit', body([user('go')], { stream: true }), '/v1/responses');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    for (const e of events) expect(e.data.type).toBe(e.event);
    expect(events[0]?.event).toBe('response.created');
    expect(events.at(-1)?.event).toBe('response.completed');
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    const text = events
      .filter((e) => e.event === 'response.output_text.delta')
      .map((e) => String(e.data.delta))
      .join('');
    const args = events
      .filter((e) => e.event === 'response.function_call_arguments.delta')
      .map((e) => String(e.data.delta))
      .join('');
    expect(text).toBe('Looking.');
    expect(JSON.parse(args)).toMatchObject({ cmd: 'ls' });
    const done = events.filter((e) => e.event === 'response.output_item.done').map((e) => (e.data.item as Item).type);
    expect(done).toEqual(['message', 'function_call']);
    const completed = events.at(-1)?.data.response as { output: Item[]; usage: { total_tokens: number } };
    expect(completed.output).toHaveLength(2);
    expect(completed.usage.total_tokens).toBeGreaterThan(0);
  });

  it('Write and Edit become apply_patch (custom tool) envelopes; turns are counted from the input', async () => {
    const history = [user('go'), call('call_unit_0'), output('call_unit_0', 'calc.js\n')];
    const write = await outputOf(await post(server, 'unit', body(history)));
    expect(write).toEqual([
      expect.objectContaining({
        type: 'custom_tool_call',
        name: 'apply_patch',
        call_id: 'call_unit_1',
        input: '*** Begin Patch\n*** Add File: a.txt\n+one\n+two\n*** End Patch\n',
      }),
    ]);
    const edit = await outputOf(
      await post(
        server,
        'unit',
        body([
          ...history,
          { type: 'custom_tool_call', call_id: 'call_unit_1', name: 'apply_patch', input: '' },
          { type: 'custom_tool_call_output', call_id: 'call_unit_1', output: 'Success' },
        ]),
      ),
    );
    expect(edit[0]?.input).toBe('*** Begin Patch\n*** Update File: a.txt\n@@\n-two\n+three\n*** End Patch\n');
  });

  it('without apply_patch a Write is a heredoc through the shell', async () => {
    const items = await outputOf(
      await post(server, 'unit', { ...body([user('go'), call('x'), output('x', 'calc.js')]), tools: [EXEC_COMMAND] }),
    );
    expect(JSON.parse(String(items[0]?.arguments)).cmd).toBe(
      "cat > a.txt <<'DROVER_REHEARSAL_EOF'\none\ntwo\nDROVER_REHEARSAL_EOF",
    );
  });

  it('expectToolResult checks the function_call_output; a mismatch is a visible text turn', async () => {
    const items = await outputOf(
      await post(server, 'unit', body([user('go'), call('x'), output('x', 'nothing here')])),
    );
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items[0])).toContain('REHEARSAL MISMATCH at turn 1');
  });

  it('a developer message mid-conversation does not end an assistant run; after the last turn: Scenario complete.', async () => {
    const dev: Item = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'note' }] };
    const four = [
      user('go'),
      call('a'),
      dev,
      call('b'),
      output('b', 'calc.js'),
      call('c'),
      output('c', 'ok'),
      call('d'),
      output('d', 'ok'),
      { type: 'message', role: 'assistant', content: [] },
      user('more'),
    ];
    const items = await outputOf(await post(server, 'unit', body(four)));
    expect(JSON.stringify(items)).toContain('Scenario complete.');
    const three = await outputOf(await post(server, 'unit', body(four.slice(0, 9))));
    expect(JSON.stringify(three)).toContain('Done.');
  });

  it('side requests (no tools) get OK. and do not consume a turn; errors use the OpenAI envelope', async () => {
    const side = await outputOf(
      await post(server, 'unit', { model: 'gpt-5.5', input: 'Write a title', stream: false }),
    );
    expect(JSON.stringify(side)).toContain('OK.');
    expect(server.requests('unit').at(-1)).toMatchObject({ kind: 'side', turnIndex: undefined });
    const missing = await post(server, 'nope', body([user('go')]));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: 'not_found_error' } });
    const bad = await post(server, 'unit', { input: 42 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('model server: the real codex exec', () => {
  let server: ModelServer;
  let tmp: string;
  beforeAll(async () => {
    server = await startModelServer();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-ms-codex-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads, writes, edits, commits and answers; `exec resume --last` resends the history and gets the next turn', async () => {
    const repo = path.join(tmp, 'repo');
    const home = path.join(tmp, 'home');
    await mkdir(repo, { recursive: true });
    const git = (...args: string[]) =>
      execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
    await git('init', '-q');
    await writeFile(path.join(repo, 'a.txt'), 'broken\nkeep\n');
    await git('add', '-A');
    await git('commit', '-qm', 'init');
    server.setScenario('cx', {
      turns: [
        { tool: 'Read', input: { file_path: 'a.txt' } },
        { tool: 'Write', input: { file_path: 'a.txt', content: 'fixed\nkeep\n' }, expectToolResult: 'broken' },
        { tool: 'Edit', input: { file_path: `${repo}/a.txt`, old_string: 'keep', new_string: 'kept' } },
        {
          tool: 'Bash',
          input: {
            command:
              'git -c user.email=t@example.com -c user.name=t commit -qam "Fix a.txt" && git log --oneline | wc -l',
            description: 'Commit',
            sandbox: true,
          },
        },
        { text: 'All done.\nORCHESTRATOR:DONE', expectToolResult: '/\\b2\\b/' },
        { text: 'Second prompt answered.' },
      ],
    });
    await seedCodexHome(home, { trustedDirs: [repo], rehearsalBaseUrl: server.routeUrl('cx') });
    const env = {
      HOME: home,
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      [CODEX_REHEARSAL_KEY_ENV]: CODEX_REHEARSAL_KEY,
    };
    // exec cannot show approvals (an escalated call is rejected under approval "never"), so
    // the Bash turn asks for the sandbox (`sandbox: true`), which --dangerously-bypass… lifts.
    const run = (args: string[]) =>
      execa(CODEX, ['exec', '--dangerously-bypass-approvals-and-sandbox', ...args], {
        cwd: repo,
        env,
        extendEnv: false,
        timeout: 60_000,
        stdin: 'ignore',
        reject: false,
      });
    const first = await run(['Fix a.txt and commit']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('All done.');
    expect(await readFile(path.join(repo, 'a.txt'), 'utf8')).toBe('fixed\nkept\n');
    expect((await git('log', '--format=%s', '-1')).stdout).toBe('Fix a.txt');
    const main = server.requests('cx').filter((r) => r.kind === 'main');
    expect(main.map((r) => r.turnIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(main[0]?.headers.authorization).toBe(`Bearer ${CODEX_REHEARSAL_KEY}`);
    expect(String(main[0]?.headers['user-agent'])).toContain('0.169.0');

    const second = await run(['resume', '--last', 'Anything else?']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain('Second prompt answered.');
    expect(
      server
        .requests('cx')
        .filter((r) => r.kind === 'main')
        .at(-1)?.turnIndex,
    ).toBe(5);
  });
});
