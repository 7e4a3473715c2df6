import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { ServerStartError, ServerStopError } from './errors';
import { trackChild, trackDir, untrackChild, untrackDir } from './exit-cleanup';
import { lineSplitter, OutputTail } from './output-tail';
import type { RunningServer } from './running-server';

/** Everything needed to run one server process and tell when it is ready. */
export interface ServerSpec {
  /** Server kind used in messages, e.g. `nats-server`. */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  url: string;
  dataDir: string;
  /** True when the testkit created dataDir and stop() may delete it. */
  ownsDataDir: boolean;
  readyTimeoutMs: number;
  /** One readiness attempt: resolve true when the server answers; rejections count as not ready. */
  probe(timeoutMs: number): Promise<boolean>;
  /** Extra text for start errors, e.g. the tail of a log file the server writes instead of stderr. */
  diagnostics?(): Promise<string | undefined>;
  log?: (line: string) => void;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

const STOP_GRACE_MS = 10_000;
const KILL_WAIT_MS = 10_000;
const OUTPUT_LINES_IN_ERRORS = 40;
const PROBE_TIMEOUT_MS = 2_000;

export class ManagedServer implements RunningServer {
  readonly name: string;
  readonly url: string;
  readonly dataDir: string;
  /** Milliseconds the last successful start took, from spawn to ready. */
  startupMs = 0;

  private readonly output = new OutputTail(200);
  private child: ChildProcess | undefined;
  private exited: Promise<ExitInfo> | undefined;
  private stopping: Promise<void> | undefined;
  private dataRemoved = false;

  constructor(
    private readonly spec: ServerSpec,
    private readonly keepData = false,
  ) {
    this.name = spec.name;
    this.url = spec.url;
    this.dataDir = spec.dataDir;
    if (spec.ownsDataDir) trackDir(spec.dataDir);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get commandLine(): string {
    return [this.spec.command, ...this.spec.args].map(shellQuote).join(' ');
  }

  /** Spawn the process and wait until the probe succeeds; on failure the process is killed. */
  async start(): Promise<void> {
    if (this.child !== undefined) throw this.startError('it is already running');
    if (this.dataRemoved) throw this.startError(`it was stopped and its data dir ${this.dataDir} removed`);
    this.stopping = undefined;
    const startedAt = performance.now();
    const child = spawn(this.spec.command, [...this.spec.args], {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    trackChild(child);
    this.exited = this.watchExit(child);

    try {
      await this.waitUntilReady(child, this.exited);
    } catch (error) {
      await this.terminate('SIGKILL', KILL_WAIT_MS).catch(() => undefined);
      if (error instanceof ServerStartError) throw error;
      throw this.startError('readiness check failed', undefined, error);
    }
    this.startupMs = performance.now() - startedAt;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.terminate('SIGTERM', STOP_GRACE_MS);
      if (this.spec.ownsDataDir && !this.keepData && !this.dataRemoved) {
        await fs.rm(this.dataDir, { recursive: true, force: true, maxRetries: 3 });
        this.dataRemoved = true;
        untrackDir(this.dataDir);
      }
    })();
    return this.stopping;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (child === undefined || exited === undefined) return;
    child.kill(signal);
    if (!(await settlesWithin(exited, KILL_WAIT_MS))) {
      throw new ServerStopError(
        this.name,
        `pid ${child.pid ?? '?'} did not exit within ${KILL_WAIT_MS} ms of ${signal}`,
      );
    }
  }

  async restart(): Promise<void> {
    await this.terminate('SIGTERM', STOP_GRACE_MS);
    await this.start();
  }

  /** Sends `signal`, waits up to `graceMs`, then SIGKILLs; resolves once the process is gone. */
  private async terminate(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (child === undefined || exited === undefined) return;
    child.kill(signal);
    if (await settlesWithin(exited, graceMs)) return;
    child.kill('SIGKILL');
    if (!(await settlesWithin(exited, KILL_WAIT_MS))) {
      throw new ServerStopError(this.name, `pid ${child.pid ?? '?'} survived SIGKILL for ${KILL_WAIT_MS} ms`);
    }
  }

  private watchExit(child: ChildProcess): Promise<ExitInfo> {
    const prefix = this.spec.log;
    const onLine = (line: string): void => {
      this.output.push(line);
      prefix?.(line);
    };
    const stdout = lineSplitter(onLine);
    const stderr = lineSplitter(onLine);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      stdout.write(c);
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr.write(c);
    });

