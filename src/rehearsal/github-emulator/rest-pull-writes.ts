/** REST writes on pull requests: create, edit (retarget, close, reopen), update-branch and merge. */
import { editPull, openPull, PullOpError, type PullOps } from './pull-edits.js';
import { mergePull, updateBranch } from './pull-merges.js';
import { renderPull } from './rest-pulls.js';
import { findPull, findRepo, isError } from './rest-lookup.js';
import type { EmulatorRequest, EmulatorResponse, Route, RouteContext } from './router.js';

/** The caller of a write: the emulator does not map tokens to users, so writes are by `octocat`. */
export const VIEWER = 'octocat';
const DOCS = 'https://docs.github.com/rest';

export const opsOf = (ctx: RouteContext): PullOps => ({ store: ctx.store, viewer: ctx.viewer, login: VIEWER });

/** GitHub's error body for a refusal (with `errors` for 422 Validation Failed). */
export function opError(error: unknown): EmulatorResponse {
  if (!(error instanceof PullOpError)) throw error;
  return {
    status: error.status,
    body: {
      message: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
      documentation_url: DOCS,
      status: String(error.status),
    },
  };
}

type Kind = 'string' | 'boolean';

/** The body's optional field of `kind` (null allowed when `nullable`), or GitHub's 422 "Invalid request". */
export function field<T extends string | boolean>(
  body: unknown,
  name: string,
  kind: Kind,
  nullable = false,
): T | null | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (value === undefined || (value === null && nullable)) return value as null | undefined;
  if (typeof value !== kind)
    throw new PullOpError(
      422,
      `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a ${kind}.`,
    );
  return value as T;
}

async function create(
  req: EmulatorRequest,
  [owner = '', name = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  try {
    const pull = await openPull(opsOf(ctx), repo, {
      title: field<string>(req.body, 'title', 'string') ?? undefined,
      head: field<string>(req.body, 'head', 'string') ?? undefined,
      base: field<string>(req.body, 'base', 'string') ?? undefined,
      body: field<string>(req.body, 'body', 'string', true),
      draft: field<boolean>(req.body, 'draft', 'boolean') ?? undefined,
      maintainerCanModify: field<boolean>(req.body, 'maintainer_can_modify', 'boolean') ?? undefined,
    });
    const rendered = await renderPull(ctx, repo, pull);
    return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
  } catch (error) {
    return opError(error);
  }
}

async function edit(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  try {
    const state = field<string>(req.body, 'state', 'string');
    if (state !== undefined && state !== null && state !== 'open' && state !== 'closed') {
      throw new PullOpError(
        422,
        `Invalid request.\n\nFor 'properties/state', "${state}" is not one of ["open", "closed"].`,
      );
    }
    await editPull(opsOf(ctx), found.repo, found.pull, {
      title: field<string>(req.body, 'title', 'string') ?? undefined,
      body: field<string>(req.body, 'body', 'string', true),
      state: state ?? undefined,
      base: field<string>(req.body, 'base', 'string') ?? undefined,
      maintainerCanModify: field<boolean>(req.body, 'maintainer_can_modify', 'boolean') ?? undefined,
    });
    return { status: 200, body: await renderPull(ctx, found.repo, found.pull) };
  } catch (error) {
    return opError(error);
  }
}

async function update(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  try {
    await updateBranch(opsOf(ctx), found.repo, found.pull, {
      expectedHeadSha: field<string>(req.body, 'expected_head_sha', 'string') ?? undefined,
    });
    // GitHub answers before the merge is done; here it is done already, which callers cannot tell apart.
    return {
      status: 202,
      body: {
        message: 'Updating pull request branch.',
        url: `${ctx.baseUrl}/repos/${found.repo.owner}/${found.repo.name}/pulls/${n}`,
      },
    };
  } catch (error) {
    return opError(error);
  }
}

async function merge(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  try {
    const method = field<string>(req.body, 'merge_method', 'string') ?? 'merge';
    if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
      throw new PullOpError(
        422,
        `Invalid request.\n\nFor 'properties/merge_method', "${method}" is not one of ["merge", "squash", "rebase"].`,
      );
    }
    const done = await mergePull(opsOf(ctx), found.repo, found.pull, {
      method,
      sha: field<string>(req.body, 'sha', 'string') ?? undefined,
      title: field<string>(req.body, 'commit_title', 'string') ?? undefined,
      message: field<string>(req.body, 'commit_message', 'string') ?? undefined,
    });
    return { status: 200, body: { sha: done.sha, merged: true, message: 'Pull Request successfully merged' } };
  } catch (error) {
    return opError(error);
  }
}

const R = '^\\/repos\\/([^/]+)\\/([^/]+)';
export const pullWriteRoutes: Route[] = [
  { method: 'POST', pattern: new RegExp(`${R}\\/pulls$`), name: '/repos/{owner}/{repo}/pulls', handle: create },
  {
    method: 'PATCH',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}',
    handle: edit,
  },
  {
    method: 'PUT',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/update-branch$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}/update-branch',
    handle: update,
  },
  {
    method: 'PUT',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/merge$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
    handle: merge,
  },
];
