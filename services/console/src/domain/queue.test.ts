import { QueueSnapshot } from '@switchboard/proto/wire';
import { queueSections, queueVisitorNames, waitingCount } from './queue';

const snapshot = QueueSnapshot.fromPartial({
  groups: [
    {
      groupId: 'general',
      agentsOnline: 2,
      freeCapacity: 1,
      entries: [
        { conversationId: 'c2', position: 2, queuedAtMs: 20, visitorId: 'v2', visitorName: 'Bea' },
        { conversationId: 'c1', position: 1, queuedAtMs: 10, visitorId: 'v1', visitorName: 'Ann' },
      ],
    },
    { groupId: 'sales', manualPick: true, entries: [{ conversationId: 'c3', position: 1, visitorId: 'v3' }] },
  ],
});

describe('queueSections', () => {
  it('queueSections - my groups only, each in serving order, with group names and manual pick', () => {
    const sections = queueSections(snapshot, {
      myGroupIds: ['general'],
      supervisor: false,
      groupNames: { general: 'General' },
    });
    expect(sections.map((s) => s.groupName)).toEqual(['General']);
    expect(sections[0]?.rows.map((r) => [r.conversationId, r.position])).toEqual([
      ['c1', 1],
      ['c2', 2],
    ]);
    expect(waitingCount(sections)).toBe(2);
  });

  it('queueSections - supervisors (and agents whose groups are unknown) see every group', () => {
    const all = queueSections(snapshot, { myGroupIds: [], supervisor: true, groupNames: {} });
    expect(all.map((s) => [s.groupId, s.manualPick])).toEqual([
      ['general', false],
      ['sales', true],
    ]);
    expect(all[1]?.rows[0]?.manualPick).toBe(true);
    expect(
      queueSections(snapshot, { myGroupIds: undefined, supervisor: false, groupNames: {} }),
    ).toHaveLength(2);
    expect(queueSections(undefined, { myGroupIds: [], supervisor: true, groupNames: {} })).toEqual([]);
  });

  it('queueVisitorNames - names by visitor id, skipping unnamed visitors', () => {
    expect(queueVisitorNames(snapshot)).toEqual({ v1: 'Ann', v2: 'Bea' });
  });
});
