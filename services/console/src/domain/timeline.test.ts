import { MessageKind, ParticipantRole, UnifiedMessage } from '@switchboard/proto/wire';
import {
  type ChatMessage,
  firstGap,
  hasOlder,
  lastVisible,
  latestRange,
  mergeMessages,
  messageFromUnified,
  olderRange,
  rangeToReach,
  readMarkSeq,
  timelineItems,
} from './timeline';

function msg(seq: number, over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    seq,
    clientMsgId: `m${seq}`,
    kind: 'text',
    senderRole: 'visitor',
    senderId: 'v1',
    senderName: 'Ann',
    text: `text ${seq}`,
    atMs: seq * 1000,
    ...over,
  };
}

const seqs = (list: readonly ChatMessage[]): number[] => list.map((m) => m.seq);

describe('messageFromUnified', () => {
  it('messageFromUnified - maps kinds and roles, and falls back on the client clock', () => {
    const note = messageFromUnified(
      UnifiedMessage.fromPartial({
        seq: 3,
        kind: MessageKind.MESSAGE_KIND_NOTE,
        sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'a1', displayName: 'Bob' },
        text: 'internal',
        clientSentAtMs: 5,
      }),
    );
    expect(note).toMatchObject({
      seq: 3,
      kind: 'note',
      senderRole: 'agent',
      senderId: 'a1',
      senderName: 'Bob',
      atMs: 5,
    });
    const hidden = messageFromUnified(
      UnifiedMessage.fromPartial({ seq: 4, kind: MessageKind.MESSAGE_KIND_REDACTED }),
    );
    expect(hidden).toMatchObject({ kind: 'hidden', senderRole: 'system', senderId: '' });
  });
});

describe('mergeMessages', () => {
  it('mergeMessages - appends a live message and keeps the list when nothing is new', () => {
    const a = [msg(1), msg(2)];
    expect(seqs(mergeMessages(a, [msg(3)]))).toEqual([1, 2, 3]);
    expect(mergeMessages(a, [msg(2)])).toBe(a);
    expect(mergeMessages(a, [])).toBe(a);
  });

  it('mergeMessages - prepends a fetched page, sorts and drops duplicates (first copy wins)', () => {
    const live = [msg(8), msg(9, { text: 'live' })];
    const merged = mergeMessages(live, [msg(5), msg(6), msg(7), msg(9, { text: 'fetched' })]);
    expect(seqs(merged)).toEqual([5, 6, 7, 8, 9]);
    expect(merged.at(-1)?.text).toBe('live');
  });
});

describe('history ranges', () => {
  it('olderRange - the page above the oldest loaded message, none at seq 1', () => {
    expect(olderRange([msg(41), msg(42)], 10)).toEqual({ fromSeq: 31, toSeq: 40, limit: 10 });
    expect(olderRange([msg(4)], 10)).toEqual({ fromSeq: 1, toSeq: 3, limit: 3 });
    expect(olderRange([msg(1)], 10)).toBeUndefined();
    expect(olderRange([], 10)).toBeUndefined();
    expect(hasOlder([msg(2)])).toBe(true);
    expect(hasOlder([msg(1)])).toBe(false);
  });

  it('rangeToReach - loads from a little above a search hit up to what is loaded', () => {
    expect(rangeToReach([msg(50)], 12)).toEqual({ fromSeq: 7, toSeq: 49, limit: 0 });
    expect(rangeToReach([msg(5), msg(6)], 12)).toBeUndefined();
    expect(rangeToReach([], 3)).toEqual({ fromSeq: 1, toSeq: 0, limit: 0 });
  });

  it('latestRange - the newest page from the record, up to whatever is newest now', () => {
    expect(latestRange(100, 30)).toEqual({ fromSeq: 71, toSeq: 0, limit: 0 });
    expect(latestRange(3, 30)).toEqual({ fromSeq: 1, toSeq: 0, limit: 0 });
  });

  it('firstGap - finds the first hole between loaded pages', () => {
    expect(firstGap([msg(1), msg(2), msg(6), msg(9)])).toEqual({ fromSeq: 3, toSeq: 5 });
    expect(firstGap([msg(4), msg(5)])).toBeUndefined();
  });
});

describe('timeline views', () => {
  it('timelineItems - day separators, sender runs, hidden messages skipped', () => {
    const day = (ms: number): number => Math.floor(ms / 10_000);
    const items = timelineItems(
      [
        msg(1, { atMs: 1000 }),
        msg(2, { atMs: 2000 }),
        msg(3, { atMs: 3000, kind: 'hidden' }),
        msg(4, { atMs: 4000, senderId: 'a1', senderRole: 'agent' }),
        msg(5, { atMs: 12_000, senderId: 'a1', senderRole: 'agent' }),
      ],
      day,
    );
    expect(
      items.map((i) => (i.type === 'day' ? `day${i.dayMs}` : `${i.message.seq}${i.firstOfRun ? '*' : ''}`)),
    ).toEqual(['day0', '1*', '2', '4*', 'day1', '5*']);
  });

  it('readMarkSeq - the newest own text message the visitor has read', () => {
    const list = [
      msg(1),
      msg(2, { senderId: 'a1', senderRole: 'agent' }),
      msg(3, { senderId: 'a1', senderRole: 'agent', kind: 'note' }),
      msg(4, { senderId: 'a1', senderRole: 'agent' }),
    ];
    expect(readMarkSeq(list, 'a1', 3)).toBe(2);
    expect(readMarkSeq(list, 'a1', 4)).toBe(4);
    expect(readMarkSeq(list, 'a1', 1)).toBeUndefined();
  });

  it('lastVisible - skips hidden messages', () => {
    expect(lastVisible([msg(1), msg(2, { kind: 'hidden' })])?.seq).toBe(1);
    expect(lastVisible([])).toBeUndefined();
  });
});
