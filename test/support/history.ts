import { execa } from 'execa';
import { projectRoot } from '../../src/config/config.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';

/** A workflow's history as the Temporal CLI prints it (the JSON form the replayer reads). */
export async function historyJson(address: string, workflowId: string): Promise<string> {
  const cli = await findTemporalCli({ projectRoot: projectRoot(), log: () => undefined });
  return (await execa(cli, ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json']))
    .stdout;
}

/** Every payload of a history, decoded to text, so a test can search it for secrets. */
export function decodedPayloads(json: string): string {
  const out: string[] = [];
  for (const match of json.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g))
    out.push(Buffer.from(match[1]!, 'base64').toString('utf8'));
  return out.join('\n');
}
