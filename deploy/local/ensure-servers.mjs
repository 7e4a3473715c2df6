#!/usr/bin/env node
// Makes sure the real servers used by integration tests and the local dev stack are installed:
// nats-server, clickhouse-server and chromium (Debian packages) and FerretDB (built from source with Go).
// Idempotent, needs no stdin and only node: builtins. Run directly: `node deploy/local/ensure-servers.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
// Browser tests launch exactly this binary (@switchboard/testkit's launchBrowser), so look nowhere else.
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const HEARTBEAT_MS = 30_000;
// Debian installs the servers into sbin, which is not on every user's PATH.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const GO_DIRS = ['/usr/local/go/bin', path.join(os.homedir(), 'go', 'bin'), '/usr/lib/go/bin'];

export class SetupError extends Error {
  name = 'SetupError';
}

/** Absolute path of `name` on PATH or in `extraDirs`, else undefined. */
export function findCommand(name, { env = process.env, extraDirs = SBIN_DIRS } = {}) {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function hasCommand(name, options) {
  return findCommand(name, options) !== undefined;
}

/** SB_CACHE_DIR, else ~/.cache/switchboard (same rule as @switchboard/testkit's cacheDir()). */
export function cacheDir(env = process.env) {
  return env.SB_CACHE_DIR ? path.resolve(env.SB_CACHE_DIR) : path.join(os.homedir(), '.cache', 'switchboard');
}

export function ferretDbPath(env = process.env) {
  return path.join(cacheDir(env), 'bin', 'ferretdb');
}

/**
 * Installs or builds whatever is missing. Resolves to the binaries' paths (undefined when a server
 * is provided through NATS_URL / CLICKHOUSE_URL / MONGO_URL instead, or mongod is used).
 */
export async function ensureServers({
  log = (line) => process.stderr.write(`${line}\n`),
  env = process.env,
} = {}) {
  const say = (message) => log(`setup: ${message}`);
  const apt = aptInstaller(say, env);

  const natsServer = await ensureDebianServer({
    binary: 'nats-server',
    pkg: 'nats-server',
    binEnvVar: 'NATS_SERVER_BIN',
    urlEnvVar: 'NATS_URL',
    env,
    say,
    apt,
  });
  const clickhouseServer = await ensureDebianServer({
    binary: 'clickhouse-server',
    pkg: 'clickhouse-server',
    binEnvVar: 'CLICKHOUSE_SERVER_BIN',
    urlEnvVar: 'CLICKHOUSE_URL',
    env,
    say,
    apt,
  });
  const chromium = await ensureChromium({ say, apt });
  const ferretdb = await ensureFerretDb({ env, say });
  return { natsServer, clickhouseServer, chromium, ferretdb };
}

async function ensureDebianServer({ binary, pkg, binEnvVar, urlEnvVar, env, say, apt }) {
  const override = env[binEnvVar];
  if (override) {
    if (!isExecutable(override)) throw new SetupError(`${binEnvVar}=${override} is not an executable file`);
    say(`${binary} ${versionOf(override, pkg)} ok (${binEnvVar})`);
    return path.resolve(override);
  }
  let found = findCommand(binary, { env });
  if (found === undefined && env[urlEnvVar]) {
    say(`${binary} not installed; using ${urlEnvVar}=${env[urlEnvVar]}`);
    return undefined;
  }
  if (found === undefined) {
    await apt.install(pkg);
    found = findCommand(binary, { env });
    if (found === undefined)
      throw new SetupError(`installed Debian package ${pkg} but ${binary} is still not found`);
  }
  say(`${binary} ${versionOf(found, pkg)} ok`);
  return found;
}

async function ensureChromium({ say, apt }) {
  if (!isExecutable(CHROMIUM_PATH)) {
    await apt.install('chromium');
    if (!isExecutable(CHROMIUM_PATH))
      throw new SetupError(`installed Debian package chromium but ${CHROMIUM_PATH} is still missing`);
  }
  say(`chromium ${chromiumVersion(CHROMIUM_PATH)} ok`);
  // Without a CJK font the console's and widget's zh-CN screenshots would show empty boxes.
  if (!fs.existsSync(CJK_FONT)) {
    await apt.install('fonts-wqy-microhei');
    if (!fs.existsSync(CJK_FONT))
      throw new SetupError(`installed Debian package fonts-wqy-microhei but ${CJK_FONT} is still missing`);
  }
  say('CJK font (fonts-wqy-microhei) ok');
  return CHROMIUM_PATH;
}

function aptInstaller(say, env) {
  let updated;
  return {
    async install(pkg) {
      if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
        throw new SetupError(
          `${pkg} is not installed and this is not root, so it cannot be installed here. ` +
            `Install the Debian package yourself: sudo apt-get install -y ${pkg}`,
        );
      }
      const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
      updated ??= (async () => {
        say('apt-get update…');
        await run('apt-get', ['update'], {
          env: aptEnv,
          heartbeat: { say, text: 'still running apt-get update…' },
        });
      })();
      await updated;
      say(`installing Debian package ${pkg}…`);
      await run('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
        env: aptEnv,
        heartbeat: { say, text: `still installing ${pkg}…` },
      });
    },
  };
}

async function ensureFerretDb({ env, say }) {
  const mongod = findCommand('mongod', { env });
  if (mongod !== undefined) {
    say(`mongod found at ${mongod}; FerretDB not needed`);
    return undefined;
  }
  if (env.MONGO_URL) {
    say(`MONGO_URL is set; FerretDB not needed`);
    return undefined;
  }
  const bin = ferretDbPath(env);
  if (isExecutable(bin)) {
    const version = ferretDbVersion(bin);
    if (version === FERRETDB_VERSION) {
      say(`FerretDB ${FERRETDB_VERSION} ok (${bin})`);
      return bin;
    }
    say(`${bin} reports ${version ?? 'no version (broken build?)'}; rebuilding`);
  }
  await buildFerretDb(bin, { env, say });
  say(`FerretDB ${FERRETDB_VERSION} ok (${bin})`);
  return bin;
}

