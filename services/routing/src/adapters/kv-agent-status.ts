import { AgentStatusRecord } from '@switchboard/proto';
import { decodeOrBadFrame, type Logger } from '@switchboard/shared';
import type { KV, KvEntry, QueuedIterator } from 'nats';

/** An agent's chosen status changed (`undefined`: the record was deleted). */
export type AgentStatusHandler = (
  tenantId: string,
  agentId: string,
  record: AgentStatusRecord | undefined,
) => void;

export interface AgentStatusWatchOptions {
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * Follows KV bucket SB_AGENT_STATUS (`<tenant>.<agent>` → AgentStatusRecord): every current value first,
 * then each change. If the watch ends (a NATS outage), it resumes after the last revision it saw.
 */
export class AgentStatusWatch {
  private iter: QueuedIterator<KvEntry> | undefined;
  private stopped = false;
  private lastRevision = 0;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private markInitialized: () => void = () => undefined;
  /** Resolves once the values present at start were delivered. */
  readonly initialized = new Promise<void>((resolve) => {
    this.markInitialized = resolve;
  });
  private readonly log: Logger;

  constructor(
    private readonly kv: KV,
    private readonly onStatus: AgentStatusHandler,
    logger: Logger,
    private readonly opts: AgentStatusWatchOptions = {},
  ) {
    this.log = logger.child({ component: 'agent-status' });
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.iter?.stop();
    this.wake?.();
    await this.running;
  }

  // A method, not a field read, so TypeScript does not narrow it across awaits.
  private isStopped(): boolean {
    return this.stopped;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const iter = await this.kv.watch({
          ...(this.lastRevision > 0 ? { resumeFromRevision: this.lastRevision + 1 } : {}),
          initializedFn: () => {
            this.markInitialized();
          },
        });
        this.iter = iter;
        if (this.isStopped()) iter.stop();
        for await (const e of iter) {
          failures = 0;
          this.lastRevision = Math.max(this.lastRevision, e.revision);
          this.deliver(e);
        }
      } catch (err) {
        this.log.warn({ err }, 'agent status watch failed');
      }
      if (this.isStopped()) break;
      failures++;
      const delay = Math.min(
        this.opts.retryMaxMs ?? 5000,
        (this.opts.retryMinMs ?? 250) * 2 ** Math.min(failures - 1, 10),
      );
      this.log.info(
        { retry_in_ms: delay, from_revision: this.lastRevision + 1 },
        'agent status watch ended; resuming',
      );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private deliver(e: KvEntry): void {
    const dot = e.key.indexOf('.');
    if (dot <= 0) return;
    const tenantId = e.key.slice(0, dot);
    const agentId = e.key.slice(dot + 1);
    if (e.operation !== 'PUT') {
      this.onStatus(tenantId, agentId, undefined);
      return;
    }
    try {
      this.onStatus(
        tenantId,
        agentId,
        decodeOrBadFrame('agent status', () => AgentStatusRecord.decode(e.value)),
      );
    } catch (err) {
      this.log.warn({ err, key: e.key }, 'skipping undecodable agent status');
    }
  }
}
