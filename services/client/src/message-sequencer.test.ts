import { Channel, MessageKind, ParticipantRole, type UnifiedMessage } from '@switchboard/proto';
import { MessageSequencer } from './message-sequencer';

function msg(seq: number, conversationId = 'c1'): UnifiedMessage {
  return {
    tenantId: 't',
    conversationId,
    seq,
    clientMsgId: `m${seq}`,
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'a1', displayName: 'Alice' },
    channel: Channel.CHANNEL_WEB_WIDGET,
    kind: MessageKind.MESSAGE_KIND_TEXT,
    text: `text ${seq}`,
    clientSentAtMs: 0,
    acceptedAtMs: 0,
    metadata: {},
  };
}

/** Feeds seqs and returns the seqs released, in order. */
function feed(sequencer: MessageSequencer, seqs: number[], conversationId = 'c1'): number[] {
  return seqs.flatMap((seq) => sequencer.accept(msg(seq, conversationId)).map((m) => m.seq));
}

describe('MessageSequencer', () => {
  test('MessageSequencer - a redacted message fills its seq like any other: no gap', () => {
    const sequencer = new MessageSequencer(10);
    const hidden: UnifiedMessage = {
      ...msg(2),
      sender: undefined,
      text: '',
      clientMsgId: '',
      kind: MessageKind.MESSAGE_KIND_REDACTED,
    };

    expect(feed(sequencer, [1])).toEqual([1]);
    expect(feed(sequencer, [3])).toEqual([]);
    expect(sequencer.missing('c1')).toEqual({ from: 2, to: 2 });
    expect(sequencer.accept(hidden).map((m) => [m.seq, m.kind])).toEqual([
      [2, MessageKind.MESSAGE_KIND_REDACTED],
      [3, MessageKind.MESSAGE_KIND_TEXT],
    ]);
    expect(sequencer.missing('c1')).toBeUndefined();
  });

  test('MessageSequencer - releases in-order messages at once and drops duplicates', () => {
    const sequencer = new MessageSequencer(10);

    expect(feed(sequencer, [1, 2, 1, 2, 3, 3])).toEqual([1, 2, 3]);
    expect(sequencer.lastSeq('c1')).toBe(3);
    expect(sequencer.missing('c1')).toBeUndefined();
  });

  test('MessageSequencer - holds messages after a gap and releases them in order once it is filled', () => {
    const sequencer = new MessageSequencer(10);

    expect(feed(sequencer, [1, 4, 3, 6, 4])).toEqual([1]);
    expect(sequencer.missing('c1')).toEqual({ from: 2, to: 2 });
    expect(sequencer.lowestHeld('c1')).toBe(3);
    expect(feed(sequencer, [2])).toEqual([2, 3, 4]);
    expect(sequencer.missing('c1')).toEqual({ from: 5, to: 5 });
    expect(feed(sequencer, [5])).toEqual([5, 6]);
    expect(sequencer.missing('c1')).toBeUndefined();
  });

  test('MessageSequencer - keeps conversations apart', () => {
    const sequencer = new MessageSequencer(10);

    expect(feed(sequencer, [1, 2], 'a')).toEqual([1, 2]);
    expect(feed(sequencer, [2], 'b')).toEqual([]);
    expect(sequencer.missing('a')).toBeUndefined();
    expect(sequencer.missing('b')).toEqual({ from: 1, to: 1 });
    expect(sequencer.positions()).toEqual([{ conversationId: 'a', lastSeq: 2 }]);
  });

  test('MessageSequencer - a full buffer keeps the lowest seqs and makes the gap open-ended', () => {
    const sequencer = new MessageSequencer(2);

    expect(feed(sequencer, [1, 5, 4, 3, 6])).toEqual([1]);
    expect(sequencer.missing('c1')).toEqual({ from: 2, to: 2 });
    expect(feed(sequencer, [2])).toEqual([2, 3, 4]);
    // 5 and 6 were dropped: everything after 4 is wanted.
    expect(sequencer.missing('c1')).toEqual({ from: 5, to: 0 });
    expect(feed(sequencer, [5, 6, 7])).toEqual([5, 6, 7]);
    sequencer.settle('c1');
    expect(sequencer.missing('c1')).toBeUndefined();
  });

  test('MessageSequencer - with no room at all every message ahead is dropped and the gap is open-ended', () => {
    const sequencer = new MessageSequencer(0);

    expect(feed(sequencer, [1, 3, 4])).toEqual([1]);
    expect(sequencer.missing('c1')).toEqual({ from: 2, to: 0 });
  });

  test('MessageSequencer - advanceTo sets a floor, drops held messages below it and releases those after', () => {
    const sequencer = new MessageSequencer(10);
    sequencer.advanceTo('c1', 10);

    expect(feed(sequencer, [9, 10, 11])).toEqual([11]);
    expect(feed(sequencer, [14, 13])).toEqual([]);
    expect(sequencer.advanceTo('c1', 12).map((m) => m.seq)).toEqual([13, 14]);
    expect(sequencer.advanceTo('c1', 5)).toEqual([]);
    expect(sequencer.lastSeq('c1')).toBe(14);
  });

  test('MessageSequencer - dropHeld forgets held messages and open-ended gaps but keeps lastSeq', () => {
    const sequencer = new MessageSequencer(1);
    feed(sequencer, [1, 3, 4]);

    sequencer.dropHeld();

    expect(sequencer.missing('c1')).toBeUndefined();
    expect(sequencer.lastSeq('c1')).toBe(1);
    expect(feed(sequencer, [2, 3])).toEqual([2, 3]);
  });
});
