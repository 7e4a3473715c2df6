import type { Health } from '@switchboard/shared';
import type { PipelineMetrics } from '../domain/ports';

type Registry = Health['registry'];
type RegisteredMetric = Parameters<Registry['registerMetric']>[0];

interface Sample {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly metricName?: string;
}

interface Collected {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: readonly Sample[];
}

/**
 * A collector with the runtime shape prom-client's Registry reads (`name`, `type`, `get()`, `reset()`).
 * prom-client is a dependency of @switchboard/shared but not of this package, so its Counter and Histogram
 * classes cannot be imported here; these two small collectors publish the same exposition format through
 * the shared Health.registry.
 */
abstract class Collector {
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  abstract get(): Promise<Collected>;
  abstract reset(): void;

  register(registry: Registry): this {
    // The one place the structural match with prom-client's Metric union is asserted.
    registry.registerMetric(this as unknown as RegisteredMetric);
    return this;
  }
}

export class CounterCollector extends Collector {
  readonly type = 'counter';
  private value = 0;

  inc(by = 1): void {
    this.value += by;
  }

  get(): Promise<Collected> {
    return Promise.resolve({ ...this.header(), values: [{ value: this.value, labels: {} }] });
  }

  reset(): void {
    this.value = 0;
  }

  private header(): Omit<Collected, 'values'> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator };
  }
}

export class HistogramCollector extends Collector {
  readonly type = 'histogram';
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    name: string,
    help: string,
    private readonly buckets: readonly number[],
  ) {
    super(name, help);
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const i = this.buckets.findIndex((upper) => value <= upper);
    if (i >= 0) this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  get(): Promise<Collected> {
    let cumulative = 0;
    const values: Sample[] = this.buckets.map((upper, i) => {
      cumulative += this.counts[i] ?? 0;
      return { value: cumulative, labels: { le: upper }, metricName: `${this.name}_bucket` };
    });
    values.push(
      { value: this.count, labels: { le: '+Inf' }, metricName: `${this.name}_bucket` },
      { value: this.sum, labels: {}, metricName: `${this.name}_sum` },
      { value: this.count, labels: {}, metricName: `${this.name}_count` },
    );
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** The pipeline's counters and insert latency, exposed on /metrics. */
export class PrometheusPipelineMetrics implements PipelineMetrics {
  readonly rowsInserted: CounterCollector;
  readonly batches: CounterCollector;
  readonly insertFailures: CounterCollector;
  readonly poisonMessages: CounterCollector;
  readonly insertSeconds: HistogramCollector;

  constructor(registry: Registry) {
    this.rowsInserted = new CounterCollector(
      'sb_persistence_rows_inserted_total',
      'Rows inserted into ClickHouse',
    ).register(registry);
    this.batches = new CounterCollector(
      'sb_persistence_batches_total',
      'Batches inserted into ClickHouse',
    ).register(registry);
    this.insertFailures = new CounterCollector(
      'sb_persistence_insert_failures_total',
      'Failed batch inserts (each retry counts)',
    ).register(registry);
    this.poisonMessages = new CounterCollector(
      'sb_persistence_poison_messages_total',
      'SB_CONV messages that could not be read and were terminated',
    ).register(registry);
    this.insertSeconds = new HistogramCollector(
      'sb_persistence_insert_duration_seconds',
      'Duration of successful batch inserts',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ).register(registry);
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
