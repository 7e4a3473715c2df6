import {
  AgentStatus,
  Availability,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  MessageKind,
  ServerFrame,
  type ConversationEvent,
  type TenantSettings,
} from '@switchboard/proto';
import { AdminApi } from '../src/admin';
import { agentLogin, newVisitor, RawSocket } from '../src/raw-socket';
import { startTestStack, type TestStack, QUICK_ROUTING_ENV } from '../src/stack';
import { uniqueId, waitFor } from '../src/wait';

/**
 * Routing and the conversation lifecycle over real sockets, against the real stack: several agents and
 * visitors per scenario, each scenario with its own group and agents so they do not disturb each other.
 */

const E = ConversationEventType;
const PASSWORD = 'switchboard-test-pw';
let stack: TestStack;
let admin: AdminApi;
let baseSettings: TenantSettings;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  stack = await startTestStack('q', {
    env: QUICK_ROUTING_ENV,
  });
  admin = new AdminApi(stack.adminGrpcAddr);
  const current = await admin.tenantSettings();
  if (current === undefined) throw new Error('the demo tenant has no settings');
  // Offers time out after 3 s so the reassignment scenario is quick; everything else is the seed's.
  baseSettings = { ...current, acceptTimeoutS: 3 };
  await admin.updateTenantSettings(baseSettings);
}, 120_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  admin.close();
  await stack.stop();
});

interface TeamAgent {
  readonly id: string;
  readonly token: string;
  socket?: RawSocket;
}

/** A group of its own with agents of the given capacities (none connected yet). */
async function team(name: string, capacities: number[]): Promise<{ groupId: string; agents: TeamAgent[] }> {
  const groupId = uniqueId(name);
  await admin.upsertGroup({ id: groupId, name: groupId });
  const agents: TeamAgent[] = [];
  for (const [i, cap] of capacities.entries()) {
    const email = `${groupId}-${i}@demo.test`;
    await admin.upsertAgent({
      email,
      displayName: `${name} ${i}`,
      maxConcurrent: cap,
      groupIds: [groupId],
      password: PASSWORD,
    });
    const login = await agentLogin(stack.httpUrl, email, PASSWORD);
    agents.push({ id: login.agentId, token: login.token });
  }
  return { groupId, agents };
}

async function online(agent: TeamAgent): Promise<RawSocket> {
  const socket = await RawSocket.connect(stack.wsUrl, agent.token);
  sockets.push(socket);
  agent.socket = socket;
  return socket;
}

function socketOf(agent: TeamAgent): RawSocket {
  if (agent.socket === undefined) throw new Error(`agent ${agent.id} is not connected`);
  return agent.socket;
}

interface Visitor {
  readonly token: string;
  readonly visitorId: string;
  readonly conversationId: string;
  readonly socket: RawSocket;
}

/** A visitor of `group` who opens a conversation with one message. */
async function visitor(group: string, name: string, text = `hello from ${name}`): Promise<Visitor> {
  const v = await newVisitor(stack.httpUrl, name, { group });
  const socket = await RawSocket.connect(stack.wsUrl, v.token);
  sockets.push(socket);
  await socket.sendText(v.conversationId, text, `${name}-1`);
  return { ...v, socket };
}

/** The conversations offered to this agent's socket so far (ASSIGNED events naming them), in order. */
function offers(agent: TeamAgent): string[] {
  return (agent.socket?.events() ?? [])
    .filter((e) => e.type === E.CONVERSATION_EVENT_TYPE_ASSIGNED && e.agentId === agent.id)
    .map((e) => e.conversationId);
}

function eventsOf(
  socket: RawSocket,
  conversationId: string,
  type?: ConversationEventType,
): ConversationEvent[] {
  return socket
    .events()
    .filter((e) => e.conversationId === conversationId && (type === undefined || e.type === type));
}

async function offeredTo(agents: TeamAgent[], conversationId: string): Promise<TeamAgent> {
  return waitFor(`${conversationId} to be offered to an agent`, () =>
    agents.find((a) => offers(a).includes(conversationId)),
  );
}

