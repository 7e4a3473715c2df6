/** Labels are free text chips; these keep the list tidy before it goes to setLabels (which replaces it). */

export const MAX_LABEL_CHARS = 40;

/** A label as stored: trimmed, inner whitespace collapsed, at most MAX_LABEL_CHARS. '' when blank. */
export function normalizeLabel(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL_CHARS);
}

/** The list with one more label; undefined when it is blank or already there (case-insensitively). */
export function addLabel(labels: readonly string[], raw: string): string[] | undefined {
  const label = normalizeLabel(raw);
  if (label === '') return undefined;
  if (labels.some((l) => l.toLowerCase() === label.toLowerCase())) return undefined;
  return [...labels, label];
}

export function removeLabel(labels: readonly string[], label: string): string[] {
  return labels.filter((l) => l !== label);
}

/** Whether two label lists hold the same labels in the same order. */
export function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}
