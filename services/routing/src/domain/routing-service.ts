import {
  ErrorCode,
  type AgentPresence,
  type AgentStatusRecord,
  type ConversationEvent,
  type ConversationSummary,
  type PickRequest,
  type UnifiedMessage,
  type WatchResponse,
} from '@switchboard/proto';
import { asSwitchboardError, SwitchboardError } from '@switchboard/shared';
import { summaryOf } from './conversation-book';
import { Planner, type CommandOutcome, type PlannedCommand } from './planner';
import {
  SessionNoAnswerError,
  type Clock,
  type ConfigSource,
  type RoutingLog,
  type RoutingStore,
  type SessionCommands,
  type SignalPublisher,
} from './ports';
import { RoutingView } from './routing-view';

export interface RoutingServiceOptions {
  readonly presenceTtlMs: number;
  readonly queueStatusIntervalMs: number;
  /** How long a sent command blocks further commands for its conversation without news (default 3× timeout). */
  readonly commandSettleMs: number;
  /** A tenant's queue snapshot is rebuilt at most this often (the tick period). */
  readonly snapshotMinGapMs?: number;
  /** Backoff between failed configuration loads of a tenant. */
  readonly configRetryMinMs?: number;
  readonly configRetryMaxMs?: number;
}

export interface RoutingPorts {
  readonly commands: SessionCommands;
  readonly store: RoutingStore;
  readonly publisher: SignalPublisher;
  readonly config: ConfigSource;
  readonly clock: Clock;
  readonly log: RoutingLog;
}

/**
 * Routing's application service: folds inputs into the view (mirroring what must survive a restart),
 * and at each tick runs the planner and carries out its commands and signals. It dispatches only after
 * `startDispatching` (once the lifecycle consumer caught up), so a replay never causes stale commands.
 */
export class RoutingService {
  readonly view: RoutingView;
  readonly planner: Planner;
  private dispatching = false;
  private readonly configLoads = new Map<
    string,
    { inFlight: boolean; failures: number; retryAtMs: number }
  >();

  constructor(
    private readonly ports: RoutingPorts,
    private readonly opts: RoutingServiceOptions,
  ) {
    this.view = new RoutingView(opts.presenceTtlMs);
    this.planner = new Planner(this.view, {
      presenceWarmupUntilMs: ports.clock.now() + opts.presenceTtlMs,
      commandSettleMs: opts.commandSettleMs,
      queueStatusIntervalMs: opts.queueStatusIntervalMs,
      snapshotMinGapMs: opts.snapshotMinGapMs ?? 0,
    });
  }

  /** Loads the mirror and scores written before a restart. Call once, before any event. */
  async restore(): Promise<{ conversations: number }> {
    const stored = await this.ports.store.load();
    const now = this.ports.clock.now();
    for (const r of stored.conversations) {
      this.view.conversations.load(r, now);
      this.view.config.see(summaryOf(r).tenantId);
    }
    for (const s of stored.agentStats) this.view.stats.loadAgent(s);
    for (const s of stored.groupStats) this.view.stats.loadGroup(s);
    for (const s of stored.sticky) this.view.stats.loadSticky(s.tenantId, s.visitorId, s.sticky);
    return { conversations: this.view.conversations.size };
  }

  /**
   * Folds one lifecycle event (SB_EVENTS stream seq `seq`) into the view at once, and resolves when what
   * it changed is durable in the mirror, i.e. when the event may be acknowledged.
   */
  applyEvent(e: ConversationEvent, seq: number): Promise<void> {
    const applied = this.view.applyEvent(e, seq, this.ports.clock.now());
    const writes: Promise<void>[] = [];
    const mirror = applied.view.mirror;
    if (mirror !== undefined) {
      writes.push(this.ports.store.writeConversation(mirror));
    } else {
      const s = summaryOf(e);
      writes.push(this.ports.store.conversationDurable(s.tenantId, s.conversationId));
    }
    if (applied.stats.length > 0) writes.push(this.ports.store.writeStats(applied.stats, true));
    return Promise.all(writes).then(() => undefined);
  }

  /** A stored message: idle clock and response times (scores are written coalesced). */
  applyMessage(m: UnifiedMessage): void {
    const changed = this.view.applyMessage(m, this.ports.clock.now());
    if (changed.length > 0) {
      this.ports.store.writeStats(changed, false).catch((err: unknown) => {
        this.ports.log.warn({ err }, 'writing agent stats failed');
      });
    }
  }

  applyPresence(p: AgentPresence): void {
    this.view.applyPresence(p, this.ports.clock.now());
  }

  applyStatus(tenantId: string, agentId: string, record: AgentStatusRecord | undefined): void {
    this.view.applyStatus(tenantId, agentId, record);
  }

  applyConfigChange(c: WatchResponse): void {
    this.view.applyConfigChange(c);
  }

  /** From now on ticks send commands (the lifecycle consumer caught up). */
  startDispatching(): void {
    this.dispatching = true;
  }

  get isDispatching(): boolean {
    return this.dispatching;
  }

