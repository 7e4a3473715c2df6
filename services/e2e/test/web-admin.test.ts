import path from 'node:path';

import { launchBrowser, screenshotDir } from '@switchboard/testkit';
import { loginToken, rest, type RestAnswer } from '../src/rest';
import { startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

/**
 * The console's admin pages in headless Chromium against the real stack: an admin creates a group, an
 * agent, a shared canned reply, restyles the widget (watching the live preview) and sets business hours;
 * every change is then read back through the REST API. A plain agent never sees the admin area.
 */

// playwright-core is the testkit's dependency, not this package's: its types are reached through the testkit.
type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;
type Locator = ReturnType<Page['locator']>;

let stack: TestStack;
let browser: Browser;
let adminToken: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startTestStack('wa');
  browser = await launchBrowser();
  adminToken = await loginToken(stack.httpUrl, 'alice@demo.test');
}, 120_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser.close();
  await stack.stop();
});

function adminGet(pathname: string): Promise<RestAnswer> {
  return rest(stack.httpUrl, 'GET', pathname, { token: adminToken });
}

/** Numbered screenshots of one test, in the order taken. */
function camera(page: Page): (step: string) => Promise<void> {
  const dir = screenshotDir(expect.getState().currentTestName ?? 'web-admin');
  let n = 0;
  return async (step) => {
    n += 1;
    await page.screenshot({
      path: path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`),
      fullPage: true,
    });
  };
}

async function signIn(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.httpUrl });
  const page = await context.newPage();
  await page.goto(`${stack.httpUrl}/console/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('switchboard');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('me-name').waitFor();
  return page;
}

const tab = (page: Page, id: string) => page.locator(`button[role="tab"][data-tab="${id}"]`);
const panel = (page: Page, id: string) => page.locator(`[role="tabpanel"][data-tab="${id}"]`);

async function openTab(page: Page, id: string): Promise<Locator> {
  await tab(page, id).click();
  const p = panel(page, id);
  await p.waitFor({ state: 'visible' });
  return p;
}

/** Polls a value read from the page until it equals `expected` (the page re-renders asynchronously). */
async function eventually<T>(what: string, read: () => Promise<T>, expected: T): Promise<void> {
  let last: T | undefined;
  try {
    await waitFor(
      what,
      async () => {
        last = await read();
        return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined;
      },
      10_000,
    );
  } catch (err) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, last read ${JSON.stringify(last)}`, {
      cause: err,
    });
  }
}

const inlineBackground = (l: Locator) =>
  l.evaluate((el: { style: { backgroundColor: string } }) => el.style.backgroundColor);

describe('web admin', () => {
  it('web admin - an admin creates a group, an agent, a shared reply, restyles the widget and sets hours', async () => {
    const page = await signIn('alice@demo.test');
    const shot = camera(page);

    // --- Admin area: the shell shows it to admins; Agents is the first tab.
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('sb-admin').waitFor();
    await panel(page, 'agents').locator('tr[data-agent-email="bob@demo.test"]').waitFor();
    await shot('agents-list');

    // --- Groups: create "VIP Support" with its own Saturday hours.
    const groups = await openTab(page, 'groups');
    await groups.locator('tr[data-group-id="sales"]').waitFor();
    await groups.getByRole('button', { name: '+ Add group' }).click();
    const groupEditor = page.getByTestId('sb-admin-group-editor');
    await groupEditor.locator('input[name="name"]').fill('VIP Support');
    await groupEditor.getByRole('switch', { name: 'Agents pick conversations themselves' }).check();
    await groupEditor.locator('input[name="max_concurrent_per_agent"]').fill('3');
    await groupEditor.locator('input[name="skills"]').fill('vip, refunds,');
    await groupEditor.locator('input[name="languages"]').fill('en');
    await groupEditor.locator('input[name="languages"]').press('Enter');
    await groupEditor.locator('label.sb-admin-segment', { hasText: 'Own schedule' }).click();
    await groupEditor.getByLabel('Open on Saturday').check();
    await groupEditor.getByLabel('Saturday window 1 opens').fill('10:00');
    await groupEditor.getByLabel('Saturday window 1 closes').fill('14:00');
    await shot('group-editor');
    await groupEditor.getByRole('button', { name: 'Create group' }).click();
    await groups.getByText('Group VIP Support created.').waitFor();
    await groups.locator('tr[data-group-id="vip-support"]').waitFor();
    await shot('group-created');

    const storedGroups = (await adminGet('/v1/admin/groups')).body['groups'] as Record<string, unknown>[];
    const vip = storedGroups.find((g) => g['name'] === 'VIP Support');
    expect(vip).toMatchObject({
      id: 'vip-support',
      manual_pick: true,
      max_concurrent_per_agent: 3,
      skills: ['vip', 'refunds'],
      languages: ['en'],
    });
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start_minute: 540, end_minute: 1020 }));
    expect((vip?.['business_hours'] as { windows: unknown }).windows).toEqual([
      ...weekdays,
      { weekday: 6, start_minute: 600, end_minute: 840 },
    ]);

    await groups.getByRole('button', { name: 'Delete Support', exact: true }).click();
    const confirmGroup = page.getByRole('alertdialog');
    await confirmGroup.getByText('Delete the group Support?').waitFor();
    await shot('group-delete-confirm');
    await confirmGroup.getByRole('button', { name: 'Delete', exact: true }).click();
    await groups.getByText('Group Support deleted.').waitFor();
    expect(await groups.locator('tr[data-group-id="support"]').count()).toBe(0);
    const afterDelete = (await adminGet('/v1/admin/groups')).body['groups'] as { id: string }[];
    expect(afterDelete.map((g) => g.id).sort()).toEqual(['general', 'sales', 'vip-support']);

    // --- Agents: client-side validation, a server problem shown by the form, then the real save.
    const agents = await openTab(page, 'agents');
    await agents.getByRole('button', { name: '+ Add agent' }).click();
    const agentEditor = page.getByTestId('sb-admin-agent-editor');
    await agentEditor.locator('input[name="email"]').fill('dana@demo.test');
    await agentEditor.locator('input[name="display_name"]').fill('Dana Scully');
    await agentEditor.locator('select[name="role"]').selectOption('supervisor');
    await agentEditor.locator('input[name="max_concurrent"]').fill('150');
    await agentEditor.getByLabel('Sales').check();
    await agentEditor.getByLabel('VIP Support').check();
    await agentEditor.locator('input[name="skills"]').fill('billing');
    await agentEditor.locator('input[name="skills"]').press('Enter');
    await agentEditor.locator('input[name="languages"]').fill('en, zh-cn,');
    await agentEditor.locator('input[name="password"]').fill('dana-secret-1');
    await agentEditor.getByRole('button', { name: 'Create agent' }).click();
    await agentEditor.getByText('Enter a whole number from 1 to 100.').waitFor();
    await shot('agent-validation');
    await agentEditor.locator('input[name="max_concurrent"]').fill('4');

    await page.route('**/v1/admin/agents', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 409,
            contentType: 'application/problem+json',
            body: JSON.stringify({
              type: 'about:blank',
              title: 'Conflict',
              status: 409,
              detail: 'simulated: the directory is busy',
              code: 'ERROR_CODE_CONFLICT',
            }),
          })
        : route.continue(),
    );
    await agentEditor.getByRole('button', { name: 'Create agent' }).click();
    await agentEditor.getByText('Not saved: simulated: the directory is busy').waitFor();
    await shot('agent-server-error');
    await page.unroute('**/v1/admin/agents');

    await agentEditor.getByRole('button', { name: 'Create agent' }).click();
    await agents.getByText('Agent Dana Scully created.').waitFor();
    await agents.locator('tr[data-agent-email="dana@demo.test"]').waitFor();
    await shot('agent-created');

    const storedAgents = (await adminGet('/v1/admin/agents')).body['agents'] as Record<string, unknown>[];
    const dana = storedAgents.find((a) => a['email'] === 'dana@demo.test');
    expect(dana).toMatchObject({
      display_name: 'Dana Scully',
      role: 'supervisor',
      max_concurrent: 4,
      skills: ['billing'],
      languages: ['en', 'zh-CN'],
    });
    expect([...(dana?.['group_ids'] as string[])].sort()).toEqual(['sales', 'vip-support']);
    const danaLogin = await rest(stack.httpUrl, 'POST', '/v1/agent/login', {
      body: { tenant_id: 'demo', email: 'dana@demo.test', password: 'dana-secret-1' },
    });
    expect([danaLogin.status, danaLogin.body['role']]).toEqual([200, 'supervisor']);

    // Editing an agent without a new password keeps the old one.
    await agents.getByRole('button', { name: 'Edit Bob', exact: true }).click();
    await agentEditor.locator('input[name="max_concurrent"]').fill('7');
    await agentEditor.getByRole('button', { name: 'Save changes' }).click();
    await agents.getByText('Agent Bob updated.').waitFor();
    const bob = ((await adminGet('/v1/admin/agents')).body['agents'] as Record<string, unknown>[]).find(
      (a) => a['email'] === 'bob@demo.test',
    );
    expect(bob?.['max_concurrent']).toBe(7);
    await loginToken(stack.httpUrl, 'bob@demo.test');

    // --- Shared canned reply, with a variable inserted from the help list.
    const replies = await openTab(page, 'replies');
    await replies.getByRole('button', { name: '+ Add reply' }).click();
    const replyEditor = page.getByTestId('sb-admin-reply-editor');
    await replyEditor.locator('input[name="shortcut"]').fill('refund-policy');
    const text = replyEditor.locator('textarea[name="text"]');
    await text.fill('Hi ');
    await text.press('End');
    await replyEditor.getByRole('button', { name: '{{visitor.name}}' }).click();
    await text.press('End');
    await text.pressSequentially(', refunds take 5 days.');
    await replyEditor.getByText('Hi Li Wei, refunds take 5 days.').waitFor();
    await shot('reply-editor');
    await replyEditor.getByRole('button', { name: 'Create reply' }).click();
    await replies.getByText('Reply /refund-policy created.').waitFor();
    await replies.locator('tr[data-reply-shortcut="refund-policy"]').waitFor();
    await shot('reply-created');

    await replies.getByRole('button', { name: 'Delete /bye', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await replies.getByText('Reply /bye deleted.').waitFor();

    const storedReplies = (await adminGet('/v1/agent/canned-replies')).body['replies'] as Record<
      string,
      unknown
    >[];
    expect(storedReplies.find((r) => r['shortcut'] === 'refund-policy')).toMatchObject({
      text: 'Hi {{visitor.name}}, refunds take 5 days.',
      shared: true,
    });
    expect(storedReplies.some((r) => r['shortcut'] === 'bye')).toBe(false);

    // --- Widget: the preview follows the form before anything is saved.
    const widget = await openTab(page, 'widget');
    const preview = widget.getByTestId('sb-admin-widget-preview');
    const header = widget.getByTestId('sb-admin-preview-header');
    await eventually('the seeded preview colour', () => inlineBackground(header), 'rgb(37, 99, 235)');
    await shot('widget-before');

    await widget.locator('input[name="color"]').fill('#16a34a');
    await widget.locator('input[name="title"]').fill('Demo Help Desk');
    await widget.locator('label.sb-admin-segment', { hasText: 'Bottom left' }).click();
    await widget.getByRole('switch', { name: 'Ask visitors for details before the chat starts' }).check();
    await widget.getByRole('button', { name: '+ Add field' }).click();
    await widget.getByLabel('Key of field 3').fill('order_no');
    await widget.getByLabel('English label of field 3').fill('Order number');
    await widget.getByLabel('Chinese label of field 3').fill('订单号');
    await widget.getByLabel('Move field 3 up').click();

    await eventually('the preview colour', () => inlineBackground(header), 'rgb(22, 163, 74)');
    await eventually(
      'the launcher colour',
      () => inlineBackground(widget.getByTestId('sb-admin-preview-launcher')),
      'rgb(22, 163, 74)',
    );
    await eventually(
      'the preview title',
      () => widget.locator('.sb-admin-preview-title').innerText(),
      'Demo Help Desk',
    );
    await eventually('the preview position', () => preview.getAttribute('data-position'), 'left');
    await eventually(
      'the preview pre-chat labels',
      () => widget.locator('.sb-admin-preview-field-label').allInnerTexts(),
      ['Your name', 'Order number', 'Email'],
    );
    await tab(page, 'widget').locator('.sb-admin-dirty-dot').waitFor();

    const snippetBox = widget.locator('.sb-admin-snippet[data-widget-key="demo-widget-key"]');
    const snippet = await snippetBox.locator('textarea').inputValue();
    expect(snippet).toBe(
      `<script src="${stack.httpUrl}/widget.js" data-widget-key="demo-widget-key" async></script>`,
    );
    await snippetBox.getByRole('button', { name: 'Copy' }).click();
    await snippetBox.getByText('Copied').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(snippet);
    await shot('widget-preview-changed');

    await widget.getByRole('button', { name: 'Save changes' }).click();
    await widget.getByText('All changes saved').waitFor();
    await tab(page, 'widget').locator('.sb-admin-dirty-dot').waitFor({ state: 'detached' });
    await shot('widget-saved');

    const afterWidget = (await adminGet('/v1/admin/settings')).body;
    expect(afterWidget['widget']).toMatchObject({
      title: 'Demo Help Desk',
      color: '#16a34a',
      position: 'left',
      pre_chat_enabled: true,
      pre_chat_fields: [
        { key: 'name', label_en: 'Your name', label_zh: '您的姓名', required: false },
        { key: 'order_no', label_en: 'Order number', label_zh: '订单号', required: false },
        { key: 'email', label_en: 'Email', label_zh: '电子邮箱', required: false },
      ],
      csat_enabled: true,
    });
    expect(afterWidget['widget_keys']).toEqual(['demo-widget-key']);

    // --- Business hours and conversation handling.
    const hours = await openTab(page, 'hours');
    const zone = hours.locator('input[name="time_zone"]');
    await zone.fill('Mars/Olympus_Mons');
    await hours.getByText('"Mars/Olympus_Mons" is not a time zone this browser knows').waitFor();
    await zone.fill('Asia/Shanghai');
    await hours.locator('label.sb-admin-segment', { hasText: 'Set weekly hours' }).click();
    await hours.getByRole('button', { name: 'Add hours on Monday' }).click();
    await hours.getByLabel('Monday window 2 opens').fill('16:00');
    await hours.getByText('This window overlaps another one on the same day.').first().waitFor();
    await shot('hours-overlap');
    await hours.getByLabel('Monday window 2 opens').fill('18:00');
    await hours.getByLabel('Monday window 2 closes').fill('20:00');
    await hours.getByRole('button', { name: 'Open 24 hours on Saturday' }).click();
    await hours.getByLabel('Open on Friday').uncheck();
    await hours.locator('input[name="accept_timeout_s"]').fill('45');
    await hours.locator('input[name="default_max_concurrent"]').fill('6');
    await hours.locator('select[name="default_group_id"]').selectOption('vip-support');
    expect(await hours.getByText('This window overlaps').count()).toBe(0);
    await hours.locator('input[name="reopen_window_s"]').scrollIntoViewIfNeeded();
    await shot('hours-edited');
    await hours.getByRole('button', { name: 'Save changes' }).click();
    await hours.getByText('All changes saved').waitFor();
    await shot('hours-saved');

    const afterHours = (await adminGet('/v1/admin/settings')).body;
    expect(afterHours).toMatchObject({
      accept_timeout_s: 45,
      default_max_concurrent: 6,
      default_group_id: 'vip-support',
      business_hours: {
        time_zone: 'Asia/Shanghai',
        windows: [
          { weekday: 1, start_minute: 540, end_minute: 1020 },
          { weekday: 1, start_minute: 1080, end_minute: 1200 },
          { weekday: 2, start_minute: 540, end_minute: 1020 },
          { weekday: 3, start_minute: 540, end_minute: 1020 },
          { weekday: 4, start_minute: 540, end_minute: 1020 },
          { weekday: 6, start_minute: 0, end_minute: 1440 },
        ],
      },
    });
    // The widget settings saved before are untouched by the hours page's partial update.
    expect((afterHours['widget'] as Record<string, unknown>)['title']).toBe('Demo Help Desk');

    // --- The same pages in Chinese, at the narrowest supported width.
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.getByTestId('lang-toggle').click();
    await eventually('the Chinese tab label', () => tab(page, 'agents').innerText(), '客服');
    await openTab(page, 'widget');
    await shot('widget-zh-1024');
  });

  it('web admin - a plain agent has no Admin entry and no admin pages', async () => {
    const page = await signIn('bob@demo.test');
    const shot = camera(page);
    await page.getByTestId('nav-inbox').waitFor();
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    await shot('agent-header');

    await page.goto(`${stack.httpUrl}/console/#/admin`);
    await page.getByTestId('me-name').waitFor();
    expect(await page.getByTestId('sb-admin').count()).toBe(0);
    await shot('agent-admin-route');

    const bobToken = await loginToken(stack.httpUrl, 'bob@demo.test');
    const forbidden = await rest(stack.httpUrl, 'GET', '/v1/admin/agents', { token: bobToken });
    expect(forbidden.status).toBe(403);
  });
});
