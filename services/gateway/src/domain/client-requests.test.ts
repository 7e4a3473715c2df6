import {
  Channel,
  ConversationState,
  ConversationSummary,
  ErrorCode,
  ParticipantRole,
} from '@switchboard/proto';
import { errorCodeOf } from '@switchboard/shared';
import { agentMayRead, readAccess, validateFetch, validateMarkRead } from './client-requests';
import type { Identity } from './identity';

const fetch = { requestId: 1, conversationId: 'c-1', fromSeq: 1, toSeq: 0, limit: 0 };
const codeOf = (f: () => unknown): ErrorCode | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return errorCodeOf(err);
  }
};
const visitor: Identity = {
  tenantId: 'demo',
  role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
  participantId: 'v-1',
  displayName: 'Ann',
  conversationId: 'c-1',
  supervisor: false,
  admin: false,
};
const agent: Identity = { ...visitor, role: ParticipantRole.PARTICIPANT_ROLE_AGENT, participantId: 'a-1' };

describe('validateFetch', () => {
  it('validateFetch - defaults: to_seq 0 is open-ended, limit 0 is 100', () => {
    expect(validateFetch(fetch)).toEqual({ conversationId: 'c-1', fromSeq: 1, toSeq: Infinity, limit: 100 });
    expect(validateFetch({ ...fetch, fromSeq: 5, toSeq: 5, limit: 500 })).toEqual({
      conversationId: 'c-1',
      fromSeq: 5,
      toSeq: 5,
      limit: 500,
    });
  });

  it('validateFetch - bad ranges, limits and ids are INVALID_ARGUMENT', () => {
    for (const bad of [
      { fromSeq: 0 },
      { fromSeq: 5, toSeq: 4 },
      { limit: 501 },
      { conversationId: '' },
      { conversationId: 'a.b' },
      { fromSeq: 2 ** 60 },
    ]) {
      expect(codeOf(() => validateFetch({ ...fetch, ...bad }))).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    }
  });
});

describe('validateMarkRead', () => {
  it('validateMarkRead - seq must be at least 1', () => {
    expect(validateMarkRead({ conversationId: 'c-1', seq: 3 })).toEqual({ conversationId: 'c-1', seq: 3 });
    expect(codeOf(() => validateMarkRead({ conversationId: 'c-1', seq: 0 }))).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    expect(codeOf(() => validateMarkRead({ conversationId: '*', seq: 1 }))).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });
});

describe('readAccess', () => {
  it('readAccess - a visitor reads only its own conversation', () => {
    expect(readAccess(visitor, 'c-1', false)).toBe('allowed');
    expect(readAccess(visitor, 'c-2', true)).toBe('forbidden');
  });

  it('readAccess - an agent reads joined conversations, and asks the directory for the others', () => {
    expect(readAccess(agent, 'c-9', true)).toBe('allowed');
    expect(readAccess(agent, 'c-9', false)).toBe('ask-directory');
    const summary = (agentId: string): ConversationSummary =>
      ConversationSummary.fromPartial({
        tenantId: 'demo',
        conversationId: 'c-9',
        state: ConversationState.CONVERSATION_STATE_CLOSED,
        visitorId: 'v-9',
        agentId,
        lastSeq: 3,
        openedAtMs: 0,
        updatedAtMs: 0,
        channel: Channel.CHANNEL_WEB_WIDGET,
        version: 2,
      });
    expect(agentMayRead(agent, summary('a-1'))).toBe(true);
    expect(agentMayRead(agent, summary('a-2'))).toBe(false);
    // The agent who had it before a transfer or requeue, and supervisors, may read it too.
    expect(agentMayRead(agent, { ...summary('a-2'), previousAgentId: 'a-1' })).toBe(true);
    expect(agentMayRead({ ...agent, supervisor: true }, summary('a-2'))).toBe(true);
    expect(agentMayRead(agent, summary(''))).toBe(false);
    expect(agentMayRead(agent, undefined)).toBe(false);
  });
});
