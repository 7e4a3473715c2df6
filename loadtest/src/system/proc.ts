import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** VmRSS of a /proc/<pid>/status text, in kB. */
export function parseStatusRssKb(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m === null ? undefined : Number(m[1]);
}

/** utime + stime of a /proc/<pid>/stat text, in clock ticks. The command name may hold spaces and ')'. */
export function parseStatCpuTicks(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) && fields.length > 12 ? utime + stime : undefined;
}

/** Busy and total ticks of all CPUs from the first line of /proc/stat (idle and iowait count as not busy). */
export function parseSystemCpu(stat: string): { busy: number; total: number } | undefined {
  const line = stat.split('\n', 1)[0] ?? '';
  if (!line.startsWith('cpu ')) return undefined;
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (v.length < 5 || v.some((x) => !Number.isFinite(x))) return undefined;
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

export interface ProcessPoint {
  /** Seconds since the sampler started. */
  readonly t: number;
  readonly rssMb: number;
  /** CPU use since the previous point, in % of one core. */
  readonly cpuPct: number;
}

export interface ProcessStats {
  readonly name: string;
  readonly pid: number;
  readonly peakRssMb: number;
  readonly finalRssMb: number;
  /** Average CPU over the measured window, in % of one core (multi-threaded servers can exceed 100). */
  readonly cpuPct: number;
  readonly points: readonly ProcessPoint[];
}

interface Tracked {
  readonly name: string;
  readonly pid: number;
  readonly points: ProcessPoint[];
  lastTicks: number | undefined;
  lastAt: number;
  peakKb: number;
  finalKb: number;
  windowTicks: [number | undefined, number | undefined];
}

/**
 * Samples RSS (/proc/<pid>/status VmRSS) and CPU time (/proc/<pid>/stat) of the processes under test
 * once per interval, plus whole-machine CPU at the edges of the measured window. Linux only; elsewhere
 * every figure stays 0.
 */
export class ProcessSampler {
  readonly #tracked: Tracked[] = [];
  readonly #startedAt = performance.now();
  readonly #ticksPerS = clockTicksPerSecond();
  #timer: NodeJS.Timeout | undefined;
  #window: { startAt: number; endAt: number; system: [SystemCpu | undefined, SystemCpu | undefined] } = {
    startAt: 0,
    endAt: 0,
    system: [undefined, undefined],
  };

  add(name: string, pid: number | undefined): void {
    if (pid === undefined || pid <= 0) return;
    this.#tracked.push({
      name,
      pid,
      points: [],
      lastTicks: undefined,
      lastAt: 0,
      peakKb: 0,
      finalKb: 0,
      windowTicks: [undefined, undefined],
    });
  }

  start(intervalMs = 1000): void {
    this.sample();
    this.#timer = setInterval(() => {
      this.sample();
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Takes one sample of every process; returns its time (performance.now()). */
  sample(): number {
    const now = performance.now();
    for (const p of this.#tracked) {
      const rssKb = parseStatusRssKb(readProc(`/proc/${String(p.pid)}/status`));
      const ticks = parseStatCpuTicks(readProc(`/proc/${String(p.pid)}/stat`));
      if (rssKb === undefined || ticks === undefined) continue;
      const cpuPct =
        p.lastTicks === undefined || now <= p.lastAt
          ? 0
          : (((ticks - p.lastTicks) / this.#ticksPerS) * 100_000) / (now - p.lastAt);
      p.lastTicks = ticks;
      p.lastAt = now;
      p.peakKb = Math.max(p.peakKb, rssKb);
      p.finalKb = rssKb;
      p.points.push({ t: (now - this.#startedAt) / 1000, rssMb: rssKb / 1024, cpuPct });
    }
    return now;
  }

  /** Marks the start or the end of the measured window (CPU is averaged between the two marks). */
  mark(edge: 'start' | 'end'): void {
    const now = this.sample();
    const i = edge === 'start' ? 0 : 1;
    if (edge === 'start') this.#window.startAt = now;
    else this.#window.endAt = now;
    this.#window.system[i] = parseSystemCpu(readProc('/proc/stat'));
    for (const p of this.#tracked) p.windowTicks[i] = p.lastAt === now ? p.lastTicks : undefined;
  }

  hasMarked(edge: 'start' | 'end'): boolean {
    return this.#window.system[edge === 'start' ? 0 : 1] !== undefined;
  }

  /** Each process's CPU over its latest sample interval, in % of one core. */
  latestCpu(): { name: string; cpuPct: number }[] {
    return this.#tracked.map((p) => ({ name: p.name, cpuPct: p.points.at(-1)?.cpuPct ?? 0 }));
  }

  /** Whole-machine CPU busy over the measured window, in % of all cores. */
  systemBusyPct(): number {
    const [a, b] = this.#window.system;
    if (a === undefined || b === undefined || b.total <= a.total) return 0;
    return ((b.busy - a.busy) / (b.total - a.total)) * 100;
  }

  stats(): ProcessStats[] {
    const seconds = (this.#window.endAt - this.#window.startAt) / 1000;
    return this.#tracked.map((p) => {
      const [a, b] = p.windowTicks;
      const cpuPct =
        a === undefined || b === undefined || seconds <= 0 ? 0 : ((b - a) / this.#ticksPerS / seconds) * 100;
      return {
        name: p.name,
        pid: p.pid,
        peakRssMb: p.peakKb / 1024,
        finalRssMb: p.finalKb / 1024,
        cpuPct,
        points: p.points,
      };
    });
  }
}

interface SystemCpu {
  busy: number;
  total: number;
}

function readProc(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
