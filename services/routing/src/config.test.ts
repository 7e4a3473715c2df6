import { ConfigError } from '@switchboard/shared';
import { loadRoutingConfig } from './config';

test('loadRoutingConfig - fills in defaults and needs only ADMIN_GRPC_ADDR', () => {
  expect(loadRoutingConfig({ ADMIN_GRPC_ADDR: '127.0.0.1:50051' })).toMatchObject({
    NATS_URL: 'nats://127.0.0.1:4222',
    ADMIN_GRPC_ADDR: '127.0.0.1:50051',
    PARTITIONS: 64,
    PRESENCE_TTL_MS: 15_000,
    COMMAND_TIMEOUT_MS: 5000,
    DISPATCH_TICK_MS: 500,
    QUEUE_STATUS_INTERVAL_MS: 5000,
    STATS_FLUSH_MS: 2000,
    SB_NAMESPACE: '',
  });
});

test('loadRoutingConfig - ignores variables it does not know (e.g. the old MAX_CONVERSATIONS_PER_AGENT)', () => {
  const cfg = loadRoutingConfig({ ADMIN_GRPC_ADDR: 'admin:50051', MAX_CONVERSATIONS_PER_AGENT: '3' });
  expect(cfg).not.toHaveProperty('MAX_CONVERSATIONS_PER_AGENT');
});

test('loadRoutingConfig - lists every bad variable at once', () => {
  let error: unknown;
  try {
    loadRoutingConfig({ ADMIN_GRPC_ADDR: 'http://admin', DISPATCH_TICK_MS: '0', PARTITIONS: 'many' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  for (const key of ['ADMIN_GRPC_ADDR', 'DISPATCH_TICK_MS', 'PARTITIONS']) expect(problems).toContain(key);
});

test('loadRoutingConfig - ADMIN_GRPC_ADDR is required', () => {
  expect(() => loadRoutingConfig({})).toThrow(/ADMIN_GRPC_ADDR/);
});

test('loadRoutingConfig - accepts bracketed IPv6 and rejects a port above 65535', () => {
  expect(loadRoutingConfig({ ADMIN_GRPC_ADDR: '[::1]:50051' }).ADMIN_GRPC_ADDR).toBe('[::1]:50051');
  expect(() => loadRoutingConfig({ ADMIN_GRPC_ADDR: 'admin:70000' })).toThrow(/ADMIN_GRPC_ADDR/);
});
