import { join } from 'node:path';
import { launchBrowser, screenshotDir, startDemoSite, type DemoSite } from '@switchboard/testkit';
import { AdminApi } from '../src/admin';
import { loginToken, rest } from '../src/rest';
import { startTestStack, type TestStack, QUICK_ROUTING_ENV } from '../src/stack';
import { waitFor } from '../src/wait';
import {
  consoleChatPane,
  consoleItem,
  consoleLogin,
  consoleMessage,
  consoleMessages,
  consoleSend,
  openWidgetChat,
  widgetConversationId,
  widgetMessages,
  widgetPart,
  widgetSend,
  watchPage,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type PageWatch,
} from '../src/web';

/**
 * The whole product in two browsers: visitors on the demo shop (its own origin, the widget embedded as a
 * customer would) and agents in the real console served by the gateway, against the real stack. Every demo
 * agent holds one conversation at a time here, and only the agents a step needs are signed in: Bob from the
 * start, Carol from the transfer on (Alice never), so who is offered what is known in advance. The tests
 * share the pages and run in order; each step saves a screenshot of every page involved.
 */

const WIDGET_KEY = 'demo-widget-key';
const SCRIPT_PAYLOAD = '<script>window.__pwned=1</script>';
const IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">';
const VIEWPORT = { width: 1280, height: 800 };

interface Visitor {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  conversationId: string;
}

let stack: TestStack;
let admin: AdminApi;
let browser: Browser;
let demo: DemoSite;
/** Bob's agent token, for the REST record. */
let bobToken: string;
let bob: Page;
let carol: Page;
let ann: Visitor;
let ben: Visitor;
let cleo: Visitor;
const contexts: BrowserContext[] = [];
const watches = new Map<string, PageWatch>();

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack('wd', {
      env: { ...QUICK_ROUTING_ENV, admin: { SEED_AGENT_MAX_CONCURRENT: '1' } },
    }),
    launchBrowser(),
  ]);
  admin = new AdminApi(stack.adminGrpcAddr);
  const current = await admin.tenantSettings();
  if (current?.widget === undefined) throw new Error('the demo tenant has no widget settings');
  // The gateway caches a tenant's widget settings for 30 s, so the pre-chat form (the visitor's name, which
  // the console then shows) is switched on before anything reads them.
  await admin.updateTenantSettings({
    ...current,
    widget: {
      ...current.widget,
      preChatEnabled: true,
      preChatFields: [{ key: 'name', labelEn: 'Your name', labelZh: '您的姓名', required: true }],
    },
  });
  await waitFor('the widget settings to show the pre-chat form', async () => {
    const res = await rest(stack.httpUrl, 'GET', `/v1/widget/settings?key=${WIDGET_KEY}`);
    return res.body['pre_chat_enabled'] === true ? true : undefined;
  });
  demo = await startDemoSite(stack.httpUrl);
  bobToken = await loginToken(stack.httpUrl, 'bob@demo.test');
  bob = await newPage('console-bob');
  await consoleLogin(bob, stack.httpUrl, 'bob@demo.test');
}, 120_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser.close();
  await demo.close();
  admin.close();
  await stack.stop();
});

let step = 0;
beforeEach(() => {
  step = 0;
});

async function newPage(label: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watches.set(label, watchPage(page, label));
  return page;
}

/** A visitor on the demo shop's home page, the widget's launcher showing. */
async function visitShop(name: string): Promise<Visitor> {
  const page = await newPage(`widget-${name.toLowerCase()}`);
  await page.goto(`${demo.url}/index.html`);
  await widgetPart(page, 'launcher').waitFor();
  return { name, context: page.context(), page, conversationId: '' };
}

/** Opens the widget, answers the pre-chat form, sends the first message and notes the conversation. */
async function startChat(visitor: Visitor, first: string): Promise<void> {
  await openWidgetChat(visitor.page, visitor.name);
  await widgetSend(visitor.page, first);
  visitor.conversationId = await widgetConversationId(visitor.page, WIDGET_KEY);
}

/** Saves this step's screenshot of every page given, as `NN-<what>-<page>.png` in the test's folder. */
async function shots(what: string, pages: Record<string, Page>): Promise<void> {
  step++;
  const dir = screenshotDir(expect.getState().currentTestName ?? 'web-demo');
  const nn = String(step).padStart(2, '0');
  await Promise.all(
    Object.entries(pages).map(([who, page]) =>
      page.screenshot({ path: join(dir, `${nn}-${what}-${who}.png`) }),
    ),
  );
}

