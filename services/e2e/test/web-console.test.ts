import path from 'node:path';
import { ConversationState, MessageKind, ParticipantRole } from '@switchboard/proto';
import { launchBrowser, screenshotDir } from '@switchboard/testkit';
import { agentLogin, newVisitor, RawSocket } from '../src/raw-socket';
import { startTestStack, type TestStack, QUICK_ROUTING_ENV } from '../src/stack';
import { waitFor } from '../src/wait';

/**
 * The agent console (services/console) in headless Chromium against the real stack, served by the gateway
 * under /console/. Bob works in the browser; visitors and Carol speak the raw protocol, so the test sees
 * exactly what reached them. The steps share one page and run in order.
 */

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

/** A small history page, so a short conversation already needs scrolling up. */
const PAGE_SIZE = 8;
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

let stack: TestStack;
let browser: Browser;
let page: Page;
let shots: string;
let shot = 0;
const sockets: RawSocket[] = [];
const pageErrors: string[] = [];

let visitor: { conversationId: string; socket: RawSocket };
let bob: { token: string; agentId: string };

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startTestStack('wc', {
      env: QUICK_ROUTING_ENV,
    }),
    launchBrowser(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  shots = screenshotDir('web-console');
  bob = await agentLogin(stack.httpUrl, 'bob@demo.test');
}, 120_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await browser.close();
  await stack.stop();
});

