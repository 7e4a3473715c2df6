// Public surface of @switchboard/loadtest: the pure building blocks, for other benchmarks and tests.
export { E2E_DEFAULTS, parseCommand, SCENARIOS, usage, type Command, type E2eOptions } from './args';
export { BenchError, UsageError } from './errors';
export { formatBenchText, parseBenchText, type BenchText } from './e2e/bench-text';
export { DeliveryLedger, ReceivedSet, SeqChecker, type LedgerSummary, type Receipt } from './e2e/ledger';
export { OpenLoopSchedule, slotOf, type Sender, type Slot } from './e2e/schedule';
export { E2eRun, InterruptedError, type E2eOutcome, type Output } from './e2e/orchestrator';
export { lineChart, renderHtml } from './report/html';
export { buildResult, exitCodeOf, jsonLine, REQUIRED_KEYS, type BenchResult } from './report/result';
export { exactPercentile, LatencyHistogram, type HistogramData } from './stats/histogram';
export { ProcessSampler, type ProcessStats } from './system/proc';
