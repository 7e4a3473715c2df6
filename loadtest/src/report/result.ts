import os from 'node:os';
import type { E2eOptions } from '../args';
import type { WorkerSummary } from '../e2e/protocol';
import type { WindowTotals } from '../e2e/timeline';
import { LatencyHistogram } from '../stats/histogram';
import type { ProcessStats } from '../system/proc';

export interface MachineInfo {
  readonly cpus: number;
  readonly model: string;
  readonly total_mem_gb: number;
  readonly node: string;
  readonly kernel: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  readonly load_avg_at_start: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    total_mem_gb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    load_avg_at_start: round(os.loadavg()[0] ?? 0, 2),
  };
}

/** The JSON object printed as the last stdout line. Snake case: it is read by scripts and dashboards. */
export interface BenchResult {
  readonly scenario: 'e2e';
  readonly visitors: number;
  readonly agents: number;
  readonly agent_accounts: number;
  readonly workers: number;
  readonly conversations: number;
  readonly duration_s: number;
  readonly warmup_s: number;
  readonly target_rate: number;
  /** Messages received by their recipient per second, over the measured window. */
  readonly msgs_per_s: number;
  readonly sent_per_s: number;
  /** From here to `reordered`: the whole run (warm-up, measured window and drain). */
  readonly sent: number;
  readonly acked: number;
  readonly delivered: number;
  readonly lost: number;
  readonly dup: number;
  readonly send_errors: number;
  readonly unacked: number;
  readonly unexpected: number;
  readonly gaps: number;
  readonly reordered: number;
  readonly socket_closes: number;
  readonly reconnects: number;
  readonly duplicate_acks: number;
  /** Deliveries of a sender's own message back to its socket (each message also goes to its sender). */
  readonly echoes: number;
  /** Deliveries to an agent's extra sockets (more agent sockets than accounts). */
  readonly extra_socket_deliveries: number;
  /** Seconds waited after setup for services and servers to go idle before the first send. */
  readonly settle_s: number;
  /** Latency from send to recipient, over the measured window. */
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly p999_ms: number;
  readonly max_ms: number;
  readonly mean_ms: number;
  /** How late the client workers sent against their schedule: high values mean the clients saturated. */
  readonly sched_lag_p99_ms: number;
  readonly sched_lag_max_ms: number;
  readonly rss_mb: Readonly<Record<string, { readonly peak: number; readonly final: number }>>;
  /** Average over the measured window, in % of one core. */
  readonly cpu_pct: Readonly<Record<string, number>>;
  readonly system_cpu_busy_pct: number;
  /** CPU used meanwhile by processes that are not part of the benchmark, in % of one core. */
  readonly other_cpu_pct: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly report: string;
  readonly started_at: string;
  readonly machine: MachineInfo;
}

/** Keys every result line carries (the examples and what CI dashboards read). */
export const REQUIRED_KEYS = [
  'scenario',
  'visitors',
  'agents',
  'workers',
  'duration_s',
  'target_rate',
  'msgs_per_s',
  'sent',
  'acked',
  'delivered',
  'lost',
  'dup',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'rss_mb',
  'machine',
] as const satisfies readonly (keyof BenchResult)[];

export interface ResultInputs {
  readonly options: E2eOptions;
  readonly agentAccounts: number;
  readonly measured: WindowTotals;
  readonly workers: readonly WorkerSummary[];
  readonly processes: readonly ProcessStats[];
  readonly systemBusyPct: number;
  readonly machine: MachineInfo;
  readonly reportPath: string;
  readonly startedAt: Date;
  readonly settleS: number;
}

export function buildResult(i: ResultInputs): BenchResult {
  const sum = (f: (w: WorkerSummary) => number): number => i.workers.reduce((a, w) => a + f(w), 0);
  const lag = new LatencyHistogram();
  const errors: Record<string, number> = {};
  for (const w of i.workers) {
    lag.mergeData(w.lag);
    for (const [code, n] of Object.entries(w.errors)) errors[code] = (errors[code] ?? 0) + n;
  }
  const m = i.measured;
  const seconds = Math.max(1e-9, m.seconds);
  const o = i.options;
  return {
    scenario: 'e2e',
    visitors: o.visitors,
    agents: o.agents,
    agent_accounts: Math.min(o.agents, i.agentAccounts),
    workers: o.workers,
    conversations: sum((w) => w.conversations),
    duration_s: o.durationS,
    warmup_s: o.warmupS,
    target_rate: o.ratePerS,
    msgs_per_s: round(m.delivered / seconds, 1),
    sent_per_s: round(m.sent / seconds, 1),
    sent: sum((w) => w.ledger.sent),
    acked: sum((w) => w.ledger.acked),
    delivered: sum((w) => w.ledger.delivered),
    lost: sum((w) => w.ledger.lost),
    dup: sum((w) => w.ledger.duplicates),
    send_errors: sum((w) => w.ledger.failed),
    unacked: sum((w) => w.ledger.unacked),
    unexpected: sum((w) => w.ledger.unexpected),
    gaps: sum((w) => w.seq.gaps),
    reordered: sum((w) => w.seq.behind),
    socket_closes: sum((w) => w.socketCloses),
    reconnects: sum((w) => w.reconnects),
    duplicate_acks: sum((w) => w.duplicateAcks),
    echoes: sum((w) => w.echoes),
    extra_socket_deliveries: sum((w) => w.extraSocketDeliveries),
    settle_s: i.settleS,
    p50_ms: round(m.latency.percentile(50), 2),
    p95_ms: round(m.latency.percentile(95), 2),
    p99_ms: round(m.latency.percentile(99), 2),
    p999_ms: round(m.latency.percentile(99.9), 2),
    max_ms: round(m.latency.maxMs, 2),
    mean_ms: round(m.latency.meanMs, 2),
    sched_lag_p99_ms: round(lag.percentile(99), 2),
    sched_lag_max_ms: round(lag.maxMs, 2),
    rss_mb: Object.fromEntries(
      i.processes.map((p) => [p.name, { peak: round(p.peakRssMb, 1), final: round(p.finalRssMb, 1) }]),
    ),
    cpu_pct: Object.fromEntries(i.processes.map((p) => [p.name, round(p.cpuPct, 1)])),
    system_cpu_busy_pct: round(i.systemBusyPct, 1),
    other_cpu_pct: round(
      Math.max(0, i.systemBusyPct * i.machine.cpus - i.processes.reduce((a, p) => a + p.cpuPct, 0)),
      1,
    ),
    errors,
    report: i.reportPath,
    started_at: i.startedAt.toISOString(),
    machine: i.machine,
  };
}

/** The result as one line of JSON (no newline inside), for the very end of stdout. */
export function jsonLine(result: BenchResult): string {
  return JSON.stringify(result);
}

/** Exit code 0 only when nothing was lost or duplicated. */
export function exitCodeOf(result: Pick<BenchResult, 'lost' | 'dup'>): 0 | 1 {
  return result.lost === 0 && result.dup === 0 ? 0 : 1;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
