import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { agentBaseEnv } from '../../src/host/agent-home/agent-env.js';
import { dataConverterFromEnv, describeEncryption, encryptionCodecFromEnv } from '../../src/codec/data-converter.js';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec/encryption-codec.js';
import { codecKeyringFromEnv } from '../../src/codec/keys.js';
import { decodePayloadProto, encodePayloadProto } from '../../src/codec/payload-proto.js';
import { ConfigError } from '../../src/config/config.js';

const newKey = () => randomBytes(32).toString('base64');
const codecFor = (env: NodeJS.ProcessEnv) => {
  const codec = encryptionCodecFromEnv(env);
  if (!codec) throw new Error('expected a codec');
  return codec;
};
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const SECRET = 'the objective: fix calc.js, token-looking-marker-7f3a';

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('payload protobuf form', () => {
  const samples: Payload[] = [
    defaultPayloadConverter.toPayload({ objective: SECRET, n: 3 }),
    defaultPayloadConverter.toPayload(undefined),
    defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
    { metadata: { encoding: Buffer.from('json/plain'), 'x-long': randomBytes(300) }, data: randomBytes(70_000) },
  ];

  it('is byte-identical to @temporalio/proto Payload.encode and decodes back', () => {
    for (const payload of samples) {
      const ours = encodePayloadProto(payload);
      const theirs = proto.temporal.api.common.v1.Payload.encode(payload).finish();
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      const back = decodePayloadProto(ours);
      expect(Buffer.from(back.data!).equals(Buffer.from(payload.data ?? []))).toBe(true);
      expect(Object.keys(back.metadata!).sort()).toEqual(Object.keys(payload.metadata ?? {}).sort());
      const decodedByProto = proto.temporal.api.common.v1.Payload.decode(ours);
      expect(text(decodedByProto.metadata.encoding)).toBe(text(payload.metadata?.encoding));
    }
  });

  it('rejects truncated input', () => {
    const bytes = encodePayloadProto(samples[0]!);
    expect(() => decodePayloadProto(bytes.subarray(0, bytes.length - 3))).toThrow(/truncated/);
  });
});

describe('AES-256-GCM payload codec', () => {
  const env = { DROVER_CODEC_KEY: newKey(), DROVER_CODEC_KEY_ID: 'k2026' };

  it('round-trips payloads: ciphertext carries the encoding and key id, never the plaintext', async () => {
    const codec = codecFor(env);
    const payloads = [
      defaultPayloadConverter.toPayload({ objective: SECRET }),
      defaultPayloadConverter.toPayload(null),
      defaultPayloadConverter.toPayload('x'),
    ];
    const encoded = await codec.encode(payloads);
    expect(encoded).toHaveLength(3);
    for (const payload of encoded) {
      expect(text(payload.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(payload.metadata?.[KEY_ID_METADATA])).toBe('k2026');
      expect(Object.keys(payload.metadata!)).toEqual(['encoding', KEY_ID_METADATA]);
    }
    expect(Buffer.from(encoded[0]!.data!).includes(Buffer.from('marker'))).toBe(false);
    expect(Buffer.from(encoded[0]!.data!).includes(Buffer.from('json/plain'))).toBe(false);
    // a fresh IV per payload: the same value twice gives different ciphertexts
    const [a, b] = await codec.encode([payloads[2]!, payloads[2]!]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    const decoded = await codec.decode(encoded);
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual({ objective: SECRET });
    expect(defaultPayloadConverter.fromPayload(decoded[1]!)).toBeNull();
    expect(defaultPayloadConverter.fromPayload(decoded[2]!)).toBe('x');
    expect(await codec.decode(await codec.encode([]))).toEqual([]);
  });

  it('leaves payloads that are not encrypted as they are (history from before encryption was switched on)', async () => {
    const plain = defaultPayloadConverter.toPayload({ before: 'encryption' });
    const [out] = await codecFor(env).decode([plain]);
    expect(out).toBe(plain);
  });

  it('a different key under the same id fails with a clear message', async () => {
    const encoded = await codecFor(env).encode([defaultPayloadConverter.toPayload(SECRET)]);
    const other = codecFor({ DROVER_CODEC_KEY: newKey(), DROVER_CODEC_KEY_ID: 'k2026' });
    await expect(other.decode(encoded)).rejects.toThrow(
      /encrypted payload 0 does not decrypt with key id "k2026": authentication failed/,
    );
  });

  it('an unknown key id names it and says how to add it', async () => {
    const encoded = await codecFor(env).encode([defaultPayloadConverter.toPayload(SECRET)]);
    const other = codecFor({ DROVER_CODEC_KEY: newKey() });
    await expect(other.decode(encoded)).rejects.toThrow(
      /key id "k2026", which is not among this process's keys \(default\); add it to DROVER_CODEC_KEYS/,
    );
  });

  it('tampered ciphertext, IV, tag or a truncated payload fail authentication', async () => {
    const codec = codecFor(env);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload({ objective: SECRET })]);
    const data = Buffer.from(encoded!.data!);
    for (const at of [0, 12, 20, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[at]! ^= 0x01;
      await expect(codec.decode([{ ...encoded, data: tampered }])).rejects.toThrow(/authentication failed/);
    }
    await expect(codec.decode([{ ...encoded, data: data.subarray(0, 20) }])).rejects.toThrow(/too short/);
    await expect(codec.decode([{ metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) }, data }])).rejects.toThrow(
      /no encryption-key-id/,
    );
  });

  it('key rotation: DROVER_CODEC_KEYS encrypts with the first key and still decrypts the old one', async () => {
    const oldKey = newKey();
    const before = await codecFor({ DROVER_CODEC_KEY: oldKey, DROVER_CODEC_KEY_ID: 'old' }).encode([
      defaultPayloadConverter.toPayload('written before rotation'),
    ]);
    const rotated = codecFor({ DROVER_CODEC_KEYS: `new:${newKey()}, old:${oldKey}` });
    expect(rotated.encodeKeyId).toBe('new');
    expect(rotated.keyIds).toEqual(['new', 'old']);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode(before))[0]!)).toBe('written before rotation');
    const after = await rotated.encode([defaultPayloadConverter.toPayload('written after')]);
    expect(text(after[0]!.metadata?.[KEY_ID_METADATA])).toBe('new');
    // a process that only has the old key cannot read the new payloads
    await expect(codecFor({ DROVER_CODEC_KEY: oldKey, DROVER_CODEC_KEY_ID: 'old' }).decode(after)).rejects.toThrow(
      /key id "new"/,
    );
  });
});

