import { ParticipantRole } from '@switchboard/proto';
import { requestOf } from './nats-session-commands';

describe('requestOf', () => {
  const ids = { tenantId: 't1', conversationId: 'c1' };
  const system = { role: ParticipantRole.PARTICIPANT_ROLE_SYSTEM, id: 'routing', displayName: 'routing' };

  it('requestOf - every routing command becomes its SessionCommandRequest, sent as SYSTEM', () => {
    expect(requestOf({ kind: 'enqueue', ...ids, groupId: 'sales', priority: 0, reason: 'rule:r1' })).toEqual({
      ...ids,
      actor: system,
      actorIsSupervisor: false,
      command: { $case: 'enqueue', value: { groupId: 'sales', priority: 0, reason: 'rule:r1' } },
    });
    expect(
      requestOf({ kind: 'assign', ...ids, agentId: 'a1', agentDisplayName: 'A', accepted: true }).command,
    ).toEqual({
      $case: 'assign',
      value: { agentId: 'a1', agentDisplayName: 'A', accepted: true },
    });
    expect(
      requestOf({ kind: 'requeue', ...ids, expectedAgentId: 'a1', reason: 'accept_timeout' }).command,
    ).toEqual({
      $case: 'requeue',
      value: { expectedAgentId: 'a1', reason: 'accept_timeout' },
    });
    expect(requestOf({ kind: 'close', ...ids, reason: 'idle', reopenWindowMs: 600_000 }).command).toEqual({
      $case: 'close',
      value: { reason: 'idle', reopenWindowMs: 600_000 },
    });
  });
});
