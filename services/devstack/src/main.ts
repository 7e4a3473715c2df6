import { createLogger } from '@switchboard/shared';
import {
  startDemoSite,
  startServers,
  startSwitchboard,
  type DemoSite,
  type ServerSet,
  type SwitchboardStack,
} from '@switchboard/testkit';
import { loadDevstackConfig } from './config';

/**
 * `npm start`: real nats-server, clickhouse-server and FerretDB (or the servers named by NATS_URL,
 * CLICKHOUSE_URL, MONGO_URL), the demo seed, then all five services as separate processes.
 */
async function main(): Promise<void> {
  const config = loadDevstackConfig();
  const logger = createLogger('devstack', config.LOG_LEVEL);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);

  say('starting servers…');
  const servers: ServerSet = await startServers({
    env: process.env,
    progress: (line) => {
      say(`  ${line}`);
    },
  });
  let stack: SwitchboardStack | undefined;
  let demo: DemoSite | undefined;
  const stopAll = async (code: number): Promise<never> => {
    say('\nstopping…');
    await demo?.close();
    await stack?.stop().catch((err: unknown) => {
      logger.error({ err }, 'stopping services failed');
    });
    await servers.stop().catch((err: unknown) => {
      logger.error({ err }, 'stopping servers failed');
    });
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  say('starting services (admin, persistence, session, routing, gateway)…');
  let starting = true;
  try {
    stack = await startSwitchboard({
      natsUrl: servers.natsUrl,
      clickhouseUrl: servers.clickhouseUrl,
      mongoUrl: servers.mongoUrl,
      gatewayPort: config.SB_GATEWAY_PORT,
      tokenSecret: config.TOKEN_SECRET,
      seed: true,
      env: { admin: { SEED_AGENT_PASSWORD: config.SEED_AGENT_PASSWORD } },
      onLine: (service, line) => {
        if (config.SB_VERBOSE) say(`[${service}] ${line}`);
        // Routing starts beside admin and retries its config watch until admin listens: expected, not news.
        else if (starting && /config watch ended; reconnecting/.test(line)) return;
        else if (/"level":"(warn|error|fatal)"/.test(line)) say(`[${service}] ${line}`);
        else if (service === 'seed' && !line.startsWith('{')) say(`  ${line}`);
      },
    });
  } catch (err) {
    say(`\n✖ ${err instanceof Error ? err.message : String(err)}`);
    if (/EADDRINUSE|cannot listen/.test(String(err))) {
      say(`  Port ${config.SB_GATEWAY_PORT} is taken; run with SB_GATEWAY_PORT=<free port> npm start`);
    }
    return stopAll(1);
  }
  try {
    demo = await startDemoSite(stack.httpUrl, { port: config.SB_DEMO_PORT });
  } catch (err) {
    say(`\n✖ the demo shop could not start: ${err instanceof Error ? err.message : String(err)}`);
    if (/EADDRINUSE/.test(String(err))) {
      say(`  Port ${config.SB_DEMO_PORT} is taken; run with SB_DEMO_PORT=<free port> npm start`);
    }
    return stopAll(1);
  }

  starting = false;
  const s = stack;
  const shop = demo.url;
  const healthOf = (name: keyof typeof s.services): string =>
    `http://127.0.0.1:${s.services[name].ports['health'] ?? '?'}`;
  say(`
Switchboard is running.

  Demo shop (visitor, widget)  ${shop}/
  Agent console                ${s.httpUrl}/console/
      log in: tenant demo, bob@demo.test, password ${config.SEED_AGENT_PASSWORD}
      (alice@demo.test is the admin: Admin pages; carol@demo.test is a supervisor)
  Open both side by side and chat.

  Widget script                ${s.httpUrl}/widget.js
  Gateway (REST + WebSocket)   ${s.httpUrl}        WebSocket: ${s.wsUrl}
  Gateway health               ${s.httpUrl}/readyz  ${s.httpUrl}/metrics
  Admin ConfigService gRPC     ${s.adminGrpcAddr}
  History gRPC (persistence)   ${s.historyGrpcAddr}
  Service health ports         admin ${healthOf('admin')}  persistence ${healthOf('persistence')}
                               session ${healthOf('session')}  routing ${healthOf('routing')}
  NATS                         ${servers.natsUrl}
  ClickHouse (HTTP)            ${servers.clickhouseUrl}
  MongoDB wire                 ${servers.mongoUrl}

Demo tenant "demo" (Demo Shop)
  widget key                   demo-widget-key
  agents                       alice@demo.test (admin), bob@demo.test, carol@demo.test (supervisor); password ${config.SEED_AGENT_PASSWORD}

Chat from two terminals:
  npm run switchboard -- chat --as agent --url ${s.httpUrl} --tenant demo --email alice@demo.test --password ${config.SEED_AGENT_PASSWORD}
  npm run switchboard -- chat --as visitor --url ${s.httpUrl} --widget-key demo-widget-key --name Ann

Press Ctrl-C to stop everything.`);
  void Promise.race(Object.values(s.services).map((p) => p.exited.then((code) => ({ p, code })))).then(
    ({ p, code }) => {
      say(
        `\n✖ ${p.name} exited unexpectedly (code ${String(code)}); last output:\n${p.output().slice(-20).join('\n')}`,
      );
      void stopAll(1);
    },
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
