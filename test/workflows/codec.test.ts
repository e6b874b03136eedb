import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxClient } from '../../src/host/tmux/tmux-client.js';
import { startCodecServer, type CodecServer } from '../../src/codec/codec-server.js';
import { encryptionCodecFromEnv } from '../../src/codec/data-converter.js';
import { projectRoot, type DroverConfig } from '../../src/config/config.js';
import { connectClient } from '../../src/temporal/connection.js';
import type { DevServerHandle } from '../../src/dev/dev-server.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import type { SlotState } from '../../src/domain/test-slot.js';
import { startHostWorkers, type HostWorkers } from '../../src/workers/host-worker.js';
import { slotRequestSignal, slotStateQuery } from '../../src/workflows/test-slot-messages.js';
import { startTestTemporal, testConfig } from '../support/harness.js';
import { decodedPayloads, historyJson } from '../support/history.js';
import { waitFor } from '../support/repo.js';

/**
 * With DROVER_CODEC_KEY set, a real worker and client (built by Drover's own wiring) run the test
 * slot workflow, including an activity (waitForWorkflowEnd, which itself uses the activity-context
 * client): the server's history holds only ciphertext, while the codec-enabled client, and the
 * Temporal CLI through `drover codec-server`, read the plaintext.
 */
const KEY = randomBytes(32).toString('base64');
const TOKEN = randomUUID();
const codecEnv = { ...process.env, DROVER_CODEC_KEY: KEY, DROVER_CODEC_KEY_ID: 'wf-test', DROVER_CODEC_KEYS: '' };
const plainEnv = { ...process.env, DROVER_CODEC_KEY: '', DROVER_CODEC_KEYS: '', DROVER_CODEC_KEY_ID: '' };
const NAME = `slot-name-plaintext-${randomUUID()}`;
const REQUEST = `request-plaintext-${randomUUID()}`;
const suffix = randomBytes(4).toString('hex');
const slotId = `codec-test/slot-${suffix}`;
const holderId = `codec-test/holder-${suffix}`;

let tmp: string;
let server: DevServerHandle;
let config: DroverConfig;
let workers: HostWorkers;
let client: Client;
let plain: Client;
let codecServer: CodecServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-codec-'));
  server = await startTestTemporal(tmp);
  config = testConfig(tmp, server.address, 'codec');
  workers = await startHostWorkers({ config, env: codecEnv, log: () => undefined });
  client = await connectClient(config, { env: codecEnv });
  plain = await connectClient(config, { env: plainEnv });
  codecServer = await startCodecServer({
    codec: encryptionCodecFromEnv(codecEnv)!,
    port: 0,
    host: '127.0.0.1',
    corsOrigins: [],
    authToken: TOKEN,
  });
});

afterAll(async () => {
  for (const id of [slotId, holderId])
    await client?.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  await workers?.shutdown();
  await client?.connection.close();
  await plain?.connection.close();
  await codecServer?.close();
  await new TmuxClient({ socket: config.tmuxSocket, session: 'drover', width: 220, height: 50, serverEnv: {} })
    .killServer()
    .catch(() => undefined);
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('payload encryption end to end', () => {
  it('the history holds ciphertext only; the codec client and the codec server read it', async () => {
    const started = Date.now();
    await client.workflow.start('testSlotWorkflow', {
      workflowId: holderId,
      taskQueue: config.taskQueue,
      args: [{ name: 'holder' }],
    });
    const slot = await client.workflow.start('testSlotWorkflow', {
      workflowId: slotId,
      taskQueue: config.taskQueue,
      args: [{ name: NAME, holderPollSeconds: 1 }],
    });
    await slot.signal(slotRequestSignal, {
      holderWorkflowId: holderId,
      requestId: REQUEST,
      leaseSeconds: 600,
      requestedAt: new Date().toISOString(),
    });

    // granted: the slot now watches the holder with the waitForWorkflowEnd activity
    const granted = await waitFor('the grant', async () => {
      const s = (await slot.query(slotStateQuery)) as SlotState;
      return s.holder?.requestId === REQUEST ? s : undefined;
    });
    expect(granted.name).toBe(NAME);
    await client.workflow.getHandle(holderId).terminate('holder ends');
    // the activity's result (decoded by the worker) ends the grant
    const ended = await waitFor(
      'the grant to end',
      async () => {
        const s = (await slot.query(slotStateQuery)) as SlotState;
        return s.recent.length > 0 ? s : undefined;
      },
      30_000,
    );
    expect(ended.holder).toBeUndefined();
    expect(ended.recent[0]).toMatchObject({
      requestId: REQUEST,
      holderWorkflowId: holderId,
      reason: 'holder workflow terminated',
    });

    // a client without the key cannot read the query result
    await expect(plain.workflow.getHandle(slotId).query(slotStateQuery)).rejects.toThrow(/binary\/encrypted/);

    // the raw history, as the server stores it (Temporal CLI, no codec)
    const raw = await historyJson(server.address, slotId);
    const rawText = raw + decodedPayloads(raw);
    for (const event of [
      'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
      'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
    ]) {
      expect(raw).toContain(event);
    }
    expect(rawText).not.toContain(NAME);
    expect(rawText).not.toContain(REQUEST);
    expect(rawText).not.toContain('TERMINATED'); // the activity result {status: 'TERMINATED'}
    // every payload's metadata (base64 in the CLI's JSON) says binary/encrypted, key id wf-test
    const encodings = [...raw.matchAll(/"encoding":\s*"([^"]*)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString());
    expect(encodings.length).toBeGreaterThanOrEqual(4); // start input, signal, activity input, activity result
    expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
    const keyIds = [...raw.matchAll(/"encryption-key-id":\s*"([^"]*)"/g)].map((m) =>
      Buffer.from(m[1]!, 'base64').toString(),
    );
    expect(keyIds).toHaveLength(encodings.length);
    expect(new Set(keyIds)).toEqual(new Set(['wf-test']));

    // the same history through Drover's codec client: the start input decodes to the plaintext
    const history = await client.workflow.getHandle(slotId).fetchHistory();
    const startInput = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const codec = encryptionCodecFromEnv(codecEnv)!;
    expect(defaultPayloadConverter.fromPayload((await codec.decode(startInput))[0]!)).toEqual({
      name: NAME,
      holderPollSeconds: 1,
    });

    // and through the Temporal CLI with `--codec-endpoint` (what the Web UI does in the browser)
    const cli = await findTemporalCli({ projectRoot: projectRoot(), log: () => undefined });
    const args = [
      'workflow',
      'show',
      '--address',
      server.address,
      '--workflow-id',
      slotId,
      '--output',
      'json',
      '--codec-endpoint',
      codecServer.url,
    ];
    const decoded = (await execa(cli, [...args, '--codec-auth', `Bearer ${TOKEN}`])).stdout;
    const decodedText = decoded + decodedPayloads(decoded);
    expect(decodedText).toContain(NAME);
    expect(decodedText).toContain(REQUEST);
    expect(decodedText).toContain('TERMINATED');
    console.log(
      `codec workflow round trip in ${Date.now() - started} ms; ${encodings.length} encrypted payloads in the raw history`,
    );
  });
});
