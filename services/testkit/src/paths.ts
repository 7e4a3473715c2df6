import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where downloaded/built tools live: `SB_CACHE_DIR`, else `~/.cache/switchboard`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SB_CACHE_DIR;
  return fromEnv !== undefined && fromEnv !== ''
    ? path.resolve(fromEnv)
    : path.join(os.homedir(), '.cache', 'switchboard');
}

/** Where `node deploy/local/ensure-servers.mjs` puts the FerretDB binary. */
export function ferretDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), 'bin', 'ferretdb');
}

// Debian installs nats-server and clickhouse-server into sbin, which is not on every user's PATH.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable: `override` if given, else the first match on PATH, then sbin dirs. */
export function findExecutable(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  override?: string,
): string | undefined {
  if (override !== undefined && override !== '')
    return isExecutable(override) ? path.resolve(override) : undefined;
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter((d) => d !== ''), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Env var holding this run's screenshot folder; jest global setup sets it so every worker shares one. */
export const SCREENSHOT_DIR_ENV = 'SB_SCREENSHOT_DIR';

/** A fresh per-run screenshot folder: `<tmp>/sb-screenshots/<ISO time>-<pid>` (not created). */
export function newScreenshotRunDir(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return path.join(os.tmpdir(), 'sb-screenshots', `${stamp}-${process.pid}`);
}

/** This run's screenshot folder: `SB_SCREENSHOT_DIR`, else one per process (outside the jest global setup). */
export function screenshotRunDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[SCREENSHOT_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  processScreenshotRunDir ??= newScreenshotRunDir();
  return processScreenshotRunDir;
}
let processScreenshotRunDir: string | undefined;
