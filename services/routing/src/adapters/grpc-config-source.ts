import { ErrorCode, type ConfigServiceClient, type Tenant, type WatchResponse } from '@switchboard/proto';
import { unaryCall, type Logger } from '@switchboard/shared';
import { SwitchboardError } from '@switchboard/shared';
import type { ConfigSource } from '../domain/ports';
import type { TenantConfigSnapshot } from '../domain/tenant-directory';

/** A tenant's settings, agents and groups from admin's ConfigService (GetTenant, ListAgents, ListGroups). */
export class GrpcConfigSource implements ConfigSource {
  constructor(
    private readonly client: ConfigServiceClient,
    private readonly timeoutMs: number,
  ) {}

  async loadTenant(tenantId: string): Promise<TenantConfigSnapshot> {
    const c = this.client;
    const [tenant, agents, groups] = await Promise.all([
      this.tenant(tenantId),
      unaryCall(c.listAgents.bind(c), { tenantId }, this.timeoutMs),
      unaryCall(c.listGroups.bind(c), { tenantId }, this.timeoutMs),
    ]);
    return { tenant, agents: agents.agents, groups: groups.groups };
  }

  /** Resolves once admin answers (for readiness). */
  ping(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.client.waitForReady(Date.now() + this.timeoutMs, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  private async tenant(tenantId: string): Promise<Tenant | undefined> {
    try {
      const c = this.client;
      return (await unaryCall(c.getTenant.bind(c), { tenantId }, this.timeoutMs)).tenant;
    } catch (err) {
      if (
        err instanceof SwitchboardError &&
        (err.code === ErrorCode.ERROR_CODE_NOT_FOUND || err.code === ErrorCode.ERROR_CODE_UNKNOWN_TENANT)
      ) {
        return undefined;
      }
      throw err;
    }
  }
}

type WatchStream = ReturnType<ConfigServiceClient['watch']>;

export interface ConfigWatchOptions {
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Follows admin's `Watch` (every tenant's changes) for hot reload: from revision 0 at start, and after a
 * broken stream from the last revision received, with backoff.
 */
export class ConfigWatchFollower {
  private stream: WatchStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private lastRevision = 0;
  private readonly log: Logger;

  constructor(
    private readonly client: ConfigServiceClient,
    private readonly onChange: (change: WatchResponse) => void,
    logger: Logger,
    private readonly opts: ConfigWatchOptions = {},
  ) {
    this.log = logger.child({ component: 'config-watch' });
  }

  get revision(): number {
    return this.lastRevision;
  }

  start(): void {
    if (this.stream !== undefined || this.stopped) return;
    const stream = this.client.watch({ tenantId: '', fromRevision: this.lastRevision });
    this.stream = stream;
    let ended = false;
    const reconnect = (why: string, err?: unknown): void => {
      if (ended) return;
      ended = true;
      this.stream = undefined;
      if (this.stopped) return;
      this.failures++;
      const delay = Math.min(
        this.opts.retryMaxMs ?? 10_000,
        (this.opts.retryMinMs ?? 250) * 2 ** Math.min(this.failures - 1, 10),
      );
      // The whole error once; afterwards its message, so an admin outage does not flood the log.
      const detail =
        this.failures === 1 ? { err } : { error: err instanceof Error ? err.message : undefined };
      this.log.warn(
        { ...detail, why, failures: this.failures, retry_in_ms: delay, from_revision: this.lastRevision },
        'config watch ended; reconnecting',
      );
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.start();
      }, delay);
    };
    stream.on('data', (change: WatchResponse) => {
      this.failures = 0;
      if (change.revision > this.lastRevision) this.lastRevision = change.revision;
      try {
        this.onChange(change);
      } catch (err) {
        this.log.warn({ err, revision: change.revision }, 'applying a config change failed');
      }
    });
    stream.on('error', (err: Error) => {
      reconnect('error', err);
    });
    stream.on('end', () => {
      reconnect('end');
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stream?.cancel();
    this.stream = undefined;
  }
}
