import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationEventType, type TenantSettings } from '@switchboard/proto';
import {
  demoSiteDir,
  launchBrowser,
  screenshotDir,
  startDemoSite,
  type DemoSite,
} from '@switchboard/testkit';
import { AdminApi } from '../src/admin';
import { agentLogin, RawSocket } from '../src/raw-socket';
import { startTestStack, type TestStack, QUICK_ROUTING_ENV } from '../src/stack';
import { uniqueId, waitFor } from '../src/wait';

/**
 * The embeddable widget in headless Chromium, on the demo shop served from its own origin (cross-origin to
 * the gateway, like a customer's site), against the real stack; a raw-socket agent (Bob) answers.
 */

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
type Page = Awaited<ReturnType<BrowserContext['newPage']>>;

const WIDGET_KEY = 'demo-widget-key';
const STORAGE_KEY = `switchboard:${WIDGET_KEY}`;
const XSS_SCRIPT = '<script>alert(1)</script>';
const XSS_IMG = '<img src=x onerror="alert(2)">';

let stack: TestStack;
let admin: AdminApi;
let browser: Browser;
let demo: DemoSite;
let siteDir: string;
/** A group without agents: its visitors get the leave-a-message form. */
const emptyGroup = uniqueId('nobody');
let bob: RawSocket;
let bobToken: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startTestStack('w', {
    env: QUICK_ROUTING_ENV,
  });
  admin = new AdminApi(stack.adminGrpcAddr);
  const current = await admin.tenantSettings();
  if (current === undefined) throw new Error('the demo tenant has no settings');
  // The pre-chat form is on for the whole file (set before anything reads the settings): every visitor
  // answers it (name required).
  const settings: TenantSettings = {
    ...current,
    widget: {
      title: 'Demo Shop help',
      color: '#0f766e',
      position: 'right',
      preChatEnabled: true,
      preChatFields: [
        { key: 'name', labelEn: 'Your name', labelZh: '您的姓名', required: true },
        { key: 'email', labelEn: 'Email', labelZh: '电子邮箱', required: false },
        { key: 'order', labelEn: 'Order number', labelZh: '订单号', required: false },
      ],
      welcomeMessage: 'Hi! How can we help you today?',
      offlineMessage: 'Nobody is around right now. Leave a message and we will write back.',
      csatEnabled: true,
    },
  };
  await admin.updateTenantSettings(settings);
  await waitFor('the widget settings to show the pre-chat form', async () => {
    const res = await fetch(`${stack.httpUrl}/v1/widget/settings?key=${WIDGET_KEY}`);
    const body = (await res.json()) as { pre_chat_enabled?: boolean };
    return body.pre_chat_enabled === true ? true : undefined;
  });
  const login = await agentLogin(stack.httpUrl, 'bob@demo.test');
  bobToken = login.token;
  bob = await RawSocket.connect(stack.wsUrl, login.token);
  await admin.upsertGroup({ id: emptyGroup, name: 'Nobody home' });
  siteDir = await demoVariants();
  demo = await startDemoSite(stack.httpUrl, { dir: siteDir });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser.close();
  await demo.close();
  await rm(siteDir, { recursive: true, force: true });
  await bob.close();
  admin.close();
  await stack.stop();
});

/**
 * The demo shop plus variants of its home page (another <html lang>, more data attributes), in a folder of
 * their own so they are served from the shop's origin like the real pages.
 */
async function demoVariants(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-demo-'));
  await cp(demoSiteDir(), dir, { recursive: true });
  const index = await readFile(join(dir, 'index.html'), 'utf8');
  const variants: Record<string, string> = {
    'zh.html': index.replace('<html lang="en">', '<html lang="zh-CN">'),
    'data-lang.html': index.replace('data-widget-key=', 'data-lang="zh-CN" data-widget-key='),
    'nobody.html': index.replace('data-widget-key=', `data-group="${emptyGroup}" data-widget-key=`),
  };
  for (const [name, html] of Object.entries(variants)) {
    if (html === index) throw new Error(`the demo's index.html no longer has what ${name} changes`);
    await writeFile(join(dir, name), html);
  }
  return dir;
}

async function newPage(opts: { viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  // The widget reports what stops it on the console: show it with the test's output.
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      process.stderr.write(`browser ${message.type()}: ${message.text()}\n`);
    }
  });
  page.on('pageerror', (error) => {
    process.stderr.write(`browser page error: ${error.message}\n`);
  });
  return page;
}

