/**
 * Scans every workflow execution of a namespace (and every schedule's action) for a secret: the
 * whole history as JSON, with bytes shown as base64 (how the server and the CLI print payloads),
 * plus every payload's data decoded to text (after the payload codecs, when the client has any).
 */
import type { Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface SecretHit {
  workflowId: string;
  runId: string;
  /** Where the secret was seen: `raw` (the history JSON), `base64` (inside an encoded payload), `payload` (a decoded payload's text). */
  form: 'raw' | 'base64' | 'payload';
  excerpt: string;
}

export interface ScanReport {
  executions: Array<{ workflowId: string; runId: string; type: string; status: string; events: number }>;
  schedules: string[];
  hits: SecretHit[];
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const bufferJson = (v: unknown): v is { type: 'Buffer'; data: number[] } =>
  typeof v === 'object' &&
  v !== null &&
  (v as { type?: unknown }).type === 'Buffer' &&
  Array.isArray((v as { data?: unknown }).data);

/** The history as JSON with every byte field as a base64 string (Buffer's own toJSON would print a number array). */
export function historyText(history: unknown): string {
  return JSON.stringify(history, (_key, value: unknown) => {
    if (isBytes(value)) return Buffer.from(value).toString('base64');
    if (bufferJson(value)) return Buffer.from(value.data).toString('base64');
    return value;
  });
}

/**
 * The substrings of `base64(prefix + secret)` that depend on the secret's bytes only, for the
 * three alignments a secret can have inside a longer encoded payload.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let k = 0; k < 3; k += 1) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = Math.ceil((k * 8) / 6);
    const end = Math.floor(((k + bytes.length) * 8) / 6);
    forms.push(encoded.slice(start, end));
  }
  return forms.filter((f) => f.length >= 8);
}

/** Every Payload-shaped object (`{ metadata, data }`) inside a value. */
function payloadsIn(value: unknown, out: Payload[] = []): Payload[] {
  if (typeof value !== 'object' || value === null || isBytes(value)) return out;
  if (Array.isArray(value)) {
    for (const v of value) payloadsIn(v, out);
    return out;
  }
  const rec = value as Record<string, unknown>;
  if ('metadata' in rec && 'data' in rec && (isBytes(rec.data) || rec.data == null)) out.push(rec as Payload);
  for (const v of Object.values(rec)) payloadsIn(v, out);
  return out;
}

/** Every payload's data inside `value`, decoded (codecs first) to text, one per line. */
export async function decodedText(value: unknown, codecs: readonly PayloadCodec[] = []): Promise<string> {
  let payloads = payloadsIn(value);
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return payloads.map((p) => (p.data ? Buffer.from(p.data).toString('utf8') : '')).join('\n');
}

function excerptAround(text: string, needle: string): string {
  const at = text.indexOf(needle);
  return text.slice(Math.max(0, at - 60), at + needle.length + 60);
}

/** Where `secret` occurs in one history (or any value holding payloads). */
export async function findSecret(
  value: unknown,
  secret: string,
  codecs: readonly PayloadCodec[] = [],
): Promise<Array<Omit<SecretHit, 'workflowId' | 'runId'>>> {
  const hits: Array<Omit<SecretHit, 'workflowId' | 'runId'>> = [];
  const json = historyText(value);
  if (json.includes(secret)) hits.push({ form: 'raw', excerpt: excerptAround(json, secret) });
  for (const form of base64Forms(secret)) {
    if (json.includes(form)) {
      hits.push({ form: 'base64', excerpt: excerptAround(json, form) });
      break;
    }
  }
  const decoded = await decodedText(value, codecs);
  if (decoded.includes(secret)) hits.push({ form: 'payload', excerpt: excerptAround(decoded, secret) });
  return hits;
}

/**
 * Lists every execution in the client's namespace (open and closed, children and scheduled runs
 * included) and every schedule, fetches each full history / schedule description and reports
 * where `secret` occurs. Executions whose workflow id is in `exclude` are skipped.
 */
export async function scanNamespaceForSecret(
  client: Client,
  secret: string,
  opts: { exclude?: readonly string[] } = {},
): Promise<ScanReport> {
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  const report: ScanReport = { executions: [], schedules: [], hits: [] };
  for await (const wf of client.workflow.list()) {
    if (opts.exclude?.includes(wf.workflowId)) continue;
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    report.executions.push({
      workflowId: wf.workflowId,
      runId: wf.runId,
      type: wf.type,
      status: wf.status.name,
      events: history.events?.length ?? 0,
    });
    for (const hit of await findSecret(
      { history, memo: wf.memo, searchAttributes: wf.searchAttributes },
      secret,
      codecs,
    ))
      report.hits.push({ workflowId: wf.workflowId, runId: wf.runId, ...hit });
  }
  for await (const s of client.schedule.list()) {
    report.schedules.push(s.scheduleId);
    const description = await client.schedule.getHandle(s.scheduleId).describe();
    for (const hit of await findSecret(description, secret, codecs))
      report.hits.push({ workflowId: `schedule:${s.scheduleId}`, runId: '', ...hit });
  }
  return report;
}
