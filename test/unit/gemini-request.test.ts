import { describe, expect, it } from 'vitest';
import {
  classifyGeminiRequest,
  countModelTurns,
  geminiRequestSchema,
  lastFunctionResponse,
  parseGeminiPath,
} from '../../src/rehearsal/gemini-request.js';
import { toGeminiCall } from '../../src/rehearsal/gemini-tools.js';

const req = (value: unknown) => geminiRequestSchema.parse(value);
const tools = [{ functionDeclarations: [{ name: 'run_shell_command' }] }];

describe('Gemini request reading', () => {
  it('parses Gemini paths and leaves other APIs alone', () => {
    expect(parseGeminiPath('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse')).toEqual({
      apiVersion: 'v1beta',
      model: 'gemini-2.5-pro',
      method: 'streamGenerateContent',
    });
    expect(parseGeminiPath('/v1beta/models')).toEqual({ apiVersion: 'v1beta', model: undefined });
    expect(parseGeminiPath('/v1/messages')).toBeUndefined();
    expect(parseGeminiPath('/v1/models')).toBeUndefined();
    expect(parseGeminiPath('/v1/responses')).toBeUndefined();
  });

  it('counts model turns with output; thoughts and empty model contents do not count; a run counts once', () => {
    const contents = [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'thinking…', thought: true }] },
      { role: 'model', parts: [{ functionCall: { name: 'run_shell_command', args: {} } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'run_shell_command', response: { output: 'Output: ok' } } }],
      },
      { role: 'model', parts: [{ text: 'a' }] },
      { role: 'model', parts: [{ text: 'b' }] },
      { role: 'user', parts: [{ text: 'next' }] },
      { role: 'model', parts: [] },
    ];
    expect(countModelTurns(req({ contents }))).toBe(2);
    expect(lastFunctionResponse(req({ contents: contents.slice(0, 4) }))).toBe('Output: ok');
    expect(lastFunctionResponse(req({ contents: contents.slice(0, 7) }))).toBeUndefined();
  });

  it('main = streamed with tools and no JSON format; the rest is side', () => {
    expect(classifyGeminiRequest('streamGenerateContent', req({ contents: [], tools }))).toBe('main');
    expect(classifyGeminiRequest('generateContent', req({ contents: [], tools }))).toBe('side');
    expect(classifyGeminiRequest('streamGenerateContent', req({ contents: [] }))).toBe('side');
    expect(
      classifyGeminiRequest(
        'streamGenerateContent',
        req({ contents: [], tools, generationConfig: { responseMimeType: 'application/json' } }),
      ),
    ).toBe('side');
  });

  it('maps claude tool names to gemini-cli tools and passes unknown names through', () => {
    expect(toGeminiCall({ tool: 'Bash', input: { command: 'ls', description: 'List' } })).toEqual({
      name: 'run_shell_command',
      args: { command: 'ls', description: 'List' },
    });
    expect(toGeminiCall({ tool: 'Write', input: { file_path: 'a', content: 'x' } })).toEqual({
      name: 'write_file',
      args: { file_path: 'a', content: 'x' },
    });
    expect(toGeminiCall({ tool: 'Read', input: { file_path: 'a' } })).toEqual({
      name: 'read_file',
      args: { file_path: 'a' },
    });
    expect(
      toGeminiCall({ tool: 'Edit', input: { file_path: 'a', old_string: 'x', new_string: 'y', replace_all: true } })
        .args,
    ).toMatchObject({ old_string: 'x', new_string: 'y', allow_multiple: true, instruction: expect.any(String) });
    expect(toGeminiCall({ tool: 'list_directory', input: { dir_path: '.' } })).toEqual({
      name: 'list_directory',
      args: { dir_path: '.' },
    });
  });
});
