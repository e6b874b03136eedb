import { z } from 'zod';

/**
 * A human's answer to a dialog (`drover approve|deny`, the board's buttons): where it came from,
 * so the task's decisions say who answered. Absent in histories recorded before the field existed:
 * their decisions keep the old wording, so they replay and read as they did.
 */
export const ANSWER_SOURCES = ['cli', 'board'] as const;
export const HumanAnswerSchema = z.strictObject({ source: z.enum(ANSWER_SOURCES).optional() });
export type HumanAnswer = z.infer<typeof HumanAnswerSchema>;
export type AnswerSource = (typeof ANSWER_SOURCES)[number];

/** `approved by a human (board): rm -rf /tmp/x`; without a source: `approved by a human: …`. */
export function humanDecisionText(
  decision: 'approve' | 'deny',
  source: AnswerSource | undefined,
  subject: string,
): string {
  return `${decision === 'approve' ? 'approved' : 'denied'} by a human${source ? ` (${source})` : ''}: ${subject}`;
}

/** The dialog record's reason: `approve by a human` (no source, as before) or `approved by a human (board)`. */
export function humanDialogReason(decision: 'approve' | 'deny', source: AnswerSource | undefined): string {
  if (!source) return `${decision} by a human`;
  return `${decision === 'approve' ? 'approved' : 'denied'} by a human (${source})`;
}
