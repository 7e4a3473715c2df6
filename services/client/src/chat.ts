import * as readline from 'node:readline';
import type { ParticipantRole } from '@switchboard/proto';
import {
  type ConversationEvent,
  ConversationEventType,
  ConversationState,
  type ConversationSummary,
  MessageKind,
  type UnifiedMessage,
  type Welcome,
} from '@switchboard/proto';
import type { ChatOptions } from './cli-args';
import { type CloseInfo, type ReconnectingInfo, SwitchboardClient } from './client';
import { describeCloseCode } from './close-codes';
import type { TransferTarget } from './commands';
import { ClientError } from './errors';
import { roleName } from './message-kinds';
import { agentLogin, createVisitorSession, gatewayWebSocketUrl } from './http';
import { CLIENT_VERSION } from './version';

export interface ChatIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errorOutput: NodeJS.WritableStream;
  /** A person at a terminal: show a prompt and keep it below incoming lines. */
  interactive: boolean;
}

interface KnownConversation {
  id: string;
  state: ConversationState;
  agentId: string;
  /** Bumped when this conversation is assigned to us, to find the most recent one. */
  assignedOrder: number;
}

/** Runs `switchboard chat` and resolves with the process exit code. */
export function runChat(options: ChatOptions, io: ChatIo): Promise<number> {
  return new ChatSession(options, io).run();
}

/** Short form of an id for display: its first 8 characters. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** `[conv-short #seq] Name: text`; a note reads `Name (note): text`. */
export function formatMessage(message: UnifiedMessage): string {
  const sender = message.sender;
  const name = sender === undefined ? 'unknown' : sender.displayName || roleLabel(sender.role);
  const note = message.kind === MessageKind.MESSAGE_KIND_NOTE ? ' (note)' : '';
  return `[${shortId(message.conversationId)} #${message.seq}] ${name}${note}: ${message.text}`;
}

/** `agent:ID` or `group:ID`, as /transfer takes it. */
export function parseTransferTarget(arg: string | undefined): TransferTarget | undefined {
  const match = /^(agent|group):(.+)$/.exec(arg ?? '');
  if (match === null) return undefined;
  const id = match[2] ?? '';
  return match[1] === 'agent' ? { toAgentId: id } : { toGroupId: id };
}

/** The line the CLI prints when a fatal error ends it. */
export function describeFailure(err: unknown, baseUrl: string): string {
  if (!(err instanceof ClientError)) return err instanceof Error ? err.message : String(err);
  switch (err.source) {
    case 'transport':
      return `cannot reach gateway at ${baseUrl} (${causeMessage(err)}); is \`npm start\` running?`;
    case 'timeout':
      return `${err.message}; is the gateway at ${baseUrl} healthy?`;
    case 'http':
    case 'server':
    case 'close':
    case 'local':
      return `${err.codeName}: ${err.message}`;
  }
}

class ChatSession {
  readonly #options: ChatOptions;
  readonly #io: ChatIo;
  readonly #conversations = new Map<string, KnownConversation>();
  /** The highest acknowledged seq per conversation, to wait for our own echoes before leaving. */
  readonly #ackedSeqs = new Map<string, number>();
  #client: SwitchboardClient | undefined;
  #rl: readline.Interface | undefined;
  #me = '';
  #current: string | undefined;
  #assignments = 0;
  #queue: Promise<void> = Promise.resolve();
  #failures = 0;
  #leaving = false;
  #done = false;

  constructor(options: ChatOptions, io: ChatIo) {
    this.#options = options;
    this.#io = io;
  }

