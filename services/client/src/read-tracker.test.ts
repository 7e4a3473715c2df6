import { Channel, MessageKind, ParticipantRole, type UnifiedMessage } from '@switchboard/proto';
import { ReadTracker } from './read-tracker';

function msg(seq: number, senderId: string, conversationId = 'c1'): UnifiedMessage {
  return {
    tenantId: 't',
    conversationId,
    seq,
    clientMsgId: `m${seq}`,
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: senderId, displayName: '' },
    channel: Channel.CHANNEL_WEB_WIDGET,
    kind: MessageKind.MESSAGE_KIND_TEXT,
    text: 'x',
    clientSentAtMs: 0,
    acceptedAtMs: 0,
    metadata: {},
  };
}

/** What a visitor receives in place of a note: no sender, no text. */
function redacted(seq: number, conversationId = 'c1'): UnifiedMessage {
  return {
    ...msg(seq, '', conversationId),
    sender: undefined,
    text: '',
    kind: MessageKind.MESSAGE_KIND_REDACTED,
  };
}

describe('ReadTracker', () => {
  test('ReadTracker - redacted messages never count as unread but move lastSeq', () => {
    const reads = new ReadTracker();
    reads.welcome('me', []);

    reads.delivered(msg(1, 'agent'));
    expect(reads.delivered(redacted(2))).toEqual({
      conversationId: 'c1',
      readSeq: 0,
      unreadCount: 1,
      lastSeq: 2,
    });
    reads.delivered(msg(3, 'agent'));

    expect(reads.get('c1')).toEqual({ conversationId: 'c1', readSeq: 0, unreadCount: 2, lastSeq: 3 });
    // A partial read recounts from what is left: seq 3 only.
    expect(reads.read('c1', 2)?.unreadCount).toBe(1);
  });

  test("ReadTracker - redacted messages inside Welcome's unread_count are taken back out", () => {
    const reads = new ReadTracker();
    // The gateway counts last_seq - read_seq: seqs 2..5, of which 3 and 4 are notes the visitor cannot see.
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 1, unreadCount: 4, lastSeq: 5 }]);

    reads.delivered(msg(2, 'agent'));
    expect(reads.delivered(redacted(3))?.unreadCount).toBe(3);
    expect(reads.delivered(redacted(4))?.unreadCount).toBe(2);
    expect(reads.delivered(msg(5, 'agent'))).toBeUndefined();
    expect(reads.get('c1')?.unreadCount).toBe(2);

    // The next Welcome counts them again; the tracker remembers which seqs were hidden.
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 1, unreadCount: 5, lastSeq: 6 }]);
    expect(reads.get('c1')?.unreadCount).toBe(3);
    // Once read past them they are forgotten.
    reads.read('c1', 5);
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 5, unreadCount: 1, lastSeq: 6 }]);
    expect(reads.get('c1')?.unreadCount).toBe(1);
  });

  test('ReadTracker - a redacted message at or below the read mark changes nothing', () => {
    const reads = new ReadTracker();
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 3, unreadCount: 0, lastSeq: 3 }]);

    expect(reads.delivered(redacted(2))).toBeUndefined();
    expect(reads.get('c1')?.unreadCount).toBe(0);
  });

  test('ReadTracker - Welcome seeds the counts; replayed messages it already counted do not count twice', () => {
    const reads = new ReadTracker();
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 2, unreadCount: 2, lastSeq: 4 }]);

    for (const seq of [3, 4]) expect(reads.delivered(msg(seq, 'other'))).toBeUndefined();

    expect(reads.get('c1')).toEqual({ conversationId: 'c1', readSeq: 2, unreadCount: 2, lastSeq: 4 });
    expect(reads.delivered(msg(5, 'other'))).toEqual({
      conversationId: 'c1',
      readSeq: 2,
      unreadCount: 3,
      lastSeq: 5,
    });
  });

  test('ReadTracker - an own message marks everything before it read', () => {
    const reads = new ReadTracker();
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 0, unreadCount: 3, lastSeq: 3 }]);

    expect(reads.delivered(msg(4, 'me'))).toEqual({
      conversationId: 'c1',
      readSeq: 4,
      unreadCount: 0,
      lastSeq: 4,
    });
    expect(reads.delivered(msg(5, 'other'))?.unreadCount).toBe(1);
  });

  test('ReadTracker - a partial read recounts from the messages it saw', () => {
    const reads = new ReadTracker();
    reads.welcome('me', []);
    for (const seq of [1, 2, 3, 4]) reads.delivered(msg(seq, 'other'));

    expect(reads.read('c1', 2)).toEqual({ conversationId: 'c1', readSeq: 2, unreadCount: 2, lastSeq: 4 });
    expect(reads.read('c1', 1)).toBeUndefined();
    expect(reads.read('c1', 9)).toEqual({ conversationId: 'c1', readSeq: 9, unreadCount: 0, lastSeq: 9 });
  });

  test('ReadTracker - a partial read of messages counted by Welcome but not delivered subtracts what it can', () => {
    const reads = new ReadTracker();
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 0, unreadCount: 10, lastSeq: 10 }]);
    // Only the newest three were backfilled.
    for (const seq of [8, 9, 10]) reads.delivered(msg(seq, 'other'));

    expect(reads.read('c1', 8)?.unreadCount).toBe(9);
    expect(reads.read('c1', 10)?.unreadCount).toBe(0);
  });

  test('ReadTracker - a later Welcome replaces the local state of the conversations it lists', () => {
    const reads = new ReadTracker();
    reads.welcome('me', [{ conversationId: 'c1', readSeq: 0, unreadCount: 1, lastSeq: 1 }]);
    reads.delivered(msg(1, 'other', 'c2'));

    reads.welcome('me', [{ conversationId: 'c1', readSeq: 1, unreadCount: 4, lastSeq: 5 }]);

    expect(reads.all()).toEqual([
      { conversationId: 'c1', readSeq: 1, unreadCount: 4, lastSeq: 5 },
      { conversationId: 'c2', readSeq: 0, unreadCount: 1, lastSeq: 1 },
    ]);
  });
});
