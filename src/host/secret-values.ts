import { redactSecrets, redactTokens } from '../domain/identifiers.js';

/**
 * The secret values this worker holds (GitHub token, model API keys, codec key, webhook URL):
 * screen and output tails that go into histories are masked by value too, not only by shape, so
 * a token that does not look like one (an Enterprise or emulator token) is still never recorded.
 */
let known: string[] = [];

/** Values shorter than this are not treated as secrets (they would mask ordinary words). */
const MIN_LENGTH = 12;

const SECRET_ENV = [
  'GITHUB_TOKEN',
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'CURSOR_API_KEY',
  'DROVER_CODEC_KEY',
  'DROVER_CODEC_KEYS',
  'DROVER_WEBHOOK_URL',
  'DROVER_CODEC_AUTH_TOKEN',
];

export function setKnownSecrets(env: NodeJS.ProcessEnv, extra: (string | undefined)[] = []): void {
  known = [...SECRET_ENV.map((name) => env[name]), ...extra].filter(
    (v): v is string => typeof v === 'string' && v.length >= MIN_LENGTH,
  );
}

/** Token shapes and this worker's secret values, masked. */
export function maskSecrets(text: string): string {
  return redactSecrets(redactTokens(text), known);
}