describe('codec keys from the environment', () => {
  it('no key: encryption off, no data converter', () => {
    expect(codecKeyringFromEnv({})).toBeUndefined();
    expect(codecKeyringFromEnv({ DROVER_CODEC_KEY: '  ' })).toBeUndefined();
    expect(dataConverterFromEnv({})).toBeUndefined();
    expect(describeEncryption({})).toMatch(/payload encryption off/);
  });

  it('a key: a data converter with the codec, and a log line without key material', () => {
    const key = newKey();
    const converter = dataConverterFromEnv({ DROVER_CODEC_KEY: key });
    expect(converter?.payloadCodecs).toHaveLength(1);
    expect(converter?.payloadCodecs?.[0]).toBeInstanceOf(AesGcmPayloadCodec);
    const line = describeEncryption({ DROVER_CODEC_KEYS: `a:${key},b:${newKey()}` });
    expect(line).toBe('payload encryption on: AES-256-GCM with key id a; also decrypts b');
    expect(line).not.toContain(key);
  });

  it('bad keys are refused naming the variable, never echoing the value', () => {
    const short = randomBytes(16).toString('base64');
    const cases: Array<[NodeJS.ProcessEnv, RegExp, string?]> = [
      [
        { DROVER_CODEC_KEY: short },
        /DROVER_CODEC_KEY must be 32 bytes in standard base64 .* decodes to 16 bytes \(the value is not shown\)/,
        short,
      ],
      [
        { DROVER_CODEC_KEY: 'not base64 at all!' },
        /DROVER_CODEC_KEY must be 32 bytes .* not valid base64/,
        'not base64 at all!',
      ],
      [{ DROVER_CODEC_KEY: newKey(), DROVER_CODEC_KEY_ID: 'bad id' }, /DROVER_CODEC_KEY_ID must be 1-64 characters/],
      [{ DROVER_CODEC_KEY_ID: 'k1' }, /DROVER_CODEC_KEY_ID is set but DROVER_CODEC_KEY is not/],
      [
        { DROVER_CODEC_KEY: newKey(), DROVER_CODEC_KEYS: `a:${newKey()}` },
        /DROVER_CODEC_KEY and DROVER_CODEC_KEYS are both set/,
      ],
      [{ DROVER_CODEC_KEYS: `a:${newKey()},b:${short}` }, /DROVER_CODEC_KEYS entry 2 \(b\) must be 32 bytes/, short],
      [{ DROVER_CODEC_KEYS: `a:${newKey()},a:${newKey()}` }, /entry 2: key id "a" appears twice/],
      [{ DROVER_CODEC_KEYS: newKey() }, /DROVER_CODEC_KEYS entry 1 must be <id>:<base64 key>/],
    ];
    for (const [env, pattern, hidden] of cases) {
      const message = configError(() => codecKeyringFromEnv(env));
      expect(message).toMatch(pattern);
      for (const value of [hidden, env.DROVER_CODEC_KEY, env.DROVER_CODEC_KEYS].filter((v): v is string =>
        Boolean(v),
      )) {
        expect(message).not.toContain(value);
      }
    }
  });

  it('agents get the codec keys (so `drover report` can read encrypted results) but no other secrets', () => {
    const key = newKey();
    const env = agentBaseEnv(
      {
        PATH: '/usr/bin',
        DROVER_CODEC_KEY: key,
        DROVER_CODEC_KEY_ID: 'k',
        GITHUB_TOKEN: 'ghp_x',
        DROVER_CODEC_AUTH_TOKEN: 'tok',
      },
      [],
    );
    expect(env.DROVER_CODEC_KEY).toBe(key);
    expect(env.DROVER_CODEC_KEY_ID).toBe('k');
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(env.DROVER_CODEC_AUTH_TOKEN).toBeUndefined();
  });
});
