import { performance } from 'node:perf_hooks';
import {
  agentLogin,
  ClientError,
  createVisitorSession,
  gatewayWebSocketUrl,
  SwitchboardClient,
  type AgentSession,
} from '@switchboard/client';
import { ConversationEventType, type ConversationEvent, type UnifiedMessage } from '@switchboard/proto';
import { LatencyHistogram } from '../stats/histogram';
import { parseBenchText, formatBenchText, type BenchText } from './bench-text';
import { DeliveryLedger, SeqChecker } from './ledger';
import type {
  AgentSocketSpec,
  OrchestratorMessage,
  RunPlan,
  SecondSample,
  VisitorHandoff,
  WorkerMessage,
  WorkerSummary,
} from './protocol';
import { OpenLoopSchedule, slotOf, type Sender } from './schedule';

const CLIENT_NAME = 'switchboard-loadtest';
/** At most this many sends per timer turn, so receipts are not starved when the worker falls behind. */
const MAX_SENDS_PER_TURN = 500;
const DRAIN_POLL_MS = 50;
const ROLL_EVERY_MS = 200;

interface AgentSocket {
  readonly socketId: number;
  readonly agentId: string;
  readonly client: SwitchboardClient;
  /** Conversations this socket is the designated agent end of. */
  designated: number;
  /** Accepts run one at a time per socket: the gateway allows only a few commands in flight. */
  accepting: Promise<void>;
}

interface Conversation {
  readonly id: string;
  readonly visitorSocketId: number;
  visitor: SwitchboardClient | undefined;
  agent: AgentSocket | undefined;
  owned: boolean;
  handedOff: boolean;
  readyReported: boolean;
  /** Position in the send schedule, set at start. */
  index: number;
  streams: { visitor: string; agent: string };
  sent: { visitor: number; agent: number };
}

class SecondCounters {
  sent = 0;
  acked = 0;
  failed = 0;
  delivered = 0;
  duplicates = 0;
  gaps = 0;
  maxLagMs = 0;
  readonly latency = new LatencyHistogram();

  constructor(readonly second: number) {}
}

/**
 * One client process: some agent sockets, and the visitors whose conversations those agents were given,
 * so both ends of every conversation it drives are here and latency is one clock's difference.
 */
export class ClientWorker {
  #workerId = -1;
  #httpUrl = '';
  #wsUrl = '';
  #widgetKey = '';
  readonly #agentsById = new Map<string, AgentSocket[]>();
  readonly #agentSockets: AgentSocket[] = [];
  readonly #conversations = new Map<string, Conversation>();
  /** Conversations an agent socket here was assigned before their visitor arrived. */
  readonly #assignedEarly = new Map<string, AgentSocket>();
  #nextSocketId = 100_000;
  readonly #ledger = new DeliveryLedger();
  readonly #seq = new SeqChecker();
  readonly #lag = new LatencyHistogram();
  readonly #errors = new Map<string, number>();
  #echoes = 0;
  #extraSocketDeliveries = 0;
  #socketCloses = 0;
  #reconnects = 0;
  #duplicateAcks = 0;
  #shuttingDown = false;

  #plan: RunPlan | undefined;
  #perfStart = 0;
  #schedule: OpenLoopSchedule | undefined;
  #order: Conversation[] = [];
  #nextSend = 0;
  #current: SecondCounters | undefined;
  #roller: NodeJS.Timeout | undefined;

  constructor(private readonly post: (message: WorkerMessage) => void) {}

