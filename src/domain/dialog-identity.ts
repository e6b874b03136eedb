import type { Dialog } from './screen-classifier.js';

/**
 * Which dialog is on screen, whatever option is highlighted: its kind, its lines other than the
 * options, and the options' numbers and labels. Moving the selection (the Up of Up+Enter) changes
 * the dialog's text but not the dialog; taken for a new one, it was answered a second time
 * (issue 21: the API-key dialog, whose default is "No", was logged as answered twice).
 */
export function dialogIdentity(dialog: Pick<Dialog, 'kind' | 'text' | 'options'>): string {
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
