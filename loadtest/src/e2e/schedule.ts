export type Sender = 'visitor' | 'agent';

export interface Slot {
  /** Index into the worker's conversations. */
  readonly conversation: number;
  readonly sender: Sender;
}

/**
 * An open-loop send schedule: send i is due at startMs + i / rate, whatever happened to earlier sends,
 * so a slow system shows up as latency instead of quietly lowering the offered load.
 */
export class OpenLoopSchedule {
  readonly total: number;

  constructor(
    readonly ratePerS: number,
    readonly startMs: number,
    readonly endMs: number,
  ) {
    if (!(ratePerS > 0)) throw new RangeError(`rate must be positive, got ${String(ratePerS)}`);
    this.total = Math.max(0, Math.ceil(((endMs - startMs) * ratePerS) / 1000 - 1e-9));
  }

  /** When send i is due. */
  timeOf(i: number): number {
    return this.startMs + (i * 1000) / this.ratePerS;
  }

  /** How many sends are due at nowMs (sends 0..n-1), never more than total. */
  dueBy(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    const due = Math.floor(((nowMs - this.startMs) * this.ratePerS) / 1000 + 1e-9) + 1;
    return Math.min(this.total, due);
  }
}

/**
 * Which conversation and which side sends message i: conversations in turn, and each conversation's
 * messages alternate visitor, agent, visitor, ...
 */
export function slotOf(i: number, conversations: number): Slot {
  if (conversations <= 0) throw new RangeError('no conversations to send to');
  const round = Math.floor(i / conversations);
  return { conversation: i % conversations, sender: round % 2 === 0 ? 'visitor' : 'agent' };
}
