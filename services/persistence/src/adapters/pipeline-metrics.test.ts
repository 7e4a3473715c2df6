import { Health } from '@switchboard/shared';
import { PrometheusPipelineMetrics } from './pipeline-metrics';

test('PrometheusPipelineMetrics - exposes counters and the insert latency histogram on /metrics', async () => {
  const health = new Health('persistence-test');
  const metrics = new PrometheusPipelineMetrics(health.registry);
  metrics.batchInserted(3, 0.02);
  metrics.batchInserted(2, 0.2);
  metrics.insertFailed();
  metrics.poisonMessage();
  const answer = await health.answer('/metrics');
  const body = answer?.body ?? '';
  expect(body).toContain('# TYPE sb_persistence_rows_inserted_total counter');
  expect(body).toMatch(/^sb_persistence_rows_inserted_total\{service="persistence-test"\} 5$/m);
  expect(body).toMatch(/^sb_persistence_batches_total\{service="persistence-test"\} 2$/m);
  expect(body).toMatch(/^sb_persistence_insert_failures_total\{service="persistence-test"\} 1$/m);
  expect(body).toMatch(/^sb_persistence_poison_messages_total\{service="persistence-test"\} 1$/m);
  expect(body).toContain('# TYPE sb_persistence_insert_duration_seconds histogram');
  expect(body).toMatch(
    /^sb_persistence_insert_duration_seconds_bucket\{le="0.025",service="persistence-test"\} 1$/m,
  );
  expect(body).toMatch(
    /^sb_persistence_insert_duration_seconds_bucket\{le="\+Inf",service="persistence-test"\} 2$/m,
  );
  expect(body).toMatch(/^sb_persistence_insert_duration_seconds_count\{service="persistence-test"\} 2$/m);
});
