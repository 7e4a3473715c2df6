#!/usr/bin/env node
// Bundles the browser apps with esbuild: the widget (services/widget → dist/public/widget.js, one IIFE file
// with a gzip budget) and the agent console (services/console → dist/public/{index.html,app.js,app.css}).
// Workspace packages are bundled from their TypeScript sources (ES modules), so esbuild can drop what the
// browser never reaches; the SDK's Node WebSocket is swapped for the browser's.
//   node services/build-web.mjs [--watch]
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const services = dirname(fileURLToPath(import.meta.url));
const root = join(services, '..');
/** The budget for the widget: what a visitor's browser downloads, gzipped. */
export const WIDGET_GZIP_BUDGET = 50 * 1024;

const workspaceSources = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@switchboard\/(client|proto\/wire)$/ }, (args) => ({
      path:
        args.path === '@switchboard/client'
          ? join(services, 'client/src/index.ts')
          : join(root, 'proto/src/wire.ts'),
    }));
    b.onResolve({ filter: /\/default-web-socket$/ }, (args) => ({
      path: join(args.resolveDir, 'default-web-socket.browser.ts'),
    }));
    b.onResolve({ filter: /^@bufbuild\/protobuf/ }, async (args) =>
      // proto's generated code imports @bufbuild/protobuf: resolve it from proto's own dependencies.
      args.resolveDir.startsWith(join(root, 'proto'))
        ? undefined
        : b.resolve(args.path, { kind: args.kind, resolveDir: join(root, 'proto') }),
    );
  },
};

const common = {
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  target: ['es2020'],
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [workspaceSources],
  define: { 'process.env.NODE_ENV': '"production"' },
};

const targets = [
  {
    name: 'widget',
    options: {
      ...common,
      entryPoints: [join(services, 'widget/src/main.ts')],
      outfile: join(services, 'widget/dist/public/widget.js'),
      format: 'iife',
    },
    budget: WIDGET_GZIP_BUDGET,
  },
  {
    name: 'console',
    options: {
      ...common,
      entryPoints: { app: join(services, 'console/src/main.tsx') },
      outdir: join(services, 'console/dist/public'),
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      loader: { '.css': 'css' },
    },
    assets: join(services, 'console/static'),
  },
];

function copyAssets(from, to) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
}

function report(t) {
  const file = t.options.outfile ?? join(t.options.outdir, 'app.js');
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`web: ${t.name.padEnd(8)} ${kb(bytes.length)} minified, ${kb(gz)} gzipped  (${file})`);
  if (t.budget !== undefined && gz > t.budget) {
    throw new Error(`${t.name}: ${kb(gz)} gzipped is over its budget of ${kb(t.budget)}`);
  }
}

const watch = process.argv.includes('--watch');
try {
  for (const t of targets) {
    if (t.assets !== undefined) copyAssets(t.assets, t.options.outdir);
    if (watch) {
      const ctx = await context(t.options);
      await ctx.watch();
      console.log(`web: watching ${t.name}`);
    } else {
      await build(t.options);
      report(t);
    }
  }
} catch (err) {
  console.error(`✖ web build: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
