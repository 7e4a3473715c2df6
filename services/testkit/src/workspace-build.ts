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

/**
 * Runs `tsc -b services/tsconfig.json`, then `node services/build-web.mjs` (the widget and console bundles
 * the gateway serves), so integration tests can spawn services from their dist/ and open the web apps.
 */
export async function buildWorkspace(root: string = repoRoot()): Promise<void> {
  await runBuildStep(root, path.join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'services/tsconfig.json']);
  await runBuildStep(root, process.execPath, ['services/build-web.mjs']);
}

function runBuildStep(root: string, command: string, args: readonly string[]): Promise<void> {
  const shownCommand = `${path.basename(command)} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', (error) => {
      reject(new WorkspaceBuildError(`could not run ${command}: ${error.message}`, output, { cause: error }));
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
          `\`${shownCommand}\` in ${root} failed (${signal ?? `exit code ${String(code)}`}); ` +
            'set SB_SKIP_BUILD=1 to skip this step:',
          shown.join('\n'),
        ),
      );
    });
  });
}
