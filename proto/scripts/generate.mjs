#!/usr/bin/env node
// Lints the protobuf contracts and regenerates proto/gen with ts-proto.
// With --check it generates into a temp dir and fails if the committed code differs (drift check).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, cpSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const protoDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const buf = join(protoDir, 'node_modules', '.bin', 'buf');
const check = process.argv.includes('--check');

function run(args) {
  execFileSync(buf, args, { cwd: protoDir, stdio: 'inherit' });
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

run(['lint']);
const outDir = mkdtempSync(join(tmpdir(), 'sb-proto-'));
try {
  run(['generate', '--output', outDir]);
  const fresh = join(outDir, 'gen');
  const committed = join(protoDir, 'gen');
  if (check) {
    const a = listFiles(fresh);
    let b = [];
    try {
      b = listFiles(committed);
    } catch {
      b = [];
    }
    const drift = [];
    for (const f of new Set([...a, ...b])) {
      const x = a.includes(f) ? readFileSync(join(fresh, f), 'utf8') : null;
      const y = b.includes(f) ? readFileSync(join(committed, f), 'utf8') : null;
      if (x !== y)
        drift.push(
          `proto/gen/${f}${x === null ? ' (stale, not generated any more)' : y === null ? ' (missing)' : ''}`,
        );
    }
    if (drift.length > 0) {
      console.error(`Generated code is out of date with proto/*.proto:\n  ${drift.join('\n  ')}`);
      console.error('Run `pnpm proto:gen` and commit proto/gen.');
      process.exit(1);
    }
    console.log(`proto: buf lint clean; ${a.length} generated files match proto/gen`);
  } else {
    rmSync(committed, { recursive: true, force: true });
    cpSync(fresh, committed, { recursive: true });
    console.log(`proto: regenerated ${listFiles(committed).length} files into proto/gen`);
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
