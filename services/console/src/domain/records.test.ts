import { Channel, ConversationState, ConversationSummary } from '@switchboard/proto/wire';
import {
  allowedActions,
  isMine,
  newerRecord,
  recordFromJson,
  recordFromSummary,
  upsertRecords,
} from './records';
import { record } from './testing';

describe('recordFromSummary', () => {
  it('recordFromSummary - names state and channel like the REST API and keeps the context', () => {
    const r = recordFromSummary(
      ConversationSummary.fromPartial({
        conversationId: 'c1',
        state: ConversationState.CONVERSATION_STATE_TRANSFERRING,
        channel: Channel.CHANNEL_WEB_WIDGET,
        agentId: 'a1',
        agentDisplayName: 'Bob',
        version: 4,
        labels: ['vip'],
        visitorContext: { name: 'Ann', pageUrl: 'https://shop.test', fields: { order: 'A-1' } },
        csat: { score: 0 },
      }),
    );
    expect(r).toMatchObject({
      id: 'c1',
      state: 'transferring',
      channel: 'web_widget',
      agentName: 'Bob',
      version: 4,
      labels: ['vip'],
      visitor: { name: 'Ann', pageUrl: 'https://shop.test', fields: { order: 'A-1' } },
      csat: undefined,
    });
  });
});

describe('recordFromJson', () => {
  it('recordFromJson - tolerates junk and unknown states', () => {
    expect(recordFromJson(null)).toBeUndefined();
    expect(recordFromJson({ conversation_id: 'c1', state: 'exploded', last_seq: 'x' })).toMatchObject({
      id: 'c1',
      state: 'waiting',
      lastSeq: 0,
      visitor: undefined,
    });
  });
});

describe('newerRecord', () => {
  it('newerRecord - an older version never replaces a newer one; a record without context keeps the known one', () => {
    const v5 = record({
      id: 'c',
      version: 5,
      visitor: {
        pageUrl: '',
        referrer: '',
        userAgent: '',
        language: 'en',
        name: 'Ann',
        email: '',
        groupId: '',
        fields: {},
      },
    });
    const v4 = record({ id: 'c', version: 4, state: 'assigned' });
    const v6 = record({ id: 'c', version: 6, state: 'closed' });
    expect(newerRecord(v5, v4)).toBe(v5);
    expect(newerRecord(v5, v6)).toMatchObject({ version: 6, state: 'closed', visitor: { name: 'Ann' } });
    const merged = upsertRecords({ c: v5 }, [v4, record({ id: 'd' })]);
    expect(Object.keys(merged).sort()).toEqual(['c', 'd']);
    expect(merged['c']).toBe(v5);
  });
});

describe('allowedActions', () => {
  it('allowedActions - an offer can be accepted, replied to (accepts it) and closed by its agent', () => {
    const offer = record({ id: 'c', state: 'assigned', agentId: 'me' });
    expect(allowedActions(offer, 'me', false)).toEqual({
      accept: true,
      reply: true,
      note: true,
      transfer: false,
      close: true,
      takeOver: false,
      labels: true,
    });
  });

  it("allowedActions - someone else's chat: notes only for agents, take over and transfer for supervisors", () => {
    const theirs = record({ id: 'c', state: 'chatting', agentId: 'other' });
    expect(allowedActions(theirs, 'me', false)).toMatchObject({
      reply: false,
      note: true,
      transfer: false,
      close: false,
      takeOver: false,
    });
    expect(allowedActions(theirs, 'me', true)).toMatchObject({
      reply: false,
      transfer: true,
      close: true,
      takeOver: true,
    });
    expect(isMine(theirs, 'me')).toBe(false);
  });

  it('allowedActions - a closed conversation is read-only', () => {
    const closed = record({ id: 'c', state: 'closed', agentId: 'me' });
    expect(allowedActions(closed, 'me', true)).toMatchObject({
      accept: false,
      reply: false,
      note: false,
      transfer: false,
      close: false,
      takeOver: false,
    });
  });
});
