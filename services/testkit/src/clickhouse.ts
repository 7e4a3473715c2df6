import fs from 'node:fs/promises';
import path from 'node:path';

import { ServerStartError } from './errors';
import { freePorts } from './free-port';
import { httpGet } from './http-get';
import { ManagedServer, prepareDataDir, startWithPortRetry, tailOfFile } from './managed-server';
import { findExecutable } from './paths';
import type { RunningServer, StartServerOptions } from './running-server';

const NAME = 'clickhouse-server';

/** Starts clickhouse-server from a config written into its data dir; url is `http://127.0.0.1:HTTPPORT`. */
export async function startClickHouse(opts: StartServerOptions = {}): Promise<RunningServer> {
  return launchClickHouse(opts);
}

export async function launchClickHouse(opts: StartServerOptions = {}): Promise<ManagedServer> {
  const env = opts.env ?? process.env;
  const bin = findExecutable(NAME, env, env.CLICKHOUSE_SERVER_BIN);
  if (bin === undefined) {
    throw new ServerStartError({
      server: NAME,
      commandLine: env.CLICKHOUSE_SERVER_BIN ?? NAME,
      reason:
        env.CLICKHOUSE_SERVER_BIN !== undefined && env.CLICKHOUSE_SERVER_BIN !== ''
          ? `CLICKHOUSE_SERVER_BIN=${env.CLICKHOUSE_SERVER_BIN} is not an executable file`
          : 'not found on PATH or in /usr/sbin; run `node deploy/local/ensure-servers.mjs` ' +
            '(or `apt-get install clickhouse-server`), or set CLICKHOUSE_SERVER_BIN',
    });
  }
  const { dir, owned } = await prepareDataDir('clickhouse', opts.dataDir);

  return startWithPortRetry(opts.port === undefined, async () => {
    const [picked, tcpPort] = await freePorts(2);
    const httpPort = opts.port ?? picked;
    if (httpPort === undefined || tcpPort === undefined) throw new Error('no free port');
    const configFile = await writeClickHouseConfig(dir, httpPort, tcpPort);
    return new ManagedServer(
      {
        name: NAME,
        command: bin,
        args: [`--config-file=${configFile}`],
        cwd: dir,
        env,
        url: `http://127.0.0.1:${httpPort}`,
        dataDir: dir,
        ownsDataDir: owned,
        readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
        probe: async (timeoutMs) => {
          const res = await httpGet(`http://127.0.0.1:${httpPort}/ping`, timeoutMs);
          return res.status === 200 && res.body.trim() === 'Ok.';
        },
        // With console logging off, startup errors only reach err.log.
        diagnostics: async () => {
          const tail = await tailOfFile(path.join(dir, 'log', 'err.log'), 40);
          return tail === undefined
            ? undefined
            : `  tail of ${path.join(dir, 'log', 'err.log')}:\n${indent(tail)}`;
        },
        ...(opts.log === undefined ? {} : { log: opts.log }),
      },
      opts.keepData,
    );
  });
}

/** Writes config.xml and users.xml into `dir` (independent of /etc/clickhouse-server) and returns the config path. */
async function writeClickHouseConfig(dir: string, httpPort: number, tcpPort: number): Promise<string> {
  const at = (sub: string): string => xmlEscape(path.join(dir, sub));
  await Promise.all(
    ['log', 'data', 'tmp', 'user_files'].map((sub) => fs.mkdir(path.join(dir, sub), { recursive: true })),
  );
  const config = `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${at('log/server.log')}</log>
    <errorlog>${at('log/err.log')}</errorlog>
    <console>0</console>
  </logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${at('data')}/</path>
  <tmp_path>${at('tmp')}/</tmp_path>
  <user_files_path>${at('user_files')}/</user_files_path>
  <users_config>${at('users.xml')}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>536870912</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <!-- 18.16 defaults to 10 s, and an idle keep-alive client then holds up shutdown by ~8 s. -->
  <keep_alive_timeout>3</keep_alive_timeout>
</yandex>
`;
  const users = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>10000000000</max_memory_usage>
      <use_uncompressed_cache>0</use_uncompressed_cache>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>::/0</ip>
        <ip>127.0.0.1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;
  const configFile = path.join(dir, 'config.xml');
  await fs.writeFile(configFile, config);
  await fs.writeFile(path.join(dir, 'users.xml'), users);
  return configFile;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
