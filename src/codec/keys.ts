import { z } from 'zod';
import { ConfigError } from '../config/config-sources.js';

/**
 * Payload encryption keys, from the environment only (never the config file, never a workflow
 * payload). Either one key:
 *
 *   DROVER_CODEC_KEY=<base64 of 32 random bytes>   (`openssl rand -base64 32`)
 *   DROVER_CODEC_KEY_ID=<id>                        (optional, default `default`)
 *
 * or, to rotate, several (the first encrypts, all decrypt):
 *
 *   DROVER_CODEC_KEYS=<id>:<base64>,<id>:<base64>
 *
 * Setting both forms is refused. Error messages name the variable, never the value.
 */

export const CODEC_KEY_ENV_NAMES = ['DROVER_CODEC_KEY', 'DROVER_CODEC_KEY_ID', 'DROVER_CODEC_KEYS'] as const;
export const DEFAULT_KEY_ID = 'default';
const KEY_BYTES = 32;

export const KeyIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  error: 'must be 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit',
});

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface CodecKeyring {
  /** Id of the key new payloads are encrypted with. */
  encodeKeyId: string;
  /** Every key that can decrypt, by id (includes the encoding key). */
  keys: ReadonlyMap<string, Buffer>;
}

const NOT_SHOWN = 'the value is not shown';

function parseKey(value: string, where: string, issues: string[]): Buffer | undefined {
  if (!BASE64.test(value)) {
    issues.push(
      `${where} must be ${KEY_BYTES} bytes in standard base64 (e.g. \`openssl rand -base64 32\`); it is not valid base64 (${NOT_SHOWN})`,
    );
    return undefined;
  }
  const key = Buffer.from(value, 'base64');
  if (key.length !== KEY_BYTES) {
    issues.push(
      `${where} must be ${KEY_BYTES} bytes in standard base64 (e.g. \`openssl rand -base64 32\`); it decodes to ${key.length} bytes (${NOT_SHOWN})`,
    );
    return undefined;
  }
  return key;
}

function parseId(value: string, where: string, issues: string[]): string | undefined {
  const parsed = KeyIdSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  issues.push(`${where} ${parsed.error.issues[0]?.message ?? 'is invalid'} (got ${JSON.stringify(value)})`);
  return undefined;
}

function fromKeyList(list: string, issues: string[]): CodecKeyring | undefined {
  const keys = new Map<string, Buffer>();
  const entries = list.split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    const where = `DROVER_CODEC_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      issues.push(`${where} must be <id>:<base64 key> (${NOT_SHOWN})`);
      return;
    }
    const id = parseId(entry.slice(0, colon), `${where}: the key id`, issues);
    const key = parseKey(entry.slice(colon + 1), `${where}${id ? ` (${id})` : ''}`, issues);
    if (id && keys.has(id)) issues.push(`${where}: key id ${JSON.stringify(id)} appears twice`);
    else if (id && key) keys.set(id, key);
  });
  const first = entries[0]?.slice(0, Math.max(0, entries[0].indexOf(':')));
  if (issues.length > 0 || !first) return undefined;
  return { encodeKeyId: first, keys };
}

/**
 * The keyring from the environment; `undefined` when no key is set (encryption off). Empty values
 * count as unset. Throws ConfigError naming each bad variable, never echoing a key.
 */
export function codecKeyringFromEnv(env: NodeJS.ProcessEnv): CodecKeyring | undefined {
  const value = (name: (typeof CODEC_KEY_ENV_NAMES)[number]) => env[name]?.trim() || undefined;
  const single = value('DROVER_CODEC_KEY');
  const singleId = value('DROVER_CODEC_KEY_ID');
  const list = value('DROVER_CODEC_KEYS');
  const issues: string[] = [];
  let keyring: CodecKeyring | undefined;
  if (single && list) {
    issues.push(
      'DROVER_CODEC_KEY and DROVER_CODEC_KEYS are both set; use DROVER_CODEC_KEYS alone to list several keys (the first encrypts)',
    );
  } else if (list) {
    if (singleId)
      issues.push(
        'DROVER_CODEC_KEY_ID goes with DROVER_CODEC_KEY; with DROVER_CODEC_KEYS each entry carries its id (<id>:<base64>)',
      );
    keyring = fromKeyList(list, issues);
  } else if (single) {
    const id = parseId(singleId ?? DEFAULT_KEY_ID, 'DROVER_CODEC_KEY_ID', issues);
    const key = parseKey(single, 'DROVER_CODEC_KEY', issues);
    if (id && key) keyring = { encodeKeyId: id, keys: new Map([[id, key]]) };
  } else if (singleId) {
    issues.push('DROVER_CODEC_KEY_ID is set but DROVER_CODEC_KEY is not; set the key too, or unset the id');
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return keyring;
}
