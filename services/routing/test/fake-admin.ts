import {
  ConfigServiceService,
  ErrorCode,
  type Agent,
  type ConfigServiceServer,
  type Group,
  type Tenant,
  type WatchRequest,
  type WatchResponse,
} from '@switchboard/proto';
import { startGrpcServer, stopGrpcServer, SwitchboardError, toServiceError } from '@switchboard/shared';
import { silentLogger } from './support';

type Implementation = Parameters<typeof startGrpcServer>[0][number]['implementation'];
type WatchCall = Parameters<ConfigServiceServer['watch']>[0];

/** An in-test admin ConfigService: tenants, agents, groups and a Watch stream the test feeds. */
export class FakeAdmin {
  readonly tenants = new Map<string, Tenant>();
  readonly agents = new Map<string, Agent[]>();
  readonly groups = new Map<string, Group[]>();
  readonly watchRequests: WatchRequest[] = [];
  private readonly watchers = new Set<WatchCall>();
  private server: Awaited<ReturnType<typeof startGrpcServer>>['server'] | undefined;
  port = 0;

  async start(port = 0): Promise<string> {
    const impl: Partial<ConfigServiceServer> = {
      getTenant: (call, callback) => {
        const tenant = this.tenants.get(call.request.tenantId);
        if (tenant === undefined) {
          callback(
            toServiceError(
              new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no tenant'),
              silentLogger,
              'GetTenant',
            ),
          );
        } else {
          callback(null, { tenant });
        }
      },
      listAgents: (call, callback) => {
        callback(null, { agents: this.agents.get(call.request.tenantId) ?? [] });
      },
      listGroups: (call, callback) => {
        callback(null, { groups: this.groups.get(call.request.tenantId) ?? [] });
      },
      watch: (call) => {
        this.watchRequests.push(call.request);
        this.watchers.add(call);
        call.on('cancelled', () => this.watchers.delete(call));
        call.on('close', () => this.watchers.delete(call));
      },
    };
    const started = await startGrpcServer(
      [{ definition: ConfigServiceService, implementation: impl as unknown as Implementation }],
      port,
      '127.0.0.1',
    );
    this.server = started.server;
    this.port = started.port;
    return `127.0.0.1:${started.port}`;
  }

  /** Sends a change to every open Watch stream. */
  push(change: WatchResponse): void {
    for (const w of this.watchers) w.write(change);
  }

  /** Ends every open Watch stream (as an admin restart would). */
  endWatches(): void {
    for (const w of this.watchers) w.end();
    this.watchers.clear();
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  async stop(): Promise<void> {
    this.endWatches();
    if (this.server !== undefined) await stopGrpcServer(this.server, 1000);
  }
}
