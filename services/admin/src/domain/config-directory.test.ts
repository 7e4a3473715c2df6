import {
  AgentRole,
  Channel,
  ConversationState,
  ConversationSummary,
  ErrorCode,
  TenantSettings,
} from '@switchboard/proto';
import type { SwitchboardError } from '@switchboard/shared';
import {
  fastHasher,
  InMemoryAgents,
  InMemoryCannedReplies,
  InMemoryChangeLog,
  InMemoryConversations,
  InMemoryGroups,
  InMemoryNotifications,
  InMemoryTenants,
  InMemoryWidgetKeys,
} from '../testing/fakes';
import { ConfigAdministration } from './config-administration';
import { ConfigDirectory, LOGIN_FAILED } from './config-directory';

async function sut() {
  const deps = {
    tenants: new InMemoryTenants(),
    agents: new InMemoryAgents(),
    widgetKeys: new InMemoryWidgetKeys(),
    conversations: new InMemoryConversations(),
    groups: new InMemoryGroups(),
    cannedReplies: new InMemoryCannedReplies(),
    hasher: fastHasher(),
  };
  const admin = new ConfigAdministration({
    ...deps,
    changes: new InMemoryChangeLog(),
    announcer: new InMemoryNotifications(),
  });
  await admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
  await admin.upsertTenant({ id: 'other', name: 'Other' });
  await admin.upsertAgent({
    tenantId: 'demo',
    email: 'alice@demo.test',
    displayName: 'Alice',
    role: AgentRole.AGENT_ROLE_ADMIN,
    maxConcurrent: 3,
    password: 'switchboard',
  });
  await admin.upsertWidgetKey({ tenantId: 'demo', key: 'demo-widget-key', name: 'Site' });
  return { directory: new ConfigDirectory(deps), admin, ...deps };
}

async function failure(p: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await p;
  } catch (err) {
    return err as SwitchboardError;
  }
  throw new Error('expected a failure');
}

function conversation(id: string, overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return ConversationSummary.fromPartial({
    tenantId: 'demo',
    conversationId: id,
    state: ConversationState.CONVERSATION_STATE_WAITING,
    visitorId: 'v1',
    agentId: '',
    lastSeq: 0,
    openedAtMs: 1,
    updatedAtMs: 1,
    channel: Channel.CHANNEL_WEB_WIDGET,
    version: 1,
    ...overrides,
  });
}

