import { ConfigError } from '@switchboard/shared';
import { loadAdminConfig, loadSeedConfig } from './config';

describe('admin config', () => {
  it('admin config - applies defaults', () => {
    const config = loadAdminConfig({});
    expect(config.MONGO_URL).toBe('mongodb://127.0.0.1:27017');
    expect(config.MONGO_DATABASE).toBe('switchboard');
    expect(config.GRPC_PORT).toBe(50053);
    expect(config.HEALTH_PORT).toBe(0);
  });

  it('admin config - accepts replica-set URLs and port 0', () => {
    const config = loadAdminConfig({
      MONGO_URL: 'mongodb://a:27017,b:27017/?replicaSet=rs0',
      GRPC_PORT: '0',
    });
    expect(config.MONGO_URL).toContain('replicaSet');
    expect(config.GRPC_PORT).toBe(0);
  });

  it('admin config - lists every bad variable at once', () => {
    try {
      loadAdminConfig({ MONGO_URL: 'http://x', GRPC_PORT: 'abc', MONGO_DATABASE: 'a.b' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('MONGO_URL');
      expect(problems).toContain('GRPC_PORT');
      expect(problems).toContain('MONGO_DATABASE');
    }
  });

  it('seed config - defaults the agent password and hides it in errors', () => {
    expect(loadSeedConfig({}).SEED_AGENT_PASSWORD).toBe('switchboard');
    try {
      loadSeedConfig({ SEED_AGENT_PASSWORD: '', MONGO_URL: 'nope' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('SEED_AGENT_PASSWORD');
      expect(problems).toContain('(hidden)');
    }
  });
});
