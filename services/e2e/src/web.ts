import type { launchBrowser } from '@switchboard/testkit';
import { waitFor } from './wait';

/**
 * Small helpers for the browser suites: the widget's parts (`data-sb="…"` inside its open shadow root, which
 * Playwright's CSS locators pierce) and the agent console's (`data-testid="…"`). Types are derived from
 * testkit's launcher so this file needs no import of playwright-core itself.
 */

export type Browser = Awaited<ReturnType<typeof launchBrowser>>;
export type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
export type Page = Awaited<ReturnType<BrowserContext['newPage']>>;
export type Locator = ReturnType<Page['locator']>;

/** What a page showed that a test did not ask for: dialogs (dismissed) and uncaught errors. */
export interface PageWatch {
  readonly dialogs: string[];
  readonly errors: string[];
}

/**
 * Records the page's dialogs (dismissing them) and uncaught errors, and echoes its console errors and
 * warnings to the test output with `label`.
 */
export function watchPage(page: Page, label: string): PageWatch {
  const watch: PageWatch = { dialogs: [], errors: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => {
    watch.errors.push(error.message);
    process.stderr.write(`[${label}] page error: ${error.message}\n`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      // For a failed load the text does not name the URL; the location does.
      const at = message.location().url;
      process.stderr.write(
        `[${label}] browser ${message.type()}: ${message.text()}${at === '' ? '' : ` (${at})`}\n`,
      );
    }
  });
  return watch;
}

// --- the widget ---

/** One part of the widget: `[data-sb="<part>"]`. */
export function widgetPart(page: Page, part: string): Locator {
  return page.locator(`[data-sb="${part}"]`);
}

/**
 * Opens the widget and, when the tenant's pre-chat form shows, answers its name field; resolves once the
 * composer is there.
 */
export async function openWidgetChat(page: Page, name: string): Promise<void> {
  await widgetPart(page, 'launcher').click();
  const composer = widgetPart(page, 'input');
  const prechat = widgetPart(page, 'prechat');
  await composer.or(prechat).first().waitFor({ state: 'visible' });
  if (await prechat.isVisible()) {
    await widgetPart(page, 'field-name').fill(name);
    await widgetPart(page, 'prechat-submit').click();
  }
  await composer.waitFor({ state: 'visible' });
}

/** Types a message into the widget's composer and presses Enter. */
export async function widgetSend(page: Page, text: string): Promise<void> {
  await widgetPart(page, 'input').fill(text);
  await widgetPart(page, 'input').press('Enter');
}

export interface WidgetMessage {
  readonly text: string;
  /** Sent by this visitor. */
  readonly own: boolean;
  /** pending, sent or failed. */
  readonly status: string;
  /** visitor, agent, bot or system. */
  readonly role: string;
  /** The sender's name, shown on the first of a run of others' messages ('' otherwise). */
  readonly sender: string;
}

/** The widget's rendered messages in order: their text exactly as shown, whose, and their status. */
export async function widgetMessages(page: Page): Promise<WidgetMessage[]> {
  const rows = widgetPart(page, 'message');
  const n = await rows.count();
  const out: WidgetMessage[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    const sender = row.locator('[data-sb="sender"]');
    out.push({
      text: (await row.locator('[data-sb="text"]').textContent()) ?? '',
      own: (await row.getAttribute('data-own')) === 'true',
      status: (await row.getAttribute('data-status')) ?? '',
      role: (await row.getAttribute('data-role')) ?? '',
      sender: (await sender.count()) > 0 ? ((await sender.textContent()) ?? '') : '',
    });
  }
  return out;
}

/** The conversation id the widget stored (localStorage of the page's origin), once it has one. */
export async function widgetConversationId(page: Page, widgetKey: string): Promise<string> {
  return waitFor('the widget to store its conversation', async () => {
    const raw = await page.evaluate(
      (key) =>
        (
          globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
        ).localStorage.getItem(key),
      `switchboard:${widgetKey}`,
    );
    const id = raw === null ? '' : ((JSON.parse(raw) as { conversationId?: string }).conversationId ?? '');
    return id === '' ? undefined : id;
  });
}

// --- the agent console ---

/** Signs a demo agent into the console served by the gateway; resolves once the console shows, online. */
export async function consoleLogin(
  page: Page,
  gatewayUrl: string,
  email: string,
  password = 'switchboard',
): Promise<void> {
  await page.goto(`${gatewayUrl}/console/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('console').waitFor();
  await page.locator('[data-testid="status-online"][aria-checked="true"]').waitFor();
}

/** A conversation's row in the console's lists (Mine, All, Closed, or the Queue tab's offers). */
export function consoleItem(page: Page, conversationId: string, state?: string): Locator {
  return page.locator(
    `[data-testid="conversation-item"][data-conversation-id="${conversationId}"]${state === undefined ? '' : `[data-state="${state}"]`}`,
  );
}

/** The console's chat pane, once it shows `conversationId` (in `state` when given). */
export function consoleChatPane(page: Page, conversationId: string, state?: string): Locator {
  return page.locator(
    `[data-testid="chat-pane"][data-conversation-id="${conversationId}"]${state === undefined ? '' : `[data-state="${state}"]`}`,
  );
}

/** Types into the console's composer and presses Enter. */
export async function consoleSend(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('composer-input').press('Enter');
}

export interface ConsoleMessage {
  readonly seq: number;
  /** visitor, agent, bot or system. */
  readonly role: string;
  readonly kind: string;
  readonly text: string;
}

/** The stored messages the open conversation's list shows, in order (pending sends are not included). */
export async function consoleMessages(page: Page): Promise<ConsoleMessage[]> {
  const rows = page.locator('[data-testid="message-list"] [data-testid="message"]');
  const n = await rows.count();
  const out: ConsoleMessage[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    out.push({
      seq: Number(await row.getAttribute('data-seq')),
      role: (await row.getAttribute('data-sender-role')) ?? '',
      kind: (await row.getAttribute('data-kind')) ?? '',
      text: (await row.getByTestId('message-text').textContent()) ?? '',
    });
  }
  return out;
}

/** The console's message row showing `text`. */
export function consoleMessage(page: Page, text: string): Locator {
  return page.getByTestId('message').filter({ hasText: text });
}
