import { Parser } from 'yaml';

/** Deeper YAML is refused before it is composed: a manifest nests about 6 levels. */
export const MAX_YAML_DEPTH = 64;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * The deepest nesting of collections in a YAML text, from yaml's concrete syntax tree (its lexer
 * and parser are iterative; composing a document recurses per level, and thousands of levels
 * overflow the stack, which V8 can turn into a fatal out-of-memory abort of the whole process).
 */
export function yamlNestingDepth(text: string): number {
  let max = 0;
  for (const token of new Parser().parse(text)) {
    const stack: Array<[unknown, number]> = [[token, 0]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop() as [unknown, number];
      if (typeof node !== 'object' || node === null) continue;
      const here = depth + (COLLECTIONS.has((node as { type?: unknown }).type as string) ? 1 : 0);
      max = Math.max(max, here);
      for (const child of Object.values(node))
        if (typeof child === 'object' && child !== null) stack.push([child, here]);
    }
  }
  return max;
}
