import { z } from 'zod';

/**
 * The parts of a Gemini API `generateContent` / `streamGenerateContent` request body the model
 * server reads. Loose: gemini-cli 0.61.0 also sends `generationConfig.thinkingConfig`,
 * `toolConfig`… which are ignored.
 */
export const geminiPartSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z
    .looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).optional(), id: z.string().optional() })
    .optional(),
  functionResponse: z
    .looseObject({
      name: z.string().optional(),
      id: z.string().optional(),
      response: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

export const geminiContentSchema = z.looseObject({
  role: z.string().optional(),
  parts: z.array(geminiPartSchema).default([]),
});

export const geminiRequestSchema = z.looseObject({
  contents: z.array(geminiContentSchema).default([]),
  systemInstruction: z.unknown().optional(),
  tools: z
    .array(z.looseObject({ functionDeclarations: z.array(z.looseObject({ name: z.string() })).optional() }))
    .optional(),
  generationConfig: z
    .looseObject({
      responseMimeType: z.string().optional(),
      responseJsonSchema: z.unknown().optional(),
      responseSchema: z.unknown().optional(),
    })
    .optional(),
});

export type GeminiPart = z.infer<typeof geminiPartSchema>;
export type GeminiContent = z.infer<typeof geminiContentSchema>;
export type GeminiRequest = z.infer<typeof geminiRequestSchema>;

/** `generateContent`, `streamGenerateContent`, `countTokens`… as in `/v1beta/models/<model>:<method>`. */
export interface GeminiEndpoint {
  apiVersion: string;
  /** Undefined for the `models` listing. */
  model?: string;
  method?: string;
}

// `models/<model>:<method>` is Gemini-only syntax; a plain `models` listing is claimed only under
// v1beta/v1alpha, so `/v1/models` stays free for other APIs (OpenAI-style).
const MODEL_METHOD = /^\/(v1(?:alpha|beta)?)\/models\/([^/:]+):([A-Za-z]+)$/;
const MODELS = /^\/(v1(?:alpha|beta))\/models(?:\/([^/:]+))?$/;

/** The Gemini API endpoint a route subpath addresses (query stripped), or undefined. */
export function parseGeminiPath(subpath: string): GeminiEndpoint | undefined {
  const clean = (subpath.split('?')[0] ?? '').replace(/\/+$/, '');
  const call = MODEL_METHOD.exec(clean);
  if (call) return { apiVersion: call[1] ?? 'v1beta', model: decodeURIComponent(call[2] ?? ''), method: call[3] };
  const list = MODELS.exec(clean);
  if (list)
    return { apiVersion: list[1] ?? 'v1beta', model: list[2] === undefined ? undefined : decodeURIComponent(list[2]) };
  return undefined;
}

/** The tools the request declares, by name. */
export function declaredTools(request: GeminiRequest): string[] {
  return (request.tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map((fd) => fd.name));
}

/**
 * Observed with gemini-cli 0.61.0: the conversation is always `streamGenerateContent` with the
 * full tool list and no JSON response format. Its helpers — the model router ("complexity
 * score"), the next-speaker check, loop detection, the edit corrector, context snapshots —
 * use `generateContent` with `responseMimeType: application/json` and a schema, or no tools.
 */
export function classifyGeminiRequest(method: string, request: GeminiRequest): 'main' | 'side' {
  const wantsJson =
    request.generationConfig?.responseMimeType === 'application/json' ||
    request.generationConfig?.responseJsonSchema !== undefined;
  return method === 'streamGenerateContent' && declaredTools(request).length > 0 && !wantsJson ? 'main' : 'side';
}

/** Parts that are model output the user saw (not thoughts). */
function isModelOutput(content: GeminiContent): boolean {
  return content.parts.some(
    (part) =>
      part.thought !== true && (part.functionCall !== undefined || (part.text !== undefined && part.text !== '')),
  );
}

/**
 * How many model turns the conversation already holds: runs of `model` contents with real
 * output (text or function calls), each ended by a `user` content. Stateless, so a resumed
 * session or a retried request is served the same turn again.
 */
export function countModelTurns(request: GeminiRequest): number {
  let turns = 0;
  let inModelRun = false;
  for (const content of request.contents) {
    if (content.role === 'model') {
      if (!inModelRun && isModelOutput(content)) {
        turns += 1;
        inModelRun = true;
      }
    } else {
      inModelRun = false;
    }
  }
  return turns;
}

function responseText(response: Record<string, unknown> | undefined): string {
  if (response === undefined) return '';
  const value = response.output ?? response.error ?? response.content ?? response;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The function responses in the last user content, joined; undefined when there are none. */
export function lastFunctionResponse(request: GeminiRequest): string | undefined {
  const last = [...request.contents].reverse().find((content) => content.role !== 'model');
  if (last === undefined) return undefined;
  const results = last.parts.filter((part) => part.functionResponse !== undefined);
  if (results.length === 0) return undefined;
  return results.map((part) => responseText(part.functionResponse?.response)).join('\n');
}

/** The response JSON schema a side request asks for, if any. */
export function requestedSchema(request: GeminiRequest): unknown {
  return request.generationConfig?.responseJsonSchema ?? request.generationConfig?.responseSchema;
}
