import { Channel, ConversationState, ErrorCode, ParticipantRole } from '@switchboard/proto';
import { errorCodeOf } from '@switchboard/shared';
import { checkMayAppend, transition, type LifecycleCommand } from './conversation';

const S = ConversationState;
const open: LifecycleCommand = { kind: 'open', visitorId: 'v1', channel: Channel.CHANNEL_WEB_WIDGET };
const assign: LifecycleCommand = { kind: 'assign', agentId: 'a1' };
const close: LifecycleCommand = { kind: 'close', reason: 'done' };

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return errorCodeOf(err);
  }
}

describe('conversation state machine', () => {
  it('transition - walks waiting → chatting → closed', () => {
    const a = transition(S.CONVERSATION_STATE_UNSPECIFIED, open);
    expect(a.to).toBe(S.CONVERSATION_STATE_WAITING);
    const b = transition(a.to, assign);
    expect(b.to).toBe(S.CONVERSATION_STATE_CHATTING);
    expect(transition(b.to, close).to).toBe(S.CONVERSATION_STATE_CLOSED);
  });

  it('transition - a waiting conversation can be closed', () => {
    expect(transition(S.CONVERSATION_STATE_WAITING, close).to).toBe(S.CONVERSATION_STATE_CLOSED);
  });

  it.each([
    [S.CONVERSATION_STATE_WAITING, open],
    [S.CONVERSATION_STATE_CHATTING, open],
    [S.CONVERSATION_STATE_CLOSED, open],
    [S.CONVERSATION_STATE_UNSPECIFIED, assign],
    [S.CONVERSATION_STATE_CHATTING, assign],
    [S.CONVERSATION_STATE_CLOSED, assign],
    [S.CONVERSATION_STATE_UNSPECIFIED, close],
    [S.CONVERSATION_STATE_CLOSED, close],
  ])('transition - rejects illegal command from state %s (%o)', (state, cmd) => {
    expect(codeOf(() => transition(state, cmd))).toBe(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION);
  });

  it('checkMayAppend - only the assigned agent may write, and only while chatting', () => {
    const waiting = { state: S.CONVERSATION_STATE_WAITING, visitorId: 'v1', agentId: '' };
    const chatting = { state: S.CONVERSATION_STATE_CHATTING, visitorId: 'v1', agentId: 'a1' };
    expect(
      codeOf(() => {
        checkMayAppend(waiting, ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1');
      }),
    ).toBeUndefined();
    expect(
      codeOf(() => {
        checkMayAppend(waiting, ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1');
      }),
    ).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(
      codeOf(() => {
        checkMayAppend(chatting, ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1');
      }),
    ).toBeUndefined();
    expect(
      codeOf(() => {
        checkMayAppend(chatting, ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a2');
      }),
    ).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(
      codeOf(() => {
        checkMayAppend(chatting, ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v2');
      }),
    ).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
  });

  it('checkMayAppend - a closed conversation takes no message', () => {
    const closed = { state: S.CONVERSATION_STATE_CLOSED, visitorId: 'v1', agentId: 'a1' };
    expect(
      codeOf(() => {
        checkMayAppend(closed, ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1');
      }),
    ).toBe(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED);
  });
});
