import { type Participant, ParticipantRole } from '@switchboard/proto';
import {
  TYPING_EXPIRY_MS,
  TYPING_IDLE_MS,
  TypingIndicators,
  type TypingInfo,
  TypingNotifier,
} from './typing';

const bob: Participant = { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'a-bob', displayName: 'Bob' };
const ann: Participant = { role: ParticipantRole.PARTICIPANT_ROLE_VISITOR, id: 'v-ann', displayName: 'Ann' };

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  jest.useRealTimers();
});

function notifier(connected = () => true) {
  const written: [string, boolean][] = [];
  const typing = new TypingNotifier((conversationId, value) => {
    if (!connected()) return false;
    written.push([conversationId, value]);
    return true;
  });
  return { typing, written };
}

describe('TypingNotifier', () => {
  test('TypingNotifier - sends typing:true at most every 2 s per conversation while typing', () => {
    const { typing, written } = notifier();
    typing.set('c1', true);
    jest.advanceTimersByTime(500);
    typing.set('c1', true);
    typing.set('c2', true);
    jest.advanceTimersByTime(1499);
    typing.set('c1', true);
    expect(written).toEqual([
      ['c1', true],
      ['c2', true],
    ]);
    jest.advanceTimersByTime(1);
    typing.set('c1', true);
    expect(written.filter(([id]) => id === 'c1')).toEqual([
      ['c1', true],
      ['c1', true],
    ]);
  });

  test('TypingNotifier - one typing:false on stop, none when not typing', () => {
    const { typing, written } = notifier();
    typing.set('c1', false);
    typing.set('c1', true);
    typing.set('c1', false);
    typing.set('c1', false);
    expect(written).toEqual([
      ['c1', true],
      ['c1', false],
    ]);
    expect(typing.isTyping('c1')).toBe(false);
    // Stopped: the next keystroke is news at once.
    typing.set('c1', true);
    expect(written.at(-1)).toEqual(['c1', true]);
  });

  test('TypingNotifier - stops by itself 5 s after the last call', () => {
    const { typing, written } = notifier();
    typing.set('c1', true);
    jest.advanceTimersByTime(3000);
    typing.set('c1', true);
    jest.advanceTimersByTime(TYPING_IDLE_MS - 1);
    expect(written.at(-1)).toEqual(['c1', true]);
    jest.advanceTimersByTime(1);
    expect(written.at(-1)).toEqual(['c1', false]);
    expect(typing.isTyping('c1')).toBe(false);
    jest.advanceTimersByTime(60_000);
    expect(written.filter(([, value]) => !value)).toHaveLength(1);
  });

  test('TypingNotifier - a notice no socket took is not throttled, and no stop follows nothing sent', () => {
    let connected = false;
    const { typing, written } = notifier(() => connected);
    typing.set('c1', true);
    connected = true;
    typing.set('c1', true);
    expect(written).toEqual([['c1', true]]);

    connected = false;
    typing.set('c2', true);
    typing.set('c2', false);
    connected = true;
    jest.advanceTimersByTime(TYPING_IDLE_MS);
    expect(written).toEqual([
      ['c1', true],
      ['c1', false],
    ]);
  });

  test('TypingNotifier - clear forgets everything without sending', () => {
    const { typing, written } = notifier();
    typing.set('c1', true);
    typing.clear();
    jest.advanceTimersByTime(TYPING_IDLE_MS * 2);
    expect(written).toEqual([['c1', true]]);
  });
});

describe('TypingIndicators', () => {
  function indicators() {
    const reported: TypingInfo[] = [];
    return {
      reported,
      typing: new TypingIndicators((info) => {
        reported.push(info);
      }),
    };
  }

  test('TypingIndicators - reports a start once and expires it 6 s after the last renewal', () => {
    const { typing, reported } = indicators();
    typing.signal('c1', bob, true);
    jest.advanceTimersByTime(4000);
    typing.signal('c1', bob, true);
    jest.advanceTimersByTime(TYPING_EXPIRY_MS - 1);
    expect(reported).toEqual([{ conversationId: 'c1', participant: bob, typing: true }]);
    expect(typing.typing('c1')).toEqual([bob]);
    jest.advanceTimersByTime(1);
    expect(reported.at(-1)).toEqual({ conversationId: 'c1', participant: bob, typing: false });
    expect(typing.typing('c1')).toEqual([]);
  });

  test('TypingIndicators - a stop or a message ends it at once; a stop for nobody reports nothing', () => {
    const { typing, reported } = indicators();
    typing.signal('c1', bob, false);
    typing.signal('c1', bob, true);
    typing.signal('c1', ann, true);
    typing.signal('c1', bob, false);
    typing.end('c1', ann.id);
    typing.end('c1', ann.id);
    jest.advanceTimersByTime(TYPING_EXPIRY_MS);
    expect(reported.map((r) => [r.participant.id, r.typing])).toEqual([
      [bob.id, true],
      [ann.id, true],
      [bob.id, false],
      [ann.id, false],
    ]);
  });

  test('TypingIndicators - keeps conversations and participants apart', () => {
    const { typing } = indicators();
    typing.signal('c1', bob, true);
    typing.signal('c2', ann, true);
    typing.signal('c1', ann, true);
    expect(typing.typing('c1')).toEqual([bob, ann]);
    expect(typing.typing('c2')).toEqual([ann]);
    typing.clear();
    expect(typing.typing('c1')).toEqual([]);
  });
});