describe('config directory', () => {
  it('config directory - authenticates with the right password, email case-insensitively', async () => {
    const { directory } = await sut();
    const agent = await directory.authenticateAgent('demo', ' ALICE@demo.test', 'switchboard');
    expect(agent.email).toBe('alice@demo.test');
    expect(agent).not.toHaveProperty('passwordHash');
  });

  it('config directory - wrong password, unknown email and unknown tenant fail identically', async () => {
    const { directory } = await sut();
    const errors = await Promise.all([
      failure(directory.authenticateAgent('demo', 'alice@demo.test', 'wrong-password')),
      failure(directory.authenticateAgent('demo', 'nobody@demo.test', 'switchboard')),
      failure(directory.authenticateAgent('other', 'alice@demo.test', 'switchboard')),
      failure(directory.authenticateAgent('missing', 'alice@demo.test', 'switchboard')),
    ]);
    for (const err of errors) {
      expect(err.code).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
      expect(err.message).toBe(LOGIN_FAILED);
    }
  });

  it('config directory - malformed login input is INVALID_ARGUMENT', async () => {
    const { directory } = await sut();
    expect((await failure(directory.authenticateAgent('', 'a@b.c', 'x'))).code).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    expect((await failure(directory.authenticateAgent('demo', '', 'x'))).code).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    expect((await failure(directory.authenticateAgent('demo', 'alice@demo.test', ''))).code).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });

  it('config directory - resolves a widget key to its tenant and refuses unknown keys', async () => {
    const { directory } = await sut();
    const { widgetKey, tenant } = await directory.resolveWidgetKey('demo-widget-key');
    expect(widgetKey.tenantId).toBe('demo');
    expect(tenant.name).toBe('Demo Shop');
    expect((await failure(directory.resolveWidgetKey('unknown-key-123'))).code).toBe(
      ErrorCode.ERROR_CODE_UNKNOWN_TENANT,
    );
    expect((await failure(directory.resolveWidgetKey('bad key'))).code).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });

  it('config directory - lists a tenant agents and refuses unknown tenants', async () => {
    const { directory } = await sut();
    expect((await directory.listAgents('demo')).map((a) => a.email)).toEqual(['alice@demo.test']);
    expect(await directory.listAgents('other')).toEqual([]);
    expect((await failure(directory.listAgents('missing'))).code).toBe(ErrorCode.ERROR_CODE_UNKNOWN_TENANT);
    expect((await failure(directory.getTenant('bad.id'))).code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
  });

  it('config directory - conversations are filtered, newest first, and scoped by tenant', async () => {
    const { directory, conversations } = await sut();
    await conversations.saveIfNewer(conversation('c1', { updatedAtMs: 10, agentId: 'alice' }));
    await conversations.saveIfNewer(
      conversation('c2', { updatedAtMs: 30, state: ConversationState.CONVERSATION_STATE_CLOSED }),
    );
    await conversations.saveIfNewer(conversation('c3', { updatedAtMs: 20, visitorId: 'v2' }));
    await conversations.saveIfNewer(conversation('c4', { tenantId: 'other', updatedAtMs: 40 }));
    const q = { tenantId: 'demo', agentId: '', visitorId: '', openOnly: false, limit: 0 };
    const ids = async (query: typeof q) =>
      (await directory.listConversations(query)).map((c) => c.conversationId);
    expect(await ids(q)).toEqual(['c2', 'c3', 'c1']);
    expect(await ids({ ...q, openOnly: true })).toEqual(['c3', 'c1']);
    expect(await ids({ ...q, agentId: 'alice' })).toEqual(['c1']);
    expect(await ids({ ...q, visitorId: 'v2' })).toEqual(['c3']);
    expect(await ids({ ...q, limit: 1 })).toEqual(['c2']);
    expect((await failure(directory.getConversation('demo', 'c4'))).code).toBe(
      ErrorCode.ERROR_CODE_NOT_FOUND,
    );
    expect((await directory.getConversation('other', 'c4')).tenantId).toBe('other');
    expect((await failure(directory.listConversations({ ...q, agentId: 'a.b' }))).code).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });
});

describe('config directory - groups and canned replies', () => {
  it('config directory - lists a tenant groups by id and refuses unknown tenants', async () => {
    const { directory, admin } = await sut();
    await admin.upsertGroup({ tenantId: 'demo', id: 'support', name: 'Support' });
    await admin.upsertGroup({ tenantId: 'demo', id: 'general', name: 'General' });
    await admin.upsertGroup({ tenantId: 'other', id: 'vip', name: 'VIP' });
    expect((await directory.listGroups('demo')).map((g) => g.id)).toEqual(['general', 'support']);
    expect((await failure(directory.listGroups('missing'))).code).toBe(ErrorCode.ERROR_CODE_UNKNOWN_TENANT);
    expect((await failure(directory.listGroups('a.b'))).code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
  });

  it('config directory - canned replies: shared ones, plus the agent own first on equal shortcuts', async () => {
    const { directory, admin, agents } = await sut();
    const alice = (await agents.findByEmail('demo', 'alice@demo.test'))?.agent.id ?? '';
    await admin.upsertAgent({
      tenantId: 'demo',
      email: 'bob@demo.test',
      displayName: 'Bob',
      role: AgentRole.AGENT_ROLE_AGENT,
      maxConcurrent: 2,
      password: 'switchboard',
    });
    const bob = (await agents.findByEmail('demo', 'bob@demo.test'))?.agent.id ?? '';
    await admin.upsertCannedReply({ tenantId: 'demo', shortcut: 'hello', text: 'Shared hello' });
    await admin.upsertCannedReply({ tenantId: 'demo', shortcut: 'bye', text: 'Shared bye' });
    await admin.upsertCannedReply({
      tenantId: 'demo',
      agentId: alice,
      shortcut: 'hello',
      text: 'Alice hello',
    });
    await admin.upsertCannedReply({
      tenantId: 'demo',
      agentId: alice,
      shortcut: 'refund',
      text: 'Alice refund',
    });
    await admin.upsertCannedReply({ tenantId: 'demo', agentId: bob, shortcut: 'bob', text: 'Bob only' });
    const texts = async (agentId: string) =>
      (await directory.listCannedReplies('demo', agentId)).map((r) => r.text);
    expect(await texts('')).toEqual(['Shared bye', 'Shared hello']);
    expect(await texts(alice)).toEqual(['Shared bye', 'Alice hello', 'Shared hello', 'Alice refund']);
    expect(await texts(bob)).toEqual(['Bob only', 'Shared bye', 'Shared hello']);
    expect((await failure(directory.listCannedReplies('missing', ''))).code).toBe(
      ErrorCode.ERROR_CODE_UNKNOWN_TENANT,
    );
    expect((await failure(directory.listCannedReplies('demo', 'a.b'))).code).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });

  it('config directory - GetTenant returns the settings', async () => {
    const { directory, admin } = await sut();
    await admin.upsertGroup({ tenantId: 'demo', id: 'general', name: 'General' });
    await admin.updateTenantSettings('demo', TenantSettings.fromPartial({ defaultGroupId: 'general' }));
    expect((await directory.getTenant('demo')).settings?.defaultGroupId).toBe('general');
    expect((await directory.resolveWidgetKey('demo-widget-key')).tenant.settings?.defaultGroupId).toBe(
      'general',
    );
  });
});