  async handle(message: OrchestratorMessage): Promise<void> {
    switch (message.type) {
      case 'init':
        this.#workerId = message.workerId;
        this.#httpUrl = message.httpUrl;
        this.#wsUrl = gatewayWebSocketUrl(message.httpUrl);
        this.#widgetKey = message.widgetKey;
        await this.#connectAgents(message.agentSockets);
        this.post({ type: 'agents-ready', workerId: this.#workerId, agentIds: [...this.#agentsById.keys()] });
        return;
      case 'open-visitors':
        await this.#openVisitors(message.count, message.concurrency);
        return;
      case 'adopt':
        await this.#adopt(message.visitor);
        return;
      case 'start':
        this.#start(message.plan);
        return;
      case 'shutdown':
        await this.shutdown();
        return;
    }
  }

  /** Closes every socket; resolves once they are closed or after a few seconds. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    clearInterval(this.#roller);
    const clients = [
      ...this.#agentSockets.map((a) => a.client),
      ...[...this.#conversations.values()].flatMap((c) => (c.visitor === undefined ? [] : [c.visitor])),
    ];
    await Promise.race([
      Promise.allSettled(clients.map((c) => c.close())),
      new Promise((resolve) => setTimeout(resolve, 3000).unref()),
    ]);
  }

  // ---- setup ----

  async #connectAgents(specs: readonly AgentSocketSpec[]): Promise<void> {
    const sessions = new Map<string, Promise<AgentSession>>();
    await Promise.all(
      specs.map(async (spec) => {
        let session = sessions.get(spec.account.email);
        if (session === undefined) {
          session = agentLogin(this.#httpUrl, spec.account);
          sessions.set(spec.account.email, session);
        }
        const { token, agentId } = await session;
        const client = new SwitchboardClient({ url: this.#wsUrl, token, clientName: CLIENT_NAME });
        const socket: AgentSocket = {
          socketId: spec.socketId,
          agentId,
          client,
          designated: 0,
          accepting: Promise.resolve(),
        };
        client.on('message', (m) => {
          this.#onAgentMessage(socket, m);
        });
        client.on('conversation', (e) => {
          this.#onAgentEvent(socket, e);
        });
        this.#watchConnection(client, () => true);
        await client.connect();
        this.#agentSockets.push(socket);
        const list = this.#agentsById.get(agentId) ?? [];
        list.push(socket);
        this.#agentsById.set(agentId, list);
      }),
    );
  }

  async #openVisitors(count: number, concurrency: number): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const k = next;
        next += 1;
        await this.#openVisitor(k);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
  }

  /** A new visitor: its first message opens the conversation, and routing then assigns an agent. */
  async #openVisitor(k: number): Promise<void> {
    const session = await createVisitorSession(this.#httpUrl, {
      widgetKey: this.#widgetKey,
      displayName: `bench-w${String(this.#workerId)}-v${String(k)}`,
    });
    const conv = this.#newConversation(session.conversationId);
    const client = this.#visitorClient(conv, session.token);
    client.on('conversation', (e) => {
      if (e.type !== ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED || e.conversationId !== conv.id) {
        return;
      }
      if (this.#agentsById.has(e.agentId)) {
        conv.owned = true;
        this.#conversations.set(conv.id, conv);
        this.#bindEarlyAssignment(conv);
        this.#checkReady(conv);
        return;
      }
      // The agent lives in another worker: hand the visitor over to it.
      conv.handedOff = true;
      conv.visitor = undefined;
      client.close().catch(() => undefined);
      this.post({
        type: 'handoff',
        visitor: { token: session.token, conversationId: conv.id, agentId: e.agentId },
      });
    });
    await client.connect();
    if (!conv.handedOff) conv.visitor = client;
    try {
      await client.send(conv.id, `open ${String(this.#workerId)}/${String(k)}`);
    } catch (err) {
      // Handed off before the ack came back: the socket was closed on purpose, and the message is stored.
      if (!conv.handedOff) throw err;
    }
  }

