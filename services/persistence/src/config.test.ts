import { ConfigError } from '@switchboard/shared';
import { loadPersistenceConfig } from './config';

test('loadPersistenceConfig - fills in defaults', () => {
  expect(loadPersistenceConfig({})).toMatchObject({
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CLICKHOUSE_DATABASE: 'switchboard',
    CLICKHOUSE_USER: 'default',
    CLICKHOUSE_PASSWORD: '',
    GRPC_PORT: 50052,
    BATCH_MAX_ROWS: 5000,
    BATCH_MAX_MS: 200,
    SB_NAMESPACE: '',
  });
});

test('loadPersistenceConfig - lists every bad variable at once', () => {
  let error: unknown;
  try {
    loadPersistenceConfig({
      CLICKHOUSE_URL: 'ftp://x',
      CLICKHOUSE_DATABASE: 'db; DROP',
      BATCH_MAX_ROWS: '0',
      GRPC_PORT: '70000',
    });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  for (const key of ['CLICKHOUSE_URL', 'CLICKHOUSE_DATABASE', 'BATCH_MAX_ROWS', 'GRPC_PORT'])
    expect(problems).toContain(key);
});
