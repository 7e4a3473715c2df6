import { DEMO_AGENT_ACCOUNTS } from './e2e/accounts';
import { UsageError } from './errors';

export const SCENARIOS = {
  e2e: 'visitors and agents chatting through gateway → session (JetStream) → gateway, at a target rate',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

export interface E2eOptions {
  readonly visitors: number;
  /** Agent sockets; spread over the seeded agent accounts. */
  readonly agents: number;
  /** Messages per second offered, all conversations and both directions together. */
  readonly ratePerS: number;
  /** The measured window, after the warm-up. */
  readonly durationS: number;
  readonly warmupS: number;
  /** Client processes. */
  readonly workers: number;
  /** How long to wait, after the last send, for acked messages to arrive before counting them lost. */
  readonly drainS: number;
  /** Where the HTML report goes; default loadtest/reports/e2e-<timestamp>.html. */
  readonly reportPath: string | undefined;
  readonly natsUrl: string | undefined;
  readonly clickhouseUrl: string | undefined;
  readonly mongoUrl: string | undefined;
}

/** The defaults aim at the first target: 2,000 msgs/s for 60 s. */
export const E2E_DEFAULTS: E2eOptions = {
  visitors: 200,
  agents: 2,
  ratePerS: 2000,
  durationS: 60,
  warmupS: 5,
  workers: 2,
  drainS: 10,
  reportPath: undefined,
  natsUrl: undefined,
  clickhouseUrl: undefined,
  mongoUrl: undefined,
};

export type Command =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'run'; readonly scenario: ScenarioName; readonly options: E2eOptions };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type NumericKey = 'visitors' | 'agents' | 'ratePerS' | 'durationS' | 'warmupS' | 'workers' | 'drainS';
type TextKey = 'reportPath' | 'natsUrl' | 'clickhouseUrl' | 'mongoUrl';

type FlagSpec =
  | {
      readonly value: 'int' | 'number';
      readonly key: NumericKey;
      readonly min: number;
      readonly max: number;
      readonly help: string;
    }
  | {
      readonly value: 'url';
      readonly key: TextKey;
      readonly schemes: readonly string[];
      readonly help: string;
    }
  | { readonly value: 'path'; readonly key: TextKey; readonly help: string };

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  visitors: {
    key: 'visitors',
    value: 'int',
    min: 1,
    max: 50_000,
    help: 'visitor sockets, one conversation each',
  },
  agents: {
    key: 'agents',
    value: 'int',
    min: 1,
    max: 1000,
    help: `agent sockets, spread over the ${DEMO_AGENT_ACCOUNTS.length} seeded agent accounts`,
  },
  rate: {
    key: 'ratePerS',
    value: 'number',
    min: 1,
    max: 1_000_000,
    help: 'messages per second offered (total)',
  },
  duration: { key: 'durationS', value: 'int', min: 1, max: 86_400, help: 'measured seconds' },
  warmup: { key: 'warmupS', value: 'int', min: 0, max: 3600, help: 'seconds at full rate before measuring' },
  workers: { key: 'workers', value: 'int', min: 1, max: 64, help: 'client processes' },
  drain: { key: 'drainS', value: 'number', min: 1, max: 600, help: 'seconds to wait for in-flight messages' },
  report: { key: 'reportPath', value: 'path', help: 'HTML report path' },
  'nats-url': { key: 'natsUrl', value: 'url', schemes: ['nats:'], help: 'use this NATS (JetStream) server' },
  'clickhouse-url': {
    key: 'clickhouseUrl',
    value: 'url',
    schemes: ['http:', 'https:'],
    help: 'use this ClickHouse (HTTP) server',
  },
  'mongo-url': {
    key: 'mongoUrl',
    value: 'url',
    schemes: ['mongodb:', 'mongodb+srv:'],
    help: 'use this MongoDB/FerretDB server',
  },
};