/** The agents holding each conversation right now, from the newest event each agent socket saw. */
function loadOf(agent: TeamAgent): number {
  const latest = new Map<string, ConversationEvent>();
  for (const e of socketOf(agent).events()) {
    const prev = latest.get(e.conversationId);
    if (prev === undefined || e.version > prev.version) latest.set(e.conversationId, e);
  }
  const holding = [
    ConversationState.CONVERSATION_STATE_ASSIGNED,
    ConversationState.CONVERSATION_STATE_CHATTING,
    ConversationState.CONVERSATION_STATE_TRANSFERRING,
  ];
  return [...latest.values()].filter((e) => e.agentId === agent.id && holding.includes(e.state)).length;
}

describe('routing scenarios (3 services + routing over real sockets)', () => {
  it('capacity - busy agents are not offered more, offline agents are skipped, the queue shows positions that move', async () => {
    const { groupId, agents } = await team('cap', [1, 1, 1]);
    const [a, b, offline] = agents as [TeamAgent, TeamAgent, TeamAgent];
    await online(a);
    await online(b);
    const v1 = await visitor(groupId, 'v1');
    const v2 = await visitor(groupId, 'v2');
    const first = await offeredTo([a, b], v1.conversationId);
    const second = await offeredTo([a, b], v2.conversationId);
    expect(first).not.toBe(second);
    await socketOf(first).command(v1.conversationId, { $case: 'accept', value: {} });
    await socketOf(second).command(v2.conversationId, { $case: 'accept', value: {} });

    // Both agents are full: the next two wait in line, first come first served.
    const v3 = await visitor(groupId, 'v3');
    const v4 = await visitor(groupId, 'v4');
    const p4 = await waitFor('v4 at position 2', () =>
      v4.socket.queueStatuses(v4.conversationId).find((q) => q.position === 2),
    );
    const p3 = await waitFor('v3 at position 1 of 2', () =>
      v3.socket.queueStatuses(v3.conversationId).find((q) => q.position === 1 && q.queueLength === 2),
    );
    expect(p3).toMatchObject({ groupId, queueLength: 2, availability: Availability.AVAILABILITY_OPEN });
    expect(p4.queueLength).toBe(2);
    expect(p4.estimatedWaitS).toBeGreaterThan(0);
    expect(p4.estimatedWaitS).toBeGreaterThanOrEqual(p3.estimatedWaitS);
    await new Promise((r) => setTimeout(r, 1500));
    expect([...offers(a), ...offers(b)]).toHaveLength(2);

    // The first agent closes theirs: v3 is offered to them, and v4 moves up to position 1.
    await socketOf(first).command(v1.conversationId, {
      $case: 'close',
      value: { reason: 'resolved', reopenWindowMs: 0 },
    });
    await waitFor('v3 offered to the agent who freed up', () =>
      offers(first).includes(v3.conversationId) ? true : undefined,
    );
    await waitFor(
      'v4 moved up to position 1',
      () => v4.socket.queueStatuses(v4.conversationId).at(-1)?.position === 1 || undefined,
    );
    expect(offers(second)).toEqual([v2.conversationId]);
    // Capacity 1 held throughout: the second offer to `first` came after its first conversation closed.
    const frames = socketOf(first).events();
    const closedAt = frames.findIndex(
      (e) => e.conversationId === v1.conversationId && e.type === E.CONVERSATION_EVENT_TYPE_CLOSED,
    );
    const offeredAt = frames.findIndex(
      (e) => e.conversationId === v3.conversationId && e.type === E.CONVERSATION_EVENT_TYPE_ASSIGNED,
    );
    expect(closedAt).toBeGreaterThanOrEqual(0);
    expect(offeredAt).toBeGreaterThan(closedAt);
    // The offline agent of the group was never offered anything.
    for (const v of [v1, v2, v3, v4]) {
      expect(v.socket.events().some((e) => e.agentId === offline.id)).toBe(false);
    }
  });

  it('accept timeout - an offer nobody accepts moves to the next agent, and the first agent is told', async () => {
    const { groupId, agents } = await team('timeout', [1, 1]);
    for (const agent of agents) await online(agent);
    const v = await visitor(groupId, 'slow');
    const first = await offeredTo(agents, v.conversationId);
    const next = agents.find((x) => x !== first) as TeamAgent;
    // Nobody accepts: after the tenant's 3 s the offer goes back and on to the other agent.
    const requeued = await waitFor(
      'the requeue notice to the first agent',
      () => eventsOf(socketOf(first), v.conversationId, E.CONVERSATION_EVENT_TYPE_REQUEUED)[0],
    );
    expect(requeued.reason).toBe('accept_timeout');
    expect(requeued.conversation?.declinedAgentIds).toContain(first.id);
    await waitFor('the offer to the next agent', () =>
      offers(next).includes(v.conversationId) ? true : undefined,
    );
    const accepted = await socketOf(next).command(v.conversationId, { $case: 'accept', value: {} });
    expect(accepted).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_CHATTING,
      agentId: next.id,
    });
    // The first agent may no longer write to it.
    await expect(socketOf(first).sendText(v.conversationId, 'me too', 'late-1')).rejects.toThrow(
      /FORBIDDEN|not assigned/,
    );
    expect(offers(first)).toEqual([v.conversationId]);
  });

  it('sticky agent - a returning visitor goes back to the agent they last talked to', async () => {
    const { groupId, agents } = await team('sticky', [2, 2]);
    for (const agent of agents) await online(agent);
    const v = await visitor(groupId, 'returning');
    const first = await offeredTo(agents, v.conversationId);
    await socketOf(first).command(v.conversationId, { $case: 'accept', value: {} });
    await socketOf(first).sendText(v.conversationId, 'happy to help', 'sticky-r1');
    await v.socket.command(v.conversationId, {
      $case: 'close',
      value: { reason: 'thanks', reopenWindowMs: 0 },
    });
    // Past the reopen window? No: a new session after a close starts a new conversation for the same visitor.
    const again = await newVisitor(stack.httpUrl, 'returning', { group: groupId, token: v.token });
    expect(again.visitorId).toBe(v.visitorId);
    const reopenedOrNew = again.conversationId;
    const socket = await RawSocket.connect(stack.wsUrl, again.token);
    sockets.push(socket);
    await socket.sendText(reopenedOrNew, 'me again', 'returning-2');
    // The other agent has never been assigned anything (idle 24 h beats idle 0 in the score), yet the
    // visitor goes back to the agent they know.
    const second = await offeredTo(agents, reopenedOrNew);
    expect(second).toBe(first);
  });

  it('transfer - to another agent with a note: one thread, the visitor told and never shown notes', async () => {
    const { groupId, agents } = await team('xfer', [2, 2]);
    for (const agent of agents) await online(agent);
    const v = await visitor(groupId, 'xfer');
    const from = await offeredTo(agents, v.conversationId);
    const to = agents.find((x) => x !== from) as TeamAgent;
    await socketOf(from).command(v.conversationId, { $case: 'accept', value: {} });
    await socketOf(from).sendText(v.conversationId, 'let me check', 'x-r1'); // seq 2
    await socketOf(from).sendNote(v.conversationId, 'VIP customer, be nice', 'x-n1'); // seq 3
    const t = await socketOf(from).command(v.conversationId, {
      $case: 'transfer',
      value: { toAgentId: to.id, toGroupId: '', note: 'wants a refund for order 42' }, // seq 4
    });
    expect(t).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_TRANSFERRING,
      transferToAgentId: to.id,
    });
    await waitFor('the offer to the transfer target', () =>
      offers(to).includes(v.conversationId) ? true : undefined,
    );
    await socketOf(to).command(v.conversationId, { $case: 'accept', value: {} });
    await socketOf(to).sendText(v.conversationId, 'Hi, I will sort out the refund', 'x-r2'); // seq 5

    // The visitor: every seq once, in order; the notes as empty placeholders; told of the transfer.
    await waitFor('the visitor to have seq 1..5', () =>
      v.socket.seqs(v.conversationId).length >= 5 ? true : undefined,
    );
    expect(v.socket.seqs(v.conversationId)).toEqual([1, 2, 3, 4, 5]);
    const kinds = v.socket.delivered(v.conversationId).map((m) => m.kind);
    expect(kinds).toEqual([
      MessageKind.MESSAGE_KIND_TEXT,
      MessageKind.MESSAGE_KIND_TEXT,
      MessageKind.MESSAGE_KIND_REDACTED,
      MessageKind.MESSAGE_KIND_REDACTED,
      MessageKind.MESSAGE_KIND_TEXT,
    ]);
    const types = eventsOf(v.socket, v.conversationId).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        E.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED,
        E.CONVERSATION_EVENT_TYPE_ACCEPTED,
      ]),
    );
    const wire = JSON.stringify(v.socket.frames.map((f) => ServerFrame.toJSON(f)));
    expect(wire).not.toMatch(/VIP customer|refund for order 42/);
    const fetched = await v.socket.fetch(1, v.conversationId, 1);
    expect('messages' in fetched && fetched.messages.map((m) => m.text)).toEqual([
      'hello from xfer',
      'let me check',
      '',
      '',
      'Hi, I will sort out the refund',
    ]);

    // The new agent reads the whole thread, notes included.
    const history = await socketOf(to).fetch(1, v.conversationId, 1);
    if (!('messages' in history)) throw new Error(`fetch failed: ${history.message}`);
    expect(history.messages.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, MessageKind.MESSAGE_KIND_TEXT, 'hello from xfer'],
      [2, MessageKind.MESSAGE_KIND_TEXT, 'let me check'],
      [3, MessageKind.MESSAGE_KIND_NOTE, 'VIP customer, be nice'],
      [4, MessageKind.MESSAGE_KIND_NOTE, 'wants a refund for order 42'],
      [5, MessageKind.MESSAGE_KIND_TEXT, 'Hi, I will sort out the refund'],
    ]);
    // The first agent is out of it.
    await expect(socketOf(from).sendText(v.conversationId, 'still here', 'x-r3')).rejects.toThrow(
      /FORBIDDEN|not assigned/,
    );
    // A visitor may not write notes.
    await expect(v.socket.sendNote(v.conversationId, 'sneaky', 'v-n1')).rejects.toThrow(/notes/);
  });

  it('transfer - to a group puts the conversation in that group and an agent there gets it', async () => {
    const sales = await team('xg-a', [2]);
    const support = await team('xg-b', [2]);
    const [a] = sales.agents as [TeamAgent];
    const [b] = support.agents as [TeamAgent];
    await online(a);
    await online(b);
    const v = await visitor(sales.groupId, 'xg');
    await offeredTo([a], v.conversationId);
    await socketOf(a).command(v.conversationId, { $case: 'accept', value: {} });
    await socketOf(a).command(v.conversationId, {
      $case: 'transfer',
      value: { toAgentId: '', toGroupId: support.groupId, note: '' },
    });
    await offeredTo([b], v.conversationId);
    const accepted = await socketOf(b).command(v.conversationId, { $case: 'accept', value: {} });
    expect(accepted).toMatchObject({ groupId: support.groupId, agentId: b.id, previousAgentId: a.id });
  });

  it('CSAT - ratings are stored and feed the score: the better-rated agent gets the next conversation', async () => {
    const { groupId, agents } = await team('csat', [3, 3]);
    const [low, high] = agents as [TeamAgent, TeamAgent];
    const chatAndRate = async (agent: TeamAgent, name: string, score: number): Promise<void> => {
      const v = await visitor(groupId, name);
      await offeredTo([agent], v.conversationId);
      await socketOf(agent).sendText(v.conversationId, 'hi!', `${name}-r1`); // answering accepts
      await socketOf(agent).command(v.conversationId, {
        $case: 'close',
        value: { reason: 'done', reopenWindowMs: 0 },
      });
      const rated = await v.socket.command(v.conversationId, {
        $case: 'rate',
        value: { score, comment: `${score} stars` },
      });
      expect(rated.csat).toMatchObject({ score, agentId: agent.id });
      // Once only.
      await expect(
        v.socket.command(v.conversationId, { $case: 'rate', value: { score: 5, comment: '' } }),
      ).rejects.toMatchObject({
        code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
      });
    };
    // One at a time online, so each gets exactly one conversation to be rated for.
    await online(low);
    await chatAndRate(low, 'rate-low', 1);
    await socketOf(low).close();
    await online(high);
    await chatAndRate(high, 'rate-high', 5);
    await online(low);
    const next = await visitor(groupId, 'rate-next');
    const chosen = await offeredTo([low, high], next.conversationId);
    expect(chosen).toBe(high);
  });

  it('signals - typing and read receipts go both ways, never back to their sender', async () => {
    const { groupId, agents } = await team('sig', [1]);
    const [agent] = agents as [TeamAgent];
    await online(agent);
    const v = await visitor(groupId, 'sig');
    await offeredTo([agent], v.conversationId);
    await socketOf(agent).sendText(v.conversationId, 'hello, typing test', 'sig-r1');
    v.socket.typing(v.conversationId, true);
    await waitFor('the agent to see the visitor typing', () =>
      socketOf(agent)
        .signals(v.conversationId)
        .find((s) => s.kind?.$case === 'typing' && s.from?.id === v.visitorId),
    );
    socketOf(agent).typing(v.conversationId, true);
    await waitFor('the visitor to see the agent typing', () =>
      v.socket.signals(v.conversationId).find((s) => s.kind?.$case === 'typing' && s.from?.id === agent.id),
    );
    v.socket.markRead(v.conversationId, 2);
    const receipt = await waitFor('the agent to get the read receipt', () =>
      socketOf(agent)
        .signals(v.conversationId)
        .find((s) => s.kind?.$case === 'read'),
    );
    expect(receipt.kind?.$case === 'read' && receipt.kind.value.readSeq).toBe(2);
    socketOf(agent).markRead(v.conversationId, 2);
    await waitFor('the visitor to get the read receipt', () =>
      v.socket.signals(v.conversationId).find((s) => s.kind?.$case === 'read' && s.from?.id === agent.id),
    );
    expect(v.socket.signals(v.conversationId).some((s) => s.from?.id === v.visitorId)).toBe(false);
    expect(
      socketOf(agent)
        .signals(v.conversationId)
        .some((s) => s.from?.id === agent.id),
    ).toBe(false);
  });

  it('supervisor - takes a conversation over; labels stay between agents', async () => {
    const { groupId, agents } = await team('sup', [1]);
    const [agent] = agents as [TeamAgent];
    await online(agent);
    const v = await visitor(groupId, 'sup');
    await offeredTo([agent], v.conversationId);
    await socketOf(agent).command(v.conversationId, { $case: 'accept', value: {} });
    const labeled = await socketOf(agent).command(v.conversationId, {
      $case: 'setLabels',
      value: { labels: ['vip', 'refund'] },
    });
    expect(labeled.labels).toEqual(['vip', 'refund']);
    // An ordinary agent may not take over; the seeded supervisor may.
    await expect(
      socketOf(agent).command(v.conversationId, { $case: 'takeOver', value: {} }),
    ).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_FORBIDDEN,
    });
    const carol = await agentLogin(stack.httpUrl, 'carol@demo.test');
    const supervisor = await RawSocket.connect(stack.wsUrl, carol.token);
    sockets.push(supervisor);
    expect(supervisor.welcome.supervisor).toBe(true);
    const taken = await supervisor.command(v.conversationId, { $case: 'takeOver', value: {} });
    expect(taken).toMatchObject({
      agentId: carol.agentId,
      previousAgentId: agent.id,
      state: ConversationState.CONVERSATION_STATE_CHATTING,
    });
    await supervisor.sendText(v.conversationId, 'Carol here, I will take it from here', 'sup-r1');
    await expect(socketOf(agent).sendText(v.conversationId, 'hey', 'sup-r2')).rejects.toThrow(
      /FORBIDDEN|not assigned/,
    );
    await waitFor(
      'the visitor to see the takeover',
      () => eventsOf(v.socket, v.conversationId, E.CONVERSATION_EVENT_TYPE_TAKEN_OVER)[0],
    );
    expect(eventsOf(v.socket, v.conversationId, E.CONVERSATION_EVENT_TYPE_LABELED)).toHaveLength(0);
    expect(JSON.stringify(v.socket.frames.map((f) => ServerFrame.toJSON(f)))).not.toMatch(/"vip"|"refund"/);
  });

  it('availability - an away agent takes nothing and the queue says nobody is there; back online, it gets it', async () => {
    const { groupId, agents } = await team('avail', [1]);
    const [agent] = agents as [TeamAgent];
    const socket = await online(agent);
    socket.setStatus(AgentStatus.AGENT_STATUS_AWAY);
    await waitFor('the status echo', () => socket.frames.find((f) => f.kind?.$case === 'status'));
    const v = await visitor(groupId, 'avail');
    const status = await waitFor('a queue status', () => v.socket.queueStatuses(v.conversationId).at(-1));
    expect(status.availability).toBe(Availability.AVAILABILITY_NO_AGENTS);
    expect(status.offlineMessage).not.toBe('');
    await new Promise((r) => setTimeout(r, 1500));
    expect(offers(agent)).toEqual([]);
    socket.setStatus(AgentStatus.AGENT_STATUS_ONLINE);
    await offeredTo([agent], v.conversationId);
    // The status is kept: a new console tab starts online now.
    const again = await RawSocket.connect(stack.wsUrl, agent.token);
    sockets.push(again);
    expect(again.welcome.agentStatus).toBe(AgentStatus.AGENT_STATUS_ONLINE);
  });

  it('manual pick - a manual-pick group offers nothing; agents see its queue and take conversations themselves', async () => {
    const groupId = uniqueId('pick');
    await admin.upsertGroup({ id: groupId, name: groupId, manualPick: true });
    const agents: TeamAgent[] = [];
    for (const [i, cap] of [1, 1].entries()) {
      const email = `${groupId}-${i}@demo.test`;
      await admin.upsertAgent({
        email,
        displayName: `pick ${i}`,
        maxConcurrent: cap,
        groupIds: [groupId],
        password: PASSWORD,
      });
      const login = await agentLogin(stack.httpUrl, email, PASSWORD);
      agents.push({ id: login.agentId, token: login.token });
    }
    const [picker, other] = agents as [TeamAgent, TeamAgent];
    await online(picker);
    await online(other);
    const v1 = await visitor(groupId, 'pick-1');
    const v2 = await visitor(groupId, 'pick-2');
    // Consoles see the group's queue, in order, flagged manual-pick.
    const queue = await waitFor('both in the queue snapshot', () =>
      socketOf(picker)
        .queueSnapshots()
        .flatMap((q) => q.groups)
        .filter((g) => g.groupId === groupId && g.entries.length === 2)
        .at(-1),
    );
    expect(queue.manualPick).toBe(true);
    expect(queue.entries.map((e) => [e.conversationId, e.position])).toEqual([
      [v1.conversationId, 1],
      [v2.conversationId, 2],
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    expect([...offers(picker), ...offers(other)]).toEqual([]);
    // Taking one works and starts the chat at once; a second one is over the picker's capacity.
    const picked = await socketOf(picker).command(v2.conversationId, { $case: 'pick', value: {} });
    expect(picked).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_CHATTING,
      agentId: picker.id,
    });
    await expect(
      socketOf(picker).command(v1.conversationId, { $case: 'pick', value: {} }),
    ).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_FORBIDDEN,
    });
    // The same conversation cannot be picked twice.
    await expect(
      socketOf(other).command(v2.conversationId, { $case: 'pick', value: {} }),
    ).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
    });
    await socketOf(picker).sendText(v2.conversationId, 'I picked you', 'pick-r1');
    await waitFor('the visitor to get the reply', () =>
      v2.socket.delivered(v2.conversationId).find((m) => m.text === 'I picked you'),
    );
  });

  it('business hours - outside them the visitor is told, with the offline message', async () => {
    const groupId = uniqueId('hours');
    const closedDay = (new Date().getUTCDay() + 3) % 7;
    await admin.upsertGroup({
      id: groupId,
      name: groupId,
      businessHours: { timeZone: 'UTC', windows: [{ weekday: closedDay, startMinute: 0, endMinute: 60 }] },
    });
    const v = await visitor(groupId, 'hours');
    const status = await waitFor('a queue status', () => v.socket.queueStatuses(v.conversationId).at(-1));
    expect(status.availability).toBe(Availability.AVAILABILITY_OUTSIDE_HOURS);
  });

  it('restart - routing killed (-9) mid-queue loses nothing and assigns nothing twice', async () => {
    const { groupId, agents } = await team('kill', [1, 1]);
    const visitors: Visitor[] = [];
    for (let i = 0; i < 4; i++) visitors.push(await visitor(groupId, `kill-${i}`));
    for (const v of visitors) await waitFor('queued', () => v.socket.queueStatuses(v.conversationId).at(-1));
    await stack.services.routing.kill();
    await stack.restart('routing');
    for (const agent of agents) await online(agent);
    // Two at a time (capacity 1 each): accept, answer and close, until all four were served.
    const served = new Set<string>();
    while (served.size < visitors.length) {
      const next = await waitFor('the next offer', () => {
        for (const agent of agents) for (const c of offers(agent)) if (!served.has(c)) return { agent, c };
        return undefined;
      });
      served.add(next.c);
      await socketOf(next.agent).sendText(next.c, 'on it', `kill-r-${next.c}`);
      if (served.size === 2) {
        // And once more with two conversations in flight.
        await stack.services.routing.kill();
        await stack.restart('routing');
      }
      await socketOf(next.agent).command(next.c, {
        $case: 'close',
        value: { reason: 'done', reopenWindowMs: 0 },
      });
    }
    for (const v of visitors) {
      const assigned = eventsOf(v.socket, v.conversationId, E.CONVERSATION_EVENT_TYPE_ASSIGNED);
      expect(assigned).toHaveLength(1);
    }
    for (const agent of agents) {
      expect(loadOf(agent)).toBe(0);
      expect(new Set(offers(agent)).size).toBe(offers(agent).length);
    }
  });

  it('idle - a silent conversation is closed after a warning, and a visitor message within the window reopens it', async () => {
    const { groupId, agents } = await team('idle', [2]);
    const [agent] = agents as [TeamAgent];
    await online(agent);
    await admin.updateTenantSettings({ ...baseSettings, idleCloseS: 4, idleWarningS: 2 });
    try {
      const v = await visitor(groupId, 'idle');
      await offeredTo([agent], v.conversationId);
      await socketOf(agent).sendText(v.conversationId, 'anything else?', 'idle-r1');
      const warning = await waitFor(
        'the idle warning',
        () => v.socket.signals(v.conversationId).find((s) => s.kind?.$case === 'idleWarning'),
        15_000,
      );
      const closed = await waitFor(
        'the idle close',
        () => eventsOf(v.socket, v.conversationId, E.CONVERSATION_EVENT_TYPE_CLOSED)[0],
        15_000,
      );
      expect(closed.reason).toBe('idle');
      expect(warning.atMs).toBeLessThan(closed.atMs);
      await v.socket.sendText(v.conversationId, 'wait, one more question', 'idle-2');
      const reopened = await waitFor(
        'the reopen',
        () => eventsOf(v.socket, v.conversationId, E.CONVERSATION_EVENT_TYPE_REOPENED)[0],
      );
      expect(reopened.conversation).toMatchObject({ groupId, reopenCount: 1, previousAgentId: agent.id });
      await waitFor('the reopened conversation offered again', () =>
        offers(agent).filter((c) => c === v.conversationId).length === 2 ? true : undefined,
      );
    } finally {
      await admin.updateTenantSettings(baseSettings);
    }
  });
});
