import type { ResumePoint } from '@switchboard/proto';

/** Where a socket starts delivering one conversation, from what the client said in Hello. */
export interface ResumeRequest {
  /** The client's last seq of this conversation, from Hello.resume; undefined when not listed. */
  readonly resumeLastSeq: number | undefined;
  /** Hello.backfill_limit: for unlisted conversations, deliver at most this many of the newest (0 = all). */
  readonly backfillLimit: number;
}

/**
 * The first seq to deliver: right after the client's resume point when it gave one; otherwise the newest
 * `backfillLimit` messages when it set a limit; otherwise everything from seq 1. `lastSeq` is only read when
 * {@link needsLastSeq} says so.
 */
export function startSeq(req: ResumeRequest, lastSeq: number): number {
  if (req.resumeLastSeq !== undefined) return req.resumeLastSeq + 1;
  if (req.backfillLimit > 0) return Math.max(1, lastSeq - req.backfillLimit + 1);
  return 1;
}

/** True when the start needs the conversation's last seq (a stream read); resumes and full replays do not. */
export function needsLastSeq(req: ResumeRequest): boolean {
  return req.resumeLastSeq === undefined && req.backfillLimit > 0;
}

/**
 * Hello.resume as a map. A conversation listed twice keeps its highest point (the client holds at least
 * that much); points that are not safe integers are ignored, as if the conversation were not listed.
 */
export function resumePoints(points: readonly ResumePoint[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    if (!Number.isSafeInteger(p.lastSeq) || p.lastSeq < 0 || p.conversationId === '') continue;
    out.set(p.conversationId, Math.max(p.lastSeq, out.get(p.conversationId) ?? 0));
  }
  return out;
}
