import { credentials } from '@grpc/grpc-js';
import { Agent, AgentRole, ConfigServiceClient, Group, type TenantSettings } from '@switchboard/proto';
import { unaryCall } from '@switchboard/shared';

const TIMEOUT_MS = 5000;

/** Test-side access to admin's ConfigService: agents, groups and tenant settings, as an admin UI would. */
export class AdminApi {
  private readonly client: ConfigServiceClient;

  constructor(address: string) {
    this.client = new ConfigServiceClient(address, credentials.createInsecure());
  }

  async upsertAgent(input: {
    tenantId?: string;
    email: string;
    displayName: string;
    role?: AgentRole;
    maxConcurrent?: number;
    groupIds?: string[];
    password?: string;
  }): Promise<Agent> {
    const res = await unaryCall(
      this.client.upsertAgent.bind(this.client),
      {
        agent: Agent.fromPartial({
          tenantId: input.tenantId ?? 'demo',
          email: input.email,
          displayName: input.displayName,
          role: input.role ?? AgentRole.AGENT_ROLE_AGENT,
          maxConcurrent: input.maxConcurrent ?? 0,
          groupIds: input.groupIds ?? [],
        }),
        password: input.password ?? 'switchboard-test-pw',
      },
      TIMEOUT_MS,
    );
    if (res.agent === undefined) throw new Error('UpsertAgent returned no agent');
    return res.agent;
  }

  async upsertGroup(input: Partial<Group> & { id: string; name?: string }): Promise<Group> {
    const res = await unaryCall(
      this.client.upsertGroup.bind(this.client),
      { group: Group.fromPartial({ tenantId: 'demo', name: input.id, ...input }) },
      TIMEOUT_MS,
    );
    if (res.group === undefined) throw new Error('UpsertGroup returned no group');
    return res.group;
  }

  async updateTenantSettings(settings: TenantSettings, tenantId = 'demo'): Promise<void> {
    await unaryCall(this.client.updateTenantSettings.bind(this.client), { tenantId, settings }, TIMEOUT_MS);
  }

  async tenantSettings(tenantId = 'demo'): Promise<TenantSettings | undefined> {
    const res = await unaryCall(this.client.getTenant.bind(this.client), { tenantId }, TIMEOUT_MS);
    return res.tenant?.settings;
  }

  close(): void {
    this.client.close();
  }
}