  async run(): Promise<number> {
    const { baseUrl, requestTimeoutMs } = this.#options;
    let token: string;
    try {
      token = await this.#authenticate();
    } catch (err) {
      const unreachable =
        err instanceof ClientError && (err.source === 'transport' || err.source === 'timeout');
      const step = this.#options.role === 'agent' ? 'login failed: ' : 'could not open a visitor session: ';
      this.#fail(`${unreachable ? '' : step}${describeFailure(err, baseUrl)}`);
      return 1;
    }

    let url: string;
    try {
      url = gatewayWebSocketUrl(baseUrl);
    } catch (err) {
      this.#fail(describeFailure(err, baseUrl));
      return 1;
    }
    const client = new SwitchboardClient({
      url,
      token,
      requestTimeoutMs,
      clientName: `switchboard-cli/${CLIENT_VERSION} node/${process.version}`,
    });
    this.#client = client;
    // Listeners go on before connect(): history is delivered right after Welcome.
    client.on('welcome', (welcome) => {
      this.#onWelcome(welcome);
    });
    // The SDK reconnects, resumes and resends by itself; the CLI only says what is going on.
    client.on('reconnecting', (info) => {
      this.#print(describeReconnecting(info));
    });
    client.on('resumed', () => {
      this.#print('* reconnected');
    });
    client.on('message', (message) => {
      // A note as a visitor gets it: only its seq.
      if (message.kind !== MessageKind.MESSAGE_KIND_REDACTED) this.#print(formatMessage(message));
    });
    client.on('conversation', (event) => {
      this.#onConversationEvent(event);
    });
    client.on('error', (detail) => {
      this.#fail(`gateway error ${ClientError.fromDetail(detail).codeName}: ${detail.message}`);
    });

    try {
      await client.connect();
    } catch (err) {
      this.#fail(describeFailure(err, baseUrl));
      return 1;
    }
    return this.#chat(client);
  }

