import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { CodecKeyring } from './keys.js';
import { decodePayloadProto, encodePayloadProto } from './payload-proto.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const METADATA_ENCODING = 'encoding';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/**
 * AES-256-GCM over each whole payload (metadata and data, in protobuf form). The result's data is
 * `iv (12) ‖ ciphertext ‖ tag (16)`, its metadata `encoding: binary/encrypted` and
 * `encryption-key-id: <id>`: the layout of Temporal's encryption samples. Decoding leaves payloads
 * that are not encrypted as they are, so histories written before encryption was switched on
 * stay readable.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: CodecKeyring) {}

  get encodeKeyId(): string {
    return this.keyring.encodeKeyId;
  }

  get keyIds(): string[] {
    return [...this.keyring.keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.keyring.encodeKeyId;
    const key = this.keyring.keys.get(id);
    if (!key) throw new Error(`no key with id ${id} in the codec keyring`);
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([
        iv,
        cipher.update(encodePayloadProto(payload)),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return {
        metadata: {
          [METADATA_ENCODING]: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(id),
        },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload, index) => this.decodeOne(payload, index));
  }

  private decodeOne(payload: Payload, index: number): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING]) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const where = `encrypted payload ${index}`;
    if (!id) throw new PayloadDecryptionError(`${where} has no ${KEY_ID_METADATA} metadata`);
    const key = this.keyring.keys.get(id);
    if (!key) {
      throw new PayloadDecryptionError(
        `${where} was encrypted with key id ${JSON.stringify(id)}, which is not among this process's keys (${this.keyIds.join(', ')}); ` +
          'add it to DROVER_CODEC_KEYS (<id>:<base64>, the first entry encrypts)',
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`${where} (key id ${id}) is too short to be AES-GCM data`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `${where} does not decrypt with key id ${JSON.stringify(id)}: authentication failed (a different key under that id, or altered data)`,
      );
    }
    return decodePayloadProto(plain);
  }
}
