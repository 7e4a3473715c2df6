import {
  type ListInputs,
  previewText,
  rowsForTab,
  unreadTotal,
  visibleTabs,
  visitorName,
} from './conversation-list';
import type { ConversationRecord } from './records';
import { record } from './testing';
import type { ChatMessage } from './timeline';

function inputs(records: ConversationRecord[], over: Partial<ListInputs> = {}): ListInputs {
  return {
    records: Object.fromEntries(records.map((r) => [r.id, r])),
    timelines: {},
    unread: {},
    visitorNames: {},
    me: 'me',
    supervisor: false,
    ...over,
  };
}

const text = (seq: number, atMs: number): ChatMessage => ({
  seq,
  clientMsgId: '',
  kind: 'text',
  senderRole: 'visitor',
  senderId: 'v',
  senderName: 'V',
  text: `hello ${seq}`,
  atMs,
});

describe('tabs', () => {
  it('visibleTabs - All only for supervisors', () => {
    expect(visibleTabs(false)).toEqual(['mine', 'queue', 'closed']);
    expect(visibleTabs(true)).toEqual(['mine', 'queue', 'all', 'closed']);
  });

  it('rowsForTab - Mine holds my offered, chatting and transferring conversations, offers first then recent activity', () => {
    const list = inputs(
      [
        record({ id: 'old', agentId: 'me', updatedAtMs: 100 }),
        record({ id: 'new', agentId: 'me', updatedAtMs: 200 }),
        record({ id: 'offer', agentId: 'me', state: 'assigned', updatedAtMs: 50 }),
        record({ id: 'moving', agentId: 'me', state: 'transferring', updatedAtMs: 10 }),
        record({ id: 'theirs', agentId: 'x' }),
        record({ id: 'queued', state: 'queued' }),
        record({ id: 'done', agentId: 'me', state: 'closed' }),
      ],
      { timelines: { old: { messages: [text(1, 900)] } } },
    );
    expect(rowsForTab('mine', list).map((r) => r.record.id)).toEqual(['offer', 'old', 'new', 'moving']);
    expect(rowsForTab('mine', list)[0]?.offered).toBe(true);
  });

  it('rowsForTab - All is every open conversation (supervisors); Closed is mine, or all for supervisors, newest close first', () => {
    const records = [
      record({ id: 'a', agentId: 'x', state: 'queued' }),
      record({ id: 'b', agentId: 'me' }),
      record({ id: 'c1', agentId: 'me', state: 'closed', closedAtMs: 10 }),
      record({ id: 'c2', agentId: 'x', state: 'closed', closedAtMs: 20 }),
    ];
    expect(rowsForTab('all', inputs(records))).toEqual([]);
    expect(
      rowsForTab('all', inputs(records, { supervisor: true }))
        .map((r) => r.record.id)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(rowsForTab('closed', inputs(records)).map((r) => r.record.id)).toEqual(['c1']);
    expect(rowsForTab('closed', inputs(records, { supervisor: true })).map((r) => r.record.id)).toEqual([
      'c2',
      'c1',
    ]);
    expect(rowsForTab('queue', inputs(records))).toEqual([]);
  });

  it('rows - carry the unread count and the last message', () => {
    const rows = rowsForTab(
      'mine',
      inputs([record({ id: 'a', agentId: 'me' }), record({ id: 'b', agentId: 'me' })], {
        unread: { a: 2, b: 3 },
        timelines: { a: { messages: [text(1, 5), text(2, 6)] } },
      }),
    );
    expect(unreadTotal(rows)).toBe(5);
    expect(rows.find((r) => r.record.id === 'a')?.last?.seq).toBe(2);
  });
});

describe('visitorName and previewText', () => {
  it('visitorName - the pre-chat name, else the display name, else the unnamed label and a short id', () => {
    const ctx = {
      pageUrl: '',
      referrer: '',
      userAgent: '',
      language: '',
      name: 'Ann',
      email: '',
      groupId: '',
      fields: {},
    };
    expect(visitorName(record({ id: 'c', visitor: ctx }), {})).toBe('Ann');
    expect(visitorName(record({ id: 'c', visitorId: 'v_123' }), { v_123: 'Bea' })).toBe('Bea');
    expect(visitorName(record({ id: 'c', visitorId: 'v_01HZX3ABCDEF' }), {})).toBe('Visitor #ABCDEF');
    expect(visitorName(record({ id: 'c', visitorId: 'v_01HZX3ABCDEF' }), {}, '访客')).toBe('访客 #ABCDEF');
  });

  it('previewText - one line, cut with an ellipsis', () => {
    expect(previewText('a\n\n b   c')).toBe('a b c');
    expect(previewText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
