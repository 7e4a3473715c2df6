import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  startClickHouse,
  startMongo,
  startNats,
  startSwitchboard,
  type RunningServer,
  type ServiceProcess,
  type SwitchboardStack,
} from '@switchboard/testkit';
import type { E2eOptions } from '../args';
import { BenchError } from '../errors';
import { renderHtml, type SecondPoint } from '../report/html';
import { buildResult, machineInfo, type BenchResult } from '../report/result';
import { progressHeader, progressRow, summaryLines } from '../report/table';
import { ProcessSampler } from '../system/proc';
import { repoRoot } from '../system/repo';
import { DEMO_AGENT_ACCOUNTS, DEMO_WIDGET_KEY, planAgentSockets } from './accounts';
import {
  isWorkerMessage,
  type OrchestratorMessage,
  type RunPlan,
  type WorkerMessage,
  type WorkerSummary,
} from './protocol';
import { Timeline } from './timeline';

export interface Output {
  /** Human-readable progress and results (stdout). */
  out(line: string): void;
  /** Warnings and service complaints (stderr). */
  err(line: string): void;
}

/** Ctrl-C or SIGTERM: the run stops, cleans up and exits 130. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

export interface E2eOutcome {
  readonly result: BenchResult;
  readonly summary: readonly string[];
}

const PROGRESS_EVERY_S = 5;
const LATE_AFTER_MS = 5000;
const OPEN_CONCURRENCY = 16;
const SERVICE_LOG_LINES_SHOWN = 20;
/** Services and servers together below this (% of one core) for SETTLE_QUIET_S seconds count as settled. */
const SETTLE_CPU_PCT = 30;
const SETTLE_QUIET_S = 2;
const SETTLE_MAX_S = 90;

interface Worker {
  readonly id: number;
  readonly child: ChildProcess;
  final: WorkerSummary | undefined;
  exited: boolean;
}

interface Waiter {
  readonly check: () => boolean;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * The e2e scenario: servers, services, client workers, the measured run, the report. One instance per
 * run; cleanup() is safe to call at any point and more than once.
 */
export class E2eRun {
  readonly #o: E2eOptions;
  readonly #io: Output;
  readonly #servers: { name: string; server: RunningServer }[] = [];
  #stack: SwitchboardStack | undefined;
  readonly #workers: Worker[] = [];
  readonly #sampler = new ProcessSampler();
  readonly #agentOwner = new Map<string, number>();
  readonly #agentsReady = new Set<number>();
  #conversationsReady = 0;
  #timeline: Timeline;
  readonly #waiters = new Set<Waiter>();
  #failure: Error | undefined;
  #stopping = false;
  #cleanup: Promise<void> | undefined;
  #lastRowSecond = -1;
  readonly #serviceComplaints = new Map<string, number>();
  readonly #serverComplaints = new Map<string, number>();
  #complaintsShown = 0;
  #settleS = 0;
  #settled = true;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(options: E2eOptions, io: Output) {
    this.#o = options;
    this.#io = io;
    this.#timeline = new Timeline(options.workers);
  }

  get interrupted(): boolean {
    return this.#failure instanceof InterruptedError;
  }

  /** Stops waiting: the pending step rejects with `reason`. */
  abort(reason: Error): void {
    this.#fail(reason);
  }

