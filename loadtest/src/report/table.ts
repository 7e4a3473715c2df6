import type { ProcessStats } from '../system/proc';
import type { BenchResult } from './result';

export interface ProgressRow {
  readonly elapsedS: number;
  readonly phase: 'warm-up' | 'measure' | 'drain';
  readonly sentPerS: number;
  readonly deliveredPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly inFlight: number;
  /** Acked and still not received several seconds after sending: lost unless they turn up. */
  readonly late: number;
  readonly errors: number;
}

const COLUMNS: readonly [string, number][] = [
  ['elapsed', 8],
  ['phase', 8],
  ['sent/s', 9],
  ['deliv/s', 9],
  ['p50 ms', 8],
  ['p99 ms', 8],
  ['max ms', 8],
  ['in-flight', 10],
  ['late>5s', 8],
  ['errors', 7],
];

export function progressHeader(): string {
  return COLUMNS.map(([name, width], i) => (i === 1 ? name.padEnd(width) : name.padStart(width))).join(' ');
}

export function progressRow(r: ProgressRow): string {
  const cells = [
    `${r.elapsedS.toFixed(0)}s`,
    r.phase,
    r.sentPerS.toFixed(0),
    r.deliveredPerS.toFixed(0),
    r.p50Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    r.maxMs.toFixed(1),
    String(r.inFlight),
    String(r.late),
    String(r.errors),
  ];
  return cells
    .map((c, i) => {
      const width = COLUMNS[i]?.[1] ?? 8;
      return i === 1 ? c.padEnd(width) : c.padStart(width);
    })
    .join(' ');
}

/** A plain text table: first column left-aligned, the rest right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export function summaryLines(r: BenchResult, processes: readonly ProcessStats[]): string[] {
  const unanswered = r.unacked + r.send_errors;
  const verdict =
    r.lost !== 0 || r.dup !== 0
      ? 'FAIL: messages lost or duplicated'
      : unanswered > 0
        ? `nothing lost or duplicated, but ${String(unanswered)} send(s) were never acknowledged`
        : 'OK: nothing lost or duplicated';
  const errors = Object.entries(r.errors)
    .map(([code, n]) => `${code} ${String(n)}`)
    .join(', ');
  return [
    `Result: ${verdict}`,
    '',
    ...textTable(
      ['measured window', 'value'],
      [
        ['duration', `${String(r.duration_s)} s after ${String(r.warmup_s)} s warm-up`],
        ['target rate', `${String(r.target_rate)} msgs/s`],
        ['sent', `${r.sent_per_s.toFixed(1)} msgs/s`],
        ['delivered end to end', `${r.msgs_per_s.toFixed(1)} msgs/s`],
        ['latency p50 / p95 / p99', `${fmt(r.p50_ms)} / ${fmt(r.p95_ms)} / ${fmt(r.p99_ms)} ms`],
        ['latency p99.9 / max / mean', `${fmt(r.p999_ms)} / ${fmt(r.max_ms)} / ${fmt(r.mean_ms)} ms`],
        ['client schedule lag p99 / max', `${fmt(r.sched_lag_p99_ms)} / ${fmt(r.sched_lag_max_ms)} ms`],
        ['machine CPU busy', `${r.system_cpu_busy_pct.toFixed(0)} % of ${String(r.machine.cpus)} cores`],
        ['CPU of other processes', `${r.other_cpu_pct.toFixed(0)} % of one core`],
      ],
    ),
    '',
    ...textTable(
      ['whole run', 'count'],
      [
        ['sent', String(r.sent)],
        ['acked', String(r.acked)],
        ['delivered', String(r.delivered)],
        ['lost (acked, never received)', String(r.lost)],
        ['duplicated', String(r.dup)],
        ['send errors', `${String(r.send_errors)}${errors === '' ? '' : ` (${errors})`}`],
        ['unanswered sends', String(r.unacked)],
        ['seq gaps / reordered', `${String(r.gaps)} / ${String(r.reordered)}`],
        ['sockets closed / reconnects', `${String(r.socket_closes)} / ${String(r.reconnects)}`],
        ['acks of resent messages (duplicate=true)', String(r.duplicate_acks)],
        [
          'echoes to the sender / to extra agent sockets',
          `${String(r.echoes)} / ${String(r.extra_socket_deliveries)}`,
        ],
      ],
    ),
    '',
    ...textTable(
      ['process', 'pid', 'RSS peak MB', 'RSS final MB', 'CPU % (1 core = 100)', 'CPU ms per msg'],
      processes.map((p) => [
        p.name,
        String(p.pid),
        p.peakRssMb.toFixed(1),
        p.finalRssMb.toFixed(1),
        p.cpuPct.toFixed(0),
        r.msgs_per_s > 0 ? ((p.cpuPct * 10) / r.msgs_per_s).toFixed(3) : '-',
      ]),
    ),
  ];
}

function fmt(ms: number): string {
  return ms.toFixed(ms < 10 ? 2 : 1);
}
