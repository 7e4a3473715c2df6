// The IPC messages between the orchestrator and its client worker processes (child_process.fork, JSON).
import type { HistogramData } from '../stats/histogram';
import type { AgentAccount } from './accounts';
import type { LedgerSummary, SeqSummary } from './ledger';

export interface AgentSocketSpec {
  readonly socketId: number;
  readonly account: AgentAccount;
}

/** A visitor whose conversation went to an agent of another worker: that worker reconnects it. */
export interface VisitorHandoff {
  readonly token: string;
  readonly conversationId: string;
  readonly agentId: string;
}

export interface RunPlan {
  /** Date.now() at which second 0 starts; all workers share it. */
  readonly startEpochMs: number;
  readonly ratePerS: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly drainMs: number;
  /** An acked message not received this long after its send counts in the progress "late" column. */
  readonly lateAfterMs: number;
}

export type OrchestratorMessage =
  | {
      readonly type: 'init';
      readonly workerId: number;
      readonly httpUrl: string;
      readonly widgetKey: string;
      readonly agentSockets: readonly AgentSocketSpec[];
    }
  | { readonly type: 'open-visitors'; readonly count: number; readonly concurrency: number }
  | { readonly type: 'adopt'; readonly visitor: VisitorHandoff }
  | { readonly type: 'start'; readonly plan: RunPlan }
  | { readonly type: 'shutdown' };

/** One worker's counters for one second (by the time things happened: sends, acks, receipts). */
export interface SecondSample {
  readonly second: number;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly gaps: number;
  readonly latency: HistogramData;
  /** How far behind its schedule the worker sent, at worst, this second. */
  readonly maxLagMs: number;
  readonly inFlight: number;
  readonly late: number;
}

export interface WorkerSummary {
  readonly workerId: number;
  readonly conversations: number;
  readonly ledger: LedgerSummary;
  readonly seq: SeqSummary;
  /** Deliveries of a socket's own message back to it. */
  readonly echoes: number;
  /** Deliveries to an agent's extra sockets (an agent with several sockets gets everything on each). */
  readonly extraSocketDeliveries: number;
  readonly socketCloses: number;
  /** Welcomes after a client's first one: the SDK reconnected. */
  readonly reconnects: number;
  /** SendAcks with duplicate=true: a send was resent (by the SDK) after it had been stored. */
  readonly duplicateAcks: number;
  /** Send errors by code name. */
  readonly errors: Readonly<Record<string, number>>;
  readonly lag: HistogramData;
}

export type WorkerMessage =
  | { readonly type: 'agents-ready'; readonly workerId: number; readonly agentIds: readonly string[] }
  | { readonly type: 'handoff'; readonly visitor: VisitorHandoff }
  | { readonly type: 'conversation-ready'; readonly conversationId: string }
  | { readonly type: 'second'; readonly workerId: number; readonly sample: SecondSample }
  | { readonly type: 'final'; readonly summary: WorkerSummary }
  | { readonly type: 'failed'; readonly message: string };

const WORKER_TYPES = new Set(['agents-ready', 'handoff', 'conversation-ready', 'second', 'final', 'failed']);
const ORCHESTRATOR_TYPES = new Set(['init', 'open-visitors', 'adopt', 'start', 'shutdown']);

/** Both ends are this package, so the type tag is enough to trust the rest of the shape. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return hasType(value, WORKER_TYPES);
}

export function isOrchestratorMessage(value: unknown): value is OrchestratorMessage {
  return hasType(value, ORCHESTRATOR_TYPES);
}

function hasType(value: unknown, types: ReadonlySet<string>): boolean {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  const { type } = value;
  return typeof type === 'string' && types.has(type);
}
