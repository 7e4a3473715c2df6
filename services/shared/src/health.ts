import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** A readiness check pings one real dependency and throws when it is not usable. */
export type ReadinessCheck = () => Promise<void>;

export interface HealthAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * /healthz (the process is alive), /readyz (every dependency answered its ping within the timeout) and
 * /metrics (Prometheus). Transports call `answer(path)`; `listen(port)` serves it on its own port.
 */
export class Health {
  readonly registry = new Registry();
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;
  private server: Server | undefined;

  constructor(
    service: string,
    private readonly checkTimeoutMs = 2000,
  ) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  addCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** After this, /readyz answers 503 so load balancers stop sending traffic during shutdown. */
  setDraining(): void {
    this.draining = true;
  }

  async answer(path: string): Promise<HealthAnswer | undefined> {
    switch (path) {
      case '/healthz':
        return { status: 200, contentType: 'application/json', body: '{"status":"ok"}' };
      case '/readyz':
        return this.readiness();
      case '/metrics':
        return { status: 200, contentType: this.registry.contentType, body: await this.registry.metrics() };
      default:
        return undefined;
    }
  }

  private async readiness(): Promise<HealthAnswer> {
    const results: Record<string, string> = {};
    let ok = !this.draining;
    if (this.draining) results['shutdown'] = 'draining';
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), this.checkTimeoutMs, name);
          results[name] = 'ok';
        } catch (err) {
          ok = false;
          results[name] = err instanceof Error ? err.message : String(err);
        }
      }),
    );
    return {
      status: ok ? 200 : 503,
      contentType: 'application/json',
      body: JSON.stringify({ status: ok ? 'ready' : 'not ready', checks: results }),
    };
  }

  /** Serves the three endpoints on their own port (0 picks a free one); resolves to the bound port. */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      this.answer(path).then(
        (a) => {
          const answer = a ?? {
            status: 404,
            contentType: 'application/json',
            body: '{"status":"not found"}',
          };
          res.writeHead(answer.status, { 'content-type': answer.contentType });
          res.end(answer.body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
export { Counter, Gauge, Histogram } from 'prom-client';
