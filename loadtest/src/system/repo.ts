import fs from 'node:fs';
import path from 'node:path';

/** The monorepo root: the nearest ancestor of `from` holding pnpm-workspace.yaml. */
export function repoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
