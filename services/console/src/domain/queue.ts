import type { QueueSnapshot } from '@switchboard/proto/wire';

export interface QueueRow {
  conversationId: string;
  groupId: string;
  position: number;
  priority: number;
  queuedAtMs: number;
  visitorId: string;
  visitorName: string;
  estimatedWaitS: number;
  /** The group is manual-pick: agents take conversations themselves. */
  manualPick: boolean;
}

export interface QueueSection {
  groupId: string;
  groupName: string;
  manualPick: boolean;
  agentsOnline: number;
  freeCapacity: number;
  rows: QueueRow[];
}

/**
 * The queue tab: the groups the agent is in (supervisors: every group), each in serving order. Groups keep the
 * snapshot's order; an agent without known groups (the directory did not answer) sees every group.
 */
export function queueSections(
  snapshot: QueueSnapshot | undefined,
  opts: {
    myGroupIds: readonly string[] | undefined;
    supervisor: boolean;
    groupNames: Readonly<Record<string, string>>;
  },
): QueueSection[] {
  if (snapshot === undefined) return [];
  const mine = opts.myGroupIds === undefined ? undefined : new Set(opts.myGroupIds);
  return snapshot.groups
    .filter((g) => opts.supervisor || mine === undefined || mine.has(g.groupId))
    .map((g) => ({
      groupId: g.groupId,
      groupName: opts.groupNames[g.groupId] ?? g.groupId,
      manualPick: g.manualPick,
      agentsOnline: g.agentsOnline,
      freeCapacity: g.freeCapacity,
      rows: [...g.entries]
        .sort((a, b) => a.position - b.position)
        .map((e) => ({
          conversationId: e.conversationId,
          groupId: g.groupId,
          position: e.position,
          priority: e.priority,
          queuedAtMs: e.queuedAtMs,
          visitorId: e.visitorId,
          visitorName: e.visitorName,
          estimatedWaitS: e.estimatedWaitS,
          manualPick: g.manualPick,
        })),
    }));
}

/** How many conversations wait in the sections. */
export function waitingCount(sections: readonly QueueSection[]): number {
  return sections.reduce((n, s) => n + s.rows.length, 0);
}

/** Visitor display names the queue knows, by visitor id (for list rows before any message is loaded). */
export function queueVisitorNames(snapshot: QueueSnapshot | undefined): Record<string, string> {
  const names: Record<string, string> = {};
  for (const g of snapshot?.groups ?? []) {
    for (const e of g.entries)
      if (e.visitorId !== '' && e.visitorName !== '') names[e.visitorId] = e.visitorName;
  }
  return names;
}
