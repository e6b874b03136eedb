import { describe, expect, it } from 'vitest';
import {
  CiLedger,
  FAREWELL_JS,
  INDEX_JS,
  MATH_JS_FIXED,
  MATH_JS_WRONG,
  SAMPLE_FILES,
  sampleCiChecks,
} from '../../src/cli/demo-pipeline-fixture.js';
import { planFromIssues } from '../../src/domain/plan.js';
import { SAMPLE_ISSUES } from '../../src/cli/demo-pipeline-fixture.js';

const at = (files: Record<string, string>) => (p: string) => files[p] ?? null;
const conclusion = (files: Record<string, string>) => sampleCiChecks(at(files))[0]!.conclusion;

describe("the pipeline demo's sample", () => {
  it('CI fails the first triple and passes the fix, the sample, A and A+B', () => {
    expect(conclusion({ ...SAMPLE_FILES, 'math.js': MATH_JS_WRONG })).toBe('failure');
    expect(sampleCiChecks(at({ ...SAMPLE_FILES, 'math.js': MATH_JS_WRONG }))[0]!.summary).toContain('triple(2)');
    expect(conclusion({ ...SAMPLE_FILES, 'math.js': MATH_JS_FIXED })).toBe('success');
    expect(conclusion({ ...SAMPLE_FILES })).toBe('success');
    expect(conclusion({ ...SAMPLE_FILES, 'farewell.js': FAREWELL_JS })).toBe('success');
    expect(conclusion({ ...SAMPLE_FILES, 'farewell.js': FAREWELL_JS, 'index.js': INDEX_JS })).toBe('success');
    expect(conclusion({ ...SAMPLE_FILES, 'index.js': INDEX_JS })).toBe('failure');
  });

  it('the planner makes B depend on A and names each issue its file', () => {
    const issues = SAMPLE_ISSUES.map((i, n) => ({ number: n + 1, title: i.title, body: i.body({ A: 1 }), labels: [] }));
    const plan = planFromIssues(issues, { project: 'greetings', repo: 'o/greetings' });
    expect(plan.errors).toEqual([]);
    expect(plan.manifest.phases[0]!.tasks.map((t) => [t.id, t.dependsOn, t.files])).toEqual([
      ['i1', [], ['farewell.js']],
      ['i2', ['i1'], ['index.js']],
      ['i3', [], ['math.js']],
    ]);
  });

  it('the CI ledger keeps each PR head once, in order', () => {
    const ledger = new CiLedger();
    const rule = ledger.rule();
    for (const sha of ['a', 'b', 'a']) rule({ owner: 'o', repo: 'r', number: 5, sha, readFile: at(SAMPLE_FILES) });
    expect(ledger.headsOf(5)).toEqual(['a', 'b']);
    expect(ledger.headsOf(6)).toEqual([]);
  });
});
