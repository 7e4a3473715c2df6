/**
 * The tab title while new conversations wait for the agent's attention: it alternates between the alert
 * (`(2) New conversation`) and the page's own title every tick, until the agent looks (focus) or handles them.
 */
export function blinkTitle(
  base: string,
  alert: string,
  count: number,
  tick: number,
  blinking: boolean,
): string {
  if (count <= 0) return base;
  const badge = `(${count}) ${alert}`;
  if (!blinking) return `(${count}) ${base}`;
  return tick % 2 === 0 ? badge : base;
}

/**
 * Which conversations still need attention: an offer stays until it is accepted, handed elsewhere or the agent
 * opened it. Pure: returns the same array when nothing changed.
 */
export function pruneAlerts(
  alerts: readonly string[],
  stillOffered: (conversationId: string) => boolean,
  opened: string | undefined,
): readonly string[] {
  const next = alerts.filter((id) => id !== opened && stillOffered(id));
  return next.length === alerts.length ? alerts : next;
}