    return new Promise<ExitInfo>((resolve) => {
      let spawnError: Error | undefined;
      // 'close' comes after 'exit' once stdio is drained, so the output tail is complete.
      child.once('error', (error) => {
        spawnError = error;
        if (child.pid === undefined) finish(null, null);
      });
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        finish(code, signal);
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        stdout.end();
        stderr.end();
        untrackChild(child);
        if (this.child === child) {
          this.child = undefined;
          this.exited = undefined;
        }
        resolve(spawnError === undefined ? { code, signal } : { code, signal, error: spawnError });
      };
    });
  }

  private async waitUntilReady(child: ChildProcess, exited: Promise<ExitInfo>): Promise<void> {
    const deadline = performance.now() + this.spec.readyTimeoutMs;
    const seen: { exit?: ExitInfo } = {};
    void exited.then((info) => (seen.exit = info));
    let pause = 20;
    for (;;) {
      const probeTimeout = Math.max(100, Math.min(PROBE_TIMEOUT_MS, deadline - performance.now()));
      const ready = await Promise.race([
        this.spec.probe(probeTimeout).catch(() => false),
        exited.then(() => false),
      ]);
      if (seen.exit !== undefined || child.exitCode !== null || child.signalCode !== null) {
        const info = seen.exit ?? (await exited);
        const how =
          info.error !== undefined
            ? `could not be spawned: ${info.error.message}`
            : info.signal !== null
              ? `was killed by ${info.signal}`
              : `exited with code ${String(info.code)}`;
        throw this.startError(`it ${how} before becoming ready`, await this.diagnostics(), info.error);
      }
      if (ready) return;
      if (performance.now() >= deadline) {
        throw this.startError(
          `it was not ready after ${(this.spec.readyTimeoutMs / 1000).toFixed(1)} s`,
          await this.diagnostics(),
        );
      }
      // Polling readiness with a deadline; wake early if the process dies.
      await Promise.race([delay(pause), exited]);
      pause = Math.min(pause * 2, 250);
    }
  }

  private async diagnostics(): Promise<string | undefined> {
    try {
      return await this.spec.diagnostics?.();
    } catch {
      return undefined;
    }
  }

  private startError(reason: string, diagnostics?: string, cause?: unknown): ServerStartError {
    return new ServerStartError(
      {
        server: this.name,
        commandLine: this.commandLine,
        reason,
        outputTail: this.output.last(OUTPUT_LINES_IN_ERRORS),
        ...(diagnostics === undefined ? {} : { diagnostics }),
      },
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * Builds a server with `build` and starts it. When ports were picked by the testkit and the start
 * failed because a port was taken meanwhile, builds it again with fresh ports and retries once.
 */
export async function startWithPortRetry(
  portsArePicked: boolean,
  build: () => Promise<ManagedServer>,
): Promise<ManagedServer> {
  const first = await build();
  try {
    await first.start();
    return first;
  } catch (error) {
    if (!(portsArePicked && error instanceof ServerStartError && error.portInUse)) {
      await first.stop().catch(() => undefined);
      throw error;
    }
  }
  const second = await build();
  try {
    await second.start();
    return second;
  } catch (error) {
    await second.stop().catch(() => undefined);
    throw error;
  }
}

/** Creates a temp data dir unless the caller supplied one. */
export async function prepareDataDir(
  prefix: string,
  given: string | undefined,
): Promise<{ dir: string; owned: boolean }> {
  if (given !== undefined) {
    await fs.mkdir(given, { recursive: true });
    return { dir: given, owned: false };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `sb-${prefix}-`));
  return { dir, owned: true };
}

export async function tailOfFile(file: string, lines: number): Promise<string | undefined> {
  try {
    const text = await fs.readFile(file, 'utf8');
    const tail = text.trimEnd().split('\n').slice(-lines);
    return tail.length === 0 || (tail.length === 1 && tail[0] === '') ? undefined : tail.join('\n');
  } catch {
    return undefined;
  }
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const ac = new AbortController();
  return Promise.race([
    promise.then(() => true),
    delay(ms, false, { signal: ac.signal }).catch(() => false),
  ]).finally(() => {
    ac.abort();
  });
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
