#!/usr/bin/env node
// The two commands of the README. Plain Node, no dependencies: it runs before anything is installed.
//   node deploy/local/dev.mjs test   (npm test)   set up, then proto drift check, lint, typecheck, every test
//   node deploy/local/dev.mjs start  (npm start)  set up, build, then run the whole local stack
//   node deploy/local/dev.mjs setup  (npm run setup) only the idempotent setup
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServers } from './ensure-servers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = String(pkg.packageManager).replace(/^pnpm@/, '');
const started = Date.now();

function step(title) {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`\n[${s}s] ── ${title}`);
}

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...opts });
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return r.status ?? 1;
}

function mustRun(cmd, args, what) {
  const code = run(cmd, args);
  if (code !== 0) fail(`${what} failed (exit ${code})`);
}

function pnpmOnPath() {
  try {
    return execFileSync('pnpm', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

async function setup() {
  step(`pnpm ${pnpmVersion}`);
  if (pnpmOnPath() !== pnpmVersion) {
    console.log(`installing pnpm@${pnpmVersion} with npm (once)…`);
    mustRun(
      'npm',
      ['install', '--global', '--no-fund', '--no-audit', `pnpm@${pnpmVersion}`],
      'installing pnpm',
    );
    const bin = join(execFileSync('npm', ['prefix', '--global'], { encoding: 'utf8' }).trim(), 'bin');
    process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
    if (pnpmOnPath() !== pnpmVersion)
      fail(`pnpm ${pnpmVersion} is still not on PATH after installing it into ${bin}`);
  }
  console.log(`pnpm ${pnpmVersion} ok`);

  step('dependencies (pnpm install --frozen-lockfile)');
  mustRun('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'], 'pnpm install');

  step('test servers (nats-server, clickhouse-server, FerretDB, Chromium)');
  try {
    await ensureServers({ log: (line) => console.log(line) });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

/** Runs jest, then prints the plain "N passed, N failed" line CI reads. */
function jest() {
  const dir = mkdtempSync(join(tmpdir(), 'sb-jest-'));
  const out = join(dir, 'results.json');
  const code = run('pnpm', [
    'exec',
    'jest',
    '-c',
    'services/jest.config.js',
    '--json',
    `--outputFile=${out}`,
  ]);
  let summary = '';
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed`;
    if (r.numPendingTests > 0) summary += `, ${r.numPendingTests} skipped`;
    if (r.numRuntimeErrorTestSuites > 0) summary += ` (${r.numRuntimeErrorTestSuites} suites failed to run)`;
  }
  rmSync(dir, { recursive: true, force: true });
  return { code, summary };
}

async function test() {
  await setup();
  step('contracts: buf lint + ts-proto drift check');
  mustRun('pnpm', ['run', '--silent', 'proto:check'], 'the generated-code drift check');
  step('typecheck + build (tsc -b, then the web bundles with esbuild)');
  mustRun('pnpm', ['run', '--silent', 'build'], 'typecheck and build');
  step('lint (type-aware ESLint, Prettier)');
  mustRun('pnpm', ['run', '--silent', 'lint'], 'lint');
  step('tests: unit, then integration against real nats-server, clickhouse-server and FerretDB');
  const { code, summary } = jest();
  console.log(`\nTests finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (summary !== '') console.log(summary);
  process.exit(code);
}

async function start() {
  await setup();
  step('build (tsc -b, then the web bundles with esbuild)');
  mustRun('pnpm', ['run', '--silent', 'build'], 'build');
  step('starting the local stack (Ctrl-C stops it)');
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', join(root, 'services/devstack/dist/src/main.js')],
    {
      cwd: root,
      stdio: 'inherit',
      env: process.env,
    },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

/** `npm run bench -- <scenario> [flags]`: set up and build like `npm test`, then run the load tool. */
async function bench() {
  await setup();
  step('build (tsc -b, then the web bundles with esbuild)');
  mustRun('pnpm', ['run', '--silent', 'build'], 'build');
  step('benchmark (its last line is one JSON object)');
  const child = spawn(process.execPath, [join(root, 'loadtest/dist/src/cli.js'), ...process.argv.slice(3)], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 1));
}

const commands = { setup, test, start, bench };
const command = commands[process.argv[2] ?? ''];
if (command === undefined) fail(`usage: node deploy/local/dev.mjs ${Object.keys(commands).join('|')}`);
await command();