/** Saves a screenshot of the page in this test's folder. */
async function shot(page: Page, file: string): Promise<void> {
  const dir = screenshotDir(expect.getState().currentTestName ?? 'web-widget');
  await page.screenshot({ path: join(dir, file) });
}

const sb = (page: Page, part: string) => page.locator(`[data-sb="${part}"]`);

/** Opens the widget and answers the pre-chat form; resolves once the composer is there. */
async function startChat(
  page: Page,
  answers: { name: string; email?: string; order?: string },
): Promise<void> {
  await sb(page, 'launcher').click();
  await sb(page, 'field-name').fill(answers.name);
  if (answers.email !== undefined) await sb(page, 'field-email').fill(answers.email);
  if (answers.order !== undefined) await sb(page, 'field-order').fill(answers.order);
  await sb(page, 'prechat-submit').click();
  await sb(page, 'input').waitFor({ state: 'visible' });
}

async function type(page: Page, text: string): Promise<void> {
  await sb(page, 'input').fill(text);
  await sb(page, 'input').press('Enter');
}

interface Saved {
  token: string;
  conversationId: string;
  open: boolean;
}

/** The widget's stored state (localStorage of the demo shop's origin). */
async function saved(page: Page): Promise<Saved | undefined> {
  const raw = await page.evaluate(
    (key) =>
      (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(
        key,
      ),
    STORAGE_KEY,
  );
  return raw === null ? undefined : (JSON.parse(raw) as Saved);
}

async function conversationOf(page: Page): Promise<string> {
  return waitFor('the widget to store its conversation', async () => {
    const id = (await saved(page))?.conversationId;
    return id === undefined || id === '' ? undefined : id;
  });
}

/** Bob takes the conversation: waits for the offer, accepts it. */
async function bobAccepts(conversationId: string): Promise<void> {
  await waitFor(`${conversationId} to be offered to Bob`, () =>
    bob
      .events()
      .some(
        (e) =>
          e.conversationId === conversationId &&
          e.type === ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
      )
      ? true
      : undefined,
  );
  await bob.command(conversationId, { $case: 'accept', value: {} });
}

/** The texts Bob has received in a conversation, in delivery order. */
function bobSees(conversationId: string): string[] {
  return bob.delivered(conversationId).map((m) => m.text);
}

async function waitForBobToSee(conversationId: string, text: string): Promise<void> {
  await waitFor(`Bob to receive "${text}"`, () =>
    bobSees(conversationId).includes(text) ? true : undefined,
  );
}

/** GET /v1/agent/conversations/:id as Bob. */
async function conversationRecord(conversationId: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.httpUrl}/v1/agent/conversations/${conversationId}`, {
    headers: { authorization: `Bearer ${bobToken}` },
  });
  if (res.status !== 200) throw new Error(`GET conversation: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The rendered messages: their text exactly as shown, and whose they are. */
async function shownMessages(page: Page): Promise<{ text: string; own: boolean; status: string }[]> {
  const rows = sb(page, 'message');
  const n = await rows.count();
  const out: { text: string; own: boolean; status: string }[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    out.push({
      text: (await row.locator('[data-sb="text"]').textContent()) ?? '',
      own: (await row.getAttribute('data-own')) === 'true',
      status: (await row.getAttribute('data-status')) ?? '',
    });
  }
  return out;
}

let replyCount = 0;
function reply(conversationId: string, text: string): Promise<unknown> {
  return bob.sendText(conversationId, text, uniqueId(`bob${++replyCount}-`));
}

describe('web widget (demo shop in Chromium, real stack)', () => {
  test('widget - chat with an agent: reply, typing, read receipt, unread badge, thread kept across pages', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/index.html`);
    await sb(page, 'launcher').waitFor();
    await shot(page, '01-launcher.png');

    await startChat(page, { name: 'Ann' });
    await expect(sb(page, 'welcome').textContent()).resolves.toBe('Hi! How can we help you today?');
    await expect(sb(page, 'title').textContent()).resolves.toBe('Demo Shop help');
    await type(page, 'Is the stoneware mug dishwasher safe?');
    const conversationId = await conversationOf(page);
    await waitForBobToSee(conversationId, 'Is the stoneware mug dishwasher safe?');
    await bobAccepts(conversationId);
    await sb(page, 'subtitle').filter({ hasText: 'Chatting with Bob' }).waitFor();

    bob.typing(conversationId, true);
    await sb(page, 'typing').filter({ hasText: 'Bob is typing…' }).waitFor();
    await shot(page, '02-typing.png');
    const [visitorMessage] = bob.delivered(conversationId);
    bob.markRead(conversationId, visitorMessage?.seq ?? 1);
    await sb(page, 'read').filter({ hasText: 'Read' }).waitFor();
    await reply(conversationId, 'Yes, it is dishwasher and microwave safe.');
    const agentRow = sb(page, 'message').filter({ hasText: 'Yes, it is dishwasher and microwave safe.' });
    await agentRow.waitFor();
    await expect(agentRow.getAttribute('data-own')).resolves.toBe('false');
    await expect(agentRow.locator('[data-sb="sender"]').textContent()).resolves.toBe('Bob');
    await expect(sb(page, 'typing').isHidden()).resolves.toBe(true);
    await shot(page, '03-reply.png');

    // Closed panel: the next reply raises the badge.
    await sb(page, 'close').click();
    await expect(sb(page, 'panel').isHidden()).resolves.toBe(true);
    await reply(conversationId, 'Anything else I can help with?');
    await sb(page, 'badge').filter({ hasText: '1' }).waitFor();
    await shot(page, '04-badge.png');

    // Another page of the shop: same conversation, the thread is back, the unread count too.
    await page.locator('a.card').first().click();
    await page.waitForURL('**/product.html');
    await sb(page, 'badge').filter({ hasText: '1' }).waitFor();
    await expect(conversationOf(page)).resolves.toBe(conversationId);
    await sb(page, 'launcher').click();
    await sb(page, 'message').filter({ hasText: 'Anything else I can help with?' }).waitFor();
    expect(await shownMessages(page)).toEqual([
      { text: 'Is the stoneware mug dishwasher safe?', own: true, status: 'sent' },
      { text: 'Yes, it is dishwasher and microwave safe.', own: false, status: 'sent' },
      { text: 'Anything else I can help with?', own: false, status: 'sent' },
    ]);
    await expect(sb(page, 'badge').isHidden()).resolves.toBe(true);
    await shot(page, '05-product-page.png');

    // A second tab of the shop joins the same conversation; what one tab sends, the other shows as own.
    const tab2 = await page.context().newPage();
    await tab2.goto(`${demo.url}/index.html`);
    // The panel was left open: it opens by itself.
    await sb(tab2, 'panel').waitFor();
    await sb(tab2, 'message').filter({ hasText: 'Anything else I can help with?' }).waitFor();
    await type(tab2, 'No, thanks!');
    await waitForBobToSee(conversationId, 'No, thanks!');
    const fromOtherTab = sb(page, 'message').filter({ hasText: 'No, thanks!' });
    await fromOtherTab.waitFor();
    await expect(fromOtherTab.getAttribute('data-own')).resolves.toBe('true');
    expect((await shownMessages(tab2)).map((m) => m.text)).toEqual(
      (await shownMessages(page)).map((m) => m.text),
    );
    await shot(tab2, '06-second-tab.png');
  });

  test('widget - pre-chat form: required fields are enforced, the answers reach the agent as visitor context', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/index.html`);
    await sb(page, 'launcher').click();
    await sb(page, 'prechat').waitFor();
    await expect(sb(page, 'input').isHidden()).resolves.toBe(true);
    await sb(page, 'field-email').fill('not an email');
    await sb(page, 'prechat-submit').click();
    await expect(sb(page, 'field-name').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(sb(page, 'field-email').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(sb(page, 'field-error').allTextContents()).resolves.toEqual([
      'This field is required.',
      'Please enter a valid email address.',
      '',
    ]);
    await shot(page, '01-prechat-errors.png');
    expect(await saved(page)).toMatchObject({ token: '' });

    await sb(page, 'field-name').fill('Ann Lee');
    await sb(page, 'field-email').fill('ann@example.com');
    await sb(page, 'field-order').fill('A-1001');
    await sb(page, 'prechat-submit').click();
    await type(page, 'Where is my order?');
    const conversationId = await conversationOf(page);
    await waitForBobToSee(conversationId, 'Where is my order?');
    const record = await conversationRecord(conversationId);
    expect(record['visitor_context']).toMatchObject({
      name: 'Ann Lee',
      email: 'ann@example.com',
      fields: { order: 'A-1001' },
      language: 'en',
      page_url: `${demo.url}/index.html`,
    });
    await shot(page, '02-chatting.png');
  });

  test('widget - zh-CN from <html lang> and from data-lang', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/zh.html`);
    await expect(sb(page, 'launcher').getAttribute('aria-label')).resolves.toBe('打开聊天');
    await sb(page, 'launcher').click();
    await expect(page.locator('[data-sb="prechat"] label').allTextContents()).resolves.toEqual([
      '您的姓名*',
      '电子邮箱',
      '订单号',
    ]);
    await expect(sb(page, 'prechat-submit').textContent()).resolves.toBe('开始聊天');
    await sb(page, 'prechat-submit').click();
    await expect(sb(page, 'field-error').first().textContent()).resolves.toBe('此项为必填项。');
    await sb(page, 'field-name').fill('王芳');
    await sb(page, 'prechat-submit').click();
    await expect(sb(page, 'input').getAttribute('placeholder')).resolves.toBe('请输入消息…');
    await type(page, '你好，请问有优惠吗？');
    const conversationId = await conversationOf(page);
    await waitForBobToSee(conversationId, '你好，请问有优惠吗？');
    await sb(page, 'subtitle').filter({ hasText: '客服马上就来' }).waitFor();
    await shot(page, '01-zh-html-lang.png');
    expect((await conversationRecord(conversationId))['visitor_context']).toMatchObject({
      name: '王芳',
      language: 'zh-CN',
    });

    // data-lang wins over an English page.
    const second = await newPage();
    await second.goto(`${demo.url}/data-lang.html`);
    await expect(sb(second, 'launcher').getAttribute('aria-label')).resolves.toBe('打开聊天');
    await expect(sb(second, 'root').getAttribute('lang')).resolves.toBe('zh-CN');
  });

  test('widget - markup from either side is shown as literal text', async () => {
    const page = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${demo.url}/index.html`);
    await startChat(page, { name: '<b>Eve</b>' });
    await type(page, XSS_SCRIPT);
    await type(page, XSS_IMG);
    const conversationId = await conversationOf(page);
    await waitForBobToSee(conversationId, XSS_IMG);
    await bobAccepts(conversationId);
    await reply(conversationId, XSS_SCRIPT);
    await reply(conversationId, `${XSS_IMG} see https://example.com/a?b=1 and javascript:alert(3)`);
    await sb(page, 'message').filter({ hasText: 'javascript:alert(3)' }).waitFor();

    expect(bobSees(conversationId)).toEqual([
      XSS_SCRIPT,
      XSS_IMG,
      XSS_SCRIPT,
      `${XSS_IMG} see https://example.com/a?b=1 and javascript:alert(3)`,
    ]);
    expect((await shownMessages(page)).map((m) => [m.text, m.own])).toEqual([
      [XSS_SCRIPT, true],
      [XSS_IMG, true],
      [XSS_SCRIPT, false],
      [`${XSS_IMG} see https://example.com/a?b=1 and javascript:alert(3)`, false],
    ]);
    // Nothing was parsed as markup: no image or script element in the page or the widget's shadow root.
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.locator('[data-sb="messages"] script').count()).resolves.toBe(0);
    await expect(page.locator('[data-sb="messages"] b').count()).resolves.toBe(0);
    // The only link is the http(s) URL, opened safely.
    const links = page.locator('[data-sb="messages"] a');
    await expect(links.count()).resolves.toBe(1);
    await expect(links.first().getAttribute('href')).resolves.toBe('https://example.com/a?b=1');
    await expect(links.first().getAttribute('rel')).resolves.toContain('noopener');
    await shot(page, '01-literal-text.png');
    expect(dialogs).toEqual([]);
  });

  test('widget - phone viewport: the open panel fills the screen', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${demo.url}/product.html`);
    await sb(page, 'launcher').waitFor();
    await shot(page, '01-launcher.png');
    await startChat(page, { name: 'Pat' });
    await type(page, 'Do you ship to Canada?');
    await sb(page, 'message').filter({ hasText: 'Do you ship to Canada?' }).waitFor();
    const box = await sb(page, 'panel').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await expect(sb(page, 'launcher').isHidden()).resolves.toBe(true);
    await shot(page, '02-full-screen-panel.png');
    await page.keyboard.press('Escape');
    await expect(sb(page, 'panel').isHidden()).resolves.toBe(true);
    await expect(sb(page, 'launcher').isVisible()).resolves.toBe(true);
  });

  test('widget - offline: Reconnecting banner, messages written offline arrive once and in order', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/index.html`);
    await startChat(page, { name: 'Olga' });
    await type(page, 'before the tunnel');
    const conversationId = await conversationOf(page);
    await waitForBobToSee(conversationId, 'before the tunnel');
    await bobAccepts(conversationId);

    await page.context().setOffline(true);
    await sb(page, 'banner').filter({ hasText: 'Reconnecting…' }).waitFor();
    const offlineTexts = ['offline one', 'offline two', 'offline three'];
    for (const text of offlineTexts) await type(page, text);
    expect((await shownMessages(page)).slice(-3)).toEqual(
      offlineTexts.map((text) => ({ text, own: true, status: 'pending' })),
    );
    await shot(page, '01-offline-pending.png');
    await page.context().setOffline(false);

    await waitFor('the offline messages to reach Bob', () =>
      bobSees(conversationId).length >= 1 + offlineTexts.length ? true : undefined,
    );
    await sb(page, 'banner').waitFor({ state: 'hidden' });
    await waitFor('every message to be shown as sent', async () =>
      (await shownMessages(page)).every((m) => m.status === 'sent') ? true : undefined,
    );
    // A moment for any duplicate to show up.
    await bob.ping();
    const delivered = bob.delivered(conversationId);
    expect(delivered.map((m) => m.text)).toEqual(['before the tunnel', ...offlineTexts]);
    const seqs = delivered.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect((await shownMessages(page)).map((m) => m.text)).toEqual(['before the tunnel', ...offlineTexts]);
    await shot(page, '02-back-online.png');
  });

  test('widget - the agent closes the conversation: rating prompt, rating stored, new conversation', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/index.html`);
    await startChat(page, { name: 'Rita' });
    await type(page, 'Can I change my delivery address?');
    const conversationId = await conversationOf(page);
    await waitForBobToSee(conversationId, 'Can I change my delivery address?');
    await bobAccepts(conversationId);
    await reply(conversationId, 'Done, it is updated.');
    await sb(page, 'message').filter({ hasText: 'Done, it is updated.' }).waitFor();
    await bob.command(conversationId, { $case: 'close', value: { reason: 'resolved', reopenWindowMs: 0 } });

    await sb(page, 'csat').waitFor();
    await expect(sb(page, 'closed-notice').textContent()).resolves.toBe('This conversation has ended.');
    await expect(sb(page, 'input').isHidden()).resolves.toBe(true);
    await shot(page, '01-csat-prompt.png');
    await page.locator('[data-sb="csat-star"][data-score="4"]').click();
    await sb(page, 'csat-comment').fill('Quick and friendly');
    await sb(page, 'csat-submit').click();
    await sb(page, 'csat-thanks').waitFor();
    await shot(page, '02-csat-thanks.png');
    const csat = await waitFor('the rating to be stored', async () => {
      const c = (await conversationRecord(conversationId))['csat'] as {
        score?: number;
        comment?: string;
      } | null;
      return c === null ? undefined : c;
    });
    expect(csat).toMatchObject({ score: 4, comment: 'Quick and friendly' });

    await sb(page, 'new-conversation').click();
    await sb(page, 'input').waitFor({ state: 'visible' });
    await expect(sb(page, 'message').count()).resolves.toBe(0);
    await type(page, 'One more question');
    const next = await waitFor('a new conversation', async () => {
      const id = (await saved(page))?.conversationId;
      return id !== undefined && id !== '' && id !== conversationId ? id : undefined;
    });
    await waitForBobToSee(next, 'One more question');
    await shot(page, '03-new-conversation.png');
  });

  test('widget - nobody available: the leave-a-message form sends the message into the queue', async () => {
    const page = await newPage();
    await page.goto(`${demo.url}/nobody.html`);
    await startChat(page, { name: 'Nora', email: 'nora@example.com' });
    await type(page, 'Is the teapot in stock?');
    await sb(page, 'offline-form').waitFor();
    await expect(page.locator('[data-sb="offline"] p').first().textContent()).resolves.toBe(
      'Nobody is around right now. Leave a message and we will write back.',
    );
    await expect(sb(page, 'input').isHidden()).resolves.toBe(true);
    await expect(sb(page, 'field-email').last().inputValue()).resolves.toBe('nora@example.com');
    await shot(page, '01-offline-form.png');
    await page
      .locator('[data-sb="offline-form"] [data-sb="field-message"]')
      .fill('Please email me when it is back.');
    await sb(page, 'offline-submit').click();
    await sb(page, 'offline-sent').waitFor();
    const conversationId = await conversationOf(page);
    await waitFor('the left message to be stored', async () => {
      const shown = await shownMessages(page);
      return shown.length === 2 && shown.every((m) => m.status === 'sent') ? shown : undefined;
    });
    const record = await conversationRecord(conversationId);
    expect(record).toMatchObject({ state: 'queued', group_id: emptyGroup });
    await shot(page, '02-offline-sent.png');
  });
});