  async execute(): Promise<E2eOutcome> {
    const o = this.#o;
    const startedAt = new Date();
    const machine = machineInfo();
    const say = (line: string): void => {
      this.#io.out(line);
    };
    say(
      `Switchboard e2e benchmark: ${String(o.visitors)} visitors, ${String(o.agents)} agent sockets, ` +
        `${String(o.workers)} client processes, ${String(o.ratePerS)} msgs/s for ${String(o.durationS)} s ` +
        `(+${String(o.warmupS)} s warm-up)`,
    );
    say(
      `machine: ${String(machine.cpus)} × ${machine.model}, ${String(machine.total_mem_gb)} GB, ` +
        `node ${machine.node}, load average ${String(machine.load_avg_at_start)}`,
    );
    this.#sampler.add('bench', process.pid);

    const urls = await this.#startServers();
    const namespace = `bench${Date.now().toString(36)}`;
    say('starting services (admin, persistence, session, routing, gateway)…');
    const stack = await this.#guard(
      startSwitchboard({
        natsUrl: urls.nats,
        clickhouseUrl: urls.clickhouse,
        mongoUrl: urls.mongo,
        namespace,
        mongoDatabase: namespace,
        clickhouseDatabase: namespace,
        seed: true,
        // Routing respects each agent's capacity; let the seeded agents take every conversation.
        env: {
          admin: {
            SEED_AGENT_MAX_CONCURRENT: String(
              Math.min(
                100,
                Math.ceil(o.visitors / Math.max(1, Math.min(o.agents, DEMO_AGENT_ACCOUNTS.length))),
              ),
            ),
          },
        },
        onLine: (service, line) => {
          this.#onServiceLine(service, line);
        },
      }),
    );
    this.#stack = stack;
    say(`  gateway ${stack.httpUrl}`);
    const services: [string, ServiceProcess][] = [
      ['gateway', stack.services.gateway],
      ...stack.sessions.map((s, i): [string, ServiceProcess] => [
        stack.sessions.length === 1 ? 'session' : `session-${String(i)}`,
        s,
      ]),
      ['routing', stack.services.routing],
      ['persistence', stack.services.persistence],
      ['admin', stack.services.admin],
    ];
    for (const [name, p] of services) {
      this.#sampler.add(name, p.pid);
      void p.exited.then((code) => {
        if (this.#stopping) return;
        this.#fail(
          new BenchError(
            `${name} exited during the run (code ${String(code)}); last output:\n${p.output().slice(-20).join('\n')}`,
          ),
        );
      });
    }
    for (const { name, server } of this.#servers) this.#sampler.add(name, server.pid);
    this.#sampler.start();

    await this.#startWorkers(stack.httpUrl);
    await this.#openConversations();
    await this.#settle();

    const plan: RunPlan = {
      startEpochMs: Date.now() + 1000,
      ratePerS: o.ratePerS / o.workers,
      warmupMs: o.warmupS * 1000,
      durationMs: o.durationS * 1000,
      drainMs: o.drainS * 1000,
      lateAfterMs: LATE_AFTER_MS,
    };
    say('');
    say(progressHeader());
    this.#at(plan.startEpochMs + plan.warmupMs, () => {
      this.#sampler.mark('start');
    });
    this.#at(plan.startEpochMs + plan.warmupMs + plan.durationMs, () => {
      this.#sampler.mark('end');
    });
    for (const w of this.#workers) this.#send(w, { type: 'start', plan });
    await this.#waitUntil(
      'every client worker to finish sending and draining',
      () => this.#workers.every((w) => w.final !== undefined),
      plan.startEpochMs - Date.now() + plan.warmupMs + plan.durationMs + plan.drainMs + 30_000,
    );

    // Workers finish right at the end of the window when nothing is in flight; close it if the timer has not.
    if (!this.#sampler.hasMarked('end')) this.#sampler.mark('end');
    const processes = this.#sampler.stats();
    const reportPath = this.#reportPath(startedAt);
    const result = buildResult({
      options: o,
      agentAccounts: DEMO_AGENT_ACCOUNTS.length,
      measured: this.#timeline.window(o.warmupS, o.warmupS + o.durationS),
      workers: this.#workers.flatMap((w) => (w.final === undefined ? [] : [w.final])),
      processes,
      systemBusyPct: this.#sampler.systemBusyPct(),
      machine,
      reportPath,
      startedAt,
      settleS: this.#settleS,
    });
    const notes = this.#notes(result);
    const seconds: SecondPoint[] = this.#timeline.seconds().map((t) => ({
      second: t.second,
      sent: t.sent,
      delivered: t.delivered,
      p50Ms: t.latency.count === 0 ? Number.NaN : t.latency.percentile(50),
      p99Ms: t.latency.count === 0 ? Number.NaN : t.latency.percentile(99),
      maxMs: t.latency.count === 0 ? Number.NaN : t.latency.maxMs,
    }));
    fs.mkdirSync(path.dirname(reportPath), { recursive: true });
    fs.writeFileSync(reportPath, renderHtml({ result, seconds, processes, notes }));
    const summary = [
      ...summaryLines(result, processes),
      '',
      ...notes.map((n) => `note: ${n}`),
      `HTML report: ${reportPath}`,
    ];
    return { result, summary };
  }

  /** Stops workers, services and servers, in that order. Idempotent. */
  cleanup(): Promise<void> {
    this.#cleanup ??= this.#doCleanup();
    return this.#cleanup;
  }

  async #doCleanup(): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#sampler.stop();
    await Promise.all(
      this.#workers.map(async (w) => {
        if (w.exited) return;
        const gone = new Promise<void>((resolve) => {
          w.child.once('exit', () => {
            resolve();
          });
        });
        this.#send(w, { type: 'shutdown' });
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }),
    );
    if (this.#stack !== undefined) {
      await this.#stack.stop().catch((err: unknown) => {
        this.#io.err(`stopping services failed: ${String(err)}`);
      });
    }
    await Promise.all(
      this.#servers.map(({ name, server }) =>
        server.stop().catch((err: unknown) => {
          this.#io.err(`stopping ${name} failed: ${String(err)}`);
        }),
      ),
    );
  }

  // ---- servers ----

  async #startServers(): Promise<{ nats: string; clickhouse: string; mongo: string }> {
    const o = this.#o;
    const wanted = [
      { name: 'nats-server', url: o.natsUrl, start: startNats },
      { name: 'clickhouse', url: o.clickhouseUrl, start: startClickHouse },
      { name: 'mongo', url: o.mongoUrl, start: startMongo },
    ];
    if (wanted.some((w) => w.url === undefined)) await this.#ensureServers();
    const urls = await this.#guard(
      Promise.all(
        wanted.map(async (w) => {
          if (w.url !== undefined) {
            this.#io.out(`  using ${w.name} at ${w.url}`);
            return w.url;
          }
          const server = await w.start({
            log: (line) => {
              this.#onServerLine(w.name, line);
            },
          });
          const name = w.name === 'mongo' ? processName(server.pid, 'mongo') : w.name;
          this.#servers.push({ name, server });
          this.#io.out(`  ${name} ready at ${server.url}`);
          return server.url;
        }),
      ),
    );
    const [nats = '', clickhouse = '', mongo = ''] = urls;
    return { nats, clickhouse, mongo };
  }

  /** The same idempotent step `npm test` runs: installs nats-server/clickhouse-server, builds FerretDB. */
  async #ensureServers(): Promise<void> {
    this.#io.out('checking servers (node deploy/local/ensure-servers.mjs)…');
    const root = repoRoot();
    const child = spawn(process.execPath, [path.join(root, 'deploy', 'local', 'ensure-servers.mjs')], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        this.#io.out(`  ${line}`);
      });
    }
    const code = await this.#guard(
      new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      }),
    );
    if (code !== 0) {
      throw new BenchError(
        `ensure-servers.mjs failed (exit ${String(code)}):\n${lines.slice(-20).join('\n')}`,
      );
    }
  }

  // ---- workers ----

  async #startWorkers(httpUrl: string): Promise<void> {
    const o = this.#o;
    const plan = planAgentSockets(o.agents, o.workers, DEMO_AGENT_ACCOUNTS);
    this.#io.out(
      `starting ${String(o.workers)} client processes; ${String(o.agents)} agent sockets log in as ` +
        `${String(Math.min(o.agents, DEMO_AGENT_ACCOUNTS.length))} seeded agent account(s)…`,
    );
    for (let id = 0; id < o.workers; id++) {
      const child = fork(path.join(__dirname, 'worker.js'), [], {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        execArgv: ['--enable-source-maps'],
      });
      const worker: Worker = { id, child, final: undefined, exited: false };
      this.#workers.push(worker);
      this.#sampler.add(`client-w${String(id)}`, child.pid);
      if (child.stdout !== null) {
        createInterface({ input: child.stdout }).on('line', (line) => {
          this.#io.err(`[client-w${String(id)}] ${line}`);
        });
      }
      child.on('message', (m: unknown) => {
        if (isWorkerMessage(m)) this.#onWorkerMessage(worker, m);
      });
      child.once('exit', (code, signal) => {
        worker.exited = true;
        if (!this.#stopping) {
          this.#fail(
            new BenchError(`client worker ${String(id)} exited (${signal ?? `code ${String(code)}`})`),
          );
        }
      });
      this.#send(worker, {
        type: 'init',
        workerId: id,
        httpUrl,
        widgetKey: DEMO_WIDGET_KEY,
        agentSockets: plan
          .filter((p) => p.worker === id)
          .map((p) => ({ socketId: p.socketId, account: p.account })),
      });
    }
    await this.#waitUntil(
      'agents to log in and connect',
      () => this.#agentsReady.size === o.workers,
      30_000 + o.agents * 500,
    );
  }

  async #openConversations(): Promise<void> {
    const o = this.#o;
    this.#io.out(`opening ${String(o.visitors)} conversations and waiting for routing to assign them…`);
    const base = Math.floor(o.visitors / o.workers);
    this.#workers.forEach((w, i) => {
      const count = base + (i < o.visitors % o.workers ? 1 : 0);
      this.#send(w, { type: 'open-visitors', count, concurrency: OPEN_CONCURRENCY });
    });
    const progress = setInterval(() => {
      this.#io.out(`  ${String(this.#conversationsReady)}/${String(o.visitors)} conversations ready`);
    }, 3000);
    try {
      await this.#waitUntil(
        `${String(o.visitors)} conversations to be assigned (routing must see the agents online)`,
        () => this.#conversationsReady >= o.visitors,
        30_000 + o.visitors * 100,
      );
    } finally {
      clearInterval(progress);
    }
    this.#io.out(`  ${String(this.#conversationsReady)}/${String(o.visitors)} conversations ready`);
  }

  /**
   * Waits until services and servers are idle again: setup leaves work behind (the admin projection of
   * every OPENED and ASSIGNED event into FerretDB takes seconds), which would otherwise land in the run.
   */
  async #settle(): Promise<void> {
    const started = Date.now();
    let quiet = 0;
    let lastSaid = started;
    for (;;) {
      await this.#guard(new Promise((resolve) => setTimeout(resolve, 1000)));
      const busy = this.#sampler
        .latestCpu()
        .filter((p) => p.name !== 'bench' && !p.name.startsWith('client-'))
        .sort((a, b) => b.cpuPct - a.cpuPct);
      const total = busy.reduce((a, p) => a + p.cpuPct, 0);
      quiet = total < SETTLE_CPU_PCT ? quiet + 1 : 0;
      const elapsedS = (Date.now() - started) / 1000;
      if (quiet >= SETTLE_QUIET_S || elapsedS >= SETTLE_MAX_S) {
        this.#settleS = Math.round(elapsedS);
        this.#settled = quiet >= SETTLE_QUIET_S;
        this.#io.out(
          this.#settled
            ? `  stack idle after ${String(this.#settleS)} s`
            : `  stack still busy after ${String(SETTLE_MAX_S)} s; starting anyway`,
        );
        return;
      }
      if (Date.now() - lastSaid >= 5000) {
        lastSaid = Date.now();
        const top = busy
          .slice(0, 3)
          .map((p) => `${p.name} ${p.cpuPct.toFixed(0)} %`)
          .join(', ');
        this.#io.out(`  waiting for the stack to settle after setup (${top})`);
      }
    }
  }

  #onWorkerMessage(worker: Worker, m: WorkerMessage): void {
    switch (m.type) {
      case 'agents-ready':
        for (const agentId of m.agentIds) this.#agentOwner.set(agentId, m.workerId);
        this.#agentsReady.add(m.workerId);
        break;
      case 'handoff': {
        const owner = this.#agentOwner.get(m.visitor.agentId);
        const target = owner === undefined ? undefined : this.#workers[owner];
        if (target === undefined) {
          this.#fail(
            new BenchError(`a conversation went to agent ${m.visitor.agentId}, which no worker holds`),
          );
          return;
        }
        this.#send(target, { type: 'adopt', visitor: m.visitor });
        break;
      }
      case 'conversation-ready':
        this.#conversationsReady += 1;
        break;
      case 'second': {
        const complete = this.#timeline.add(m.workerId, m.sample);
        if (complete !== undefined) this.#maybePrintRow(complete.second);
        break;
      }
      case 'final':
        worker.final = m.summary;
        break;
      case 'failed':
        this.#fail(new BenchError(`client worker ${String(worker.id)} failed: ${m.message}`));
        return;
    }
    this.#wake();
  }

  #maybePrintRow(second: number): void {
    const o = this.#o;
    const edge = second + 1 === o.warmupS || second + 1 === o.warmupS + o.durationS;
    if ((second + 1) % PROGRESS_EVERY_S !== 0 && !edge) return;
    const from = Math.max(this.#lastRowSecond + 1, 0);
    this.#lastRowSecond = second;
    const w = this.#timeline.window(from, second + 1);
    const last = this.#timeline.seconds().find((t) => t.second === second);
    const phase = second < o.warmupS ? 'warm-up' : second < o.warmupS + o.durationS ? 'measure' : 'drain';
    this.#io.out(
      progressRow({
        elapsedS: second + 1,
        phase,
        sentPerS: w.sent / Math.max(1, w.seconds),
        deliveredPerS: w.delivered / Math.max(1, w.seconds),
        p50Ms: w.latency.percentile(50),
        p99Ms: w.latency.percentile(99),
        maxMs: w.latency.maxMs,
        inFlight: last?.inFlight ?? 0,
        late: last?.late ?? 0,
        errors: w.failed,
      }),
    );
  }

  #send(worker: Worker, message: OrchestratorMessage): void {
    if (worker.exited || !worker.child.connected) return;
    worker.child.send(message);
  }

  // ---- waiting and failing ----

  /** Resolves once check() holds (re-checked on every worker message); rejects on failure or timeout. */
  #waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new BenchError(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  #wake(): void {
    for (const w of this.#waiters) {
      if (!w.check()) continue;
      this.#waiters.delete(w);
      w.resolve();
    }
  }

  #fail(err: Error): void {
    const failure = (this.#failure ??= err);
    for (const w of this.#waiters) w.reject(failure);
    this.#waiters.clear();
  }

  /** Awaits a setup step, but gives up as soon as the run fails or is interrupted. */
  #guard<T>(step: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#failure !== undefined) {
        reject(this.#failure);
        return;
      }
      const waiter: Waiter = { check: () => false, resolve: () => undefined, reject };
      this.#waiters.add(waiter);
      step.then(
        (v) => {
          this.#waiters.delete(waiter);
          resolve(v);
        },
        (err: unknown) => {
          this.#waiters.delete(waiter);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  #at(epochMs: number, run: () => void): void {
    this.#timers.push(setTimeout(run, Math.max(0, epochMs - Date.now())));
  }

  // ---- reporting ----

  /** nats-server warnings (e.g. "Slow Consumer Detected") say where messages piled up. */
  #onServerLine(server: string, line: string): void {
    if (!/\[(WRN|ERR|FTL)\]|<Warning>|<Error>/.test(line)) return;
    const key = `${server}: ${line
      .replace(/^.*?\[(WRN|ERR|FTL)\]\s*/, '')
      .replace(/\d+/g, 'N')
      .slice(0, 80)}`;
    this.#serverComplaints.set(key, (this.#serverComplaints.get(key) ?? 0) + 1);
  }

  #onServiceLine(service: string, line: string): void {
    if (!/"level":"(warn|error|fatal)"/.test(line)) return;
    this.#serviceComplaints.set(service, (this.#serviceComplaints.get(service) ?? 0) + 1);
    if (this.#complaintsShown < SERVICE_LOG_LINES_SHOWN) {
      this.#complaintsShown += 1;
      this.#io.err(`[${service}] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
    }
  }

  #notes(r: BenchResult): string[] {
    const notes: string[] = [];
    const accounts = Math.min(r.agents, DEMO_AGENT_ACCOUNTS.length);
    notes.push(
      `The ${String(r.agents)} agent socket(s) log in as ` +
        `the ${String(accounts)} seeded agent account(s) (capacity raised with SEED_AGENT_MAX_CONCURRENT)` +
        (r.agents > accounts
          ? `; every socket of an agent receives all of its conversations, so agent-side deliveries are multiplied by ${(r.agents / accounts).toFixed(1)}.`
          : '.'),
    );
    notes.push(
      this.#settled
        ? `Before measuring, the run waited ${String(this.#settleS)} s for the stack to go idle after setup ` +
            '(admin projects each OPENED/ASSIGNED event into FerretDB, which keeps a core busy for seconds).'
        : `The stack was still busy ${String(SETTLE_MAX_S)} s after setup; the run started anyway.`,
    );
    if (this.#servers.length > 0) {
      notes.push(
        `Servers started for this run on loopback: ${this.#servers.map((s) => s.name).join(', ')}; ` +
          'clients, services and servers share the same cores.',
      );
    }
    if (r.sched_lag_p99_ms > 5) {
      notes.push(
        `The client workers sent up to ${String(r.sched_lag_p99_ms)} ms (p99) behind their schedule: ` +
          'they were short of CPU, which adds to the measured latency.',
      );
    }
    if (r.msgs_per_s < r.target_rate * 0.98) {
      notes.push(
        `Delivered ${String(r.msgs_per_s)} msgs/s, below the ${String(r.target_rate)} msgs/s target: the system did not keep up.`,
      );
    }
    const complaints = [...this.#serviceComplaints].map(([s, n]) => `${s} ${String(n)}`).join(', ');
    if (complaints !== '') notes.push(`Service warnings/errors logged: ${complaints}.`);
    const serverLines = [...this.#serverComplaints]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([line, n]) => `${line} (×${String(n)})`);
    if (serverLines.length > 0) notes.push(`Server warnings: ${serverLines.join('; ')}.`);
    if (r.machine.load_avg_at_start > 0.5) {
      notes.push(
        `The machine was already busy at the start (load average ${String(r.machine.load_avg_at_start)}); figures are noisy.`,
      );
    }
    return notes;
  }

  #reportPath(startedAt: Date): string {
    if (this.#o.reportPath !== undefined) return path.resolve(this.#o.reportPath);
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    return path.join(repoRoot(), 'loadtest', 'reports', `e2e-${stamp}.html`);
  }
}

/** The kernel's name for a process (e.g. ferretdb or mongod), or the fallback. */
function processName(pid: number | undefined, fallback: string): string {
  if (pid === undefined) return fallback;
  try {
    return fs.readFileSync(`/proc/${String(pid)}/comm`, 'utf8').trim() || fallback;
  } catch {
    return fallback;
  }
}
