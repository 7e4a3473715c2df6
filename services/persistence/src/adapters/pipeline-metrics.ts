import { Counter, Histogram, type Health } from '@switchboard/shared';
import type { PipelineMetrics } from '../domain/ports';

/** The pipeline's counters and insert latency, exposed on /metrics (prom-client, via @switchboard/shared). */
export class PrometheusPipelineMetrics implements PipelineMetrics {
  private readonly rowsInserted: Counter;
  private readonly batches: Counter;
  private readonly insertFailures: Counter;
  private readonly poisonMessages: Counter;
  private readonly insertSeconds: Histogram;

  constructor(registry: Health['registry']) {
    const registers = [registry];
    this.rowsInserted = new Counter({
      name: 'sb_persistence_rows_inserted_total',
      help: 'Rows inserted into ClickHouse',
      registers,
    });
    this.batches = new Counter({
      name: 'sb_persistence_batches_total',
      help: 'Batches inserted into ClickHouse',
      registers,
    });
    this.insertFailures = new Counter({
      name: 'sb_persistence_insert_failures_total',
      help: 'Failed batch inserts (each retry counts)',
      registers,
    });
    this.poisonMessages = new Counter({
      name: 'sb_persistence_poison_messages_total',
      help: 'SB_CONV messages that could not be read and were terminated',
      registers,
    });
    this.insertSeconds = new Histogram({
      name: 'sb_persistence_insert_duration_seconds',
      help: 'Duration of successful batch inserts',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }

  batchInserted(rows: number, seconds: number): void {
    this.rowsInserted.inc(rows);
    this.batches.inc();
    this.insertSeconds.observe(seconds);
  }

  insertFailed(): void {
    this.insertFailures.inc();
  }

  poisonMessage(): void {
    this.poisonMessages.inc();
  }
}
