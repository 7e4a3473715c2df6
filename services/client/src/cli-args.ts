import { parseArgs } from 'node:util';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';

export const USAGE = `Usage:
  switchboard chat --as visitor [--url URL] --widget-key KEY [--name NAME] [--token TOKEN]
  switchboard chat --as agent [--url URL] --tenant TENANT --email EMAIL --password PASSWORD
  switchboard --help | switchboard chat --help

Run 'switchboard chat --help' for the chat options and commands.`;

export const CHAT_USAGE = `Usage:
  switchboard chat --as visitor [--url URL] --widget-key KEY [--name NAME] [--token TOKEN]
  switchboard chat --as agent [--url URL] --tenant TENANT --email EMAIL --password PASSWORD

Chat with a Switchboard gateway as a visitor or as an agent.

Options:
  --as visitor|agent   who to chat as (required)
  --url URL            the gateway's HTTP base URL (default ${DEFAULT_GATEWAY_URL});
                       the WebSocket is URL with ws(s):// and /v1/ws
  --widget-key KEY     visitor: the tenant's widget key (required for visitors)
  --name NAME          visitor: the display name agents see
  --token TOKEN        visitor: a previous visitor token, to continue as the same visitor
  --tenant TENANT      agent: the tenant id (required for agents)
  --email EMAIL        agent: login email (required for agents)
  --password PASSWORD  agent: login password (required for agents; or set SWITCHBOARD_PASSWORD)
  --timeout MS         how long to wait for each answer from the gateway (default 10000)
  -h, --help           show this help

Each line you type is sent as a message. Commands:
  /list                list your conversations (* marks the current one)
  /use ID-PREFIX       agent: send to another conversation
  /help                show the commands
  /quit                leave (Ctrl-D does too)

With stdin piped, every line is sent in order; the command exits 0 once all are acknowledged.

Exit codes: 0 done, 1 connection or send failure, 2 bad usage.`;

interface CommonChatOptions {
  baseUrl: string;
  requestTimeoutMs: number;
}

export interface VisitorChatOptions extends CommonChatOptions {
  role: 'visitor';
  widgetKey: string;
  displayName?: string;
  token?: string;
}

export interface AgentChatOptions extends CommonChatOptions {
  role: 'agent';
  tenantId: string;
  email: string;
  password: string;
}

export type ChatOptions = VisitorChatOptions | AgentChatOptions;

export type CliCommand = { kind: 'help'; text: string } | { kind: 'chat'; options: ChatOptions };

/** Bad command-line usage; the CLI prints it with the usage text and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const VISITOR_ONLY = ['widget-key', 'name', 'token'] as const;
const AGENT_ONLY = ['tenant', 'email', 'password'] as const;

/** Parses the CLI's arguments (without node and the script path). Throws UsageError. */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        as: { type: 'string' },
        url: { type: 'string' },
        'widget-key': { type: 'string' },
        name: { type: 'string' },
        token: { type: 'string' },
        tenant: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
  } catch (err) {
    const usage = argv[0] === 'chat' ? CHAT_USAGE : USAGE;
    throw new UsageError(err instanceof Error ? err.message : String(err), usage, { cause: err });
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;

  if (command === undefined) {
    if (values.help === true) return { kind: 'help', text: USAGE };
    throw new UsageError('missing command', USAGE);
  }
  if (command === 'help') return { kind: 'help', text: extra[0] === 'chat' ? CHAT_USAGE : USAGE };
  if (command !== 'chat') throw new UsageError(`unknown command '${command}'`, USAGE);
  if (values.help === true) return { kind: 'help', text: CHAT_USAGE };
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra.join(' ')}'`, CHAT_USAGE);

  const fail = (message: string): never => {
    throw new UsageError(message, CHAT_USAGE);
  };
  const baseUrl = values.url ?? DEFAULT_GATEWAY_URL;
  if (!/^https?:\/\//i.test(baseUrl) || !URL.canParse(baseUrl)) {
    fail(`--url must be an http:// or https:// URL, got '${baseUrl}'`);
  }
  const requestTimeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0) {
    fail(`--timeout must be a positive number of milliseconds, got '${values.timeout ?? ''}'`);
  }
  const required = (flag: string, value: string | undefined): string => {
    if (value === undefined || value.trim() === '')
      return fail(`--${flag} is required with --as ${values.as ?? ''}`);
    return value;
  };
  const notWith = (role: string, flags: readonly (keyof typeof values)[]): void => {
    const given = flags.filter((flag) => values[flag] !== undefined);
    if (given.length > 0) fail(`${given.map((f) => `--${f}`).join(', ')} cannot be used with --as ${role}`);
  };

  switch (values.as) {
    case 'visitor': {
      notWith('visitor', AGENT_ONLY);
      return {
        kind: 'chat',
        options: {
          role: 'visitor',
          baseUrl,
          requestTimeoutMs,
          widgetKey: required('widget-key', values['widget-key']),
          ...(values.name === undefined ? {} : { displayName: values.name }),
          ...(values.token === undefined ? {} : { token: values.token }),
        },
      };
    }
    case 'agent': {
      notWith('agent', VISITOR_ONLY);
      return {
        kind: 'chat',
        options: {
          role: 'agent',
          baseUrl,
          requestTimeoutMs,
          tenantId: required('tenant', values.tenant),
          email: required('email', values.email),
          password: required('password', values.password ?? env.SWITCHBOARD_PASSWORD),
        },
      };
    }
    case undefined:
      return fail('--as is required (visitor or agent)');
    default:
      return fail(`--as must be visitor or agent, got '${values.as}'`);
  }
}