  /**
   * Loads configuration of newly seen tenants and, once dispatching, plans and carries out one round.
   * Resolves when this round's commands are settled.
   */
  async tick(): Promise<void> {
    this.loadConfigs();
    if (!this.dispatching) return;
    const now = this.ports.clock.now();
    const plan = this.planner.plan(now);
    for (const s of plan.signals) this.ports.publisher.signal(s);
    for (const s of plan.snapshots) this.ports.publisher.snapshot(s);
    await Promise.all(plan.commands.map((p) => this.execute(p)));
  }

  /** A manual pick: checks and sends `assign {accepted: true}`; resolves to the conversation after it. */
  async pick(req: PickRequest): Promise<ConversationSummary> {
    if (req.tenantId === '' || req.agentId === '' || req.conversationId === '') {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
        'tenant_id, agent_id and conversation_id are required',
      );
    }
    if (!this.dispatching) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'routing is still catching up', true);
    }
    const planned = this.planner.pick(
      req.tenantId,
      req.conversationId,
      req.agentId,
      this.ports.clock.now(),
      req.agentDisplayName,
    );
    try {
      const summary = await this.ports.commands.send(planned.command);
      this.planner.settle(planned, { kind: 'applied', version: summary.version }, this.ports.clock.now());
      return summary;
    } catch (err) {
      this.planner.settle(planned, outcomeOf(err), this.ports.clock.now());
      throw asSwitchboardError(err);
    }
  }

  private async execute(planned: PlannedCommand): Promise<void> {
    const cmd = planned.command;
    let outcome: CommandOutcome;
    try {
      const summary = await this.ports.commands.send(cmd);
      outcome = { kind: 'applied', version: summary.version };
      this.ports.log.debug(
        {
          tenant: cmd.tenantId,
          conversation: cmd.conversationId,
          command: cmd.kind,
          version: summary.version,
        },
        'command applied',
      );
    } catch (err) {
      outcome = outcomeOf(err);
      const fields = { err, tenant: cmd.tenantId, conversation: cmd.conversationId, command: cmd.kind };
      if (outcome.kind === 'refused' && isAlreadyHandled(err)) {
        this.ports.log.debug(fields, 'command refused: already handled');
      } else {
        this.ports.log.warn(fields, 'command not confirmed');
      }
    }
    this.planner.settle(planned, outcome, this.ports.clock.now());
  }

  private loadConfigs(): void {
    const now = this.ports.clock.now();
    const minMs = this.opts.configRetryMinMs ?? 500;
    const maxMs = this.opts.configRetryMaxMs ?? 5000;
    for (const tenantId of this.view.config.unloaded()) {
      const state = this.configLoads.get(tenantId) ?? { inFlight: false, failures: 0, retryAtMs: 0 };
      this.configLoads.set(tenantId, state);
      if (state.inFlight || now < state.retryAtMs) continue;
      state.inFlight = true;
      this.ports.config.loadTenant(tenantId).then(
        (snapshot) => {
          state.inFlight = false;
          this.view.applyTenantSnapshot(tenantId, snapshot);
          this.configLoads.delete(tenantId);
          this.ports.log.info(
            {
              tenant: tenantId,
              agents: snapshot.agents.length,
              groups: snapshot.groups.length,
              known: snapshot.tenant !== undefined,
            },
            'tenant configuration loaded',
          );
        },
        (err: unknown) => {
          state.inFlight = false;
          state.failures++;
          state.retryAtMs = this.ports.clock.now() + Math.min(maxMs, minMs * 2 ** (state.failures - 1));
          this.ports.log.warn(
            { err, tenant: tenantId, failures: state.failures },
            'loading tenant configuration failed',
          );
        },
      );
    }
  }
}

/** Session refused because the conversation moved on: someone else already did what routing wanted. */
function isAlreadyHandled(err: unknown): boolean {
  if (!(err instanceof SwitchboardError)) return false;
  return (
    err.code === ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION ||
    err.code === ErrorCode.ERROR_CODE_NOT_FOUND ||
    err.code === ErrorCode.ERROR_CODE_CONVERSATION_CLOSED
  );
}

/** How session's answer (or its absence) settles a command. */
export function outcomeOf(err: unknown): CommandOutcome {
  if (err instanceof SessionNoAnswerError) return { kind: 'unknown' };
  if (!(err instanceof SwitchboardError)) return { kind: 'unknown' };
  switch (err.code) {
    case ErrorCode.ERROR_CODE_UNAVAILABLE:
    case ErrorCode.ERROR_CODE_RATE_LIMITED:
      return { kind: 'failed' };
    case ErrorCode.ERROR_CODE_UNSPECIFIED:
    case ErrorCode.ERROR_CODE_BAD_FRAME:
    case ErrorCode.ERROR_CODE_FRAME_TOO_LARGE:
    case ErrorCode.ERROR_CODE_UNAUTHENTICATED:
    case ErrorCode.ERROR_CODE_UNKNOWN_TENANT:
    case ErrorCode.ERROR_CODE_FORBIDDEN:
    case ErrorCode.ERROR_CODE_INVALID_ARGUMENT:
    case ErrorCode.ERROR_CODE_CONVERSATION_CLOSED:
    case ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION:
    case ErrorCode.ERROR_CODE_NOT_FOUND:
    case ErrorCode.ERROR_CODE_INTERNAL:
    case ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION:
    case ErrorCode.UNRECOGNIZED:
      return { kind: 'refused' };
  }
}
