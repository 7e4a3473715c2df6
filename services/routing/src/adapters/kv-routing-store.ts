import {
  AgentStats,
  ConversationEvent,
  GroupStats,
  StickyAgent,
  type SubjectCatalog,
} from '@switchboard/proto';
import { decodeOrBadFrame, type Logger } from '@switchboard/shared';
import type { KV, KvEntry } from 'nats';
import type { MirrorChange } from '../domain/conversation-book';
import type { RoutingStore, StoredRouting } from '../domain/ports';
import type { StatRecord } from '../domain/stats';
import { KeyedWriter } from './keyed-writer';
import { kvSnapshot } from './kv-snapshot';

/** Key prefixes of SB_ROUTING, derived from the catalog so their spelling stays in one place. */
export function routingKeyPrefixes(catalog: SubjectCatalog): {
  conversation: string;
  agentStats: string;
  groupStats: string;
  sticky: string;
} {
  const strip = (key: string, suffix: string): string => key.slice(0, key.length - suffix.length);
  return {
    conversation: strip(catalog.routingConversationKey('t', 'x'), 't.x'),
    agentStats: strip(catalog.routingAgentStatsKey('t', 'x'), 't.x'),
    groupStats: strip(catalog.routingGroupStatsKey('t', 'x'), 't.x'),
    sticky: strip(catalog.routingStickyKey('t', 'x'), 't.x'),
  };
}

export interface KvRoutingStoreOptions {
  /** Coalesced (non-urgent) stats are written this long after their first change. */
  readonly statsFlushMs: number;
}

/**
 * Routing's rebuildable state in KV bucket SB_ROUTING: open conversations as the last lifecycle event
 * applied (`conv.<tenant>.<conversation>`, deleted on close), agent and group scores and sticky agents.
 * Writes go through a per-key write-behind, so bursts of score updates cost one write per key.
 */
export class KvRoutingStore implements RoutingStore {
  private readonly writer: KeyedWriter;
  private readonly prefixes: ReturnType<typeof routingKeyPrefixes>;
  private readonly log: Logger;

  constructor(
    private readonly kv: KV,
    private readonly catalog: SubjectCatalog,
    private readonly opts: KvRoutingStoreOptions,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'routing-store' });
    this.prefixes = routingKeyPrefixes(catalog);
    this.writer = new KeyedWriter(
      async (key, value) => {
        if (value === undefined) await kv.delete(key);
        else await kv.put(key, value);
      },
      {
        onError: (err, key, failures) => {
          this.log.warn({ err, key, failures }, 'KV write failed; retrying');
        },
      },
    );
  }

  /** Reads every key's current value (a watch that stops once it delivered the initial values). */
  async load(): Promise<StoredRouting> {
    const out = {
      conversations: [] as ConversationEvent[],
      agentStats: [] as AgentStats[],
      groupStats: [] as GroupStats[],
      sticky: [] as { tenantId: string; visitorId: string; sticky: StickyAgent }[],
    };
    for (const e of (await kvSnapshot(this.kv)).values()) {
      try {
        this.decodeInto(e, out);
      } catch (err) {
        this.log.warn({ err, key: e.key }, 'skipping undecodable routing record');
      }
    }
    return out;
  }

  writeConversation(change: MirrorChange): Promise<void> {
    let key: string;
    try {
      const s = change.kind === 'put' ? change.record.conversation : undefined;
      key =
        change.kind === 'put'
          ? this.catalog.routingConversationKey(
              s?.tenantId ?? change.record.tenantId,
              s?.conversationId ?? change.record.conversationId,
            )
          : this.catalog.routingConversationKey(change.tenantId, change.conversationId);
    } catch (err) {
      // Session validates ids; an id that cannot be a key here is logged, never retried forever.
      this.log.error({ err }, 'conversation id cannot be a KV key; not mirrored');
      return Promise.resolve();
    }
    return this.writer.write(
      key,
      change.kind === 'put' ? ConversationEvent.encode(change.record).finish() : undefined,
    );
  }

  conversationDurable(tenantId: string, conversationId: string): Promise<void> {
    try {
      return this.writer.durable(this.catalog.routingConversationKey(tenantId, conversationId));
    } catch {
      return Promise.resolve(); // an id that cannot be a key was never written
    }
  }

  async writeStats(records: readonly StatRecord[], urgent: boolean): Promise<void> {
    const delay = urgent ? 0 : this.opts.statsFlushMs;
    const writes: Promise<void>[] = [];
    for (const r of records) {
      try {
        const [key, value] = this.encodeStat(r);
        writes.push(this.writer.write(key, value, delay));
      } catch (err) {
        this.log.warn({ err, kind: r.kind }, 'stats record has an id that cannot be a KV key; not stored');
      }
    }
    await Promise.all(writes);
  }

  /** Writes what is still delayed; for shutdown. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): void {
    this.writer.close();
  }

  get backlog(): number {
    return this.writer.backlog;
  }

  private encodeStat(r: StatRecord): [string, Uint8Array] {
    switch (r.kind) {
      case 'agent':
        return [
          this.catalog.routingAgentStatsKey(r.stats.tenantId, r.stats.agentId),
          AgentStats.encode(r.stats).finish(),
        ];
      case 'group':
        return [
          this.catalog.routingGroupStatsKey(r.stats.tenantId, r.stats.groupId),
          GroupStats.encode(r.stats).finish(),
        ];
      case 'sticky':
        return [
          this.catalog.routingStickyKey(r.tenantId, r.visitorId),
          StickyAgent.encode(r.sticky).finish(),
        ];
    }
  }

  private decodeInto(
    e: KvEntry,
    out: {
      conversations: ConversationEvent[];
      agentStats: AgentStats[];
      groupStats: GroupStats[];
      sticky: { tenantId: string; visitorId: string; sticky: StickyAgent }[];
    },
  ): void {
    const p = this.prefixes;
    if (e.key.startsWith(p.conversation)) {
      out.conversations.push(
        decodeOrBadFrame('routing conversation', () => ConversationEvent.decode(e.value)),
      );
    } else if (e.key.startsWith(p.agentStats)) {
      out.agentStats.push(decodeOrBadFrame('agent stats', () => AgentStats.decode(e.value)));
    } else if (e.key.startsWith(p.groupStats)) {
      out.groupStats.push(decodeOrBadFrame('group stats', () => GroupStats.decode(e.value)));
    } else if (e.key.startsWith(p.sticky)) {
      const [tenantId, visitorId] = e.key.slice(p.sticky.length).split('.');
      if (tenantId === undefined || visitorId === undefined) return;
      out.sticky.push({
        tenantId,
        visitorId,
        sticky: decodeOrBadFrame('sticky agent', () => StickyAgent.decode(e.value)),
      });
    }
  }
}
