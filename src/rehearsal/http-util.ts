import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a request body as UTF-8, refusing bodies over `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const piece of req) {
    const buffer = typeof piece === 'string' ? Buffer.from(piece) : (piece as Buffer);
    size += buffer.length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Writes SSE frames one by one and ends the response. */
export async function sendSse(
  res: ServerResponse,
  frames: string[],
  headers: Record<string, string> = {},
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  for (const frame of frames) {
    if (!res.write(frame)) await new Promise<void>((resolve) => res.once('drain', resolve));
  }
  res.end();
}
