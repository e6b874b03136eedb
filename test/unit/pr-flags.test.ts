import { describe, expect, it } from 'vitest';
import { adhocPrPlan, manifestPrPlan, mergeSettingsFromFlags, mergeSettingsOf } from '../../src/domain/pr-flags.js';
import { TaskInputSchema } from '../../src/domain/task.js';

const github = { owner: 'acme', repo: 'widgets' };
const webUiUrl = 'http://127.0.0.1:8233/namespaces/default/workflows';

describe('drover task: PR flags → TaskInput.openPr / merge', () => {
  it('--open-pr on a GitHub repository: openPr with title, issue and the Web UI page', () => {
    const plan = adhocPrPlan({ openPr: true, title: ' Fix sum ', issue: '#12' }, { github, webUiUrl });
    expect(plan).toEqual({
      ok: true,
      value: {
        openPr: { owner: 'acme', repo: 'widgets', title: 'Fix sum', issue: 12, stackedOn: [], webUiUrl },
        why: '--open-pr',
      },
    });
    const input = { taskId: 't', repo: '/r', branch: 'drover/t', objective: 'x', ...(plan.ok ? plan.value : {}) };
    expect(TaskInputSchema.safeParse(input).success).toBe(true);
  });

  it('no flag: no PR for an ad-hoc task, unless the config says openPr', () => {
    expect(adhocPrPlan({}, { github })).toMatchObject({
      ok: true,
      value: { why: expect.stringMatching(/only with --open-pr/) },
    });
    expect(adhocPrPlan({}, { github }).ok && adhocPrPlan({}, { github })).not.toHaveProperty('value.openPr');
    expect(adhocPrPlan({}, { github, configOpenPr: true })).toMatchObject({
      ok: true,
      value: { openPr: { owner: 'acme' }, why: 'the configuration sets openPr' },
    });
  });

  it('--no-new-pr wins over the config and opens nothing', () => {
    const plan = adhocPrPlan({ noNewPr: true }, { github, configOpenPr: true });
    expect(plan).toMatchObject({ ok: true });
    expect(plan.ok && plan.value.openPr).toBeUndefined();
  });

  it('--merge: settings from the flags; deleteBranch false with --keep-branch', () => {
    const plan = adhocPrPlan(
      {
        openPr: true,
        merge: true,
        mergeMethod: 'rebase',
        allowBase: ['main', 'release/1'],
        requireApproval: true,
        keepBranch: true,
      },
      { github },
    );
    expect(plan.ok && plan.value.merge).toEqual({
      method: 'rebase',
      deleteBranch: false,
      allowedBases: ['main', 'release/1'],
      requireApproval: true,
      ciRequired: true,
    });
    expect(adhocPrPlan({ openPr: true, merge: true }, { github })).toMatchObject({
      ok: true,
      value: { merge: { method: 'squash', deleteBranch: true, requireApproval: false } },
    });
  });

  it('refuses contradictions and flags that would do nothing', () => {
    const cases: Array<[Parameters<typeof adhocPrPlan>[0], Parameters<typeof adhocPrPlan>[1], RegExp]> = [
      [{ merge: true }, { github }, /--merge needs a pull request: add --open-pr/],
      [{ merge: true, noNewPr: true }, { github }, /--merge needs a pull request/],
      [{ openPr: true, noNewPr: true }, { github }, /contradict/],
      [{ openPr: true }, {}, /no GitHub remote; name it with --github OWNER\/REPO/],
      [{ title: 'T' }, { github }, /--title describe the PR the task opens; add --open-pr/],
      [{ openPr: true, issue: 'twelve' }, { github }, /--issue must be an issue number/],
      [{ openPr: true, mergeMethod: 'squash' }, { github }, /--merge-method only apply with --merge/],
      [
        { openPr: true, merge: true, mergeMethod: 'fast-forward' },
        { github },
        /--merge-method must be one of merge, squash, rebase/,
      ],
      [
        { openPr: true, merge: true, allowBase: ['bad..name'] },
        { github },
        /--allow-base "bad\.\.name" is not a branch name/,
      ],
      [{ openPr: true }, { github, existingPr: true }, /--pr works on an existing pull request/],
    ];
    for (const [flags, ctx, why] of cases) {
      const plan = adhocPrPlan(flags, ctx);
      expect(plan.ok, JSON.stringify(flags)).toBe(false);
      expect(!plan.ok && plan.error, JSON.stringify(flags)).toMatch(why);
    }
  });

  it('--pr N --merge: the existing PR merges; nothing is opened', () => {
    const plan = adhocPrPlan({ merge: true }, { existingPr: true });
    expect(plan).toMatchObject({ ok: true, value: { merge: { method: 'squash' } } });
    expect(plan.ok && plan.value.openPr).toBeUndefined();
  });
});

describe('drover run: PR flags → ManifestRunInput', () => {
  it('manifests open PRs on GitHub by default; prs: false and --no-new-pr turn it off, --open-pr back on', () => {
    expect(manifestPrPlan({}, { github, webUiUrl })).toMatchObject({
      ok: true,
      value: { github, openPrs: true, webUiUrl },
    });
    expect(manifestPrPlan({}, { github, manifestPrs: false })).toMatchObject({ ok: true, value: { openPrs: false } });
    expect(manifestPrPlan({ openPr: true }, { github, manifestPrs: false })).toMatchObject({
      ok: true,
      value: { openPrs: true },
    });
    expect(manifestPrPlan({ noNewPr: true }, { github })).toMatchObject({ ok: true, value: { openPrs: false } });
    expect(manifestPrPlan({}, {})).toMatchObject({ ok: true, value: { openPrs: false } });
  });

  it('--merge rides along when PRs open, and is an error when they do not', () => {
    expect(manifestPrPlan({ merge: true }, { github })).toMatchObject({
      ok: true,
      value: { merge: { method: 'squash' } },
    });
    expect(manifestPrPlan({ merge: true, noNewPr: true }, { github })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/--merge needs the tasks to open pull requests.*--no-new-pr/),
    });
    expect(manifestPrPlan({ merge: true }, { github, manifestPrs: false })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/prs: false/),
    });
  });
});

describe('merge settings', () => {
  it('no --merge: nothing; drover merge builds them with --method', () => {
    expect(mergeSettingsFromFlags({})).toEqual({ ok: true, value: undefined });
    expect(mergeSettingsOf({ mergeMethod: 'merge' }, '--method')).toMatchObject({
      ok: true,
      value: { method: 'merge' },
    });
    expect(mergeSettingsOf({ mergeMethod: 'x' }, '--method')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^--method must be/),
    });
  });
});
