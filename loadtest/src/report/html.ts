import type { ProcessStats } from '../system/proc';
import type { BenchResult } from './result';
import { summaryLines } from './table';

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel: string;
  readonly series: readonly Series[];
  /** A shaded x range, e.g. the measured window. */
  readonly band?: { readonly from: number; readonly to: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
  /** Plot y on a log10 scale (latency tails). */
  readonly logY?: boolean;
}

/** One point per second of the run, for the charts. */
export interface SecondPoint {
  readonly second: number;
  readonly sent: number;
  readonly delivered: number;
  /** NaN for a second in which nothing was delivered. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface ReportInput {
  readonly result: BenchResult;
  readonly seconds: readonly SecondPoint[];
  readonly processes: readonly ProcessStats[];
  readonly notes: readonly string[];
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
  '#843c39',
  '#7b4173',
];

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Round tick values from min up to the first tick at or above max, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9) * step;
  for (let i = 0; ; i++) {
    const v = Number((first + i * step).toPrecision(12));
    ticks.push(v);
    if (v >= max - step * 1e-9) return ticks;
  }
}

function label(v: number): string {
  if (Math.abs(v) >= 1000) return `${String(Math.round(v / 100) / 10)}k`;
  return String(Number(v.toPrecision(3)));
}

/** A self-contained SVG line chart. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 900;
  const height = o.height ?? 280;
  const m = { left: 60, right: 16, top: 30, bottom: 40 };
  const all = o.series.flatMap((s) => s.points);
  const xs = all.map(([x]) => x);
  const xMin = Math.min(...xs, o.band?.from ?? Number.POSITIVE_INFINITY);
  const xMax = Math.max(...xs, o.band?.to ?? Number.NEGATIVE_INFINITY);
  const yMaxRaw = Math.max(0, ...all.map(([, y]) => y).filter(Number.isFinite));
  const title = `<text x="${String(m.left)}" y="18" ${TITLE}>${escapeHtml(o.title)}</text>`;
  if (all.length === 0 || !Number.isFinite(xMin) || !Number.isFinite(xMax)) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="60" role="img">${title}<text x="${String(m.left)}" y="45">no data</text></svg>`;
  }
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const xSpan = xMax > xMin ? xMax - xMin : 1;
  const x = (v: number): number => m.left + ((v - xMin) / xSpan) * plotW;

  let yTicks: number[];
  let y: (v: number) => number;
  if (o.logY === true) {
    const positive = all.map(([, v]) => v).filter((v) => Number.isFinite(v) && v > 0);
    const lo = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, lo * 10)));
    yTicks = [];
    for (let t = lo; t <= hi * 1.0001; t *= 10) yTicks.push(Number(t.toPrecision(6)));
    const span = Math.log10(hi) - Math.log10(lo);
    y = (v: number) => m.top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * plotH;
  } else {
    yTicks = niceTicks(0, yMaxRaw > 0 ? yMaxRaw : 1);
    const yMax = Math.max(yTicks[yTicks.length - 1] ?? 1, 1e-9);
    y = (v: number) => m.top + plotH - (v / yMax) * plotH;
  }

  const parts: string[] = [title];
  if (o.band !== undefined) {
    const bx = x(o.band.from);
    parts.push(
      `<rect x="${f(bx)}" y="${String(m.top)}" width="${f(Math.max(0, x(o.band.to) - bx))}" height="${String(plotH)}" fill="#eef4ff"/>`,
      `<text x="${f(bx + 4)}" y="${String(m.top + 12)}" ${SMALL}>${escapeHtml(o.band.label)}</text>`,
    );
  }
  for (const t of yTicks) {
    parts.push(
      `<line x1="${String(m.left)}" x2="${String(width - m.right)}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#e5e5e5"/>`,
      `<text x="${String(m.left - 6)}" y="${f(y(t) + 4)}" text-anchor="end" ${SMALL}>${label(t)}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax, 10).filter((v) => v <= xMax)) {
    parts.push(
      `<text x="${f(x(t))}" y="${String(height - m.bottom + 16)}" text-anchor="middle" ${SMALL}>${label(t)}</text>`,
    );
  }
  parts.push(
    `<line x1="${String(m.left)}" x2="${String(width - m.right)}" y1="${String(m.top + plotH)}" y2="${String(m.top + plotH)}" stroke="#888"/>`,
    `<text x="${String(m.left + plotW / 2)}" y="${String(height - 6)}" text-anchor="middle" ${SMALL}>${escapeHtml(o.xLabel)}</text>`,
    `<text transform="translate(14 ${String(m.top + plotH / 2)}) rotate(-90)" text-anchor="middle" ${SMALL}>${escapeHtml(o.yLabel)}</text>`,
  );
  const legendX = width - m.right - 176;
  parts.push(
    `<rect x="${String(legendX)}" y="${String(m.top)}" width="174" height="${String(o.series.length * 14 + 6)}" fill="#fff" fill-opacity="0.8"/>`,
  );
  o.series.forEach((s, i) => {
    if (s.points.length > 0) {
      // A NaN y (a second without data) breaks the line instead of drawing it down to zero.
      let pen = 'M';
      const d = s.points
        .map(([px, py]) => {
          if (!Number.isFinite(py)) {
            pen = 'M';
            return '';
          }
          const step = `${pen}${f(x(px))} ${f(y(py))}`;
          pen = 'L';
          return step;
        })
        .filter((step) => step !== '')
        .join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`);
    }
    const lx = legendX + 6;
    const ly = m.top + 4 + i * 14;
    parts.push(
      `<rect x="${String(lx)}" y="${String(ly)}" width="10" height="3" fill="${s.color}"/>`,
      `<text x="${String(lx + 14)}" y="${String(ly + 5)}" ${SMALL}>${escapeHtml(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${String(width)}" height="${String(height)}" viewBox="0 0 ${String(width)} ${String(height)}" role="img">${parts.join('')}</svg>`;
}

const TITLE = 'font-family="sans-serif" font-size="13" font-weight="600" fill="#222"';
const SMALL = 'font-family="sans-serif" font-size="11" fill="#444"';

function f(v: number): string {
  return v.toFixed(1);
}

/** The whole report: a self-contained HTML page with inline SVG and no scripts. */
export function renderHtml(input: ReportInput): string {
  const r = input.result;
  const band = { from: r.warmup_s, to: r.warmup_s + r.duration_s, label: 'measured window' };
  const at = (p: SecondPoint): number => p.second + 1;
  const latency = lineChart({
    title: 'Latency from send to recipient, per second (log scale)',
    yLabel: 'ms',
    xLabel: 'seconds since the first send',
    logY: true,
    band,
    series: [
      { name: 'p50', color: PALETTE[0] ?? '#000', points: input.seconds.map((p) => [at(p), p.p50Ms]) },
      { name: 'p99', color: PALETTE[1] ?? '#000', points: input.seconds.map((p) => [at(p), p.p99Ms]) },
      { name: 'max', color: PALETTE[7] ?? '#000', points: input.seconds.map((p) => [at(p), p.maxMs]) },
    ],
  });
  const throughput = lineChart({
    title: 'Throughput, per second',
    yLabel: 'msgs/s',
    xLabel: 'seconds since the first send',
    band,
    series: [
      { name: 'sent', color: PALETTE[7] ?? '#000', points: input.seconds.map((p) => [at(p), p.sent]) },
      {
        name: 'delivered end to end',
        color: PALETTE[2] ?? '#000',
        points: input.seconds.map((p) => [at(p), p.delivered]),
      },
    ],
  });
  const perProcess = (title: string, unit: string, pick: (p: ProcessStats) => Series['points']): string =>
    lineChart({
      title,
      yLabel: unit,
      xLabel: 'seconds since the servers started',
      height: 340,
      series: input.processes.map((p, i) => ({
        name: p.name,
        color: PALETTE[i % PALETTE.length] ?? '#000',
        points: pick(p),
      })),
    });
  const cpu = perProcess('CPU per process (100 % = one core)', '%', (p) =>
    p.points.slice(1).map((q) => [q.t, q.cpuPct]),
  );
  const rss = perProcess('RSS per process', 'MB', (p) => p.points.map((q) => [q.t, q.rssMb]));
  const ok = r.lost === 0 && r.dup === 0;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Switchboard e2e benchmark ${escapeHtml(r.started_at)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 960px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
pre { background: #f6f8fa; padding: 12px; overflow-x: auto; font-size: 12px; }
.verdict { padding: 8px 12px; border-radius: 4px; display: inline-block; }
.ok { background: #e6f4ea; } .fail { background: #fce8e6; }
svg { display: block; margin: 12px 0; }
</style>
</head>
<body>
<h1>Switchboard end-to-end benchmark</h1>
<p class="verdict ${ok ? 'ok' : 'fail'}">${String(r.msgs_per_s)} msgs/s delivered end to end · p50 ${String(r.p50_ms)} ms · p99 ${String(r.p99_ms)} ms · lost ${String(r.lost)} · dup ${String(r.dup)}</p>
<p>${escapeHtml(`${String(r.visitors)} visitors, ${String(r.agents)} agent sockets over ${String(r.agent_accounts)} agent account(s), ${String(r.workers)} client processes, target ${String(r.target_rate)} msgs/s, ${String(r.duration_s)} s measured after ${String(r.warmup_s)} s warm-up. Started ${r.started_at}.`)}</p>
<p>${escapeHtml(`Machine: ${String(r.machine.cpus)} × ${r.machine.model}, ${String(r.machine.total_mem_gb)} GB, Node ${r.machine.node}, ${r.machine.kernel}; load average at start ${String(r.machine.load_avg_at_start)}.`)}</p>
${input.notes.length === 0 ? '' : `<ul>${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`}
<h2>Latency</h2>
${latency}
<h2>Throughput</h2>
${throughput}
<h2>Summary</h2>
<pre>${escapeHtml(summaryLines(r, input.processes).join('\n'))}</pre>
<h2>Processes</h2>
${cpu}
${rss}
<h2>Result line</h2>
<pre>${escapeHtml(JSON.stringify(r, null, 2))}</pre>
</body>
</html>
`;
}
