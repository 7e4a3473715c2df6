export { CHROMIUM_PATH, launchBrowser, screenshotDir } from './browser';
export { startClickHouse } from './clickhouse';
export { demoSiteDir, startDemoSite, type DemoSite, type DemoSiteOptions } from './demo-site';
export {
  BrowserLaunchError,
  ServerSetStartError,
  ServerStartError,
  ServerStopError,
  WorkspaceBuildError,
} from './errors';
export { freePort } from './free-port';
export { ferretDbArgs, startMongo } from './mongo';
export { startNats } from './nats';
export { cacheDir, ferretDbPath, screenshotRunDir } from './paths';
export type { RunningServer, StartServerOptions } from './running-server';
export { startServers, type ServerSet, type StartServersOptions } from './server-set';
// Service processes and the whole stack (service-process.ts / switchboard-stack.ts, written alongside).
export {
  serviceEntry,
  startService,
  ServiceStartError,
  type ServiceName,
  type ServiceProcess,
} from './service-process';
export { runSeed, startSwitchboard, type StackOptions, type SwitchboardStack } from './switchboard-stack';
