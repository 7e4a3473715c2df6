import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { dropDatabase, isolation, serverUrls } from './helpers';

// Real servers: startup, scrypt and JetStream round trips outlive jest's 5 s default.
jest.setTimeout(30_000);

// The compiled service, as the testkit and the dev stack start it (built by the integration globalSetup).
const entry = path.join(__dirname, '..', 'dist', 'src', 'main.js');
const seedEntry = path.join(__dirname, '..', 'dist', 'src', 'seed.js');

interface Running {
  lines: string[];
  exited: Promise<number | null>;
  waitFor(pred: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

function run(file: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [file], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const onLine = (line: string): void => {
    lines.push(line);
    for (const w of waiters) w();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', (l) => {
    onLine(`stderr: ${l}`);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  return {
    lines,
    exited,
    kill: (signal) => child.kill(signal),
    waitFor: (pred, what, timeoutMs = 30_000) =>
      new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(pred);
          if (found === undefined) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          child.kill('SIGKILL');
          reject(new Error(`no ${what} within ${timeoutMs} ms; output:\n${lines.slice(-30).join('\n')}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          check();
          if (waiters.has(check)) {
            cleanup();
            reject(new Error(`exited before ${what}; output:\n${lines.slice(-30).join('\n')}`));
          }
        });
        check();
      }),
  };
}

describe('admin process', () => {
  const { natsUrl, mongoUrl } = serverUrls();

  it('admin process - logs ready with bound ports, answers /readyz, exits 0 on SIGTERM', async () => {
    const { database, namespace } = isolation();
    const proc = run(entry, {
      NATS_URL: natsUrl,
      MONGO_URL: mongoUrl,
      MONGO_DATABASE: database,
      SB_NAMESPACE: namespace,
      GRPC_PORT: '0',
      HEALTH_PORT: '0',
    });
    try {
      const line = await proc.waitFor((l) => l.includes('"msg":"ready"'), 'ready line');
      const ready = JSON.parse(line) as { ports: { health: number; grpc: number } };
      expect(ready.ports.health).toBeGreaterThan(0);
      expect(ready.ports.grpc).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${ready.ports.health}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { nats: 'ok', mongodb: 'ok' } });
      proc.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(proc.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    } finally {
      proc.kill('SIGKILL');
      await dropDatabase(mongoUrl, database);
    }
  });

  it('admin process - refuses bad configuration listing every bad variable', async () => {
    const proc = run(entry, { NATS_URL: 'http://x', MONGO_URL: 'nope', GRPC_PORT: '99999' });
    expect(await proc.exited).toBe(1);
    const output = proc.lines.join('\n');
    for (const name of ['NATS_URL', 'MONGO_URL', 'GRPC_PORT']) expect(output).toContain(name);
  });

  it('admin process - the seed script prints a summary without secrets', async () => {
    const { database } = isolation();
    const proc = run(seedEntry, { NATS_URL: natsUrl, MONGO_URL: mongoUrl, MONGO_DATABASE: database });
    try {
      expect(await proc.exited).toBe(0);
      const output = proc.lines.join('\n');
      expect(output).toContain('demo');
      expect(output).toContain('alice@demo.test');
      expect(output).toContain('bob@demo.test');
      expect(output).toContain('demo-widget-key');
      expect(output).not.toContain('scrypt');
    } finally {
      await dropDatabase(mongoUrl, database);
    }
  });
});
