import type { Dialog } from './screen-classifier.js';

/** Dialogs an agent shows once per start: any two of one kind close together are one dialog drawn twice. */
const ONCE_PER_START: readonly string[] = ['trust-folder', 'api-key'];

/**
 * Which dialog is on screen, whatever option is highlighted: its kind, its lines other than the
 * options, and the options' numbers and labels. Moving the selection (the Up of Up+Enter) changes
 * the dialog's text but not the dialog; taken for a new one, it was answered a second time
 * (issue 21: the API-key dialog, whose default is "No", was logged as answered twice). A startup
 * dialog (trust, API key) is known by its kind alone: claude draws it more than once while it
 * starts (its paragraph rewrapped, a line missing), and a second Enter meant for the trust dialog
 * answered "No" to the API-key dialog behind it ("Not logged in", seen in test-slot's five tasks).
 */
export function dialogIdentity(dialog: Pick<Dialog, 'kind' | 'text' | 'options'>): string {
  if (ONCE_PER_START.includes(dialog.kind)) return dialog.kind;
  const labels = dialog.options.map((o) => `${o.index}. ${o.label}`);
  const rest = dialog.text.split('\n').filter((line) => !labels.some((l) => line.trim().endsWith(l)));
  return [dialog.kind, ...rest, ...labels].join('\n');
}

export function sameDialog(
  a: Pick<Dialog, 'kind' | 'text' | 'options'>,
  b: Pick<Dialog, 'kind' | 'text' | 'options'>,
): boolean {
  return dialogIdentity(a) === dialogIdentity(b);
}
