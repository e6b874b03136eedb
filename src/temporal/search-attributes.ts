import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { DROVER_SEARCH_ATTRIBUTE_NAMES } from '../domain/search-attribute-keys.js';
import type { DevLog } from './progress-log.js';
import { grpcCode } from './temporal-frontend.js';

export {
  DROVER_AGENT_STATE,
  DROVER_CLI,
  DROVER_PHASE,
  DROVER_REPO,
  DROVER_SEARCH_ATTRIBUTE_NAMES,
  DROVER_TASK_ID,
} from '../domain/search-attribute-keys.js';

type IndexedValueType = NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>;
const KEYWORD = encodeSearchAttributeIndexedValueType(SearchAttributeType.KEYWORD) as IndexedValueType;
const GRPC_ALREADY_EXISTS = 6;

export interface RegisterSearchAttributesResult {
  added: string[];
  existing: string[];
}

/** Custom search attributes of `namespace`, name → indexed value type. */
export async function listCustomSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<Record<string, IndexedValueType>> {
  const response = await connection.operatorService.listSearchAttributes({ namespace });
  return { ...(response.customAttributes ?? {}) };
}

/** Registers Drover's Keyword search attributes; idempotent (present ones are skipped, "already exists" ignored). */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  log: DevLog,
): Promise<RegisterSearchAttributesResult> {
  const present = await listCustomSearchAttributes(connection, namespace);
  const existing = DROVER_SEARCH_ATTRIBUTE_NAMES.filter((name) => name in present);
  for (const name of existing) {
    if (present[name] !== KEYWORD) {
      log(
        `warning: search attribute ${name} exists in namespace ${namespace} with a type other than Keyword; Drover expects Keyword`,
      );
    }
  }
  const missing = DROVER_SEARCH_ATTRIBUTE_NAMES.filter((name) => !(name in present));
  if (missing.length === 0) return { added: [], existing };
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
    });
  } catch (error) {
    if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
    // Registered concurrently by another process: fine.
  }
  log(`Registered search attributes in namespace ${namespace}: ${missing.join(', ')}`);
  return { added: missing, existing };
}
