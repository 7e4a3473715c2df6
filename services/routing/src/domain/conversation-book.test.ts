import { ConversationState } from '@switchboard/proto';
import { event, summary, T } from '../testing/fixtures';
import { ConversationBook, summaryOf } from './conversation-book';

const S = ConversationState;

describe('ConversationBook', () => {
  it('apply - folds by version: an older or repeated event changes nothing', () => {
    const book = new ConversationBook();
    const r1 = book.apply(event(summary({ version: 2 })), 10);
    expect(r1.outcome).toBe('put');
    expect(r1.mirror?.kind).toBe('put');
    expect(book.apply(event(summary({ version: 2, groupId: 'x' })), 11)).toMatchObject({
      outcome: 'stale',
      mirror: undefined,
    });
    expect(book.apply(event(summary({ version: 1 })), 12).outcome).toBe('stale');
    expect(book.get(T, 'c1')?.summary.groupId).toBe('general');
  });

  it('apply - a close removes the conversation (mirror delete); a close of an unknown one is ignored', () => {
    const book = new ConversationBook();
    book.apply(event(summary({ version: 1 })), 10);
    expect(book.apply(event(summary({ version: 2, state: S.CONVERSATION_STATE_CLOSED })), 11)).toMatchObject({
      outcome: 'closed',
      mirror: { kind: 'delete', tenantId: T, conversationId: 'c1' },
    });
    expect(book.size).toBe(0);
    expect(
      book.apply(event(summary({ conversationId: 'c9', state: S.CONVERSATION_STATE_CLOSED })), 12).outcome,
    ).toBe('ignored');
  });

  it('apply - keeps the first message preview while WAITING, drops it after', () => {
    const book = new ConversationBook();
    book.apply(
      event(summary({ state: S.CONVERSATION_STATE_WAITING }), { firstMessagePreview: 'refund please' }),
      1,
    );
    const labeled = book.apply(event(summary({ state: S.CONVERSATION_STATE_WAITING, version: 2 })), 2);
    expect(labeled.conversation?.firstMessagePreview).toBe('refund please');
    expect(labeled.mirror).toMatchObject({ kind: 'put', record: { firstMessagePreview: 'refund please' } });
    expect(book.apply(event(summary({ version: 3 })), 3).conversation?.firstMessagePreview).toBe('');
  });

  it('load - the mirror restores records; events replayed afterwards are stale', () => {
    const book = new ConversationBook();
    const record = event(summary({ version: 5, state: S.CONVERSATION_STATE_WAITING }), {
      firstMessagePreview: 'hi',
    });
    book.load(record, 100);
    expect(book.get(T, 'c1')).toMatchObject({ firstMessagePreview: 'hi', activityAtMs: 100 });
    expect(book.apply(event(summary({ version: 4 })), 200).outcome).toBe('stale');
    expect(book.apply(event(summary({ version: 6 })), 200).outcome).toBe('put');
  });

  it('touch - restarts the idle clock of an open conversation', () => {
    const book = new ConversationBook();
    book.apply(event(summary()), 10);
    book.touch(T, 'c1', 50);
    expect(book.get(T, 'c1')?.activityAtMs).toBe(50);
    expect(book.touch(T, 'nope', 60)).toBeUndefined();
  });

  it('summaryOf - events without a record get one from their own fields', () => {
    const e = event(summary({ state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', version: 3 }), {
      conversation: undefined,
    });
    expect(summaryOf(e)).toMatchObject({
      tenantId: T,
      conversationId: 'c1',
      agentId: 'a1',
      version: 3,
      groupId: '',
    });
  });
});
