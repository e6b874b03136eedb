/** GitHub's own REST response schemas (`@octokit/openapi`, dereferenced) as ajv validators, for contract tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { projectRoot } from '../../src/config/config.js';

interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
}

let spec: Spec | undefined;
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
const compiled = new Map<string, ValidateFunction>();

/**
 * OpenAPI 3.0's `nullable` as ajv needs it: without a `type` (e.g. `nullable` + `oneOf`) it becomes
 * `anyOf [schema, null]`, and a nullable `enum` admits null (GitHub does send `start_side: null`).
 */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = normalize(v);
  if (out.nullable !== true) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  if (out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

function load(): Spec {
  spec ??= JSON.parse(
    readFileSync(path.join(projectRoot(), 'node_modules/@octokit/openapi/generated/api.github.com.deref.json'), 'utf8'),
  ) as Spec;
  return spec;
}

/** The operation's response schema for `status`; throws when the spec has no such operation. */
export function responseValidator(route: string, method: string, status: number): ValidateFunction {
  const k = `${method} ${route} ${status}`;
  let v = compiled.get(k);
  if (!v) {
    const schema =
      load().paths[route]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`no ${status} JSON response for ${method} ${route} in GitHub's OpenAPI description`);
    v = ajv.compile(normalize(schema) as object);
    compiled.set(k, v);
  }
  return v;
}

/** Schema violations, each naming the field (`/head/sha must be string`); empty when the body conforms. */
export function schemaErrors(route: string, method: string, status: number, body: unknown): string[] {
  const validate = responseValidator(route, method, status);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}
