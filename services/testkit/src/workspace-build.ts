import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { WorkspaceBuildError } from './errors';

/** The monorepo root: the nearest ancestor of `from` holding pnpm-workspace.yaml. */
export function repoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '../../..');
  }
}

/** Runs `tsc -b services/tsconfig.json` so integration tests can spawn services from their dist/. */
export function buildWorkspace(root: string = repoRoot()): Promise<void> {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  const args = ['-b', 'services/tsconfig.json'];
  return new Promise((resolve, reject) => {
    const child = spawn(tsc, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', (error) => {
      reject(new WorkspaceBuildError(`could not run ${tsc}: ${error.message}`, output, { cause: error }));
    });
    child.once('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      const lines = output.trimEnd().split('\n');
      const shown =
        lines.length > 100 ? [...lines.slice(0, 100), `… ${lines.length - 100} more lines`] : lines;
      reject(
        new WorkspaceBuildError(
          `\`tsc ${args.join(' ')}\` in ${root} failed (${signal ?? `exit code ${String(code)}`}); ` +
            'set SB_SKIP_BUILD=1 to skip this step:',
          shown.join('\n'),
        ),
      );
    });
  });
}
