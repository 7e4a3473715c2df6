import { E2E_DEFAULTS, parseCommand, usage } from './args';
import { UsageError } from './errors';

function usageError(argv: string[]): UsageError {
  try {
    parseCommand(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`parseCommand(${argv.join(' ')}) did not throw`);
}

describe('parseCommand', () => {
  it('parseCommand - a bare scenario runs with the defaults', () => {
    expect(parseCommand(['e2e'])).toEqual({ kind: 'run', scenario: 'e2e', options: E2E_DEFAULTS });
  });

  it('parseCommand - reads every flag, as "--flag value" and as "--flag=value"', () => {
    const cmd = parseCommand([
      'e2e',
      '--visitors',
      '50',
      '--agents=4',
      '--rate',
      '1500.5',
      '--duration=10',
      '--warmup',
      '0',
      '--workers',
      '2',
      '--drain',
      '3',
      '--report',
      '/tmp/r.html',
      '--nats-url',
      'nats://127.0.0.1:4222',
      '--clickhouse-url=http://127.0.0.1:8123',
      '--mongo-url',
      'mongodb://127.0.0.1:27017/',
    ]);
    expect(cmd).toEqual({
      kind: 'run',
      scenario: 'e2e',
      options: {
        visitors: 50,
        agents: 4,
        ratePerS: 1500.5,
        durationS: 10,
        warmupS: 0,
        workers: 2,
        drainS: 3,
        reportPath: '/tmp/r.html',
        natsUrl: 'nats://127.0.0.1:4222',
        clickhouseUrl: 'http://127.0.0.1:8123',
        mongoUrl: 'mongodb://127.0.0.1:27017/',
      },
    });
  });

  it('parseCommand - --help anywhere answers the usage text, which lists scenarios and flags', () => {
    const cmd = parseCommand(['e2e', '--rate', '10', '--help']);
    expect(cmd.kind).toBe('help');
    expect(usage()).toContain('e2e');
    expect(usage()).toContain('--visitors');
    expect(parseCommand(['-h']).kind).toBe('help');
  });

  it.each([
    [['nope'], 'unknown scenario "nope"; available: e2e'],
    [[], 'missing scenario; available: e2e'],
    [['e2e', '--speed', '3'], 'unknown flag --speed'],
    [['e2e', '--rate', 'fast'], '--rate must be a number, got "fast"'],
    [['e2e', '--rate', '12abc'], '--rate must be a number'],
    [['e2e', '--visitors', '2.5'], '--visitors must be a whole number'],
    [['e2e', '--visitors', '0'], '--visitors must be in 1..50000, got 0'],
    [['e2e', '--warmup', '-1'], '--warmup must be in 0..3600, got -1'],
    [['e2e', '--duration'], '--duration needs a value'],
    [['e2e', '--duration', '--rate', '5'], '--duration needs a value'],
    [['e2e', '--rate', '5', '--rate', '6'], '--rate is given twice'],
    [['e2e', 'extra'], 'unexpected argument "extra"'],
    [['e2e', '--nats-url', 'not a url'], '--nats-url is not a URL'],
    [['e2e', '--mongo-url', 'http://x:1'], '--mongo-url must start with mongodb:// or mongodb+srv://'],
    [['e2e', '--workers', '3'], '--workers 3 is more than 2'],
    [['e2e', '--agents', '1', '--workers', '2'], '--workers 2 is more than 1'],
    [['e2e', '--visitors', '1', '--workers', '2'], '--visitors 1 is fewer than --workers 2'],
  ])('parseCommand - %j is a usage error: %s', (argv, message) => {
    const err = usageError(argv);
    expect(err.message).toContain(message);
    expect(err.name).toBe('UsageError');
    expect(err.exitCode).toBe(2);
  });
});
