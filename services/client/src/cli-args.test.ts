import { CHAT_USAGE, DEFAULT_GATEWAY_URL, parseCli, USAGE, UsageError } from './cli-args';

function usageError(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    parseCli(argv, env);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('parseCli', () => {
  test('parseCli - reads a visitor chat', () => {
    const command = parseCli(
      [
        'chat',
        '--as',
        'visitor',
        '--url',
        'http://127.0.0.1:9000',
        '--widget-key',
        'demo-widget-key',
        '--name',
        'Ann',
      ],
      {},
    );

    expect(command).toEqual({
      kind: 'chat',
      options: {
        role: 'visitor',
        baseUrl: 'http://127.0.0.1:9000',
        requestTimeoutMs: 10_000,
        widgetKey: 'demo-widget-key',
        displayName: 'Ann',
      },
    });
  });

  test('parseCli - reads an agent chat and takes the password from SWITCHBOARD_PASSWORD', () => {
    const command = parseCli(['chat', '--as', 'agent', '--tenant', 'demo', '--email', 'alice@demo.test'], {
      SWITCHBOARD_PASSWORD: 'switchboard',
    });

    expect(command).toEqual({
      kind: 'chat',
      options: {
        role: 'agent',
        baseUrl: DEFAULT_GATEWAY_URL,
        requestTimeoutMs: 10_000,
        tenantId: 'demo',
        email: 'alice@demo.test',
        password: 'switchboard',
      },
    });
  });

  test('parseCli - --help prints the general usage and chat --help the chat usage', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help', text: USAGE });
    expect(parseCli(['chat', '--help'], {})).toEqual({ kind: 'help', text: CHAT_USAGE });
    expect(parseCli(['chat', '-h', '--as', 'nobody'], {})).toEqual({ kind: 'help', text: CHAT_USAGE });
  });

  test('parseCli - rejects missing and bad flags with a clear message and the usage', () => {
    expect(usageError([]).message).toBe('missing command');
    expect(usageError(['chat']).message).toBe('--as is required (visitor or agent)');
    expect(usageError(['chat', '--as', 'bot']).message).toBe("--as must be visitor or agent, got 'bot'");
    expect(usageError(['chat', '--as', 'visitor']).message).toBe(
      '--widget-key is required with --as visitor',
    );
    expect(usageError(['chat', '--as', 'agent', '--tenant', 'demo', '--email', 'a@b']).message).toBe(
      '--password is required with --as agent',
    );
    expect(usageError(['chat', '--as', 'visitor', '--widget-key', 'k', '--email', 'a@b']).message).toBe(
      '--email cannot be used with --as visitor',
    );
    expect(
      usageError(['chat', '--as', 'visitor', '--widget-key', 'k', '--url', 'ftp://x']).message,
    ).toContain('--url must be an http:// or https:// URL');
    expect(
      usageError(['chat', '--as', 'visitor', '--widget-key', 'k', '--timeout', 'soon']).message,
    ).toContain('--timeout must be a positive number');
    expect(usageError(['chat', '--bogus']).usage).toBe(CHAT_USAGE);
    expect(usageError(['dance']).message).toBe("unknown command 'dance'");
    expect(usageError(['chat', 'extra', '--as', 'visitor']).message).toBe("unexpected argument 'extra'");
  });
});