export function usage(): string {
  const d = E2E_DEFAULTS;
  const defaults: Partial<Record<keyof E2eOptions, string>> = {
    visitors: String(d.visitors),
    agents: String(d.agents),
    ratePerS: String(d.ratePerS),
    durationS: String(d.durationS),
    warmupS: String(d.warmupS),
    workers: String(d.workers),
    drainS: String(d.drainS),
    reportPath: 'loadtest/reports/e2e-<time>.html',
    natsUrl: 'start one',
    clickhouseUrl: 'start one',
    mongoUrl: 'start one',
  };
  const flagLines = Object.entries(FLAGS).map(([name, spec]) => {
    const arg = spec.value === 'int' || spec.value === 'number' ? 'N' : spec.value === 'url' ? 'URL' : 'PATH';
    const range =
      spec.value === 'int' || spec.value === 'number' ? ` (${String(spec.min)}..${String(spec.max)})` : '';
    return `  --${`${name} ${arg}`.padEnd(22)} ${spec.help}${range}; default ${defaults[spec.key] ?? '-'}`;
  });
  return [
    'usage: npm run bench -- <scenario> [flags]',
    '',
    'Scenarios:',
    ...Object.entries(SCENARIOS).map(([name, what]) => `  ${name.padEnd(8)} ${what}`),
    '',
    'Flags (e2e):',
    ...flagLines,
    '  --help, -h               this text',
    '',
    'Servers (nats-server, clickhouse-server, FerretDB) and the five services are started on random ports',
    'unless a --*-url names a running server. The last stdout line is one JSON object with the results.',
    'Exit codes: 0 no message lost or duplicated; 1 some were, or the run failed; 2 bad usage.',
  ].join('\n');
}

/** Parses `<scenario> [--flag value | --flag=value]...`; throws UsageError for anything it cannot use. */
export function parseCommand(argv: readonly string[]): Command {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: usage() };
  const [scenario, ...rest] = argv;
  if (scenario === undefined || scenario.startsWith('-')) {
    throw new UsageError(`missing scenario; available: ${scenarioList()}\n\n${usage()}`);
  }
  if (!isScenario(scenario)) {
    throw new UsageError(`unknown scenario "${scenario}"; available: ${scenarioList()}`);
  }
  const options: Mutable<E2eOptions> = { ...E2E_DEFAULTS };
  const given = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"; flags start with --`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = FLAGS[name];
    if (spec === undefined) throw new UsageError(`unknown flag --${name}; see --help`);
    if (given.has(name)) throw new UsageError(`--${name} is given twice`);
    given.add(name);
    let raw: string | undefined;
    if (eq === -1) {
      raw = rest[i + 1];
      i += 1;
    } else {
      raw = arg.slice(eq + 1);
    }
    if (raw === undefined || raw === '' || (eq === -1 && raw.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    setOption(options, name, spec, raw);
  }
  validateE2e(options);
  return { kind: 'run', scenario, options };
}

function setOption(options: Mutable<E2eOptions>, name: string, spec: FlagSpec, raw: string): void {
  switch (spec.value) {
    case 'int':
    case 'number': {
      const value = Number(raw);
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(raw) || !Number.isFinite(value)) {
        throw new UsageError(`--${name} must be a number, got "${raw}"`);
      }
      if (spec.value === 'int' && !Number.isInteger(value)) {
        throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
      }
      if (value < spec.min || value > spec.max) {
        throw new UsageError(`--${name} must be in ${String(spec.min)}..${String(spec.max)}, got ${raw}`);
      }
      options[spec.key] = value;
      return;
    }
    case 'url': {
      if (!URL.canParse(raw)) throw new UsageError(`--${name} is not a URL: "${raw}"`);
      if (!spec.schemes.includes(new URL(raw).protocol)) {
        throw new UsageError(`--${name} must start with ${spec.schemes.map((s) => `${s}//`).join(' or ')}`);
      }
      options[spec.key] = raw;
      return;
    }
    case 'path':
      options[spec.key] = raw;
      return;
  }
}

/** Rules between flags. */
export function validateE2e(o: E2eOptions): void {
  const accounts = DEMO_AGENT_ACCOUNTS.length;
  const maxWorkers = Math.min(o.agents, accounts);
  if (o.workers > maxWorkers) {
    throw new UsageError(
      `--workers ${String(o.workers)} is more than ${String(maxWorkers)}: each worker owns whole agents ` +
        `(both ends of a conversation live in one process), and there are ${String(o.agents)} agent socket(s) ` +
        `over ${String(accounts)} seeded agent account(s)`,
    );
  }
  if (o.visitors < o.workers) {
    throw new UsageError(`--visitors ${String(o.visitors)} is fewer than --workers ${String(o.workers)}`);
  }
}

function isScenario(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}

function scenarioList(): string {
  return Object.keys(SCENARIOS).join(', ');
}
