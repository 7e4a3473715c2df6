import { Channel, ErrorCode, MessageKind, ParticipantRole } from '@switchboard/proto';
import type { SwitchboardError } from '@switchboard/shared';
import type { Identity } from './identity';
import { normalizeSend } from './normalize';

const visitor: Identity = {
  tenantId: 'demo',
  role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
  participantId: 'v-1',
  displayName: 'Ann',
  conversationId: 'c-1',
  supervisor: false,
  admin: false,
};
const send = { clientMsgId: 'm1', conversationId: 'c-1', text: 'hi', clientSentAtMs: 5, note: false };

describe('normalizeSend', () => {
  it('normalizeSend - takes identity from the token, content from the frame', () => {
    expect(normalizeSend(visitor, send)).toMatchObject({
      tenantId: 'demo',
      conversationId: 'c-1',
      seq: 0,
      clientMsgId: 'm1',
      sender: { role: ParticipantRole.PARTICIPANT_ROLE_VISITOR, id: 'v-1', displayName: 'Ann' },
      channel: Channel.CHANNEL_WEB_WIDGET,
      text: 'hi',
      clientSentAtMs: 5,
    });
  });

  it('normalizeSend - a visitor cannot write to another conversation', () => {
    expect(() => normalizeSend(visitor, { ...send, conversationId: 'c-2' })).toThrow(
      expect.objectContaining({ code: ErrorCode.ERROR_CODE_FORBIDDEN }) as SwitchboardError,
    );
  });

  it('normalizeSend - agents write from the console channel', () => {
    const agent: Identity = {
      ...visitor,
      role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
      participantId: 'a-1',
      conversationId: '',
    };
    expect(normalizeSend(agent, { ...send, conversationId: 'c-9' }).channel).toBe(Channel.CHANNEL_CONSOLE);
  });

  it('normalizeSend - agents may mark a message as a private note; visitors may not', () => {
    const agent: Identity = {
      ...visitor,
      role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
      participantId: 'a-1',
    };
    expect(normalizeSend(agent, { ...send, note: true }).kind).toBe(MessageKind.MESSAGE_KIND_NOTE);
    expect(normalizeSend(agent, send).kind).toBe(MessageKind.MESSAGE_KIND_TEXT);
    expect(() => normalizeSend(visitor, { ...send, note: true })).toThrow(
      expect.objectContaining({ code: ErrorCode.ERROR_CODE_FORBIDDEN }) as SwitchboardError,
    );
  });
});