  async #adopt(handoff: VisitorHandoff): Promise<void> {
    const conv = this.#newConversation(handoff.conversationId);
    conv.owned = true;
    this.#conversations.set(conv.id, conv);
    const client = this.#visitorClient(conv, handoff.token);
    await client.connect();
    conv.visitor = client;
    this.#bindEarlyAssignment(conv);
    this.#checkReady(conv);
  }

  #newConversation(id: string): Conversation {
    const visitorSocketId = this.#nextSocketId;
    this.#nextSocketId += 1;
    return {
      id,
      visitorSocketId,
      visitor: undefined,
      agent: undefined,
      owned: false,
      handedOff: false,
      readyReported: false,
      index: -1,
      streams: { visitor: '', agent: '' },
      sent: { visitor: 0, agent: 0 },
    };
  }

  #visitorClient(conv: Conversation, token: string): SwitchboardClient {
    const client = new SwitchboardClient({ url: this.#wsUrl, token, clientName: CLIENT_NAME });
    client.on('message', (m) => {
      this.#onVisitorMessage(conv, m);
    });
    this.#watchConnection(client, () => !conv.handedOff);
    return client;
  }

  #onAgentEvent(socket: AgentSocket, e: ConversationEvent): void {
    if (e.type !== ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED || e.agentId !== socket.agentId)
      return;
    const conv = this.#conversations.get(e.conversationId);
    if (conv?.agent !== undefined || this.#assignedEarly.has(e.conversationId)) return;
    // Every socket of the agent gets this event; the least busy one becomes the conversation's agent end.
    const sockets = this.#agentsById.get(socket.agentId) ?? [socket];
    const chosen = sockets.reduce((best, s) => (s.designated < best.designated ? s : best));
    chosen.designated += 1;
    // An offer must be accepted within the tenant's accept timeout, or routing moves it to another agent.
    chosen.accepting = chosen.accepting.then(() =>
      chosen.client.accept(e.conversationId).then(
        () => undefined,
        (err: unknown) => {
          // Counted with the send errors (as `accept:<code>`) so the summary shows it.
          const code = `accept:${err instanceof ClientError ? err.codeName : 'UNKNOWN'}`;
          this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
        },
      ),
    );
    if (conv === undefined) {
      this.#assignedEarly.set(e.conversationId, chosen);
      return;
    }
    conv.agent = chosen;
    this.#checkReady(conv);
  }

  #bindEarlyAssignment(conv: Conversation): void {
    const socket = this.#assignedEarly.get(conv.id);
    if (socket === undefined) return;
    this.#assignedEarly.delete(conv.id);
    conv.agent = socket;
  }

  #checkReady(conv: Conversation): void {
    if (conv.readyReported || !conv.owned || conv.visitor === undefined || conv.agent === undefined) return;
    conv.readyReported = true;
    this.post({ type: 'conversation-ready', conversationId: conv.id });
  }

  /** Counts closes we did not ask for, and reconnections (every Welcome after the first). */
  #watchConnection(client: SwitchboardClient, counts: () => boolean): void {
    let welcomes = 0;
    client.on('welcome', () => {
      welcomes += 1;
      if (welcomes > 1) this.#reconnects += 1;
    });
    client.on('close', () => {
      if (!this.#shuttingDown && counts()) this.#socketCloses += 1;
    });
  }

  // ---- the measured run ----

  #start(plan: RunPlan): void {
    this.#plan = plan;
    this.#perfStart = performance.now() + (plan.startEpochMs - Date.now());
    this.#order = [...this.#conversations.values()]
      .filter((c) => c.readyReported)
      .sort((a, b) => a.id.localeCompare(b.id));
    this.#order.forEach((c, i) => {
      c.index = i;
      c.streams = { visitor: `${String(i)}|v`, agent: `${String(i)}|a` };
    });
    if (this.#order.length === 0) throw new Error(`worker ${String(this.#workerId)} has no conversation`);
    const sendEnd = this.#perfStart + plan.warmupMs + plan.durationMs;
    this.#schedule = new OpenLoopSchedule(plan.ratePerS, this.#perfStart, sendEnd);
    this.#roller = setInterval(() => {
      this.#rollTo(performance.now());
    }, ROLL_EVERY_MS);
    setTimeout(this.#pump, Math.max(0, this.#perfStart - performance.now()));
  }

  readonly #pump = (): void => {
    const schedule = this.#schedule;
    if (schedule === undefined || this.#shuttingDown) return;
    const now = performance.now();
    const due = Math.min(schedule.dueBy(now), this.#nextSend + MAX_SENDS_PER_TURN);
    while (this.#nextSend < due) {
      this.#sendSlot(this.#nextSend, schedule);
      this.#nextSend += 1;
    }
    if (this.#nextSend >= schedule.total) {
      void this.#drain();
      return;
    }
    if (schedule.dueBy(performance.now()) > this.#nextSend) setImmediate(this.#pump);
    else setTimeout(this.#pump, 1);
  };

  #sendSlot(i: number, schedule: OpenLoopSchedule): void {
    const slot = slotOf(i, this.#order.length);
    const conv = this.#order[slot.conversation];
    if (conv === undefined) return;
    const client = slot.sender === 'visitor' ? conv.visitor : conv.agent?.client;
    const stream = conv.streams[slot.sender];
    conv.sent[slot.sender] += 1;
    const n = conv.sent[slot.sender];
    const sentAtMs = performance.now();
    const lag = Math.max(0, sentAtMs - schedule.timeOf(i));
    this.#lag.record(lag);
    const second = this.#secondAt(sentAtMs);
    if (second !== undefined) {
      second.sent += 1;
      if (lag > second.maxLagMs) second.maxLagMs = lag;
    }
    this.#ledger.recordSent(stream, n, sentAtMs);
    if (client === undefined) {
      this.#failed(stream, n, 'NO_SOCKET');
      return;
    }
    const text = formatBenchText({ worker: this.#workerId, sender: slot.sender, n, sentAtMs });
    client.send(conv.id, text).then(
      (ack) => {
        if (ack.duplicate) this.#duplicateAcks += 1;
        this.#ledger.recordAck(stream, n);
        const s = this.#secondAt(performance.now());
        if (s !== undefined) s.acked += 1;
      },
      (err: unknown) => {
        this.#failed(stream, n, err instanceof ClientError ? err.codeName : 'UNKNOWN');
      },
    );
  }

  #failed(stream: string, n: number, code: string): void {
    this.#ledger.recordFailure(stream, n);
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
    const s = this.#secondAt(performance.now());
    if (s !== undefined) s.failed += 1;
  }

  #onVisitorMessage(conv: Conversation, m: UnifiedMessage): void {
    this.#checkSeq(conv.visitorSocketId, m);
    const b = parseBenchText(m.text);
    if (b === undefined) return;
    if (b.sender === 'visitor') this.#echoes += 1;
    else this.#receipt(conv, 'agent', b);
  }

  #onAgentMessage(socket: AgentSocket, m: UnifiedMessage): void {
    this.#checkSeq(socket.socketId, m);
    const conv = this.#conversations.get(m.conversationId);
    if (conv === undefined) return;
    const b = parseBenchText(m.text);
    if (b === undefined) return;
    if (conv.agent !== socket) this.#extraSocketDeliveries += 1;
    else if (b.sender === 'agent') this.#echoes += 1;
    else this.#receipt(conv, 'visitor', b);
  }

  #checkSeq(socketId: number, m: UnifiedMessage): void {
    if (this.#seq.offer(socketId, m.conversationId, m.seq) !== 'gap') return;
    const s = this.#secondAt(performance.now());
    if (s !== undefined) s.gaps += 1;
  }

  /** The designated recipient got a message sent by `sender`. */
  #receipt(conv: Conversation, sender: Sender, b: BenchText): void {
    const now = performance.now();
    const stream = b.worker === this.#workerId ? conv.streams[sender] : `foreign-${String(b.worker)}`;
    const r = this.#ledger.recordReceipt(stream, b.n, now);
    const s = this.#secondAt(now);
    if (s === undefined) return;
    switch (r.kind) {
      case 'first':
        s.delivered += 1;
        s.latency.record(now - b.sentAtMs);
        return;
      case 'duplicate':
        s.duplicates += 1;
        return;
      case 'unexpected':
        return;
    }
  }

  /** The counters of the second `now` falls in, after flushing the seconds before it. */
  #secondAt(now: number): SecondCounters | undefined {
    if (this.#plan === undefined) return undefined;
    this.#rollTo(now);
    return this.#current;
  }

  #rollTo(now: number): void {
    const plan = this.#plan;
    if (plan === undefined) return;
    const second = Math.floor((now - this.#perfStart) / 1000);
    if (second < 0) return;
    let current = this.#current;
    if (current === undefined) {
      this.#current = new SecondCounters(second);
      return;
    }
    while (current.second < second) {
      this.#flush(current, now, plan);
      current = new SecondCounters(current.second + 1);
    }
    this.#current = current;
  }

  #flush(c: SecondCounters, now: number, plan: RunPlan): void {
    const sample: SecondSample = {
      second: c.second,
      sent: c.sent,
      acked: c.acked,
      failed: c.failed,
      delivered: c.delivered,
      duplicates: c.duplicates,
      gaps: c.gaps,
      latency: c.latency.toData(),
      maxLagMs: c.maxLagMs,
      inFlight: this.#ledger.inFlight,
      late: this.#ledger.late(now, plan.lateAfterMs),
    };
    this.post({ type: 'second', workerId: this.#workerId, sample });
  }

  /** After the last send: wait for everything acked to arrive, or for the drain limit. */
  async #drain(): Promise<void> {
    const plan = this.#plan;
    if (plan === undefined) return;
    const deadline = performance.now() + plan.drainMs;
    while (performance.now() < deadline && !this.#shuttingDown) {
      const s = this.#ledger.summary();
      if (s.lost + s.unacked === 0) break;
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    const now = performance.now();
    this.#rollTo(now);
    const last = this.#current;
    if (last !== undefined) {
      this.#flush(last, now, plan);
      this.#current = undefined;
      this.#plan = undefined;
    }
    clearInterval(this.#roller);
    this.post({ type: 'final', summary: this.summary() });
  }

  summary(): WorkerSummary {
    return {
      workerId: this.#workerId,
      conversations: this.#order.length,
      ledger: this.#ledger.summary(),
      seq: this.#seq.summary(),
      echoes: this.#echoes,
      extraSocketDeliveries: this.#extraSocketDeliveries,
      socketCloses: this.#socketCloses,
      reconnects: this.#reconnects,
      duplicateAcks: this.#duplicateAcks,
      errors: Object.fromEntries(this.#errors),
      lag: this.#lag.toData(),
    };
  }
}
