// Proves the SDK can be bundled for browsers: walks the runtime import graph from src/index.ts the way a
// bundler would (package.json `browser` and `exports`, type-only imports erased) and fails on anything
// Node-only. esbuild is not a dependency yet, so this reads the TypeScript sources instead of a metafile.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { minifySync } from '@swc/core';
import * as ts from 'typescript';

const repoRoot = path.resolve(__dirname, '../../..');
const clientDir = path.resolve(__dirname, '..');

/** Packages that only run on Node; a browser bundle must not reach them. */
const NODE_ONLY_PACKAGES = new Set(['@grpc/grpc-js', '@grpc/proto-loader', 'ws']);
/** Conditions a browser ESM bundler matches in `exports`, in addition to `types` for workspace sources. */
const BROWSER_CONDITIONS = new Set(['types', 'browser', 'import', 'module', 'default']);

interface PackageJson {
  name?: string;
  main?: string;
  module?: string;
  types?: string;
  browser?: string | Record<string, string | false>;
  exports?: unknown;
}

interface ImportGraph {
  /** Absolute paths of every file the bundle would contain, in visiting order. */
  files: string[];
  /** Each file's JavaScript with type-only imports erased. */
  code: Map<string, string>;
  /** `<file> imports <specifier>` for every Node builtin or Node-only package reached. */
  violations: string[];
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

function packageDirOf(file: string): string {
  let dir = path.dirname(file);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${file}`);
    dir = parent;
  }
  return dir;
}

/** Workspace packages are consumed from their TypeScript sources; third-party ones from node_modules. */
function isWorkspaceFile(file: string): boolean {
  return !file.split(path.sep).includes('node_modules');
}

/** Workspace packages compile `<pkg>/x.ts` to `<pkg>/dist/x.js` (rootDir ".", outDir "dist"). */
function sourceOf(pkgDir: string, target: string): string {
  const rel = target.replace(/^\.\//, '').replace(/^dist\//, '');
  return path.join(pkgDir, rel.replace(/(\.d\.ts|\.js)$/, '.ts'));
}

/** Node's exports algorithm for one subpath: the first key of a conditions object that is active wins. */
function exportTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  for (const [condition, value] of Object.entries(entry)) {
    if (!BROWSER_CONDITIONS.has(condition)) continue;
    const target = exportTarget(value);
    if (target !== undefined) return target;
  }
  return undefined;
}

/** `exports` is either one entry for "." or a map keyed by subpaths ("./wire"). */
function isSubpathMap(exports: unknown): exports is Record<string, unknown> {
  return (
    exports !== null &&
    typeof exports === 'object' &&
    !Array.isArray(exports) &&
    Object.keys(exports).every((k) => k.startsWith('.'))
  );
}

function packageEntry(pkgDir: string, subpath: string): string {
  const pkg = readPackageJson(pkgDir);
  const key = subpath === '' ? '.' : `./${subpath}`;
  let target: string | undefined;
  if (pkg.exports !== undefined) {
    const subpaths = isSubpathMap(pkg.exports) ? pkg.exports : { '.': pkg.exports };
    target = exportTarget(subpaths[key]);
    if (target === undefined) throw new Error(`${pkg.name ?? pkgDir} does not export ${key} for browsers`);
  } else if (subpath !== '') {
    target = subpath;
  } else {
    const browser = typeof pkg.browser === 'string' ? pkg.browser : undefined;
    target = browser ?? pkg.module ?? pkg.main ?? 'index.js';
  }
  if (isWorkspaceFile(pkgDir)) return sourceOf(pkgDir, target);
  return resolveFile(path.resolve(pkgDir, target), false);
}

function resolveFile(base: string, typescript: boolean): string {
  const candidates = typescript
    ? [base, `${base}.ts`, path.join(base, 'index.ts')]
    : [base, `${base}.js`, path.join(base, 'index.js')];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (found === undefined) throw new Error(`cannot resolve ${base}`);
  return found;
}

function splitPackage(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const n = specifier.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, n).join('/'), subpath: parts.slice(n).join('/') };
}

function findPackageDir(name: string, fromFile: string): string {
  let dir = path.dirname(fromFile);
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find package ${name} from ${fromFile}`);
    dir = parent;
  }
}

