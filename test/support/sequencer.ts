import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { fileWeight } from './file-weights.js';

/**
 * Longest files first. Test files run a few at a time; a slow file started last would run alone
 * at the end while the other slots sit idle. Vitest orders by its cache of past durations, but a
 * fresh clone (CI) has none, so the order comes from the measured weights in file-weights.ts.
 */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (spec: TestSpecification) => fileWeight(path.relative(root, spec.moduleId));
    return [...files].sort((a, b) => weight(b) - weight(a) || a.moduleId.localeCompare(b.moduleId));
  }
}
