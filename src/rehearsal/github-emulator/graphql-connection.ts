/**
 * Relay connections as GitHub serves them: `first`/`last` required (at most 100), opaque
 * cursors, `pageInfo`, `totalCount`, `nodes` and `edges`.
 */
export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface Connection<T> {
  totalCount: number;
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const cursorAt = (index: number): string => Buffer.from(`cursor:v2:${index}`).toString('base64');

function indexOf(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  if (!match) throw new Error(`\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

export function connection<T>(items: readonly T[], args: ConnectionArgs, name: string): Connection<T> {
  const { first, last, after, before } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new Error(`You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  for (const [arg, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value !== undefined && value !== null && (value < 0 || value > 100)) {
      throw new Error(
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of 100 records.`,
      );
    }
  }
  let start = after ? indexOf(after) + 1 : 0;
  let end = before ? Math.min(items.length, indexOf(before)) : items.length;
  if (first !== undefined && first !== null) end = Math.min(end, start + first);
  if (last !== undefined && last !== null) start = Math.max(start, end - last);
  start = Math.min(start, end);
  const nodes = items.slice(start, end);
  const edges = nodes.map((node, i) => ({ cursor: cursorAt(start + i), node }));
  return {
    totalCount: items.length,
    nodes,
    edges,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
