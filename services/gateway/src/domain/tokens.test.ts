import { ErrorCode, ParticipantRole } from '@switchboard/proto';
import { errorCodeOf } from '@switchboard/shared';
import type { Identity } from './identity';
import { TokenService } from './tokens';

const secret = 'k'.repeat(40);
const visitor: Identity = {
  tenantId: 'demo',
  role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
  participantId: 'v-1',
  displayName: 'Ann',
  conversationId: 'c-1',
};
const agent: Identity = {
  ...visitor,
  role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
  participantId: 'a-1',
  conversationId: '',
};

function codeOf(p: Promise<unknown>): Promise<ErrorCode | undefined> {
  return p.then(() => undefined, errorCodeOf);
}

describe('TokenService', () => {
  it('issue/verify - a visitor token round-trips with its conversation', async () => {
    const tokens = new TokenService(secret, { visitorS: 60, agentS: 60 });
    const { token } = await tokens.issue(visitor);
    expect(await tokens.verify(token)).toEqual(visitor);
  });

  it('issue/verify - an agent token round-trips without a conversation', async () => {
    const tokens = new TokenService(secret, { visitorS: 60, agentS: 60 });
    expect(await tokens.verify((await tokens.issue(agent)).token)).toEqual(agent);
  });

  it('verify - an expired token is UNAUTHENTICATED', async () => {
    let now = 1_000_000_000_000;
    const tokens = new TokenService(secret, { visitorS: 60, agentS: 60 }, () => now);
    const { token, expiresAtMs } = await tokens.issue(visitor);
    expect(expiresAtMs).toBe(now + 60_000);
    now += 61_000;
    expect(await codeOf(tokens.verify(token))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
  });

  it('verify - a token signed with another key, an empty or garbage token is UNAUTHENTICATED', async () => {
    const mine = new TokenService(secret, { visitorS: 60, agentS: 60 });
    const theirs = new TokenService('z'.repeat(40), { visitorS: 60, agentS: 60 });
    const forged = (await theirs.issue(agent)).token;
    expect(await codeOf(mine.verify(forged))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    expect(await codeOf(mine.verify(''))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    expect(await codeOf(mine.verify('a.b.c'))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
  });

  it('verify - a tampered payload is UNAUTHENTICATED', async () => {
    const tokens = new TokenService(secret, { visitorS: 60, agentS: 60 });
    const [h, p, s] = (await tokens.issue(visitor)).token.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, role: 'agent' })).toString('base64url');
    expect(await codeOf(tokens.verify(`${h ?? ''}.${tampered}.${s ?? ''}`))).toBe(
      ErrorCode.ERROR_CODE_UNAUTHENTICATED,
    );
  });
});