  async #authenticate(): Promise<string> {
    const options = this.#options;
    const http = { timeoutMs: options.requestTimeoutMs };
    if (options.role === 'visitor') {
      const session = await createVisitorSession(
        options.baseUrl,
        {
          widgetKey: options.widgetKey,
          ...(options.token === undefined ? {} : { token: options.token }),
          ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
        },
        http,
      );
      this.#current = session.conversationId;
      return session.token;
    }
    const session = await agentLogin(
      options.baseUrl,
      { tenantId: options.tenantId, email: options.email, password: options.password },
      http,
    );
    return session.token;
  }

  #chat(client: SwitchboardClient): Promise<number> {
    const rl = readline.createInterface({
      input: this.#io.input,
      ...(this.#io.interactive ? { output: this.#io.output } : {}),
      terminal: this.#io.interactive,
      prompt: '> ',
    });
    this.#rl = rl;
    return new Promise<number>((resolve) => {
      const finish = (code: number): void => {
        if (this.#done) return;
        this.#done = true;
        rl.close();
        resolve(code);
      };
      rl.on('line', (line) => {
        this.#onLine(line);
      });
      rl.on('SIGINT', () => {
        rl.close();
      });
      // End of input or /quit: let every queued send finish, then leave.
      rl.on('close', () => {
        if (this.#done) return;
        this.#leaving = true;
        void this.#queue
          .then(() => this.#waitForEchoes(client))
          .then(() => client.close())
          .then(() => {
            finish(this.#failures > 0 ? 1 : 0);
          });
      });
      // `close` is final: the SDK has given up (or the gateway ended the session for good).
      client.on('close', (info) => {
        if (this.#leaving || this.#done) return;
        const why = info.error === undefined ? '' : ` (${info.error.codeName}: ${info.error.message})`;
        this.#fail(`connection closed by the gateway: ${describeClose(info)}${why}`);
        finish(info.code === 1000 && info.error === undefined ? 0 : 1);
      });
      if (this.#io.interactive) rl.prompt();
    });
  }

  #onWelcome(welcome: Welcome): void {
    if (this.#me !== '') {
      // A reconnection: keep the current conversation, learn about any new ones.
      for (const summary of welcome.conversations) {
        if (!this.#conversations.has(summary.conversationId)) this.#remember(summary);
      }
      return;
    }
    this.#me = welcome.participantId;
    const role = roleLabel(welcome.role);
    this.#print(
      `* connected to tenant ${welcome.tenantId} as ${welcome.displayName || role} (${role} ${welcome.participantId})`,
    );
    for (const summary of welcome.conversations) this.#remember(summary);
    if (this.#options.role === 'visitor') {
      this.#current ??= welcome.conversations[0]?.conversationId;
      const current = this.#current === undefined ? undefined : this.#conversations.get(this.#current);
      if (current !== undefined) this.#print(`* [${shortId(current.id)}] ${stateText(current)}`);
      return;
    }
    const open = this.#openConversations();
    open.sort((a, b) => b.assignedOrder - a.assignedOrder);
    this.#current = open[0]?.id;
    this.#print(
      this.#current === undefined
        ? '* no conversation assigned to you yet; waiting for one'
        : `* ${open.length} open conversation(s); sending to [${shortId(this.#current)}] (/list, /use ID)`,
    );
  }

  #remember(summary: ConversationSummary): void {
    // Welcome lists no assignment time; the last update is the best stand-in for "most recently assigned".
    this.#conversations.set(summary.conversationId, {
      id: summary.conversationId,
      state: summary.state,
      agentId: summary.agentId,
      assignedOrder: summary.updatedAtMs,
    });
  }

  #onConversationEvent(event: ConversationEvent): void {
    const id = event.conversationId;
    const known = this.#conversations.get(id);
    const conversation: KnownConversation = {
      id,
      state: event.state,
      agentId: event.agentId,
      assignedOrder: known?.assignedOrder ?? 0,
    };
    this.#conversations.set(id, conversation);
    const tag = `[${shortId(id)}]`;
    switch (event.type) {
      case ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED: {
        if (this.#options.role === 'visitor') {
          this.#print(`* ${tag} an agent joined (${event.agentId})`);
          return;
        }
        if (event.agentId === this.#me) {
          conversation.assignedOrder = Date.now() + ++this.#assignments;
          this.#current = id;
          this.#print(`* ${tag} assigned to you; now sending there`);
          return;
        }
        this.#print(`* ${tag} assigned to agent ${event.agentId}`);
        if (this.#current === id) this.#pickNextConversation();
        return;
      }
      case ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED:
        this.#print(`* ${tag} closed${event.reason === '' ? '' : `: ${event.reason}`}`);
        if (this.#current === id && this.#options.role === 'agent') this.#pickNextConversation();
        return;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED:
        this.#print(`* ${tag} opened`);
        return;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_ACCEPTED:
      case ConversationEventType.CONVERSATION_EVENT_TYPE_TAKEN_OVER: {
        const verb =
          event.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ACCEPTED ? 'accepted' : 'taken over';
        if (this.#options.role === 'agent' && event.agentId === this.#me) {
          if (this.#current !== id) conversation.assignedOrder = Date.now() + ++this.#assignments;
          this.#current = id;
          this.#print(`* ${tag} ${verb} by you; sending there`);
          return;
        }
        this.#print(`* ${tag} ${verb} by agent ${event.agentId}`);
        if (this.#options.role === 'agent' && this.#current === id) this.#pickNextConversation();
        return;
      }
      case ConversationEventType.CONVERSATION_EVENT_TYPE_REQUEUED:
        this.#print(`* ${tag} back in the queue${event.reason === '' ? '' : `: ${event.reason}`}`);
        if (this.#options.role === 'agent' && this.#current === id) this.#pickNextConversation();
        return;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED:
      case ConversationEventType.CONVERSATION_EVENT_TYPE_QUEUED:
      case ConversationEventType.CONVERSATION_EVENT_TYPE_BOT_STARTED:
      case ConversationEventType.CONVERSATION_EVENT_TYPE_REOPENED:
        this.#print(`* ${tag} ${stateText(conversation)}`);
        return;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_LABELED:
        this.#print(`* ${tag} labels: ${event.conversation?.labels.join(', ') || '(none)'}`);
        return;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_RATED:
        this.#print(`* ${tag} rated ${event.conversation?.csat?.score ?? '?'}/5`);
        return;
      case ConversationEventType.CONVERSATION_EVENT_TYPE_UNSPECIFIED:
      case ConversationEventType.UNRECOGNIZED:
        this.#print(`* ${tag} ${stateText(conversation)}`);
        return;
    }
  }

  #pickNextConversation(): void {
    const open = this.#openConversations().filter((c) => c.agentId === this.#me);
    open.sort((a, b) => b.assignedOrder - a.assignedOrder);
    this.#current = open[0]?.id;
    this.#print(
      this.#current === undefined
        ? '* no open conversation left; waiting for an assignment'
        : `* now sending to [${shortId(this.#current)}]`,
    );
  }

  #openConversations(): KnownConversation[] {
    return [...this.#conversations.values()].filter(
      (c) => c.state !== ConversationState.CONVERSATION_STATE_CLOSED,
    );
  }

  #onLine(line: string): void {
    const text = line.trim();
    if (text === '') {
      this.#prompt();
      return;
    }
    if (text.startsWith('/') && !text.startsWith('//')) {
      this.#onCommand(text);
      this.#prompt();
      return;
    }
    const conversationId = this.#current;
    if (conversationId === undefined) {
      this.#failures++;
      this.#fail('not sent: no conversation to send to yet (an agent needs an assignment first)');
      return;
    }
    const body = text.startsWith('//') ? text.slice(1) : text;
    const client = this.#client;
    if (client === undefined) return;
    this.#queue = this.#queue.then(() => this.#send(client, conversationId, body));
    this.#prompt();
  }

  #onCommand(text: string): void {
    const [command = '', ...args] = text.split(/\s+/);
    switch (command) {
      case '/quit':
      case '/exit':
        this.#rl?.close();
        return;
      case '/list':
        this.#list();
        return;
      case '/use':
        this.#use(args[0]);
        return;
      case '/help':
        this.#print(
          '* commands: /list, /use ID-PREFIX, /note TEXT, /accept, /close [REASON], /transfer agent:ID|group:ID [NOTE], /quit; //text sends a line starting with /',
        );
        return;
      case '/note':
        this.#onNote(text.slice(command.length).trim());
        return;
      case '/accept':
      case '/close':
      case '/transfer':
        this.#onConversationCommand(command, args);
        return;
      default:
        this.#fail(`unknown command ${command}; try /help`);
    }
  }

  #onNote(text: string): void {
    const conversationId = this.#current;
    const client = this.#client;
    if (conversationId === undefined || client === undefined) {
      this.#failures++;
      this.#fail('not sent: no conversation to add a note to');
      return;
    }
    if (text === '') {
      this.#fail('usage: /note TEXT');
      return;
    }
    this.#queue = this.#queue.then(() => this.#send(client, conversationId, text, true));
  }

  /** /accept, /close [REASON], /transfer agent:ID|group:ID [NOTE] on the current conversation, in line order. */
  #onConversationCommand(command: string, args: string[]): void {
    const conversationId = this.#current;
    const client = this.#client;
    if (conversationId === undefined || client === undefined) {
      this.#failures++;
      this.#fail(`${command}: no current conversation`);
      return;
    }
    let run: () => Promise<ConversationSummary>;
    let done: string;
    if (command === '/accept') {
      run = () => client.accept(conversationId);
      done = 'accepted';
    } else if (command === '/close') {
      run = () => client.closeConversation(conversationId, args.join(' '));
      done = 'closed by you';
    } else {
      const target = parseTransferTarget(args[0]);
      if (target === undefined) {
        this.#fail('usage: /transfer agent:ID|group:ID [NOTE]');
        return;
      }
      run = () => client.transfer(conversationId, target, args.slice(1).join(' '));
      done = `transfer to ${args[0] ?? ''} requested`;
    }
    const tag = `[${shortId(conversationId)}]`;
    this.#queue = this.#queue.then(async () => {
      try {
        await run();
        this.#print(`* ${tag} ${done}`);
      } catch (err) {
        this.#failures++;
        this.#fail(`${command} ${tag} failed: ${describeFailure(err, this.#options.baseUrl)}`);
      }
    });
  }

  #list(): void {
    if (this.#conversations.size === 0) {
      this.#print('* no conversations');
      return;
    }
    for (const c of this.#conversations.values()) {
      const mark = c.id === this.#current ? '*' : ' ';
      const lastSeq = this.#client?.lastSeq(c.id) ?? 0;
      this.#print(`${mark} ${c.id}  ${stateText(c)}  last #${lastSeq}`);
    }
  }

  #use(prefix: string | undefined): void {
    if (prefix === undefined) {
      this.#fail('usage: /use ID-PREFIX');
      return;
    }
    const matches = [...this.#conversations.keys()].filter((id) => id.startsWith(prefix));
    const [only, ...others] = matches;
    if (only === undefined) {
      this.#fail(`no conversation starts with ${prefix}; see /list`);
    } else if (others.length > 0) {
      this.#fail(`${prefix} matches ${matches.length} conversations; type more of the id`);
    } else {
      this.#current = only;
      this.#print(`* now sending to [${shortId(only)}]`);
    }
  }

  /** One send per line, in order: the SDK resends it (same client_msg_id) across errors and reconnects. */
  async #send(client: SwitchboardClient, conversationId: string, text: string, note = false): Promise<void> {
    try {
      const ack = note
        ? await client.sendNote(conversationId, text)
        : await client.send(conversationId, text);
      const acked = this.#ackedSeqs.get(conversationId) ?? 0;
      this.#ackedSeqs.set(conversationId, Math.max(acked, ack.seq));
    } catch (err) {
      this.#failures++;
      this.#fail(`not sent to [${shortId(conversationId)}]: ${describeFailure(err, this.#options.baseUrl)}`);
    }
  }

  /** Waits (bounded) until our acknowledged messages came back as deliveries, so the transcript is whole. */
  #waitForEchoes(client: SwitchboardClient): Promise<void> {
    const outstanding = (): boolean =>
      client.state !== 'closed' && [...this.#ackedSeqs].some(([id, seq]) => client.lastSeq(id) < seq);
    if (!outstanding()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (!outstanding()) done();
      };
      const done = (): void => {
        clearTimeout(timer);
        client.off('message', check);
        client.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, this.#options.requestTimeoutMs);
      client.on('message', check);
      client.on('close', done);
    });
  }

  #print(line: string): void {
    this.#write(this.#io.output, line);
  }

  #fail(line: string): void {
    this.#write(this.#io.errorOutput, `switchboard: ${line}`);
  }

  #write(stream: NodeJS.WritableStream, line: string): void {
    const rl = this.#rl;
    if (rl === undefined || !this.#io.interactive || this.#done) {
      stream.write(`${line}\n`);
      return;
    }
    // Keep what the user is typing below the incoming line.
    readline.clearLine(this.#io.output, 0);
    readline.cursorTo(this.#io.output, 0);
    stream.write(`${line}\n`);
    rl.prompt(true);
  }

  #prompt(): void {
    if (this.#io.interactive && !this.#done) this.#rl?.prompt();
  }
}

