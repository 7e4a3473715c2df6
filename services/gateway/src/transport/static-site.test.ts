import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { StaticSite } from './static-site';

describe('StaticSite', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-static-'));
    fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><title>app</title>${'x'.repeat(2000)}`);
    fs.writeFileSync(path.join(dir, 'app.js'), `console.log(${JSON.stringify('y'.repeat(3000))});`);
    fs.mkdirSync(path.join(dir, 'img'));
    fs.writeFileSync(path.join(dir, 'img', 'a.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    fs.writeFileSync(path.join(os.tmpdir(), 'sb-static-secret.txt'), 'secret');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const site = (fallback?: string) =>
    StaticSite.load(dir, { cacheControl: 'no-cache', ...(fallback === undefined ? {} : { fallback }) });

  it('serves files with their content type, ETag and gzip when accepted', () => {
    const plain = site().answer('app.js', '', '');
    if (plain.kind !== 'file') throw new Error(plain.kind);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toContain('yyy');

    const gz = site().answer('app.js', 'br, gzip;q=0.8', '');
    if (gz.kind !== 'file') throw new Error(gz.kind);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(gz.headers.etag).toBe(plain.headers.etag);
    const refused = site().answer('app.js', 'gzip;q=0', '');
    expect(refused.kind === 'file' ? refused.headers['content-encoding'] : 'x').toBeUndefined();
  });

  it('answers 304 for a matching If-None-Match', () => {
    const first = site().answer('index.html', '', '');
    if (first.kind !== 'file') throw new Error(first.kind);
    const etag = first.headers.etag ?? '';
    expect(site().answer('index.html', '', `"other", W/${etag}`).kind).toBe('not-modified');
    expect(site().answer('index.html', '', '"other"').kind).toBe('file');
  });

  it('serves the index for the root and nested files by their relative path', () => {
    expect(site().answer('', '', '').kind).toBe('file');
    const png = site().answer('img/a.png', 'gzip', '');
    if (png.kind !== 'file') throw new Error(png.kind);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-encoding']).toBeUndefined();
  });

  it('never leaves its directory and falls back only for extension-less app routes', () => {
    expect(site().answer('../sb-static-secret.txt', '', '').kind).toBe('missing');
    expect(site().answer('%2e%2e/sb-static-secret.txt', '', '').kind).toBe('missing');
    expect(site().answer('conversations/abc', '', '').kind).toBe('missing');
    const spa = site('index.html').answer('conversations/abc', '', '');
    expect(spa.kind === 'file' && spa.body.toString().startsWith('<!doctype html>')).toBe(true);
    expect(site('index.html').answer('missing.js', '', '').kind).toBe('missing');
  });

  it('is empty for a directory that does not exist', () => {
    const none = StaticSite.load(path.join(dir, 'nope'), { cacheControl: 'no-cache' });
    expect(none.empty).toBe(true);
    expect(none.answer('widget.js', '', '').kind).toBe('missing');
  });
});
