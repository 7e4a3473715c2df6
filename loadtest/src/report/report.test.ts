import { E2E_DEFAULTS } from '../args';
import type { WorkerSummary } from '../e2e/protocol';
import { LatencyHistogram } from '../stats/histogram';
import type { ProcessStats } from '../system/proc';
import { escapeHtml, lineChart, niceTicks, renderHtml } from './html';
import { buildResult, exitCodeOf, jsonLine, REQUIRED_KEYS, type BenchResult } from './result';
import { progressHeader, progressRow, summaryLines } from './table';

function worker(id: number, over: Partial<WorkerSummary['ledger']> = {}): WorkerSummary {
  const lag = new LatencyHistogram();
  lag.record(0.2);
  return {
    workerId: id,
    conversations: 100,
    ledger: {
      sent: 1000,
      acked: 1000,
      failed: 0,
      delivered: 1000,
      lost: 0,
      unacked: 0,
      failedUndelivered: 0,
      duplicates: 0,
      unexpected: 0,
      ...over,
    },
    seq: { gaps: 0, missingSeqs: 0, behind: 0 },
    echoes: 1000,
    extraSocketDeliveries: 0,
    socketCloses: 0,
    reconnects: 0,
    duplicateAcks: 0,
    errors: id === 1 ? { ERROR_CODE_UNAVAILABLE: 2 } : {},
    lag: lag.toData(),
  };
}

const processes: ProcessStats[] = [
  {
    name: 'gateway',
    pid: 11,
    peakRssMb: 120.44,
    finalRssMb: 110.01,
    cpuPct: 55.55,
    points: [
      { t: 0, rssMb: 100, cpuPct: 0 },
      { t: 1, rssMb: 120, cpuPct: 50 },
    ],
  },
  { name: 'nats-server', pid: 12, peakRssMb: 30, finalRssMb: 30, cpuPct: 20, points: [] },
];

function result(over: Partial<WorkerSummary['ledger']> = {}): BenchResult {
  const latency = new LatencyHistogram();
  for (let v = 1; v <= 100; v++) latency.record(v);
  return buildResult({
    options: { ...E2E_DEFAULTS, durationS: 10 },
    agentAccounts: 2,
    measured: {
      seconds: 10,
      sent: 20_000,
      acked: 20_000,
      failed: 0,
      delivered: 19_990,
      duplicates: 0,
      gaps: 0,
      maxLagMs: 1,
      latency,
    },
    workers: [worker(0), worker(1, over)],
    processes,
    systemBusyPct: 97.123,
    machine: {
      cpus: 2,
      model: 'AMD EPYC',
      total_mem_gb: 23,
      node: 'v20',
      kernel: 'Linux 6',
      load_avg_at_start: 0.5,
    },
    reportPath: '/tmp/r.html',
    startedAt: new Date('2025-01-02T03:04:05Z'),
    settleS: 4,
  });
}

describe('buildResult - jsonLine', () => {
  it('jsonLine - is one line of valid JSON with every required key, and the last line of the output', () => {
    const output = [...summaryLines(result(), processes), '', jsonLine(result())].join('\n');
    const last = output.split('\n').at(-1) ?? '';
    const parsed = JSON.parse(last) as Record<string, unknown>;
    for (const key of REQUIRED_KEYS) expect(parsed).toHaveProperty(key);
    expect(parsed['scenario']).toBe('e2e');
    expect(jsonLine(result())).not.toContain('\n');
  });

  it('buildResult - rates come from the measured window, counts from the workers', () => {
    const r = result();
    expect(r.msgs_per_s).toBe(1999);
    expect(r.sent_per_s).toBe(2000);
    expect(r.sent).toBe(2000);
    expect(r.delivered).toBe(2000);
    expect(r.p50_ms).toBeCloseTo(50, 0);
    expect(r.max_ms).toBe(100);
    expect(r.rss_mb).toEqual({
      gateway: { peak: 120.4, final: 110 },
      'nats-server': { peak: 30, final: 30 },
    });
    expect(r.cpu_pct['gateway']).toBe(55.6);
    expect(r.errors).toEqual({ ERROR_CODE_UNAVAILABLE: 2 });
    expect(r.system_cpu_busy_pct).toBe(97.1);
    // 97.123 % of 2 cores is 194.2 % of one core, of which gateway and nats-server used 75.6.
    expect(r.other_cpu_pct).toBeCloseTo(118.7, 1);
  });

  it('exitCodeOf - is 0 only when nothing was lost or duplicated', () => {
    expect(exitCodeOf(result())).toBe(0);
    expect(exitCodeOf(result({ lost: 1 }))).toBe(1);
    expect(exitCodeOf(result({ duplicates: 3 }))).toBe(1);
    expect(result({ lost: 1, duplicates: 3 })).toMatchObject({ lost: 1, dup: 3 });
  });
});

describe('tables', () => {
  it('progressRow - lines up under the header', () => {
    const row = progressRow({
      elapsedS: 15,
      phase: 'measure',
      sentPerS: 2000,
      deliveredPerS: 1998.6,
      p50Ms: 3.21,
      p99Ms: 20.5,
      maxMs: 40,
      inFlight: 12,
      late: 0,
      errors: 0,
    });
    expect(row).toHaveLength(progressHeader().length);
    expect(row).toContain('measure');
    expect(row).toContain('1999');
  });

  it('summaryLines - names the verdict and every process', () => {
    const text = summaryLines(result({ lost: 2 }), processes).join('\n');
    expect(text).toContain('FAIL');
    expect(text).toContain('nats-server');
    expect(summaryLines(result(), processes)[0]).toContain('OK');
    expect(summaryLines(result({ unacked: 4 }), processes)[0]).toContain('4 send(s) were never acknowledged');
  });
});

describe('html report', () => {
  it('renderHtml - is self-contained: inline SVG charts, no script, escaped text', () => {
    const html = renderHtml({
      result: result(),
      seconds: [0, 1, 2, 3].map((s) => ({
        second: s,
        sent: 2000,
        delivered: 1990,
        p50Ms: 3,
        p99Ms: 9,
        maxMs: 20,
      })),
      processes,
      notes: ['<b>agents</b> spread over 2 accounts'],
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|src="http|href="http/i);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect(html).toContain('&lt;b&gt;agents&lt;/b&gt;');
    expect(html).toContain('Latency from send to recipient');
    expect(html).toContain('Throughput');
  });

  it('lineChart - draws one path per series and says when there is no data', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'a',
          color: '#000',
          points: [
            [0, 1],
            [1, 2],
          ],
        },
        {
          name: 'b',
          color: '#111',
          points: [
            [0, 3],
            [1, 4],
          ],
        },
      ],
    });
    expect((svg.match(/<path /g) ?? []).length).toBe(2);
    expect(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] })).toContain('no data');
  });

  it('lineChart - a NaN point breaks the line into two pieces instead of dropping to zero', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'a',
          color: '#000',
          points: [
            [0, 1],
            [1, 2],
            [2, Number.NaN],
            [3, 2],
            [4, 1],
          ],
        },
      ],
    });
    const d = /<path d="([^"]*)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });

  it('niceTicks - picks round steps that cover the range', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 2300, 5)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(niceTicks(0, 95, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('escapeHtml - escapes markup characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
