import type { Sender } from './schedule';

/** What a benchmark message carries in its text, so the recipient needs no side channel. */
export interface BenchText {
  readonly worker: number;
  readonly sender: Sender;
  /** The sender's own counter in this conversation, from 1. */
  readonly n: number;
  /** performance.now() of the sending process when it sent (the recipient is in the same process). */
  readonly sentAtMs: number;
}

export function formatBenchText(b: BenchText): string {
  return `b|${String(b.worker)}|${b.sender === 'visitor' ? 'v' : 'a'}|${String(b.n)}|${b.sentAtMs.toFixed(3)}`;
}

const PATTERN = /^b\|(\d+)\|([va])\|([1-9]\d*)\|(\d+(?:\.\d+)?)$/;

/** The fields of a benchmark text, or undefined for any other text (e.g. the message opening a conversation). */
export function parseBenchText(text: string): BenchText | undefined {
  const m = PATTERN.exec(text);
  if (m === null) return undefined;
  const [, worker = '', side, n = '', sentAt = ''] = m;
  return {
    worker: Number(worker),
    sender: side === 'v' ? 'visitor' : 'agent',
    n: Number(n),
    sentAtMs: Number(sentAt),
  };
}
