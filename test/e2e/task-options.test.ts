/**
 * `drover task` options from the orchestration CLI users know (--context, --image, --pr,
 * --no-new-branch, --no-new-pr, agent chains): bad input is refused before anything connects
 * (no Temporal runs here, so nothing can start), with what to change.
 */
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBrief } from '../../src/domain/brief.js';
import { projectRoot } from '../../src/config/config.js';
import { git, makeRepo } from '../support/repo.js';

const tmp = path.join(os.tmpdir(), `drover-opts-${process.pid}`);
// an address nobody listens on: a command that got past validation would fail to connect instead
const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', DROVER_HOME: path.join(tmp, 'home') };
const drover = (args: string[]) =>
  execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], { env, reject: false, timeout: 60_000 });

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('drover task options', () => {
  it('refuses bad --context, --image, --pr, --no-new-branch and --agent with the reason', async () => {
    const repo = await makeRepo(path.join(tmp, 'repo'));
    await writeFile(path.join(repo, 'big.md'), 'x'.repeat(70 * 1024));
    await writeFile(path.join(repo, 'notes.txt'), 'not an image');
    const cases: Array<[string[], RegExp]> = [
      [['--context', path.join(repo, 'missing.md')], /--context .*missing\.md: no such file/],
      [['--context', path.join(repo, 'big.md')], /--context .*big\.md: 71680 bytes; at most 65536/],
      [['--image', path.join(repo, 'notes.txt')], /--image .*notes\.txt: not an image/],
      [['--pr', '7'], /--pr 7: cannot tell OWNER\/REPO from .*origin remote; write --pr OWNER\/REPO#7/],
      [['--pr', 'acme/widgets#seven'], /--pr: "acme\/widgets#seven" is not a pull request/],
      [['--no-new-branch'], /--no-new-branch: main is a protected branch/],
      [['--no-new-branch', '--branch', 'nope'], /--no-new-branch: branch nope does not exist/],
      [['--no-new-branch', '--branch', 'main', '--base', 'HEAD~1'], /--base makes no sense with --no-new-branch/],
      [['--agent', 'claude,claude'], /claude appears twice/],
      [['--agent', 'claude,cursor-x'], /unknown agent cursor-x; known: claude/],
    ];
    for (const [args, why] of cases) {
      const res = await drover(['task', '--repo', repo, '--objective', 'x', ...args]);
      expect(res.exitCode, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toMatch(why);
    }
  });

  it('a protected --branch is refused before anything starts (issue 21 item 3)', async () => {
    const repo = await makeRepo(path.join(tmp, 'repo-protected'));
    for (const branch of ['main', 'master', 'develop', 'trunk', 'release/2.0', 'spare/x']) {
      const res = await drover(['task', '--repo', repo, '--objective', 'x', '--branch', branch]);
      expect(res.exitCode, branch).toBe(1);
      expect(res.stderr, branch).toContain(`branch "${branch}" refused: ${branch} is a protected branch`);
      expect(res.stdout, branch).not.toMatch(/started/);
    }
  });

  it('valid options get past validation (the connection is what fails), and --context masks tokens', async () => {
    const repo = await makeRepo(path.join(tmp, 'repo-ok'));
    await git(repo, ['branch', 'feature']);
    await writeFile(path.join(repo, 'ctx.md'), '# Notes\nkey sk-abcdefghijklmnopqrstuvwxyz0123 here\n');
    await writeFile(path.join(repo, 'shot.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const res = await drover([
      'task',
      '--repo',
      repo,
      '--objective',
      'x',
      '--no-new-branch',
      '--branch',
      'feature',
      '--no-new-pr',
      '--context',
      path.join(repo, 'ctx.md'),
      '--image',
      path.join(repo, 'shot.png'),
      '--agent',
      'claude,codex',
    ]);
    expect(res.stderr).toMatch(/token-shaped strings were masked/);
    expect(res.stderr).toMatch(/Cannot reach Temporal at 127\.0\.0\.1:1/);
  });

  it('the brief carries the context verbatim and lists the images', () => {
    const brief = buildBrief({
      objective: 'Fix it',
      steps: [],
      taskId: 't',
      branch: 'b',
      worktree: '/w',
      context: '# Design\nUse `x`.',
      images: ['/abs/shot.png'],
    });
    expect(brief).toContain('----- context -----\n# Design\nUse `x`.\n----- end of context -----');
    expect(brief).toContain('Images for this task (open each with your file-reading tool):\n- /abs/shot.png');
  });
});

describe('pull-request flags', () => {
  it('refuses bad PR and merge flags on task, run, fix-pr and merge before anything connects', async () => {
    const repo = await makeRepo(path.join(tmp, 'repo-pr'));
    await git(repo, ['remote', 'add', 'origin', 'git@github.com:acme/widgets.git']);
    const manifest = path.join(tmp, 'm.json');
    await writeFile(manifest, JSON.stringify({ phases: [{ name: 'p', tasks: [{ id: 'a', title: 'A' }] }] }));
    const task = ['task', '--repo', repo, '--objective', 'x'];
    const cases: Array<[string[], RegExp]> = [
      [[...task, '--merge'], /--merge needs a pull request: add --open-pr \(or --pr N/],
      [[...task, '--open-pr', '--no-new-pr'], /--open-pr and --no-new-pr contradict each other/],
      [[...task, '--open-pr', '--github', 'acme'], /--github "acme" is not OWNER\/REPO/],
      [[...task, '--title', 'T'], /--title describe the PR the task opens; add --open-pr/],
      [
        [...task, '--open-pr', '--merge', '--merge-method', 'ff'],
        /--merge-method must be one of merge, squash, rebase/,
      ],
      [[...task, '--open-pr', '--keep-branch'], /--keep-branch only apply with --merge/],
      [['run', manifest, '--repo', repo, '--write-back', '--detach'], /--write-back .* cannot with --detach/],
      [['run', manifest, '--repo', repo, '--no-new-pr', '--merge'], /--merge needs the tasks to open pull requests/],
      [['fix-pr', 'acme/widgets#3', '--merge-method', 'squash'], /--merge-method only apply with --merge/],
      [['merge', 'acme/widgets#3', '--method', 'ff'], /--method must be one of merge, squash, rebase/],
      [['merge', 'status', 'acme'], /"acme" is not OWNER\/REPO or OWNER\/REPO\/BASE/],
    ];
    for (const [args, why] of cases) {
      const res = await drover(args);
      expect(res.exitCode, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toMatch(why);
    }
  });
});
