import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/**
 * The codec-server body: `{ "payloads": [ { "metadata": { key: base64 }, "data": base64 } ] }`,
 * proto3 JSON of `temporal.api.common.v1.Payloads` (what the Web UI and `temporal --codec-endpoint` send).
 */
export const JsonPayloadSchema = z.object({
  metadata: z.record(z.string(), z.base64({ error: 'metadata values must be base64' })).nullish(),
  data: z.base64({ error: 'data must be base64' }).nullish(),
});
export type JsonPayload = z.infer<typeof JsonPayloadSchema>;

export const JsonPayloadsSchema = z.object({
  payloads: z.array(JsonPayloadSchema).max(10_000),
});

export function payloadFromJson(json: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(json.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(json.data ?? '', 'base64')),
  };
}

export function payloadToJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v ?? new Uint8Array()).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}
