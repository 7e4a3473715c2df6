// Headless Debian Chromium driven by playwright-core, for browser end-to-end tests.
import fs from 'node:fs';
import path from 'node:path';

import type { Browser } from 'playwright-core';

import { BrowserLaunchError } from './errors';
import { isExecutable, screenshotRunDir } from './paths';

/** Debian's chromium package; browser downloads (`playwright install`) are impossible on the test machines. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Without --disable-background-networking Chromium keeps dialling Google hosts the closed network refuses.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking'];

/** Launches headless Chromium from CHROMIUM_PATH; the caller closes it. */
export async function launchBrowser(): Promise<Browser> {
  if (!isExecutable(CHROMIUM_PATH)) {
    throw new BrowserLaunchError(
      CHROMIUM_PATH,
      `Chromium not found at ${CHROMIUM_PATH}. Run \`node deploy/local/ensure-servers.mjs\` ` +
        '(as root it installs the Debian package), or: sudo apt-get install -y --no-install-recommends chromium',
    );
  }
  try {
    // Loaded here, not at the top: requiring playwright-core costs ~0.5 s in every test file importing testkit.
    const { chromium } = await import('playwright-core');
    return await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BrowserLaunchError(CHROMIUM_PATH, `could not launch ${CHROMIUM_PATH}: ${reason}`, {
      cause: error,
    });
  }
}

/**
 * Folder (created) for one test's screenshots: `<run dir>/<testName made file-safe>`. The run dir is
 * `SB_SCREENSHOT_DIR`, which the integration project's global setup sets and its teardown prints.
 */
export function screenshotDir(testName: string, env: NodeJS.ProcessEnv = process.env): string {
  const safe =
    testName
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 100) || 'unnamed';
  const dir = path.join(screenshotRunDir(env), safe);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