function roleLabel(role: ParticipantRole): string {
  return roleName(role) ?? 'participant';
}

function stateText(c: KnownConversation): string {
  switch (c.state) {
    case ConversationState.CONVERSATION_STATE_WAITING:
      return 'waiting for an agent';
    case ConversationState.CONVERSATION_STATE_CHATTING:
      return c.agentId === '' ? 'chatting' : `chatting with agent ${c.agentId}`;
    case ConversationState.CONVERSATION_STATE_CLOSED:
      return 'closed';
    case ConversationState.CONVERSATION_STATE_BOT:
      return 'talking to the bot';
    case ConversationState.CONVERSATION_STATE_QUEUED:
      return 'queued for an agent';
    case ConversationState.CONVERSATION_STATE_ASSIGNED:
      return c.agentId === '' ? 'offered to an agent' : `offered to agent ${c.agentId}`;
    case ConversationState.CONVERSATION_STATE_TRANSFERRING:
      return `being transferred by agent ${c.agentId}`;
    case ConversationState.CONVERSATION_STATE_UNSPECIFIED:
      return 'new conversation; your first message opens it';
    case ConversationState.UNRECOGNIZED:
      return 'state unknown';
  }
}

function describeClose(info: CloseInfo): string {
  return `${info.code} ${info.reason || describeCloseCode(info.code)}`;
}

/** `* connection lost (1001 going away); reconnecting in 0.4 s (attempt 1)…` */
export function describeReconnecting(info: ReconnectingInfo): string {
  const seconds = (info.delayMs / 1000).toFixed(1);
  return `* connection lost (${describeClose({ code: info.closeCode, reason: info.error.closeReason ?? '' })}); reconnecting in ${seconds} s (attempt ${info.attempt})…`;
}

function causeMessage(err: ClientError): string {
  const cause = err.cause;
  if (cause instanceof Error) {
    return cause.cause instanceof Error ? cause.cause.message : cause.message;
  }
  return err.message;
}