async function screenshot(name: string): Promise<void> {
  shot++;
  await page.screenshot({ path: path.join(shots, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

async function connect(token: string): Promise<RawSocket> {
  const socket = await RawSocket.connect(stack.wsUrl, token);
  sockets.push(socket);
  return socket;
}

/** A visitor of the support group (Bob's; Alice, its other agent, stays offline), with a first message. */
async function openVisitor(
  name: string,
  first: string,
): Promise<{ conversationId: string; socket: RawSocket }> {
  const v = await newVisitor(stack.httpUrl, name, { group: 'support' });
  const socket = await connect(v.token);
  await socket.sendText(v.conversationId, first, `${name}-first`);
  return { conversationId: v.conversationId, socket };
}

function composer(): ReturnType<Page['getByTestId']> {
  return page.getByTestId('composer-input');
}

function messageWithText(text: string): ReturnType<Page['locator']> {
  return page.getByTestId('message').filter({ hasText: text });
}

let agentSeq = 0;

async function agentSays(text: string): Promise<void> {
  await composer().fill(text);
  await composer().press('Enter');
  agentSeq = await waitFor(
    `the visitor to receive "${text}"`,
    () => visitor.socket.delivered(visitor.conversationId).find((m) => m.text === text)?.seq,
  );
}

describe('web console', () => {
  it('web console - login keeps the agent signed in across a reload, status online', async () => {
    await page.goto(`${stack.httpUrl}/console/?pageSize=${PAGE_SIZE}`);
    await page.getByTestId('login-email').fill('bob@demo.test');
    await page.getByTestId('login-password').fill('wrong');
    await page.getByTestId('login-submit').click();
    await expectText('login-error', 'Wrong email or password.');
    await page.getByTestId('login-password').fill('switchboard');
    await screenshot('login');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('console').waitFor();
    await page.reload();
    await page.getByTestId('me-name').waitFor();
    expect(await page.getByTestId('me-name').textContent()).toBe('Bob');
    await page.locator('[data-testid="status-online"][aria-checked="true"]').waitFor();
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    await screenshot('signed-in');
  });

  it('web console - an offered conversation appears and blinks the title; Accept makes it chatting', async () => {
    visitor = await openVisitor('Ann', 'Hi, I need help with my parcel');
    const item = page.locator(
      `[data-testid="conversation-item"][data-conversation-id="${visitor.conversationId}"]`,
    );
    await item.waitFor();
    await page
      .locator(
        `[data-testid="conversation-item"][data-conversation-id="${visitor.conversationId}"][data-state="assigned"]`,
      )
      .waitFor();
    await titleMatches((title) => title.includes('New conversation'));
    await screenshot('offered');
    await item.click();
    await page.getByTestId('action-accept').click();
    await page.locator('[data-testid="chat-pane"][data-state="chatting"]').waitFor();
    await messageWithText('I need help with my parcel').waitFor();
    expect(await page.getByTestId('chat-title').textContent()).toBe('Ann');
    expect(await page.getByTestId('ctx-page').textContent()).toBe('https://shop.test/cart');
    await titleMatches((title) => !title.includes('New conversation'));
    await screenshot('accepted');
  });

  it('web console - messages, typing and read receipts both ways', async () => {
    visitor.socket.typing(visitor.conversationId, true);
    await expectText('typing-indicator', 'Ann is typing…');
    await visitor.socket.sendText(visitor.conversationId, 'Order A-1001, it has not arrived', 'ann-2');
    await messageWithText('Order A-1001').waitFor();

    await composer().pressSequentially('Let me', { delay: 10 });
    await waitFor('the agent typing signal at the visitor', () =>
      visitor.socket
        .signals(visitor.conversationId)
        .some(
          (s) =>
            s.kind?.$case === 'typing' &&
            s.kind.value.typing &&
            s.from?.role === ParticipantRole.PARTICIPANT_ROLE_AGENT,
        )
        ? true
        : undefined,
    );
    await composer().fill('');
    await agentSays('Let me check that for you.');
    const own = page.locator(`[data-testid="message"][data-seq="${agentSeq}"]`);
    await own.waitFor();
    visitor.socket.markRead(visitor.conversationId, agentSeq);
    await own.getByTestId('read-receipt').waitFor();
    await screenshot('messages');
  });

  it('web console - "/hello" inserts the canned reply with its variables filled', async () => {
    await composer().pressSequentially('/hel', { delay: 20 });
    await page.locator('[data-testid="canned-option"][data-shortcut="hello"]').waitFor();
    await screenshot('canned-picker');
    await composer().press('Enter');
    expect(await composer().inputValue()).toBe("Hi Ann, I'm Bob. How can I help?");
    await composer().press('Enter');
    await waitFor('the canned reply at the visitor', () =>
      visitor.socket
        .delivered(visitor.conversationId)
        .some((m) => m.text === "Hi Ann, I'm Bob. How can I help?")
        ? true
        : undefined,
    );
  });

  it('web console - a private note is visibly distinct and never reaches the visitor as text', async () => {
    await page.getByTestId('mode-note').click();
    await page.locator('[data-testid="composer"][data-mode="note"]').waitFor();
    await composer().fill('VIP customer, waived shipping last time');
    await composer().press('Enter');
    const note = page
      .locator('[data-testid="message"][data-kind="note"]')
      .filter({ hasText: 'VIP customer' });
    await note.waitFor();
    expect(await note.getByTestId('note-label').textContent()).toBe('Note · only agents see this');
    const noteSeq = Number(await note.getAttribute('data-seq'));
    const colors = await page.evaluate<[string, string]>(`[
      getComputedStyle(document.querySelector('[data-kind="note"] [data-testid="message-text"]')).backgroundColor,
      getComputedStyle(document.querySelector('[data-sender-role="visitor"] [data-testid="message-text"]')).backgroundColor,
    ]`);
    expect(colors[0]).toBe('rgb(254, 247, 195)');
    expect(colors[0]).not.toBe(colors[1]);
    const redacted = await waitFor('the redacted note at the visitor', () =>
      visitor.socket.delivered(visitor.conversationId).find((m) => m.seq === noteSeq),
    );
    expect(redacted.kind).toBe(MessageKind.MESSAGE_KIND_REDACTED);
    expect(redacted.text).toBe('');
    expect(
      visitor.socket.delivered(visitor.conversationId).some((m) => m.text.includes('VIP customer')),
    ).toBe(false);
    await page.getByTestId('mode-reply').click();
    await screenshot('note');
  });

  it('web console - labels are added and removed as chips and stored on the conversation', async () => {
    const input = page.getByTestId('label-input');
    await input.fill('vip');
    await input.press('Enter');
    await input.fill('refund');
    await input.press('Enter');
    await page.getByTestId('label-chip').filter({ hasText: 'refund' }).waitFor();
    await page.getByTestId('label-chip').filter({ hasText: 'refund' }).getByTestId('label-remove').click();
    await waitFor('labels [vip] on the record', async () => {
      const res = await fetch(`${stack.httpUrl}/v1/agent/conversations/${visitor.conversationId}`, {
        headers: { authorization: `Bearer ${bob.token}` },
      });
      const body = (await res.json()) as { labels: string[] };
      return body.labels.join(',') === 'vip' ? true : undefined;
    });
    expect(await page.getByTestId('label-chip').allTextContents()).toEqual(['vip×']);
    await screenshot('labels');
  });

  it('web console - markup from a visitor renders as literal text', async () => {
    await visitor.socket.sendText(visitor.conversationId, XSS, 'ann-xss');
    const text = page.getByTestId('message-text').filter({ hasText: '<script>' });
    await text.waitFor();
    expect(await text.textContent()).toBe(XSS);
    expect(
      await page.locator('[data-testid="message-list"] img, [data-testid="message-list"] script').count(),
    ).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await screenshot('xss-as-text');
  });

  it('web console - scrolling up loads older history page by page', async () => {
    for (let i = 1; i <= 16; i++)
      visitor.socket.sendTextNoWait(visitor.conversationId, `history line ${i}`, `ann-h${i}`);
    await visitor.socket.ackOf('ann-h16');
    await messageWithText('history line 16').waitFor();
    // The SDK sets its backfill floor from the Welcome record's last_seq, which only a lifecycle change
    // refreshes (else it repairs the "gap" by fetching everything itself): a label change brings it current.
    await page.getByTestId('label-input').fill('history');
    await page.getByTestId('label-input').press('Enter');
    await page.getByTestId('label-chip').filter({ hasText: 'history' }).waitFor();
    // A fresh page gets only the newest messages (backfill = page size); the rest is read when scrolled to.
    await page.reload();
    await messageWithText('history line 16').waitFor();
    expect(await page.locator('[data-testid="message"][data-seq="1"]').count()).toBe(0);
    const first = page.locator('[data-testid="message"][data-seq="1"]');
    await page.getByTestId('message-list').hover();
    await waitFor('seq 1 after scrolling up', async () => {
      await page.mouse.wheel(0, -4000);
      return (await first.count()) > 0 ? true : undefined;
    });
    await page.getByTestId('history-start').waitFor();
    expect(await first.textContent()).toContain('I need help with my parcel');
    await screenshot('history-scrolled-up');
  });

  it('web console - history search finds a message and opens the conversation at it', async () => {
    await page.reload();
    await messageWithText('history line 16').waitFor();
    const input = page.getByTestId('search-input');
    await input.fill('A-1001');
    const hit = page.locator(`[data-testid="search-hit"][data-conversation-id="${visitor.conversationId}"]`);
    // The history store is written asynchronously: search until the message is there.
    const answered = async (): Promise<number> =>
      (await page.getByTestId('search-results').count()) === 0
        ? 0
        : Number(await page.getByTestId('search-results').getAttribute('data-completed'));
    await waitFor('a search hit', async () => {
      const before = await answered();
      await input.press('Enter');
      await waitFor('the search answer', async () => ((await answered()) > before ? true : undefined));
      return (await hit.count()) > 0 ? true : undefined;
    });
    expect(await hit.first().textContent()).toContain('A-1001');
    await screenshot('search');
    const seq = await hit.first().getAttribute('data-seq');
    await hit.first().click();
    await page.locator(`[data-testid="message"][data-seq="${seq}"].focused`).waitFor();
    expect(page.url()).toContain(`#/c/${visitor.conversationId}/m/${seq ?? ''}`);
    await input.fill('');
    await screenshot('search-opened');
  });

  it('web console - transfer to Carol hands the conversation over with a note', async () => {
    const carol = await agentLogin(stack.httpUrl, 'carol@demo.test');
    const carolSocket = await connect(carol.token);
    await page.getByTestId('action-transfer').click();
    await page.getByTestId('transfer-target').selectOption(carol.agentId);
    await page.getByTestId('transfer-note').fill('Billing question, over to you');
    await screenshot('transfer-dialog');
    await page.getByTestId('transfer-submit').click();
    await waitFor('the offer at Carol', () =>
      carolSocket
        .events()
        .some(
          (e) =>
            e.conversationId === visitor.conversationId &&
            e.state === ConversationState.CONVERSATION_STATE_ASSIGNED &&
            e.agentId === carol.agentId,
        )
        ? true
        : undefined,
    );
    await carolSocket.command(visitor.conversationId, { $case: 'accept', value: {} });
    await expectText('state-banner', 'This conversation is with Carol');
    await page.getByTestId('tab-mine').click();
    await page
      .locator(`[data-testid="conversation-item"][data-conversation-id="${visitor.conversationId}"]`)
      .waitFor({ state: 'detached' });
    await screenshot('transferred');
  });

  it('web console - a reply accepts a new offer; Close (confirmed) closes it for the visitor', async () => {
    visitor = await openVisitor('Ben', 'Quick question about sizes');
    const item = page.locator(
      `[data-testid="conversation-item"][data-conversation-id="${visitor.conversationId}"]`,
    );
    await item.click();
    await agentSays('Sure, which size?');
    await page.locator('[data-testid="chat-pane"][data-state="chatting"]').waitFor();
    await page.getByTestId('action-close').click();
    await expectText('action-close', 'Confirm close');
    await page.getByTestId('action-close').click();
    await page.locator('[data-testid="chat-pane"][data-state="closed"]').waitFor();
    await waitFor('the closed event at the visitor', () =>
      visitor.socket
        .events()
        .some(
          (e) =>
            e.conversationId === visitor.conversationId &&
            e.state === ConversationState.CONVERSATION_STATE_CLOSED,
        )
        ? true
        : undefined,
    );
    expect(await page.getByTestId('composer').count()).toBe(0);
    await screenshot('closed');
  });

  it('web console - while Away a new visitor waits in the Queue tab; going Online gets it offered', async () => {
    await page.getByTestId('status-away').click();
    await page.locator('[data-testid="status-away"][aria-checked="true"]').waitFor();
    const waiting = await openVisitor('Cleo', 'Is anyone there?');
    await page.getByTestId('tab-queue').click();
    const entry = page.locator(
      `[data-testid="queue-item"][data-conversation-id="${waiting.conversationId}"]`,
    );
    await entry.waitFor();
    // No pre-chat form here, so the queue knows no name: the entry says "Visitor #<id>".
    expect(await entry.textContent()).toMatch(/^#1.*Visitor #\w{6}waiting \d\d:\d\d/);
    await screenshot('queue-while-away');
    await page.getByTestId('status-online').click();
    await page
      .locator(
        `[data-testid="queue-offered"] [data-conversation-id="${waiting.conversationId}"][data-state="assigned"]`,
      )
      .waitFor();
    await entry.waitFor({ state: 'detached' });
    await screenshot('queue-offered');
    await page.getByTestId('tab-mine').click();
  });

  it('web console - the zh-CN toggle changes the UI text and is remembered', async () => {
    await page.getByTestId('lang-toggle').click();
    await expectText('tab-mine', '我的');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.reload();
    await expectText('tab-closed', '已结束');
    // A closed conversation is not delivered live: after the reload its messages are read from history.
    await messageWithText('Quick question about sizes').waitFor();
    expect(await page.getByTestId('chat-title').textContent()).toBe('Ben');
    await screenshot('zh-CN');
  });

  it('web console - three columns fit a 1024×768 laptop', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('context-panel').waitFor();
    const boxes = await Promise.all(
      ['sidebar', 'chat-pane', 'context-panel'].map((id) => page.getByTestId(id).first().boundingBox()),
    );
    for (const box of boxes) {
      expect(box).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(1024);
    }
    expect(boxes[1]?.width ?? 0).toBeGreaterThan(400);
    await screenshot('laptop-1024');
  });

  it('web console - logout returns to the login page; an admin gets the Admin entry', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.getByTestId('login-email').fill('alice@demo.test');
    await page.getByTestId('login-password').fill('switchboard');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-view').waitFor();
    expect(page.url()).toContain('#/admin');
    await screenshot('admin');
    expect(pageErrors).toEqual([]);
  });
});

async function expectText(testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: text }).first().waitFor();
}

/** The page's CSP forbids eval, so the title is polled from here rather than with waitForFunction. */
async function titleMatches(test: (title: string) => boolean): Promise<void> {
  await waitFor('the page title', async () => (test(await page.title()) ? true : undefined));
}
