/** A real server process started by the testkit. */
export interface RunningServer {
  /** Client URL, e.g. `nats://127.0.0.1:4222`. */
  readonly url: string;
  /** Pid of the server process while it runs, else undefined. */
  readonly pid: number | undefined;
  /** Directory holding the server's data (and config). */
  readonly dataDir: string | undefined;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), then remove the temp data dir unless keepData. */
  stop(): Promise<void>;
  /** Send `signal` (default SIGKILL) and wait for exit. Keeps the data dir, so restart() can follow. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same port(s) and data dir and wait until ready; terminates it first if running. */
  restart(): Promise<void>;
}

/** Options shared by startNats, startClickHouse and startMongo. */
export interface StartServerOptions {
  /** Client port; a free one is picked when omitted (and the start is retried once on a port race). */
  port?: number;
  /** Data dir to use; it is kept on stop(). When omitted a temp dir is created and removed on stop(). */
  dataDir?: string;
  /** Receives each line the server writes to stdout/stderr. */
  log?: (line: string) => void;
  /** Keep the temp data dir on stop(). */
  keepData?: boolean;
  /** How long to wait for readiness (defaults: NATS 30 s, ClickHouse 60 s, MongoDB 30 s). */
  readyTimeoutMs?: number;
  /** Environment to read *_BIN overrides, SB_CACHE_DIR and PATH from (default process.env). */
  env?: NodeJS.ProcessEnv;
}
