import { Availability } from '@switchboard/proto';

/** What orders a queue: priority (higher first), then time queued, then id (for a total order). */
export interface Queued {
  readonly conversationId: string;
  readonly priority: number;
  readonly queuedAtMs: number;
}

export function compareQueued(a: Queued, b: Queued): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.queuedAtMs !== b.queuedAtMs) return a.queuedAtMs - b.queuedAtMs;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

/** A new array in serving order. */
export function orderQueue<T extends Queued>(entries: Iterable<T>): T[] {
  return [...entries].sort(compareQueued);
}

/** The capacity of a group's online agents right now. */
export interface GroupCapacity {
  /** Free slots: Σ max(0, capacity − load) over the group's online agents (F). */
  readonly free: number;
  /** Σ capacity over the group's online agents (C). */
  readonly total: number;
}

/**
 * Estimated seconds until position `p` (1 = next) is served: 0 when p ≤ F, else ⌈(p − F) / max(1, C)⌉ · H,
 * with H the group's average handle time.
 */
export function estimatedWaitS(position: number, capacity: GroupCapacity, avgHandleMs: number): number {
  if (position <= capacity.free) return 0;
  const rounds = Math.ceil((position - capacity.free) / Math.max(1, capacity.total));
  return Math.round((rounds * avgHandleMs) / 1000);
}

/** OUTSIDE_HOURS outside business hours, NO_AGENTS with nobody of the group online, else OPEN. */
export function availabilityOf(withinHours: boolean, agentsOnline: number): Availability {
  if (!withinHours) return Availability.AVAILABILITY_OUTSIDE_HOURS;
  if (agentsOnline === 0) return Availability.AVAILABILITY_NO_AGENTS;
  return Availability.AVAILABILITY_OPEN;
}
