import {
  Availability,
  ConversationState,
  ErrorCode,
  ParticipantRole,
  type Agent,
  type ConversationSignal,
  type ConversationSummary,
  type GroupQueue,
  type Participant,
  type QueueEntry,
  type QueueSnapshot,
  type QueueStatus,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { hasWindows, isOpenAt } from './business-hours';
import type { TrackedConversation } from './conversation-book';
import { availabilityOf, compareQueued, estimatedWaitS, orderQueue, type GroupCapacity } from './queue';
import type { RoutingView } from './routing-view';
import { agentScore, ranksBefore, type ScoredAgent } from './scoring';
import { capacityOf, DEFAULTS } from './settings';
import type { TenantConfig } from './tenant-directory';
import { TenantKeyed } from './tenant-keyed';

export type RequeueReason = 'accept_timeout' | 'agent_offline' | 'transfer_unavailable';

/** A lifecycle command routing sends to session. */
export type RoutingCommand =
  | {
      readonly kind: 'enqueue';
      readonly tenantId: string;
      readonly conversationId: string;
      readonly groupId: string;
      readonly priority: number;
      readonly reason: string;
    }
  | {
      readonly kind: 'assign';
      readonly tenantId: string;
      readonly conversationId: string;
      readonly agentId: string;
      readonly agentDisplayName: string;
      /** Manual pick: accepted at once. */
      readonly accepted: boolean;
    }
  | {
      readonly kind: 'requeue';
      readonly tenantId: string;
      readonly conversationId: string;
      readonly expectedAgentId: string;
      readonly reason: RequeueReason;
    }
  | {
      readonly kind: 'close';
      readonly tenantId: string;
      readonly conversationId: string;
      readonly reason: string;
      readonly reopenWindowMs: number;
    };

/** A command and the conversation version it was decided on. */
export interface PlannedCommand {
  readonly command: RoutingCommand;
  readonly baseVersion: number;
}

/** What became of a command. */
export type CommandOutcome =
  /** Session applied it; the conversation is now at `version`. */
  | { readonly kind: 'applied'; readonly version: number }
  /** Session's state machine refused it: the conversation moved on (treated as already handled). */
  | { readonly kind: 'refused' }
  /** Session answered that it did not apply it (unavailable): try again at the next tick. */
  | { readonly kind: 'failed' }
  /** No answer: it may have been applied. Wait for an event, or for the settle time. */
  | { readonly kind: 'unknown' };

export interface Plan {
  readonly commands: PlannedCommand[];
  readonly signals: ConversationSignal[];
  readonly snapshots: QueueSnapshot[];
}

export interface PlannerOptions {
  /** Until then (after a start) nobody counts as gone offline: gateways have not reported yet. */
  readonly presenceWarmupUntilMs: number;
  /** How long a command blocks further commands for its conversation without news of it. */
  readonly commandSettleMs: number;
  /** Queue status and snapshots are re-sent this often even without a change. */
  readonly queueStatusIntervalMs: number;
  /** A tenant's snapshot is built at most this often (it lists every queued conversation). Default 0. */
  readonly snapshotMinGapMs?: number;
}

interface Pending {
  readonly planned: PlannedCommand;
  state: 'in_flight' | 'applied' | 'refused';
  awaitVersion: number;
  untilMs: number;
  readonly sentAtMs: number;
}

interface SentStatus {
  readonly groupId: string;
  readonly position: number;
  readonly availability: Availability;
  readonly atMs: number;
}

/** Agents and their load for one tenant during one tick. */
interface TickTenant {
  readonly cfg: TenantConfig;
  readonly loads: Map<string, number>;
  readonly lastAssigned: Map<string, number>;
  readonly online: Map<string, boolean>;
}

export const ROUTING_ACTOR: Participant = {
  role: ParticipantRole.PARTICIPANT_ROLE_SYSTEM,
  id: 'routing',
  displayName: 'routing',
};

const S = ConversationState;

/**
 * Decides, at each tick, what routing does next (docs/lifecycle.md §4): queue waiting conversations,
 * offer queued and transferring ones, take back offers that timed out or whose agent left, close idle
 * conversations, and tell visitors and consoles about queues. It remembers the commands it sent, so a
 * conversation is never offered twice and an agent never beyond capacity while session's answer or the
 * resulting event is still on its way.
 */
export class Planner {
  private readonly pending = new TenantKeyed<Pending>();
  private readonly sentStatus = new TenantKeyed<SentStatus>();
  private readonly warnedAt = new TenantKeyed<number>();
  private readonly sentSnapshots = new Map<string, { content: string; atMs: number; builtAtMs: number }>();

  constructor(
    private readonly view: RoutingView,
    private readonly opts: PlannerOptions,
  ) {}

  plan(nowMs: number): Plan {
    const plan: Plan = { commands: [], signals: [], snapshots: [] };
    for (const tenantId of [...this.view.conversations.tenants()]) {
      const cfg = this.view.config.get(tenantId);
      if (cfg?.loaded !== true) continue;
      this.planTenant(cfg, nowMs, plan);
    }
    for (const cfg of this.loadedTenantsWithoutConversations()) this.planSnapshot(cfg, [], nowMs, plan);
    this.forgetGone();
    return plan;
  }

  /** Records what became of a command `plan` returned (or `pick` accepted). */
  settle(planned: PlannedCommand, outcome: CommandOutcome, nowMs: number): void {
    const { tenantId, conversationId } = planned.command;
    const p = this.pending.get(tenantId, conversationId);
    if (p?.planned !== planned) return;
    switch (outcome.kind) {
      case 'applied':
        p.state = 'applied';
        p.awaitVersion = outcome.version;
        p.untilMs = nowMs + this.opts.commandSettleMs;
        break;
      case 'refused':
        p.state = 'refused';
        p.untilMs = nowMs + this.opts.commandSettleMs;
        break;
      case 'failed':
        this.pending.delete(tenantId, conversationId);
        break;
      case 'unknown':
        p.untilMs = nowMs + this.opts.commandSettleMs;
        break;
    }
  }

  /** Commands sent and not yet settled or reflected in the view. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Conversations `agentId` holds or is being offered (ASSIGNED, CHATTING, TRANSFERRING, offers on the way). */
  loadOf(tenantId: string, agentId: string, nowMs: number): number {
    return this.loads(tenantId, nowMs).get(agentId) ?? 0;
  }

  /**
   * Checks a manual pick (the conversation is queued, the agent serves its group and has room) and, when it
   * may go ahead, returns the command and counts it as on its way.
   */
  pick(
    tenantId: string,
    conversationId: string,
    agentId: string,
    nowMs: number,
    displayName = '',
  ): PlannedCommand {
    const cfg = this.view.config.get(tenantId);
    if (cfg?.loaded !== true) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        'tenant configuration not loaded yet',
        true,
      );
    }
    const c = this.view.conversations.get(tenantId, conversationId);
    if (c === undefined)
      throw new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such open conversation');
    if (c.summary.state !== S.CONVERSATION_STATE_QUEUED || this.blocked(c, nowMs)) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
        'the conversation is not waiting in a queue',
      );
    }
    const agent = cfg.agent(agentId);
    if (agent === undefined || !cfg.serves(agentId, c.summary.groupId)) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `agent is not in group ${c.summary.groupId}`,
      );
    }
    const capacity = capacityOf(agent, cfg.group(c.summary.groupId), cfg.settings);
    const load = this.loadOf(tenantId, agentId, nowMs);
    if (load >= capacity) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `agent is at capacity (${load}/${capacity})`,
      );
    }
    const planned: PlannedCommand = {
      command: {
        kind: 'assign',
        tenantId,
        conversationId,
        agentId,
        agentDisplayName: displayName !== '' ? displayName : agent.displayName,
        accepted: true,
      },
      baseVersion: c.summary.version,
    };
    this.track(planned, nowMs);
    return planned;
  }

  // ----- one tenant -----

  private planTenant(cfg: TenantConfig, nowMs: number, plan: Plan): void {
    const tenantId = cfg.tenantId;
    const settings = cfg.settings;
    const tick: TickTenant = {
      cfg,
      loads: this.loads(tenantId, nowMs),
      lastAssigned: this.pendingAssignTimes(tenantId),
      online: new Map(),
    };
    const warm = nowMs >= this.opts.presenceWarmupUntilMs;
    const offerable: TrackedConversation[] = [];
    const toAgent: TrackedConversation[] = [];
    const queued: TrackedConversation[] = [];

    for (const c of this.view.conversations.ofTenant(tenantId)) {
      const s = c.summary;
      if (s.state === S.CONVERSATION_STATE_QUEUED) queued.push(c);
      if (this.blocked(c, nowMs)) continue;
      switch (s.state) {
        case S.CONVERSATION_STATE_WAITING: {
          const target = cfg.chooser.choose(s.visitorContext, c.firstMessagePreview);
          this.emit(plan, nowMs, s, {
            kind: 'enqueue',
            tenantId,
            conversationId: s.conversationId,
            ...target,
            priority: 0,
          });
          break;
        }
        case S.CONVERSATION_STATE_ASSIGNED:
          if (warm && !this.online(tick, s.agentId, nowMs)) {
            this.requeue(plan, nowMs, s, 'agent_offline');
          } else if (nowMs >= s.assignedAtMs + settings.acceptTimeoutMs) {
            this.requeue(plan, nowMs, s, 'accept_timeout');
          }
          break;
        case S.CONVERSATION_STATE_TRANSFERRING:
          if (s.transferToAgentId !== '') toAgent.push(c);
          else offerable.push(c);
          this.idle(cfg, c, nowMs, plan);
          break;
        case S.CONVERSATION_STATE_QUEUED:
          offerable.push(c);
          break;
        case S.CONVERSATION_STATE_CHATTING:
        case S.CONVERSATION_STATE_BOT:
          this.idle(cfg, c, nowMs, plan);
          break;
        case S.CONVERSATION_STATE_UNSPECIFIED:
        case S.CONVERSATION_STATE_CLOSED:
        case S.UNRECOGNIZED:
          break;
      }
    }

    for (const c of toAgent.sort((a, b) => compareQueued(queuedOf(a), queuedOf(b)))) {
      const s = c.summary;
      const target = cfg.agent(s.transferToAgentId);
      if (target !== undefined && this.hasRoom(tick, target, s.groupId, nowMs)) {
        this.assign(plan, nowMs, tick, s, target);
      } else if (warm || target === undefined) {
        this.requeue(plan, nowMs, s, 'transfer_unavailable');
      }
    }

    // Transfers first (an agent is waiting to hand over), then each queue by priority and time.
    offerable.sort((a, b) => {
      const ta = a.summary.state === S.CONVERSATION_STATE_TRANSFERRING ? 0 : 1;
      const tb = b.summary.state === S.CONVERSATION_STATE_TRANSFERRING ? 0 : 1;
      return ta !== tb ? ta - tb : compareQueued(queuedOf(a), queuedOf(b));
    });
    const full = new Set<string>();
    for (const c of offerable) this.offer(tick, c, full, warm, nowMs, plan);

    this.planQueueSignals(tick, queued, nowMs, plan);
    this.planSnapshot(cfg, queued, nowMs, plan, tick);
  }

  private offer(
    tick: TickTenant,
    c: TrackedConversation,
    full: Set<string>,
    warm: boolean,
    nowMs: number,
    plan: Plan,
  ): void {
    const s = c.summary;
    const cfg = tick.cfg;
    const group = cfg.group(s.groupId);
    if (group?.manualPick === true) return;
    const current = s.state === S.CONVERSATION_STATE_TRANSFERRING ? s.agentId : '';

    // Sticky only for the queue: a transfer to a group says where the conversation should go.
    const sticky = current === '' ? this.view.stats.stickyAgent(s.tenantId, s.visitorId) : undefined;
    if (sticky !== undefined && !s.declinedAgentIds.includes(sticky.agentId)) {
      const agent = cfg.agent(sticky.agentId);
      if (agent !== undefined && this.hasRoom(tick, agent, s.groupId, nowMs)) {
        this.assign(plan, nowMs, tick, s, agent);
        return;
      }
    }

    if (full.has(s.groupId)) return;
    let best: (ScoredAgent & { readonly agent: Agent }) | undefined;
    let anyRoom = false;
    let anyOnline = false;
    for (const agent of cfg.membersOf(s.groupId)) {
      if (!this.online(tick, agent.id, nowMs)) continue;
      anyOnline = true;
      if (!this.hasRoom(tick, agent, s.groupId, nowMs)) continue;
      anyRoom = true;
      if (agent.id === current || s.declinedAgentIds.includes(agent.id)) continue;
      const stats = this.view.stats.agent(s.tenantId, agent.id);
      const lastAssignedAtMs = Math.max(stats.lastAssignedAtMs, tick.lastAssigned.get(agent.id) ?? 0);
      const scored = {
        agentId: agent.id,
        score: agentScore({ ...stats, lastAssignedAtMs }, cfg.settings.weights, nowMs),
        lastAssignedAtMs,
        agent,
      };
      if (best === undefined || ranksBefore(scored, best)) best = scored;
    }
    if (best !== undefined) {
      this.assign(plan, nowMs, tick, s, best.agent);
      return;
    }
    if (!anyRoom) full.add(s.groupId);
    // Nobody of the group is online to take the transfer: back to the group's queue, releasing the agent.
    if (current !== '' && !anyOnline && warm) this.requeue(plan, nowMs, s, 'transfer_unavailable');
  }

  private idle(cfg: TenantConfig, c: TrackedConversation, nowMs: number, plan: Plan): void {
    const idleCloseMs = cfg.settings.idleCloseMs;
    if (idleCloseMs === undefined) return;
    const s = c.summary;
    const closesAtMs = c.activityAtMs + idleCloseMs;
    if (nowMs >= closesAtMs) {
      this.emit(plan, nowMs, s, {
        kind: 'close',
        tenantId: s.tenantId,
        conversationId: s.conversationId,
        reason: 'idle',
        reopenWindowMs: cfg.settings.reopenWindowMs,
      });
      return;
    }
    if (
      nowMs >= closesAtMs - cfg.settings.idleWarningMs &&
      this.warnedAt.get(s.tenantId, s.conversationId) !== closesAtMs
    ) {
      this.warnedAt.set(s.tenantId, s.conversationId, closesAtMs);
      plan.signals.push(signal(s, nowMs, { $case: 'idleWarning', value: { closesAtMs } }));
    }
  }

  // ----- queues -----

  private planQueueSignals(tick: TickTenant, queued: TrackedConversation[], nowMs: number, plan: Plan): void {
    for (const [groupId, entries] of groupBy(queued)) {
      const status = this.groupStatus(tick, groupId, nowMs);
      entries.forEach((c, i) => {
        const s = c.summary;
        const position = i + 1;
        const prev = this.sentStatus.get(s.tenantId, s.conversationId);
        if (
          prev?.position === position &&
          prev.groupId === groupId &&
          prev.availability === status.availability &&
          nowMs - prev.atMs < this.opts.queueStatusIntervalMs
        ) {
          return;
        }
        this.sentStatus.set(s.tenantId, s.conversationId, {
          groupId,
          position,
          availability: status.availability,
          atMs: nowMs,
        });
        const value: QueueStatus = {
          groupId,
          position,
          queueLength: entries.length,
          estimatedWaitS: estimatedWaitS(position, status.capacity, status.avgHandleMs),
          availability: status.availability,
          offlineMessage:
            status.availability === Availability.AVAILABILITY_OPEN ? '' : tick.cfg.settings.offlineMessage,
        };
        plan.signals.push(signal(s, nowMs, { $case: 'queue', value }));
      });
    }
    // Conversations that left their queue but are still open hear it once: position 0.
    const tenantId = tick.cfg.tenantId;
    for (const [conversationId, prev] of this.sentStatus.ofTenant(tenantId)) {
      const c = this.view.conversations.get(tenantId, conversationId);
      if (c === undefined) continue;
      if (c.summary.state === S.CONVERSATION_STATE_QUEUED) continue;
      this.sentStatus.delete(tenantId, conversationId);
      const value: QueueStatus = {
        groupId: prev.groupId,
        position: 0,
        queueLength: 0,
        estimatedWaitS: 0,
        availability: Availability.AVAILABILITY_OPEN,
        offlineMessage: '',
      };
      plan.signals.push(signal(c.summary, nowMs, { $case: 'queue', value }));
    }
  }

  private planSnapshot(
    cfg: TenantConfig,
    queued: TrackedConversation[],
    nowMs: number,
    plan: Plan,
    tick: TickTenant = {
      cfg,
      loads: this.loads(cfg.tenantId, nowMs),
      lastAssigned: new Map(),
      online: new Map(),
    },
  ): void {
    const last = this.sentSnapshots.get(cfg.tenantId);
    if (last !== undefined && nowMs - last.builtAtMs < (this.opts.snapshotMinGapMs ?? 0)) return;
    const byGroup = groupBy(queued);
    const groupIds = new Set([...[...cfg.groups()].map((g) => g.id), ...byGroup.keys()]);
    const groups: GroupQueue[] = [...groupIds].sort().map((groupId) => {
      const status = this.groupStatus(tick, groupId, nowMs);
      const entries: QueueEntry[] = (byGroup.get(groupId) ?? []).map((c, i) => ({
        conversationId: c.summary.conversationId,
        position: i + 1,
        priority: c.summary.priority,
        queuedAtMs: c.summary.queuedAtMs,
        visitorId: c.summary.visitorId,
        visitorName: c.summary.visitorContext?.name ?? '',
        estimatedWaitS: estimatedWaitS(i + 1, status.capacity, status.avgHandleMs),
      }));
      return {
        groupId,
        entries,
        manualPick: cfg.group(groupId)?.manualPick ?? false,
        agentsOnline: status.agentsOnline,
        freeCapacity: status.capacity.free,
      };
    });
    const content = JSON.stringify(groups);
    if (last?.content === content && nowMs - last.atMs < this.opts.queueStatusIntervalMs) {
      last.builtAtMs = nowMs;
      return;
    }
    this.sentSnapshots.set(cfg.tenantId, { content, atMs: nowMs, builtAtMs: nowMs });
    plan.snapshots.push({ tenantId: cfg.tenantId, groups, atMs: nowMs });
  }

  private groupStatus(
    tick: TickTenant,
    groupId: string,
    nowMs: number,
  ): { capacity: GroupCapacity; availability: Availability; agentsOnline: number; avgHandleMs: number } {
    const cfg = tick.cfg;
    const group = cfg.group(groupId);
    let free = 0;
    let total = 0;
    let agentsOnline = 0;
    for (const agent of cfg.membersOf(groupId)) {
      if (!this.online(tick, agent.id, nowMs)) continue;
      agentsOnline++;
      const cap = capacityOf(agent, group, cfg.settings);
      total += cap;
      free += Math.max(0, cap - (tick.loads.get(agent.id) ?? 0));
    }
    const hours = hasWindows(group?.businessHours) ? group.businessHours : cfg.settings.businessHours;
    const within = isOpenAt(hours, nowMs, cfg.timeZone);
    return {
      capacity: { free, total },
      availability: availabilityOf(within, agentsOnline),
      agentsOnline,
      avgHandleMs: this.view.stats.avgHandleMs(cfg.tenantId, groupId) ?? DEFAULTS.handleTimeMs,
    };
  }

  // ----- bookkeeping -----

  private online(tick: TickTenant, agentId: string, nowMs: number): boolean {
    let o = tick.online.get(agentId);
    if (o === undefined) {
      o = this.view.presence.isOnline(tick.cfg.tenantId, agentId, nowMs);
      tick.online.set(agentId, o);
    }
    return o;
  }

  private hasRoom(tick: TickTenant, agent: Agent, groupId: string, nowMs: number): boolean {
    if (!this.online(tick, agent.id, nowMs)) return false;
    const cap = capacityOf(agent, tick.cfg.group(groupId), tick.cfg.settings);
    return (tick.loads.get(agent.id) ?? 0) < cap;
  }

  private assign(plan: Plan, nowMs: number, tick: TickTenant, s: ConversationSummary, agent: Agent): void {
    this.emit(plan, nowMs, s, {
      kind: 'assign',
      tenantId: s.tenantId,
      conversationId: s.conversationId,
      agentId: agent.id,
      agentDisplayName: agent.displayName,
      accepted: false,
    });
    tick.loads.set(agent.id, (tick.loads.get(agent.id) ?? 0) + 1);
    tick.lastAssigned.set(agent.id, nowMs);
  }

  private requeue(plan: Plan, nowMs: number, s: ConversationSummary, reason: RequeueReason): void {
    this.emit(plan, nowMs, s, {
      kind: 'requeue',
      tenantId: s.tenantId,
      conversationId: s.conversationId,
      expectedAgentId: s.agentId,
      reason,
    });
  }

  private emit(plan: Plan, nowMs: number, s: ConversationSummary, command: RoutingCommand): void {
    if (this.pending.has(s.tenantId, s.conversationId)) return; // one command per conversation at a time
    const planned: PlannedCommand = { command, baseVersion: s.version };
    this.track(planned, nowMs);
    plan.commands.push(planned);
  }

  private track(planned: PlannedCommand, nowMs: number): void {
    this.pending.set(planned.command.tenantId, planned.command.conversationId, {
      planned,
      state: 'in_flight',
      awaitVersion: 0,
      untilMs: nowMs + this.opts.commandSettleMs,
      sentAtMs: nowMs,
    });
  }

  /** True while a command for `c` is on its way or its effect has not reached the view yet. */
  private blocked(c: TrackedConversation, nowMs: number): boolean {
    const { tenantId, conversationId } = c.summary;
    const p = this.pending.get(tenantId, conversationId);
    if (p === undefined) return false;
    let stillBlocked: boolean;
    if (nowMs >= p.untilMs) stillBlocked = false;
    else if (p.state === 'in_flight') stillBlocked = true;
    else if (p.state === 'applied') stillBlocked = c.summary.version < p.awaitVersion;
    else stillBlocked = c.summary.version <= p.planned.baseVersion;
    if (!stillBlocked) this.pending.delete(tenantId, conversationId);
    return stillBlocked;
  }

  /** Each agent's load: conversations held in the view plus offers on their way. */
  private loads(tenantId: string, nowMs: number): Map<string, number> {
    const loads = new Map<string, number>();
    for (const c of this.view.conversations.ofTenant(tenantId)) {
      const s = c.summary;
      if (holds(s) && s.agentId !== '') loads.set(s.agentId, (loads.get(s.agentId) ?? 0) + 1);
    }
    for (const [conversationId, p] of this.pending.ofTenant(tenantId)) {
      const cmd = p.planned.command;
      if (cmd.kind !== 'assign' || p.state === 'refused') continue;
      const c = this.view.conversations.get(tenantId, conversationId);
      if (c === undefined) {
        this.pending.delete(tenantId, conversationId);
        continue;
      }
      if (nowMs >= p.untilMs) continue;
      if (holds(c.summary) && c.summary.agentId === cmd.agentId) continue; // already counted
      loads.set(cmd.agentId, (loads.get(cmd.agentId) ?? 0) + 1);
    }
    return loads;
  }

  private pendingAssignTimes(tenantId: string): Map<string, number> {
    const times = new Map<string, number>();
    for (const [, p] of this.pending.ofTenant(tenantId)) {
      const cmd = p.planned.command;
      if (cmd.kind === 'assign') {
        times.set(cmd.agentId, Math.max(times.get(cmd.agentId) ?? 0, p.sentAtMs));
      }
    }
    return times;
  }

  private *loadedTenantsWithoutConversations(): Iterable<TenantConfig> {
    const withConversations = new Set(this.view.conversations.tenants());
    for (const tenantId of this.view.config.loadedTenants()) {
      if (withConversations.has(tenantId)) continue;
      const cfg = this.view.config.get(tenantId);
      if (cfg !== undefined) yield cfg;
    }
  }

  private forgetGone(): void {
    const open = (tenantId: string, conversationId: string): boolean =>
      this.view.conversations.get(tenantId, conversationId) !== undefined;
    this.pending.retain(open);
    this.sentStatus.retain(open);
    this.warnedAt.retain(open);
  }
}

