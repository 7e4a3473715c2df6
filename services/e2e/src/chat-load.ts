import { randomUUID } from 'node:crypto';
import { agentLogin, createVisitorSession, SwitchboardClient, type AgentSession } from '@switchboard/client';
import { ConversationEventType } from '@switchboard/proto';
import { DeliveryLedger } from './ledger';

export interface ChatLoadOptions {
  readonly httpUrl: string;
  readonly wsUrl: string;
  /** Each participant sends one message every this many ms (per conversation, for agents). */
  readonly intervalMs: number;
}

interface Participant {
  readonly name: string;
  readonly client: SwitchboardClient;
  /** Conversations this participant writes to. */
  readonly conversations: Set<string>;
}

/**
 * A steady chat load over real sockets: visitors write to their conversation, agents answer in every
 * conversation assigned to them. Every send and every receipt goes into the current DeliveryLedger, so a
 * scenario can check afterwards that each acked message reached every participant exactly once, in order.
 *
 * Sends use the SDK's outbox: a send survives disconnects and is retried with the same client_msg_id until
 * acked, exactly as a real widget or console would.
 */
export class ChatLoad {
  private readonly participants: Participant[] = [];
  private ledger = new DeliveryLedger();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private counter = 0;
  /** Sends that failed for good (they should not: the outbox retries). */
  readonly failures: string[] = [];
  /** conversation → agent id, from ASSIGNED updates. */
  readonly assignments = new Map<string, string>();

  constructor(private readonly opts: ChatLoadOptions) {}

  /** Switches to a fresh ledger (one per scenario) and returns it. */
  newLedger(): DeliveryLedger {
    this.ledger = new DeliveryLedger();
    for (const p of this.participants) for (const c of p.conversations) this.ledger.join(p.name, c);
    return this.ledger;
  }

  async addAgent(email: string): Promise<AgentSession> {
    const session = await agentLogin(this.opts.httpUrl, { tenantId: 'demo', email, password: 'switchboard' });
    const p = this.track(email, session.token);
    p.client.on('conversation', (e) => {
      if (
        e.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED &&
        e.agentId === session.agentId &&
        !p.conversations.has(e.conversationId)
      ) {
        this.assignments.set(e.conversationId, session.agentId);
        p.conversations.add(e.conversationId);
        this.ledger.join(p.name, e.conversationId);
      }
    });
    await p.client.connect();
    return session;
  }

  /** A new visitor with a new conversation; resolves once its first message is acked. */
  async addVisitor(name: string): Promise<string> {
    const session = await createVisitorSession(this.opts.httpUrl, {
      widgetKey: 'demo-widget-key',
      displayName: name,
    });
    const p = this.track(name, session.token);
    p.conversations.add(session.conversationId);
    this.ledger.join(name, session.conversationId);
    await p.client.connect();
    await this.sendOne(p, session.conversationId);
    return session.conversationId;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      for (const p of this.participants) {
        for (const c of p.conversations) {
          // One message in flight per participant and conversation, like a person typing.
          if (this.busy.has(`${p.name}/${c}`)) continue;
          void this.sendOne(p, c);
        }
      }
    }, this.opts.intervalMs);
  }

  private readonly busy = new Set<string>();

  /** Stops starting new sends and waits until every started one is acked or failed. */
  async pause(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  get conversationCount(): number {
    return new Set(this.participants.flatMap((p) => [...p.conversations])).size;
  }

  async close(): Promise<void> {
    await this.pause();
    await Promise.all(this.participants.map((p) => p.client.close()));
  }

  private track(name: string, token: string): Participant {
    const client = new SwitchboardClient({ url: this.opts.wsUrl, token, clientName: `fault-suite/${name}` });
    const p: Participant = { name, client, conversations: new Set() };
    client.on('message', (m) => {
      this.ledger.received(name, m.conversationId, m.seq, m.clientMsgId);
    });
    this.participants.push(p);
    return p;
  }

  private sendOne(p: Participant, conversationId: string): Promise<void> {
    const key = `${p.name}/${conversationId}`;
    this.busy.add(key);
    const clientMsgId = randomUUID();
    const started = performance.now();
    this.ledger.sending();
    const ledger = this.ledger;
    const done = p.client
      .send(conversationId, `${p.name} #${++this.counter}`, { clientMsgId })
      .then(
        (ack) => {
          ledger.acked(conversationId, clientMsgId, ack.seq, performance.now() - started);
        },
        (err: unknown) => {
          this.failures.push(`${key} ${clientMsgId}: ${err instanceof Error ? err.message : String(err)}`);
        },
      )
      .finally(() => {
        this.busy.delete(key);
        this.inFlight.delete(done);
      });
    this.inFlight.add(done);
    return done;
  }
}
