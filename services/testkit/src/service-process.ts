import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './workspace-build';

/** The deployable Switchboard services, by package folder name. */
export type ServiceName = 'admin' | 'persistence' | 'session' | 'routing' | 'gateway';

/** A service that exited or did not log `ready` in time; carries the tail of its output. */
export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
  constructor(
    readonly service: string,
    reason: string,
    readonly outputTail: readonly string[],
  ) {
    super(`${service} did not become ready: ${reason}\n  last output:\n    ${outputTail.join('\n    ')}`);
  }
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Ports from the service's `ready` log line (e.g. http, grpc, health). */
  readonly ports: Readonly<Record<string, number>>;
  /** Every line the service wrote so far. */
  output(): readonly string[];
  /** SIGTERM and wait for a graceful exit (SIGKILL after the deadline). Resolves to the exit code. */
  stop(deadlineMs?: number): Promise<number | null>;
  /** Sends a signal (SIGKILL by default) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

/** The compiled entry point of a service (built by `tsc -b services/tsconfig.json`). */
export function serviceEntry(name: string, file = 'main.js'): string {
  return path.join(repoRoot(), 'services', name, 'dist', 'src', file);
}

/**
 * Starts a compiled service as its own process with `env`, and resolves once it logs its `ready` line
 * (pino JSON with msg "ready" and a `ports` object).
 */
export function startService(
  name: ServiceName,
  env: Readonly<Record<string, string>>,
  opts: { readyTimeoutMs?: number; onLine?: (service: string, line: string) => void; label?: string } = {},
): Promise<ServiceProcess> {
  const label = opts.label ?? name;
  const child = spawn(process.execPath, ['--enable-source-maps', serviceEntry(name)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  killOnExit(child);
  return new Promise<ServiceProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new ServiceStartError(
          label,
          `no ready line within ${opts.readyTimeoutMs ?? 30_000} ms`,
          lines.slice(-40),
        ),
      );
    }, opts.readyTimeoutMs ?? 30_000);
    const onLine = (line: string): void => {
      lines.push(line);
      opts.onLine?.(label, line);
      if (!line.startsWith('{') || !line.includes('"ready"')) return;
      let parsed: { msg?: unknown; ports?: unknown };
      try {
        parsed = JSON.parse(line) as { msg?: unknown; ports?: unknown };
      } catch {
        return;
      }
      if (parsed.msg !== 'ready') return;
      clearTimeout(timer);
      const ports = (parsed.ports ?? {}) as Record<string, number>;
      resolve(handle(label, child, ports, lines, exited));
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ServiceStartError(label, `exited with code ${String(code)} before ready`, lines.slice(-40)));
    });
  });
}

function handle(
  name: string,
  child: ChildProcess,
  ports: Record<string, number>,
  lines: string[],
  exited: Promise<number | null>,
): ServiceProcess {
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    name,
    pid: child.pid ?? -1,
    ports,
    output: () => lines,
    exited,
    kill,
    stop: async (deadlineMs = 10_000) => {
      const t = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
      try {
        return await kill('SIGTERM');
      } finally {
        clearTimeout(t);
      }
    },
  };
}

const children = new Set<ChildProcess>();
let hooked = false;

/** Services must not outlive the test run or `npm start`. */
function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}
