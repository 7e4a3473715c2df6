import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { freePort, launchBrowser, screenshotDir } from '../src/index';

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>testkit browser</title></head>
<body><h1>Switchboard</h1><p id="message"></p></body></html>`;

const PAYLOAD = '<script>alert(1)</script>';

function serve(port: number): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => {
      if (error === undefined) resolve();
      else reject(error);
    });
    server.closeAllConnections();
  });
}

describe('launchBrowser', () => {
  let server: http.Server | undefined;
  let browser: Browser | undefined;
  let url = '';

  beforeAll(async () => {
    const port = await freePort();
    server = await serve(port);
    url = `http://127.0.0.1:${port}/`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    if (server !== undefined) await close(server);
  });

  async function newPage(): Promise<Page> {
    if (browser === undefined) throw new Error('browser did not launch');
    const page = await browser.newPage();
    await page.goto(url);
    return page;
  }

  async function setMessage(page: Page, text: string): Promise<void> {
    // Runs in the page; the TypeScript lib here has no DOM types, hence the structural parameter type.
    await page.locator('#message').evaluate((element: { textContent: string | null }, value: string) => {
      element.textContent = value;
    }, text);
  }

  test('launchBrowser - markup set through textContent stays text', async () => {
    const page = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    await setMessage(page, PAYLOAD);

    const message = page.locator('#message');
    expect(await message.textContent()).toBe(PAYLOAD);
    expect(await message.innerHTML()).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(await page.locator('#message script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  test('launchBrowser - saves a PNG screenshot into screenshotDir', async () => {
    const page = await newPage();
    const file = path.join(screenshotDir(expect.getState().currentTestName ?? 'browser'), 'page.png');

    await setMessage(page, PAYLOAD);
    await page.screenshot({ path: file, fullPage: true });
    await page.close();

    const png = fs.readFileSync(file);
    expect(png.length).toBeGreaterThan(0);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});
