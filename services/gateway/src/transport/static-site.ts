import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file held in memory, with its gzipped twin when that is smaller. */
export interface StaticFile {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer | undefined;
  readonly etag: string;
}

/** What to send for a request: a file (full or gzipped), 304, or nothing found. */
export type StaticAnswer =
  | {
      readonly kind: 'file';
      readonly status: 200;
      readonly body: Buffer;
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'not-modified'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'missing' };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Files larger than this are not loaded (the web apps are a few hundred KB in all). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface StaticSiteOptions {
  /** `cache-control` for every file; revalidation with the ETag keeps it cheap. */
  readonly cacheControl: string;
  /** A path with no file answers with this one (a single-page app's index.html), when set. */
  readonly fallback?: string;
  /** Sent with every file, e.g. a Content-Security-Policy for the app's pages. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A built web app (the widget bundle, the console) served from memory: read once at start, ETag from the
 * content, gzip when the client accepts it. Paths are looked up in a map, never joined onto the
 * filesystem, so `..` or encoded separators cannot reach another file.
 */
export class StaticSite {
  private constructor(
    readonly dir: string,
    private readonly files: ReadonlyMap<string, StaticFile>,
    private readonly options: StaticSiteOptions,
  ) {}

  /** Loads every file under `dir`; a missing directory gives an empty site (see `empty`). */
  static load(dir: string, options: StaticSiteOptions): StaticSite {
    const files = new Map<string, StaticFile>();
    const walk = (d: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.isFile()) {
          const rel = path.relative(dir, full).split(path.sep).join('/');
          const body = fs.readFileSync(full);
          if (body.length <= MAX_FILE_BYTES) files.set(rel, staticFile(rel, body));
        }
      }
    };
    walk(dir);
    return new StaticSite(dir, files, options);
  }

  get empty(): boolean {
    return this.files.size === 0;
  }

  /** The site's file paths, sorted (relative, `/`-separated). */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /**
   * Answers `relPath` (relative to the site, no leading slash; '' is the index). `acceptEncoding` and
   * `ifNoneMatch` are the request's headers.
   */
  answer(relPath: string, acceptEncoding: string, ifNoneMatch: string): StaticAnswer {
    const wanted = relPath === '' || relPath.endsWith('/') ? `${relPath}index.html` : relPath;
    let file = this.files.get(wanted);
    if (file === undefined && this.options.fallback !== undefined && !/\.[a-z0-9]+$/i.test(wanted)) {
      file = this.files.get(this.options.fallback);
    }
    if (file === undefined) return { kind: 'missing' };
    const headers: Record<string, string> = {
      'cache-control': this.options.cacheControl,
      etag: file.etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
      ...this.options.headers,
    };
    if (etagMatches(ifNoneMatch, file.etag)) return { kind: 'not-modified', headers };
    headers['content-type'] = file.contentType;
    if (file.gzipped !== undefined && acceptsGzip(acceptEncoding)) {
      headers['content-encoding'] = 'gzip';
      return { kind: 'file', status: 200, body: file.gzipped, headers };
    }
    return { kind: 'file', status: 200, body: file.body, headers };
  }
}

function staticFile(rel: string, body: Buffer): StaticFile {
  const contentType = CONTENT_TYPES[path.extname(rel).toLowerCase()] ?? 'application/octet-stream';
  const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType);
  const gz = compressible ? gzipSync(body, { level: 9 }) : undefined;
  return {
    contentType,
    body,
    gzipped: gz !== undefined && gz.length < body.length ? gz : undefined,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

function acceptsGzip(acceptEncoding: string): boolean {
  return acceptEncoding
    .toLowerCase()
    .split(',')
    .some((part) => {
      const [name, ...params] = part.trim().split(';');
      if (name?.trim() !== 'gzip') return false;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return q === undefined || Number(q.slice(2)) > 0;
    });
}

function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === '') return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