function widgetRow(visitor: Visitor, text: string): Locator {
  return widgetPart(visitor.page, 'message').filter({ hasText: text });
}

function subtitle(visitor: Visitor, text: string): Locator {
  return widgetPart(visitor.page, 'subtitle').filter({ hasText: text });
}

/** The console's text messages of the open conversation, as [role, text]. */
async function consoleThread(page: Page): Promise<[string, string][]> {
  return (await consoleMessages(page))
    .filter((m) => m.kind === 'text')
    .map((m): [string, string] => [m.role, m.text]);
}

/** The widget's messages, as [own, text]. */
async function widgetThread(visitor: Visitor): Promise<[boolean, string][]> {
  return (await widgetMessages(visitor.page)).map((m): [boolean, string] => [m.own, m.text]);
}

async function conversationRecord(conversationId: string): Promise<Record<string, unknown>> {
  const res = await rest(stack.httpUrl, 'GET', `/v1/agent/conversations/${conversationId}`, {
    token: bobToken,
  });
  if (res.status !== 200) throw new Error(`GET conversation: ${res.status} ${res.text}`);
  return res.body;
}

describe('web demo', () => {
  test('both-way chat: a shop visitor asks, Bob accepts the offer in the console and replies, the visitor answers', async () => {
    ann = await visitShop('Ann');
    await shots('shop-and-console', { 'widget-ann': ann.page, 'console-bob': bob });

    await startChat(ann, 'Hi! Is the stoneware mug dishwasher safe?');
    await widgetRow(ann, 'dishwasher safe?').waitFor();
    const offer = consoleItem(bob, ann.conversationId, 'assigned');
    await offer.waitFor();
    await shots('offered', { 'widget-ann': ann.page, 'console-bob': bob });

    await offer.click();
    await consoleMessage(bob, 'Is the stoneware mug dishwasher safe?').waitFor();
    await expect(bob.getByTestId('chat-title').textContent()).resolves.toBe('Ann');
    await bob.getByTestId('action-accept').click();
    await consoleChatPane(bob, ann.conversationId, 'chatting').waitFor();
    await subtitle(ann, 'Chatting with Bob').waitFor();
    await widgetPart(ann.page, 'notice').filter({ hasText: 'Bob joined the conversation' }).waitFor();
    await shots('accepted', { 'widget-ann': ann.page, 'console-bob': bob });

    await consoleSend(bob, 'Yes, it is dishwasher and microwave safe.');
    const reply = widgetRow(ann, 'Yes, it is dishwasher and microwave safe.');
    await reply.waitFor();
    await expect(reply.getAttribute('data-own')).resolves.toBe('false');
    await expect(reply.locator('[data-sb="sender"]').textContent()).resolves.toBe('Bob');
    await shots('agent-replied', { 'widget-ann': ann.page, 'console-bob': bob });

    await widgetSend(ann.page, 'Great, I will take two.');
    await consoleMessage(bob, 'Great, I will take two.').waitFor();
    await widgetRow(ann, 'Great, I will take two.').and(ann.page.locator('[data-status="sent"]')).waitFor();
    expect(await consoleThread(bob)).toEqual([
      ['visitor', 'Hi! Is the stoneware mug dishwasher safe?'],
      ['agent', 'Yes, it is dishwasher and microwave safe.'],
      ['visitor', 'Great, I will take two.'],
    ]);
    expect(await widgetThread(ann)).toEqual([
      [true, 'Hi! Is the stoneware mug dishwasher safe?'],
      [false, 'Yes, it is dishwasher and microwave safe.'],
      [true, 'Great, I will take two.'],
    ]);
    await shots('visitor-answered', { 'widget-ann': ann.page, 'console-bob': bob });
  });

  test('every agent busy: the next visitor sees its place in line and the Queue tab lists it; closing the first chat offers it to Bob', async () => {
    // Bob (capacity 1) is chatting with Ann and is the only agent online.
    ben = await visitShop('Ben');
    await startChat(ben, 'Do you have the cast iron teapot in black?');
    const line = widgetPart(ben.page, 'queue').filter({ hasText: 'You are number 1 in line' });
    await line.waitFor();
    expect(await line.textContent()).toMatch(
      /^You are number 1 in line · (about \d+ min|an agent will join shortly)$/,
    );
    await bob.getByTestId('tab-queue').click();
    const entry = bob.locator(`[data-testid="queue-item"][data-conversation-id="${ben.conversationId}"]`);
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(/^#1.*Ben.*waiting \d\d:\d\d/);
    // Full: nothing is offered to Bob while he holds Ann's conversation.
    expect(await consoleItem(bob, ben.conversationId).count()).toBe(0);
    await shots('queued', { 'widget-ben': ben.page, 'console-bob': bob });

    // Bob closes Ann's conversation (still the one on screen): Ann's is over, Ben's is offered to him.
    await consoleChatPane(bob, ann.conversationId, 'chatting').waitFor();
    await bob.getByTestId('action-close').click();
    await bob.getByTestId('action-close').filter({ hasText: 'Confirm close' }).click();
    await consoleChatPane(bob, ann.conversationId, 'closed').waitFor();
    await widgetPart(ann.page, 'closed-notice').waitFor();
    const offered = bob.locator(
      `[data-testid="queue-offered"] [data-conversation-id="${ben.conversationId}"][data-state="assigned"]`,
    );
    await offered.waitFor();
    await entry.waitFor({ state: 'detached' });
    await shots('first-closed-next-offered', {
      'widget-ben': ben.page,
      'widget-ann': ann.page,
      'console-bob': bob,
    });

    await offered.getByTestId('accept-inline').click();
    await consoleChatPane(bob, ben.conversationId, 'chatting').waitFor();
    await subtitle(ben, 'Chatting with Bob').waitFor();
    await widgetPart(ben.page, 'queue').waitFor({ state: 'hidden' });
    await consoleSend(bob, 'Hi Ben, let me check the teapot colours for you.');
    await widgetRow(ben, 'let me check the teapot colours').waitFor();
    await bob.getByTestId('tab-mine').click();
    await consoleItem(bob, ben.conversationId, 'chatting').waitFor();
    await shots('accepted', { 'widget-ben': ben.page, 'console-bob': bob });
  });

  test('close followed by CSAT: the visitor rates 5 with a comment, the console and the record show it', async () => {
    // Bob closed Ann's conversation in the console in the previous step: her widget asks for a rating.
    await widgetPart(ann.page, 'csat').waitFor();
    await expect(widgetPart(ann.page, 'closed-notice').textContent()).resolves.toBe(
      'This conversation has ended.',
    );
    await subtitle(ann, 'Conversation ended').waitFor();
    await expect(widgetPart(ann.page, 'input').isHidden()).resolves.toBe(true);
    // Bob finds it under Closed (read from REST when first shown): not rated yet.
    await bob.getByTestId('tab-closed').click();
    await consoleItem(bob, ann.conversationId, 'closed').click();
    await consoleChatPane(bob, ann.conversationId, 'closed').waitFor();
    await consoleMessage(bob, 'Great, I will take two.').waitFor();
    await expect(bob.getByTestId('ctx-csat').count()).resolves.toBe(0);
    await shots('rating-prompt', { 'widget-ann': ann.page, 'console-bob': bob });

    await ann.page.locator('[data-sb="csat-star"][data-score="5"]').click();
    await widgetPart(ann.page, 'csat-comment').fill('Bob was quick and friendly');
    await widgetPart(ann.page, 'csat-submit').click();
    await widgetPart(ann.page, 'csat-thanks').waitFor();
    // The details Bob has open show the rating as it comes in.
    const shown = bob.getByTestId('ctx-csat');
    await shown.filter({ hasText: '5 / 5' }).waitFor();
    await expect(shown.locator('.csat-comment').textContent()).resolves.toBe('Bob was quick and friendly');
    await expect(shown.locator('.stars').getAttribute('aria-label')).resolves.toBe('5 / 5');
    // The REST record has it too (its store may lag the live event by a moment).
    const record = await waitFor('the rating on the REST record', async () => {
      const r = await conversationRecord(ann.conversationId);
      return r['csat'] === null || r['csat'] === undefined ? undefined : r;
    });
    expect(record).toMatchObject({
      state: 'closed',
      csat: { score: 5, comment: 'Bob was quick and friendly' },
    });
    await shots('rated', { 'widget-ann': ann.page, 'console-bob': bob });
    await bob.getByTestId('tab-mine').click();
    // Ann is done: her page is closed to spare the two cores.
    await ann.context.close();
  });

  test('transfer: Bob hands the chat to Carol in the dialog, Carol accepts in her console and replies in the same thread', async () => {
    carol = await newPage('console-carol');
    await consoleLogin(carol, stack.httpUrl, 'carol@demo.test');
    await consoleItem(bob, ben.conversationId).click();
    await consoleChatPane(bob, ben.conversationId, 'chatting').waitFor();
    await bob.getByTestId('action-transfer').click();
    const target = bob.getByTestId('transfer-target');
    const carolId = await target.locator('option', { hasText: 'Carol' }).getAttribute('value');
    if (carolId === null) throw new Error('Carol is not in the transfer dialog');
    await target.selectOption(carolId);
    await bob.getByTestId('transfer-note').fill('Teapot colours: over to you');
    await shots('transfer-dialog', { 'widget-ben': ben.page, 'console-bob': bob, 'console-carol': carol });

    await bob.getByTestId('transfer-submit').click();
    await bob.getByTestId('transfer-dialog').waitFor({ state: 'detached' });
    const offer = consoleItem(carol, ben.conversationId, 'assigned');
    await offer.waitFor();
    await widgetPart(ben.page, 'notice').filter({ hasText: 'Transferring you to another agent…' }).waitFor();
    await shots('offered-to-carol', { 'widget-ben': ben.page, 'console-bob': bob, 'console-carol': carol });

    await offer.click();
    // Carol sees the thread so far and Bob's note before accepting.
    await consoleMessage(carol, 'Do you have the cast iron teapot in black?').waitFor();
    await carol
      .locator('[data-testid="message"][data-kind="note"]')
      .filter({ hasText: 'Teapot colours: over to you' })
      .waitFor();
    await carol.getByTestId('action-accept').click();
    await consoleChatPane(carol, ben.conversationId, 'chatting').waitFor();
    await subtitle(ben, 'Chatting with Carol').waitFor();
    await widgetPart(ben.page, 'notice').filter({ hasText: 'Carol joined the conversation' }).waitFor();
    await consoleSend(carol, 'Hi Ben, Carol here: the black teapot is back in stock next week.');
    const reply = widgetRow(ben, 'Carol here');
    await reply.waitFor();
    await expect(reply.locator('[data-sb="sender"]').textContent()).resolves.toBe('Carol');
    await bob.getByTestId('state-banner').filter({ hasText: 'This conversation is with Carol' }).waitFor();

    // One thread for the visitor: same conversation, Bob's and Carol's replies, the note never shown.
    await expect(widgetConversationId(ben.page, WIDGET_KEY)).resolves.toBe(ben.conversationId);
    expect(await widgetThread(ben)).toEqual([
      [true, 'Do you have the cast iron teapot in black?'],
      [false, 'Hi Ben, let me check the teapot colours for you.'],
      [false, 'Hi Ben, Carol here: the black teapot is back in stock next week.'],
    ]);
    await expect(widgetPart(ben.page, 'notice').allTextContents()).resolves.toEqual([
      'Bob joined the conversation',
      'Transferring you to another agent…',
      'Carol joined the conversation',
    ]);
    await shots('carol-replied', { 'widget-ben': ben.page, 'console-bob': bob, 'console-carol': carol });
    await ben.context.close();
  });

  test('network cut: messages written offline reach the console exactly once each, in order', async () => {
    // Carol is full with Ben: the next visitor goes to Bob.
    cleo = await visitShop('Cleo');
    await startChat(cleo, 'Hello, my train is about to go into a tunnel.');
    const offer = consoleItem(bob, cleo.conversationId, 'assigned');
    await offer.waitFor();
    await offer.getByTestId('accept-inline').click();
    await consoleChatPane(bob, cleo.conversationId, 'chatting').waitFor();
    await subtitle(cleo, 'Chatting with Bob').waitFor();

    await cleo.context.setOffline(true);
    await widgetPart(cleo.page, 'banner').filter({ hasText: 'Reconnecting…' }).waitFor();
    const offline = ['offline one', 'offline two', 'offline three'];
    for (const text of offline) await widgetSend(cleo.page, text);
    expect((await widgetMessages(cleo.page)).slice(-3)).toEqual(
      offline.map((text) => ({ text, own: true, status: 'pending', role: 'visitor', sender: '' })),
    );
    expect(await consoleThread(bob)).toEqual([['visitor', 'Hello, my train is about to go into a tunnel.']]);
    await shots('offline-pending', { 'widget-cleo': cleo.page, 'console-bob': bob });

    await cleo.context.setOffline(false);
    await widgetPart(cleo.page, 'banner').waitFor({ state: 'hidden' });
    await waitFor('every message to be shown as sent', async () =>
      (await widgetMessages(cleo.page)).every((m) => m.status === 'sent') ? true : undefined,
    );
    await consoleMessage(bob, 'offline three').waitFor();
    // Every visitor message is acknowledged, so none can be sent again; Bob's reply is stored after them and
    // reaches both sides after them.
    await consoleSend(bob, 'Welcome back!');
    await widgetRow(cleo, 'Welcome back!').waitFor();
    await bob
      .locator('[data-testid="message"][data-sender-role="agent"]')
      .filter({ hasText: 'Welcome back!' })
      .waitFor();
    const messages = (await consoleMessages(bob)).filter((m) => m.kind === 'text');
    expect(messages.map((m) => [m.role, m.text])).toEqual([
      ['visitor', 'Hello, my train is about to go into a tunnel.'],
      ...offline.map((text) => ['visitor', text]),
      ['agent', 'Welcome back!'],
    ]);
    const seqs = messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(await widgetThread(cleo)).toEqual([
      [true, 'Hello, my train is about to go into a tunnel.'],
      ...offline.map((text): [boolean, string] => [true, text]),
      [false, 'Welcome back!'],
    ]);
    await shots('back-online', { 'widget-cleo': cleo.page, 'console-bob': bob });
  });

  test('injection: markup from the visitor and from the agent is literal text on both sides', async () => {
    await widgetSend(cleo.page, SCRIPT_PAYLOAD);
    await widgetSend(cleo.page, IMG_PAYLOAD);
    await consoleMessage(bob, IMG_PAYLOAD).waitFor();
    await consoleSend(bob, SCRIPT_PAYLOAD);
    await consoleMessage(bob, SCRIPT_PAYLOAD).and(bob.locator('[data-sender-role="agent"]')).waitFor();
    await consoleSend(bob, IMG_PAYLOAD);
    await widgetRow(cleo, IMG_PAYLOAD).and(cleo.page.locator('[data-own="false"]')).waitFor();
    await consoleMessage(bob, IMG_PAYLOAD).and(bob.locator('[data-sender-role="agent"]')).waitFor();

    expect((await widgetThread(cleo)).slice(-4)).toEqual([
      [true, SCRIPT_PAYLOAD],
      [true, IMG_PAYLOAD],
      [false, SCRIPT_PAYLOAD],
      [false, IMG_PAYLOAD],
    ]);
    expect((await consoleThread(bob)).slice(-4)).toEqual([
      ['visitor', SCRIPT_PAYLOAD],
      ['visitor', IMG_PAYLOAD],
      ['agent', SCRIPT_PAYLOAD],
      ['agent', IMG_PAYLOAD],
    ]);
    // Nothing was parsed as markup: no image or script element among the messages on either side.
    for (const tag of ['img', 'script']) {
      await expect(cleo.page.locator(`[data-sb="messages"] ${tag}`).count()).resolves.toBe(0);
      await expect(bob.locator(`[data-testid="message-list"] ${tag}`).count()).resolves.toBe(0);
    }
    await expect(cleo.page.locator('img').count()).resolves.toBe(0);
    await expect(cleo.page.evaluate('window.__pwned')).resolves.toBeUndefined();
    await expect(bob.evaluate('window.__pwned')).resolves.toBeUndefined();
    await shots('literal-text', { 'widget-cleo': cleo.page, 'console-bob': bob });

    // No page opened a dialog or threw, in any step of this file.
    for (const [label, watch] of watches) {
      expect({ label, ...watch }).toEqual({ label, dialogs: [], errors: [] });
    }
  });
});