/**
 * `go install …@v1.24.2` fails here (the proxy answers 403 to the @v/list deprecation lookup), and a
 * build straight from the read-only module cache panics at start-up because build/version/version.txt
 * is generated, not shipped. So: download the exact version, copy it, write version.txt, build.
 */
async function buildFerretDb(bin, { env, say }) {
  const go = findCommand('go', { env, extraDirs: GO_DIRS });
  if (go === undefined) {
    throw new SetupError(
      `Go is needed to build FerretDB ${FERRETDB_VERSION} (the MongoDB wire-protocol server used by tests) ` +
        'but `go` is not on PATH nor in /usr/local/go/bin. Install Go (https://go.dev/dl/), ' +
        'or set MONGO_URL to an existing MongoDB server.',
    );
  }
  say(`building FerretDB ${FERRETDB_VERSION} (first time only, ~3 min)…`);
  const startedAt = Date.now();
  const goEnv = {
    ...env,
    PATH: `${path.dirname(go)}${path.delimiter}${env.PATH ?? ''}`,
    GOFLAGS: '-mod=mod -buildvcs=false',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    // The SQLite backend is pure Go, so no C compiler is needed.
    CGO_ENABLED: '0',
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ferretdb-build-'));
  const tmpBin = `${bin}.tmp-${process.pid}`;
  const forwardGoLine = (line) => {
    if (line.startsWith('go: downloading ')) say(`  ${line}`);
  };
  try {
    await run(go, ['mod', 'init', 'switchboard.local/ferretdb-build'], { cwd: work, env: goEnv });
    const download = await run(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      cwd: work,
      env: goEnv,
      heartbeat: { say, text: 'still downloading FerretDB…' },
      onStderrLine: forwardGoLine,
    });
    let info;
    try {
      info = JSON.parse(download.stdout);
    } catch (error) {
      throw new SetupError(`could not parse \`go mod download -json\` output: ${download.stdout}`, {
        cause: error,
      });
    }
    if (info.Error || !info.Dir)
      throw new SetupError(`go mod download failed: ${info.Error ?? 'no Dir in output'}`);

    const src = path.join(work, 'src');
    copyTreeWritable(info.Dir, src);
    fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);

    fs.mkdirSync(path.dirname(bin), { recursive: true });
    await run(go, ['build', '-trimpath', '-o', tmpBin, './cmd/ferretdb'], {
      cwd: src,
      env: goEnv,
      heartbeat: { say, text: 'still building FerretDB…' },
      onStderrLine: forwardGoLine,
    });
    const built = ferretDbVersion(tmpBin);
    if (built !== FERRETDB_VERSION) {
      throw new SetupError(
        `the freshly built FerretDB reports ${built ?? 'no version'}, expected ${FERRETDB_VERSION}`,
      );
    }
    fs.renameSync(tmpBin, bin);
    say(`built FerretDB ${FERRETDB_VERSION} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(tmpBin, { force: true });
  }
}

function ferretDbVersion(bin) {
  const out = capture(bin, ['--version']);
  return /^version:\s*(v\S+)\s*$/m.exec(out)?.[1];
}

/** Version of a server binary: `--version` if it knows it (clickhouse-server 18.16 does not), else dpkg. */
function versionOf(bin, pkg) {
  const fromBinary = /\bv?(\d+\.\d+\.\d+)/.exec(capture(bin, ['--version']))?.[1];
  if (fromBinary !== undefined) return fromBinary;
  const fromDpkg = /^(\d+\.\d+\.\d+)/.exec(capture('dpkg-query', ['-W', '-f', '${Version}', pkg]))?.[1];
  return fromDpkg ?? '(version unknown)';
}

/** `chromium --version` prints e.g. `Chromium 120.0.6099.224 built on Debian 12.4`. */
function chromiumVersion(bin) {
  return /\b(\d+\.\d+\.\d+\.\d+)\b/.exec(capture(bin, ['--version']))?.[1] ?? '(version unknown)';
}

function capture(command, args) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
  });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/** Copies a (read-only) module-cache tree into a writable one. */
function copyTreeWritable(from, to) {
  fs.mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copyTreeWritable(source, target);
    } else if (entry.isFile()) {
      fs.copyFileSync(source, target);
      fs.chmodSync(target, fs.statSync(source).mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

/** Runs a command without stdin; rejects with the tail of its output when it fails. */
function run(command, args, { cwd, env, heartbeat, onStderrLine } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      if (onStderrLine === undefined) return;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onStderrLine(line);
    });
    const startedAt = Date.now();
    const timer =
      heartbeat === undefined
        ? undefined
        : setInterval(
            () => heartbeat.say(`${heartbeat.text} (${Math.round((Date.now() - startedAt) / 1000)} s)`),
            HEARTBEAT_MS,
          );
    const finish = (error) => {
      if (timer !== undefined) clearInterval(timer);
      if (error === undefined) resolve({ stdout, stderr });
      else reject(error);
    };
    child.once('error', (error) =>
      finish(new SetupError(`could not run ${command}: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return finish(undefined);
      const tail = `${stdout}${stderr}`.trimEnd().split('\n').slice(-40).join('\n');
      finish(
        new SetupError(
          `\`${[command, ...args].join(' ')}\` failed (${signal ?? `exit code ${code}`}):\n${tail}`,
        ),
      );
    });
  });
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureServers().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`setup: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
