import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAgentBinary } from '../../src/host/agent-home/agent-env.js';
import { projectRoot } from '../../src/config/config.js';
import { rehearsalGeminiEnv, seedGeminiHome } from '../../src/host/agent-home/gemini-home.js';
import { startModelServer, type ModelServer } from '../../src/rehearsal/model-server.js';

/** The Gemini API adapter of the scripted model server: protocol tests, then the real gemini CLI (`-p`). */
let server: ModelServer;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-ms-gemini-'));
  server = await startModelServer({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const TOOLS = [
  {
    functionDeclarations: [
      { name: 'run_shell_command' },
      { name: 'write_file' },
      { name: 'read_file' },
      { name: 'replace' },
    ],
  },
];
const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const model = (parts: unknown[]) => ({ role: 'model', parts });
const call = (name: string, args: unknown) => model([{ functionCall: { name, args } }]);
const result = (name: string, output: string) => ({
  role: 'user',
  parts: [{ functionResponse: { name, response: { output } } }],
});

async function post(route: string, method: string, body: unknown, mdl = 'gemini-2.5-pro'): Promise<Response> {
  const query = method === 'streamGenerateContent' ? '?alt=sse' : '';
  return fetch(`${server.routeUrl(route)}/v1beta/models/${mdl}:${method}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function sseData(text: string): Record<string, unknown>[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>);
}

type Candidate = { content: { parts: Record<string, unknown>[] }; finishReason?: string };
const partsOf = (chunks: Record<string, unknown>[]) =>
  chunks.flatMap((c) => (c.candidates as Candidate[])[0]!.content.parts);

describe('Gemini API protocol', () => {
  const scenario = {
    turns: [
      { text: 'Looking.', tool: 'Bash', input: { command: 'cat calc.js', description: 'Show calc.js' } },
      {
        expectToolResult: 'a - b',
        tool: 'Edit',
        input: { file_path: 'calc.js', old_string: 'a - b', new_string: 'a + b' },
      },
      { text: 'A long final text that is streamed in more than one piece, to check the chunking.\nORCHESTRATOR:DONE' },
    ],
  };

  it('streams a tool turn as SSE: text, then a whole functionCall mapped to gemini names, STOP on the last chunk', async () => {
    server.setScenario('p1', scenario);
    const res = await post('p1', 'streamGenerateContent', { contents: [user('fix it')], tools: TOOLS });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const chunks = sseData(await res.text());
    expect(partsOf(chunks)).toEqual([
      { text: 'Looking.' },
      {
        functionCall: {
          id: 'toolu_p1_0',
          name: 'run_shell_command',
          args: { command: 'cat calc.js', description: 'Show calc.js' },
        },
      },
    ]);
    expect((chunks.at(-1)!.candidates as Candidate[])[0]!.finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: expect.any(Number) });
    expect(server.requests('p1')[0]).toMatchObject({ kind: 'main', turnIndex: 0, reply: { stopReason: 'tool_use' } });
  });

  it('serves the turn counted from model contents; Edit becomes replace with an instruction; expectToolResult checks functionResponse', async () => {
    const history = [
      user('fix it'),
      call('run_shell_command', { command: 'cat calc.js' }),
      result('run_shell_command', 'return a - b;'),
    ];
    const chunks = sseData(
      await (await post('p1', 'streamGenerateContent', { contents: history, tools: TOOLS })).text(),
    );
    const fc = partsOf(chunks)[0]!.functionCall as { name: string; args: Record<string, unknown> };
    expect(fc.name).toBe('replace');
    expect(fc.args).toMatchObject({
      file_path: 'calc.js',
      old_string: 'a - b',
      new_string: 'a + b',
      instruction: expect.any(String),
    });
    const wrong = [
      user('fix it'),
      call('run_shell_command', { command: 'cat calc.js' }),
      result('run_shell_command', 'nothing here'),
    ];
    const mismatch = partsOf(
      sseData(await (await post('p1', 'streamGenerateContent', { contents: wrong, tools: TOOLS })).text()),
    );
    expect(String(mismatch[0]!.text)).toMatch(/^REHEARSAL MISMATCH at turn 1/);
  });

  it('text turns are chunked; after the last turn: Scenario complete.', async () => {
    const done = [user('x'), call('a', {}), result('a', 'a - b'), call('b', {}), result('b', 'ok')];
    const chunks = sseData(await (await post('p1', 'streamGenerateContent', { contents: done, tools: TOOLS })).text());
    expect(chunks.length).toBeGreaterThan(1);
    expect(
      partsOf(chunks)
        .map((p) => p.text)
        .join(''),
    ).toBe(scenario.turns[2]!.text);
    const after = [...done, model([{ text: 'fin' }]), user('more?')];
    expect(
      partsOf(sseData(await (await post('p1', 'streamGenerateContent', { contents: after, tools: TOOLS })).text())),
    ).toEqual([{ text: 'Scenario complete.' }]);
  });

  it('side requests (JSON schema, no tools) get a schema sample and consume no turn; next_speaker is "user"', async () => {
    server.setScenario('p2', scenario);
    const nextSpeaker = {
      type: 'object',
      properties: { reasoning: { type: 'string' }, next_speaker: { type: 'string', enum: ['model', 'user'] } },
    };
    const res = await post(
      'p2',
      'generateContent',
      {
        contents: [user('who next?')],
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: nextSpeaker },
      },
      'gemini-2.5-flash',
    );
    const body = (await res.json()) as { candidates: Candidate[] };
    expect(JSON.parse(String(body.candidates[0]!.content.parts[0]!.text))).toEqual({
      reasoning: expect.any(String),
      next_speaker: 'user',
    });
    const router = {
      type: 'OBJECT',
      properties: { complexity_reasoning: { type: 'STRING' }, complexity_score: { type: 'INTEGER' } },
    };
    const routed = (await (
      await post('p2', 'generateContent', {
        contents: [user('x')],
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: router },
      })
    ).json()) as { candidates: Candidate[] };
    expect(JSON.parse(String(routed.candidates[0]!.content.parts[0]!.text))).toEqual({
      complexity_reasoning: expect.any(String),
      complexity_score: 1,
    });
    const summary = (await (
      await post('p2', 'generateContent', { contents: [user('Summary (max 80 chars):')] })
    ).json()) as { candidates: Candidate[] };
    expect(summary.candidates[0]!.content.parts[0]!.text).toBe('OK.');
    expect(server.requests('p2').map((r) => r.kind)).toEqual(['side', 'side', 'side']);
    expect(server.requests('p2').every((r) => r.turnIndex === undefined)).toBe(true);
  });

  it('countTokens, models listing, unknown method and unknown route', async () => {
    server.setScenario('p3', { turns: [] });
    expect(await (await post('p3', 'countTokens', { contents: [user('abcd'.repeat(40))] })).json()).toEqual({
      totalTokens: expect.any(Number),
    });
    const list = (await (await fetch(`${server.routeUrl('p3')}/v1beta/models`)).json()) as {
      models: { name: string }[];
    };
    expect(list.models.map((m) => m.name)).toContain('models/gemini-2.5-pro');
    expect((await post('p3', 'embedContent', {})).status).toBe(404);
    const unknown = await post('nope', 'streamGenerateContent', { contents: [] });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
  });
});

describe('the real gemini CLI (0.61.0) against the server, non-interactive', () => {
  const gemini = resolveAgentBinary('gemini', projectRoot(), {});

  async function runGemini(route: string, cwd: string, home: string, args: string[]) {
    return execa(gemini, ['-m', 'gemini-2.5-pro', ...args], {
      cwd,
      env: rehearsalGeminiEnv({ baseUrl: server.routeUrl(route), home }),
      extendEnv: false,
      reject: false,
      timeout: 60_000,
      stdin: 'ignore',
    });
  }

  it('runs Bash, Write, Edit and Read for real (yolo, relative paths) and prints the final text', async () => {
    const cwd = path.join(tmp, 'work-tools');
    const home = path.join(tmp, 'home-tools');
    await mkdir(cwd, { recursive: true });
    await seedGeminiHome(home, { trustedDirs: [cwd] });
    server.setScenario('cli1', {
      turns: [
        { tool: 'Bash', input: { command: 'echo bashwrote > b.txt && cat b.txt', description: 'Write b.txt' } },
        { expectToolResult: 'bashwrote', tool: 'Write', input: { file_path: 'c.txt', content: 'written\n' } },
        { tool: 'Edit', input: { file_path: 'c.txt', old_string: 'written', new_string: 'edited' } },
        { tool: 'Read', input: { file_path: 'c.txt' } },
        { expectToolResult: 'edited', text: 'All done.\nORCHESTRATOR:DONE' },
      ],
    });
    // Non-interactive default mode offers only read-only tools; yolo declares the shell and write tools.
    const run = await runGemini('cli1', cwd, home, ['--approval-mode', 'yolo', '-p', 'Do the scripted thing.']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('ORCHESTRATOR:DONE');
    expect(await readFile(path.join(cwd, 'b.txt'), 'utf8')).toBe('bashwrote\n');
    expect(await readFile(path.join(cwd, 'c.txt'), 'utf8')).toBe('edited\n');
    const main = server.requests('cli1').filter((r) => r.kind === 'main');
    expect(main.map((r) => r.turnIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(main[0]!.headers['x-goog-api-key']).toBe('gemini-rehearsal-key');
    expect(String(main[0]!.headers['user-agent'])).toMatch(/^GeminiCLI[^/]*\/0\.61\.0\//);
  });

  it('--session-id then --resume <id>: the resumed history selects the next turn', async () => {
    const cwd = path.join(tmp, 'work-resume');
    const home = path.join(tmp, 'home-resume');
    await mkdir(cwd, { recursive: true });
    await seedGeminiHome(home, { trustedDirs: [cwd] });
    server.setScenario('cli2', { turns: [{ text: 'First answer.' }, { text: 'Second answer.' }] });
    const id = randomUUID();
    const first = await runGemini('cli2', cwd, home, ['--session-id', id, '-p', 'one']);
    expect(first.stdout, first.stderr).toContain('First answer.');
    const again = await runGemini('cli2', cwd, home, ['--session-id', id, '-p', 'two']);
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain('already exists');
    const resumed = await runGemini('cli2', cwd, home, ['--resume', id, '-p', 'two']);
    expect(resumed.stdout, resumed.stderr).toContain('Second answer.');
  });

  it('an unparsable settings.json (crashOnStart) makes every start exit 52 before any request', async () => {
    const cwd = path.join(tmp, 'work-crash');
    const home = path.join(tmp, 'home-crash');
    await mkdir(cwd, { recursive: true });
    await seedGeminiHome(home, { trustedDirs: [cwd], crashOnStart: true });
    server.setScenario('cli3', { turns: [{ text: 'never' }] });
    const run = await runGemini('cli3', cwd, home, ['-p', 'hello']);
    expect(run.exitCode).toBe(52);
    expect(`${run.stdout}\n${run.stderr}`).toContain('Please fix the configuration file(s) and try again.');
    expect(server.requests('cli3')).toHaveLength(0);
  });
});
