import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec } from './encryption-codec.js';
import { codecKeyringFromEnv } from './keys.js';

/** The encryption codec when a key is set in `env` (DROVER_CODEC_KEY / DROVER_CODEC_KEYS), else undefined. Throws ConfigError on a bad key. */
export function encryptionCodecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmPayloadCodec | undefined {
  const keyring = codecKeyringFromEnv(env);
  return keyring ? new AesGcmPayloadCodec(keyring) : undefined;
}

/** `dataConverter` for every Client and Worker Drover builds: payload codecs when a key is set, else undefined (the SDK default). */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = encryptionCodecFromEnv(env);
  return codec ? dataConverterWith([codec]) : undefined;
}

export function dataConverterWith(payloadCodecs: PayloadCodec[]): DataConverter | undefined {
  return payloadCodecs.length > 0 ? { payloadCodecs } : undefined;
}

/** One line for a startup log: which key encrypts, which decrypt; never key material. */
export function describeEncryption(env: NodeJS.ProcessEnv = process.env): string {
  const codec = encryptionCodecFromEnv(env);
  if (!codec) return 'payload encryption off (no DROVER_CODEC_KEY / DROVER_CODEC_KEYS)';
  const others = codec.keyIds.filter((id) => id !== codec.encodeKeyId);
  return `payload encryption on: AES-256-GCM with key id ${codec.encodeKeyId}${others.length ? `; also decrypts ${others.join(', ')}` : ''}`;
}
