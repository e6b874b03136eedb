import { describe, expect, it } from 'vitest';
import { githubHostsOf, parseGithubRepoArg, parseRemoteUrl } from '../../src/domain/github-remote.js';

describe('parseRemoteUrl', () => {
  it('reads OWNER/REPO from github.com remotes in every transport', () => {
    for (const url of [
      'https://github.com/acme/widgets.git',
      'https://github.com/acme/widgets',
      'https://github.com/acme/widgets/',
      'https://x-access-token:abc@github.com/acme/widgets.git',
      'git@github.com:acme/widgets.git',
      'github.com:acme/widgets',
      'ssh://git@github.com/acme/widgets.git',
      'ssh://git@github.com:22/acme/widgets',
      'git://github.com/acme/widgets.git',
      'https://www.github.com/acme/widgets',
      'https://GitHub.com/acme/widgets.git',
    ])
      expect(parseRemoteUrl(url), url).toEqual({ kind: 'github', host: 'github.com', owner: 'acme', repo: 'widgets' });
  });

  it('keeps dots in repository names and drops only the .git suffix', () => {
    expect(parseRemoteUrl('git@github.com:acme/my.site.git')).toMatchObject({ owner: 'acme', repo: 'my.site' });
  });

  it('accepts the host of GITHUB_API_URL (GitHub Enterprise, GHE.com) and only with it', () => {
    const ghe = 'https://ghe.example.com/api/v3';
    expect(parseRemoteUrl('git@ghe.example.com:team/app.git', { apiUrl: ghe })).toEqual({
      kind: 'github',
      host: 'ghe.example.com',
      owner: 'team',
      repo: 'app',
    });
    expect(parseRemoteUrl('https://ghe.example.com/team/app', { apiUrl: ghe })).toMatchObject({ kind: 'github' });
    const other = parseRemoteUrl('git@ghe.example.com:team/app.git');
    expect(other.kind).toBe('other');
    expect(other.kind === 'other' && other.why).toMatch(/not github\.com .*GITHUB_API_URL/);
    expect(parseRemoteUrl('git@acme.ghe.com:t/a.git', { apiUrl: 'https://api.acme.ghe.com' })).toMatchObject({
      kind: 'github',
      owner: 't',
    });
    expect(githubHostsOf('https://api.github.com')).toContain('github.com');
  });

  it('refuses other hosts and malformed remotes with the reason', () => {
    expect(parseRemoteUrl('https://gitlab.com/acme/widgets.git')).toMatchObject({ kind: 'other' });
    expect(parseRemoteUrl('https://github.com/acme')).toMatchObject({ kind: 'other' });
    expect(parseRemoteUrl('ftp://github.com/acme/widgets')).toMatchObject({ kind: 'other' });
    expect(parseRemoteUrl('')).toEqual({ kind: 'other', why: 'no origin remote' });
    expect(parseRemoteUrl('https://github.com/-bad/x')).toMatchObject({ kind: 'other' });
  });

  it('a path or file:// URL (the emulator hands out file:// clone URLs) is a local candidate to confirm', () => {
    expect(parseRemoteUrl('file:///tmp/github/acme/widgets.git')).toEqual({
      kind: 'local',
      path: '/tmp/github/acme/widgets.git',
      owner: 'acme',
      repo: 'widgets',
    });
    expect(parseRemoteUrl('/srv/git/acme/widgets.git')).toMatchObject({ kind: 'local', owner: 'acme' });
    expect(parseRemoteUrl('../up/repo')).toMatchObject({ kind: 'local', owner: 'up', repo: 'repo' });
  });
});

describe('parseGithubRepoArg (--github)', () => {
  it('accepts OWNER/REPO (a .git suffix is dropped)', () => {
    expect(parseGithubRepoArg('acme/widgets')).toEqual({ ok: true, value: { owner: 'acme', repo: 'widgets' } });
    expect(parseGithubRepoArg('acme/widgets.git')).toEqual({ ok: true, value: { owner: 'acme', repo: 'widgets' } });
  });

  it('refuses other shapes, saying what it wants', () => {
    for (const bad of ['acme', 'acme/', '/widgets', 'acme/widgets/extra', 'ac me/w', 'https://github.com/acme/widgets'])
      expect(parseGithubRepoArg(bad), bad).toMatchObject({ ok: false, error: expect.stringMatching(/OWNER\/REPO/) });
    expect(parseGithubRepoArg('-acme/widgets')).toMatchObject({ ok: false, error: expect.stringMatching(/OWNER is/) });
    expect(parseGithubRepoArg('acme/..')).toMatchObject({ ok: false });
    expect(parseGithubRepoArg('acme/w$x')).toMatchObject({ ok: false, error: expect.stringMatching(/REPO is/) });
  });
});
