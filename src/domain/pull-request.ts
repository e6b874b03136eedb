import { z } from 'zod';

/** A pull request as the user names it: `OWNER/REPO#N` or its web URL. */
export const PrRefSchema = z.object({
  owner: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'an owner is 1-39 letters, digits or dashes' }),
  repo: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: 'a repository name is 1-100 letters, digits, dot, underscore or dash' }),
  number: z.number().int().positive(),
});
export type PrRef = z.infer<typeof PrRefSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const SHORT = /^([^/\s#]+)\/([^/\s#]+)#(\d+)$/;
const URL_PATH = /^\/([^/]+)\/([^/]+)\/pull\/(\d+)(?:\/.*)?$/;

/** Parses `OWNER/REPO#N` or `https://<host>/OWNER/REPO/pull/N[/…]`; the error says which form is expected. */
export function parsePrRef(text: string): Parsed<PrRef> {
  const trimmed = String(text).trim();
  let parts: string[] | undefined;
  const short = SHORT.exec(trimmed);
  if (short) parts = short.slice(1);
  else if (/^https?:\/\//.test(trimmed)) {
    try {
      const m = URL_PATH.exec(new URL(trimmed).pathname);
      if (m) parts = m.slice(1);
    } catch {
      // falls through to the error below
    }
  }
  if (!parts)
    return {
      ok: false,
      error: `"${trimmed}" is not a pull request: write OWNER/REPO#N or https://github.com/OWNER/REPO/pull/N`,
    };
  const parsed = PrRefSchema.safeParse({ owner: parts[0], repo: parts[1], number: Number(parts[2]) });
  if (!parsed.success)
    return { ok: false, error: `"${trimmed}": ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  return { ok: true, value: parsed.data };
}

export const formatPrRef = (pr: PrRef): string => `${pr.owner}/${pr.repo}#${pr.number}`;

export const CheckFactSchema = z.object({
  name: z.string(),
  headSha: z.string(),
  /** queued | in_progress | completed (REST check runs); statuses map pending → in_progress. */
  status: z.string(),
  /** success | failure | neutral | skipped | cancelled | timed_out | action_required | stale | null */
  conclusion: z.string().nullable(),
  summary: z.string().nullable().default(null),
  /** Log excerpt where the API has one (check run output.text). */
  text: z.string().nullable().default(null),
  url: z.string().nullable().default(null),
});
export type CheckFact = z.infer<typeof CheckFactSchema>;

export const ThreadCommentSchema = z.object({
  author: z.string(),
  body: z.string(),
  createdAt: z.string(),
});

export const ReviewThreadSchema = z.object({
  id: z.string(),
  isResolved: z.boolean(),
  isOutdated: z.boolean().default(false),
  path: z.string().nullable(),
  line: z.number().int().nullable(),
  /** First comment (the request) and the last comment (the answer), enough for the brief and the gate. */
  first: ThreadCommentSchema.nullable(),
  last: ThreadCommentSchema.nullable(),
  commentCount: z.number().int(),
});
export type ReviewThread = z.infer<typeof ReviewThreadSchema>;

export const ReviewFactSchema = z.object({
  author: z.string(),
  state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING']),
  submittedAt: z.string().nullable(),
  commitSha: z.string().nullable(),
});
export type ReviewFact = z.infer<typeof ReviewFactSchema>;

/** Everything the PR gate judges, read by an activity from GitHub (or the emulator). */
export const PrFactsSchema = z.object({
  pr: PrRefSchema,
  title: z.string(),
  url: z.string(),
  state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
  headRefName: z.string(),
  headSha: z.string(),
  baseRefName: z.string(),
  mergeable: z.enum(['MERGEABLE', 'CONFLICTING', 'UNKNOWN']),
  /** When the head commit was committed (ISO); a review newer than this is "fresh". */
  headCommittedAt: z.string().nullable(),
  /** Check runs and commit statuses on the head SHA. */
  checks: z.array(CheckFactSchema),
  /** The newest completed checks on an older SHA, when none ran on the head (for the reason text). */
  olderGreenSha: z.string().nullable().default(null),
  /** All review threads, every page. */
  threads: z.array(ReviewThreadSchema),
  reviews: z.array(ReviewFactSchema),
});
export type PrFacts = z.infer<typeof PrFactsSchema>;