/** Applies the owning package's `browser` object (file replacements), as bundlers for browsers do. */
function browserReplacement(file: string): string {
  const pkgDir = packageDirOf(file);
  const { browser } = readPackageJson(pkgDir);
  if (browser === undefined || typeof browser === 'string') return file;
  for (const [from, to] of Object.entries(browser)) {
    if (to === false || !from.startsWith('.')) continue;
    const workspace = isWorkspaceFile(pkgDir);
    const fromFile = workspace ? sourceOf(pkgDir, from) : path.resolve(pkgDir, from);
    if (fromFile === file) return workspace ? sourceOf(pkgDir, to) : path.resolve(pkgDir, to);
  }
  return file;
}

/** The file's runtime imports: TypeScript is transpiled first, so type-only imports disappear as in a bundle. */
function runtimeImports(file: string): { code: string; specifiers: string[] } {
  const text = readFileSync(file, 'utf8');
  const code = file.endsWith('.ts')
    ? ts.transpileModule(text, {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          isolatedModules: true,
        },
      }).outputText
    : text;
  const specifiers = ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName);
  return { code, specifiers };
}

function isNodeOnly(specifier: string): boolean {
  return (
    specifier.startsWith('node:') ||
    builtinModules.includes(specifier) ||
    NODE_ONLY_PACKAGES.has(splitPackage(specifier).name)
  );
}

function walkImports(entry: string): ImportGraph {
  const graph: ImportGraph = { files: [], code: new Map(), violations: [] };
  const pending = [browserReplacement(entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (graph.code.has(file)) continue;
    const { code, specifiers } = runtimeImports(file);
    graph.files.push(file);
    graph.code.set(file, code);
    for (const specifier of specifiers) {
      if (isNodeOnly(specifier)) {
        graph.violations.push(`${path.relative(repoRoot, file)} imports ${specifier}`);
        continue;
      }
      const target = specifier.startsWith('.')
        ? resolveFile(path.resolve(path.dirname(file), specifier), file.endsWith('.ts'))
        : (() => {
            const { name, subpath } = splitPackage(specifier);
            return packageEntry(findPackageDir(name, file), subpath);
          })();
      pending.push(browserReplacement(target));
    }
  }
  return graph;
}

function relativeFiles(graph: ImportGraph): string[] {
  return graph.files.map((f) => path.relative(repoRoot, f).split(path.sep).join('/'));
}

describe('browser bundle', () => {
  test('browser bundle - the SDK entry reaches no Node builtin, ws or @grpc/grpc-js', () => {
    const graph = walkImports(path.join(clientDir, 'src/index.ts'));
    const files = relativeFiles(graph);

    expect(graph.violations).toEqual([]);
    expect(files).toContain('proto/src/wire.ts');
    expect(files).toContain('services/client/src/default-web-socket.browser.ts');
    expect(files).not.toContain('services/client/src/default-web-socket.ts');
    expect(files.filter((f) => /config\.pb|history\.pb|proto\/src\/index\.ts/.test(f))).toEqual([]);

    // An estimate until esbuild is added: per-module swc minify, no tree shaking, so an upper bound.
    const minified = graph.files
      .map((f) => minifySync(graph.code.get(f) ?? '', { module: true, compress: true, mangle: true }).code)
      .join('\n');
    const gzipped = gzipSync(minified).length;
    console.log(
      `browser bundle estimate: ${graph.files.length} modules, ${minified.length} B minified, ${gzipped} B gzipped`,
    );
  });

  test('browser bundle - the walker catches the gRPC clients behind the full proto index', () => {
    const graph = walkImports(path.join(repoRoot, 'proto/src/index.ts'));

    expect(graph.violations).toEqual(
      expect.arrayContaining([
        'proto/gen/switchboard/v1/config.pb.ts imports @grpc/grpc-js',
        'proto/gen/switchboard/v1/history.pb.ts imports @grpc/grpc-js',
      ]),
    );
  });

  test('browser bundle - the walker catches Node builtins in the CLI', () => {
    const graph = walkImports(path.join(clientDir, 'src/cli.ts'));

    expect(graph.violations).toEqual(
      expect.arrayContaining([
        'services/client/src/cli-args.ts imports node:util',
        'services/client/src/chat.ts imports node:readline',
      ]),
    );
  });
});
