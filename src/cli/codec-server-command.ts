import type { Command } from 'commander';
import { z } from 'zod';
import { encryptionCodecFromEnv } from '../codec/data-converter.js';
import { startCodecServer } from '../codec/codec-server.js';
import { loadConfig } from '../config/config.js';
import { TcpPortSchema } from '../config/config-schema.js';
import { CliError } from './context.js';

const OptionsSchema = z.object({
  port: z.string().regex(/^\d+$/, { error: 'must be a TCP port number' }).transform(Number).pipe(TcpPortSchema),
  host: z.string().min(1),
  corsOrigin: z.array(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })).optional(),
});

/** The Web UI origins allowed by default: the configured Web UI URL, and the dev server's UI on localhost. */
function defaultOrigins(): string[] {
  const origins = ['http://localhost:8233'];
  try {
    origins.unshift(new URL(loadConfig().temporal.webUiUrl).origin);
  } catch {
    // no usable config: the localhost default alone
  }
  return [...new Set(origins)];
}

async function runCodecServer(raw: unknown): Promise<void> {
  const parsed = OptionsSchema.safeParse(raw);
  if (!parsed.success)
    throw new CliError(
      parsed.error.issues
        .map((i) => `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${i.message}`)
        .join('; '),
    );
  const opts = parsed.data;
  const codec = encryptionCodecFromEnv(process.env);
  if (!codec)
    throw new CliError(
      'the codec server needs the payload keys: set DROVER_CODEC_KEY (or DROVER_CODEC_KEYS), the same as the workers',
    );
  const authToken = process.env.DROVER_CODEC_AUTH_TOKEN?.trim() || undefined;
  const corsOrigins = opts.corsOrigin ?? defaultOrigins();
  const server = await startCodecServer({
    codec,
    port: opts.port,
    host: opts.host,
    corsOrigins,
    authToken,
    log: (line) => console.error(line),
  });
  console.log(
    `codec server on http://${opts.host}:${server.port} (POST /encode, /decode): encrypts with key id ${codec.encodeKeyId}, decrypts ${codec.keyIds.join(', ')}`,
  );
  console.log(
    `CORS origins: ${corsOrigins.join(', ')}; ${authToken ? 'requests need Authorization: Bearer <DROVER_CODEC_AUTH_TOKEN>' : 'no Authorization check (DROVER_CODEC_AUTH_TOKEN unset): keep it on a trusted network'}`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve, resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description(
      'HTTP codec server (POST /encode, /decode) so the Temporal Web UI and CLI can show encrypted payloads decrypted',
    )
    .option('--port <port>', 'port to listen on', '8888')
    .option('--host <host>', 'address to bind (0.0.0.0 in a container)', '127.0.0.1')
    .option(
      '--cors-origin <url...>',
      'Web UI origin(s) allowed to call it (default: the configured Web UI URL and http://localhost:8233)',
    )
    .action((opts: unknown) => runCodecServer(opts));
}
