import { AgentRole, ConfigEntity } from '@switchboard/proto';
import { ConfigAdministration } from './domain/config-administration';
import { ConfigDirectory } from './domain/config-directory';
import { DEMO, formatSeedSummary, seedDemo } from './seed';
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
} from './testing/fakes';

function sut() {
  const repos = {
    tenants: new InMemoryTenants(),
    agents: new InMemoryAgents(),
    widgetKeys: new InMemoryWidgetKeys(),
    groups: new InMemoryGroups(),
    cannedReplies: new InMemoryCannedReplies(),
    conversations: new InMemoryConversations(),
  };
  const hasher = fastHasher();
  const changes = new InMemoryChangeLog();
  const administration = new ConfigAdministration({
    ...repos,
    changes,
    announcer: new InMemoryNotifications(),
    hasher,
  });
  return { ...repos, administration, changes, directory: new ConfigDirectory({ ...repos, hasher }) };
}

describe('seed', () => {
  it('seed - creates the demo tenant, groups, agents, key, settings and replies in dependency order', async () => {
    const s = sut();
    const summary = await seedDemo(s);
    expect(summary.revisions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(s.changes.entries.map((c) => c.entity)).toEqual([
      ConfigEntity.CONFIG_ENTITY_TENANT,
      ConfigEntity.CONFIG_ENTITY_GROUP,
      ConfigEntity.CONFIG_ENTITY_GROUP,
      ConfigEntity.CONFIG_ENTITY_GROUP,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_WIDGET_KEY,
      ConfigEntity.CONFIG_ENTITY_TENANT,
      ConfigEntity.CONFIG_ENTITY_CANNED_REPLY,
      ConfigEntity.CONFIG_ENTITY_CANNED_REPLY,
    ]);
    expect(summary.groups.map((g) => [g.id, g.skills, g.languages])).toEqual([
      ['general', [], []],
      ['sales', ['sales'], ['en', 'zh-CN']],
      ['support', [], []],
    ]);
    expect(summary.agents.map((a) => [a.email, a.role, a.maxConcurrent, a.groupIds])).toEqual([
      ['alice@demo.test', AgentRole.AGENT_ROLE_ADMIN, 2, ['general', 'sales', 'support']],
      ['bob@demo.test', AgentRole.AGENT_ROLE_AGENT, 2, ['general', 'support']],
      ['carol@demo.test', AgentRole.AGENT_ROLE_SUPERVISOR, 2, ['general', 'sales']],
    ]);
    const settings = summary.tenant.settings;
    expect(settings?.defaultGroupId).toBe('general');
    expect(settings?.rules).toEqual([
      {
        id: 'pricing',
        groupId: 'sales',
        keywords: ['price', 'pricing', '报价', '价格'],
        pattern: '',
        priority: 0,
      },
    ]);
    expect(settings?.widget).toMatchObject({
      title: 'Switchboard Demo',
      color: '#2563eb',
      csatEnabled: true,
      preChatEnabled: false,
    });
    expect(summary.cannedReplies.map((r) => [r.shortcut, r.agentId])).toEqual([
      ['bye', ''],
      ['hello', ''],
    ]);
    expect(summary.cannedReplies[1]?.text).toBe("Hi {{visitor.name}}, I'm {{agent.name}}. How can I help?");
    expect(summary.widgetKeys.map((k) => k.key)).toEqual([DEMO.widgetKey]);
    for (const email of ['alice@demo.test', 'bob@demo.test', 'carol@demo.test']) {
      expect((await s.directory.authenticateAgent('demo', email, 'switchboard')).email).toBe(email);
    }
  });

  it('seed - running it again writes nothing and keeps every id', async () => {
    const s = sut();
    const first = await seedDemo(s);
    const second = await seedDemo(s);
    expect(second.revisions).toEqual([]);
    expect(second.agents.map((a) => a.id)).toEqual(first.agents.map((a) => a.id));
    expect(second.cannedReplies.map((r) => r.id)).toEqual(first.cannedReplies.map((r) => r.id));
    expect(s.changes.entries).toHaveLength(11);
  });

  it('seed - reuses a hand-made shared reply with the same shortcut instead of clashing', async () => {
    const s = sut();
    await s.administration.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const { value: mine } = await s.administration.upsertCannedReply({
      tenantId: 'demo',
      shortcut: 'hello',
      text: 'old text',
    });
    const summary = await seedDemo(s);
    const hello = summary.cannedReplies.find((r) => r.shortcut === 'hello');
    expect(hello?.id).toBe(mine.id);
    expect(hello?.text).toContain('{{agent.name}}');
  });

  it('seed - the printed summary has no password hash', async () => {
    const s = sut();
    const text = formatSeedSummary(await seedDemo(s), 'switchboard');
    expect(text).toContain('carol@demo.test');
    expect(text).toContain('pricing → sales');
    expect(text).toContain('/hello');
    expect(text).not.toContain('scrypt');
  });
});
