import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { repoRoot } from './workspace-build';

/** The demo shop's pages: services/widget/demo. */
export function demoSiteDir(root: string = repoRoot()): string {
  return path.join(root, 'services', 'widget', 'demo');
}

export interface DemoSite {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

export interface DemoSiteOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly dir?: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The demo shop (a customer's site embedding the widget) on its own origin, so the widget runs
 * cross-origin from the gateway as it does on a real customer's page. Files are read on each request
 * (edit and reload), and only names inside the directory are served.
 */
export async function startDemoSite(gateway: string, options: DemoSiteOptions = {}): Promise<DemoSite> {
  const dir = options.dir ?? demoSiteDir();
  // The gateway's HTTP URL goes into the pages' script tag where they say `%GATEWAY_URL%`.
  const gatewayUrl = gateway.replace(/\/+$/, '');
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const file = name === '' ? 'index.html' : name;
    const full = path.resolve(dir, file);
    if (!full.startsWith(dir + path.sep) || !fs.existsSync(full) || !fs.statSync(full).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no page /${file}\n`);
      return;
    }
    const ext = path.extname(full).toLowerCase();
    let body: Buffer | string = fs.readFileSync(full);
    if (ext === '.html') body = body.toString('utf8').replaceAll('%GATEWAY_URL%', gatewayUrl);
    res
      .writeHead(200, {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      })
      .end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