/** ASSIGNED, CHATTING and TRANSFERRING count against the agent's capacity. */
export function holds(s: ConversationSummary): boolean {
  return (
    s.state === S.CONVERSATION_STATE_ASSIGNED ||
    s.state === S.CONVERSATION_STATE_CHATTING ||
    s.state === S.CONVERSATION_STATE_TRANSFERRING
  );
}

function queuedOf(c: TrackedConversation): { conversationId: string; priority: number; queuedAtMs: number } {
  return {
    conversationId: c.summary.conversationId,
    priority: c.summary.priority,
    queuedAtMs: c.summary.queuedAtMs,
  };
}

function groupBy(queued: TrackedConversation[]): Map<string, TrackedConversation[]> {
  const byGroup = new Map<string, TrackedConversation[]>();
  for (const { c } of orderQueue(queued.map((q) => ({ ...queuedOf(q), c: q })))) {
    const list = byGroup.get(c.summary.groupId);
    if (list === undefined) byGroup.set(c.summary.groupId, [c]);
    else list.push(c);
  }
  return byGroup;
}

function signal(s: ConversationSummary, nowMs: number, kind: ConversationSignal['kind']): ConversationSignal {
  return { tenantId: s.tenantId, conversationId: s.conversationId, from: ROUTING_ACTOR, atMs: nowMs, kind };
}
