import type { Payload } from '@temporalio/common';

/**
 * The protobuf wire form of `temporal.api.common.v1.Payload` (field 1 `map<string, bytes> metadata`,
 * field 2 `bytes data`), the plaintext Drover's codec encrypts. Byte-compatible with
 * `Payload.encode()` of `@temporalio/proto`, so codecs in other SDKs built on the same layout
 * (Temporal's encryption samples) read Drover's payloads and the other way round.
 */

export class PayloadFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadFormatError';
  }
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(bytes.length)]), bytes]);
}

export function encodePayloadProto(payload: Payload): Uint8Array {
  if (payload.externalPayloads && payload.externalPayloads.length > 0) {
    throw new PayloadFormatError('payloads stored externally (externalPayloads) cannot be encrypted by Drover’s codec');
  }
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    const entry = Buffer.concat([
      lengthDelimited(1, Buffer.from(key, 'utf8')),
      lengthDelimited(2, value ?? new Uint8Array()),
    ]);
    parts.push(lengthDelimited(1, entry));
  }
  if (payload.data && payload.data.length > 0) parts.push(lengthDelimited(2, payload.data));
  return new Uint8Array(Buffer.concat(parts));
}

class Reader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.bytes.length;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw new PayloadFormatError('truncated varint');
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw new PayloadFormatError('varint too long');
  }

  take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw new PayloadFormatError('truncated field');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** The next field: its number, and its bytes when length-delimited (other wire types are skipped). */
  field(): { number: number; bytes?: Uint8Array } {
    const tag = this.varint();
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 2) return { number, bytes: this.take(this.varint()) };
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.take(8);
    else if (wireType === 5) this.take(4);
    else throw new PayloadFormatError(`unsupported wire type ${wireType}`);
    return { number };
  }
}

export function decodePayloadProto(bytes: Uint8Array): Payload {
  const reader = new Reader(bytes);
  const metadata: Record<string, Uint8Array> = {};
  let data = new Uint8Array();
  while (!reader.done()) {
    const field = reader.field();
    if (field.number === 1 && field.bytes) {
      const entry = new Reader(field.bytes);
      let key = '';
      let value = new Uint8Array();
      while (!entry.done()) {
        const part = entry.field();
        if (part.number === 1 && part.bytes) key = Buffer.from(part.bytes).toString('utf8');
        else if (part.number === 2 && part.bytes) value = new Uint8Array(part.bytes);
      }
      metadata[key] = value;
    } else if (field.number === 2 && field.bytes) {
      data = new Uint8Array(field.bytes);
    }
  }
  return { metadata, data };
}
