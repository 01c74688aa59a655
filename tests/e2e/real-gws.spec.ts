// The panel against a simulator speaking like the captured GWS 8.5 servers
// (`--gws-shape real`, see ../shared GWS-REAL.md and sim/README.md): LoggedOut → LoggedIn →
// Ready, ClearCall instead of Hangup while a call rings (Decline), WWE's nested userData,
// Not Ready notifications without the reason, HTTP 500 + statusCode 4 and HTTP 403 +
// statusCode 20, an ErrorMessage on the devices channel, empty participants and
// capabilities, and a CometD server that ignores the ack extension.
import type { Page } from '@playwright/test';
import { test, expect, widget, type Sim } from './fixtures';

test.use({ simArgs: ['--gws-shape', 'real'] });

const card = (page: Page, id: string) => widget(page).locator(`article.call-card[data-call-id="${id}"]`);
const button = (scope: ReturnType<typeof widget>, name: string) => scope.getByRole('button', { name, exact: true });

async function open(page: Page, sim: Sim, userDataKeys?: string[]) {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(String(e)));
  if (userDataKeys) {
    await page.route(url => url.pathname === '/', async route => {
      const response = await route.fetch();
      const html = (await response.text()).replace(/user-data-keys='[^']*'/, `user-data-keys='${JSON.stringify(userDataKeys)}'`);
      await route.fulfill({ response, body: html });
    });
  }
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  // The real login sequence ends in Ready; the panel follows it.
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('Ready');
  await expect(widget(page).locator('select.agent-state')).toHaveValue('ready');
  await expect(widget(page).locator('[data-connection]')).toHaveCount(0);
  return errors;
}

test('a ringing call is declined with ClearCall, by keyboard, and only where ClearCall is allowed', async ({ page, sim }) => {
  const errors = await open(page, sim);
  const id = await sim.ring('5551234');
  const c = card(page, id);
  await expect(button(c, 'Answer')).toBeVisible();
  // Real servers list ClearCall, not Hangup, while a call rings.
  expect((await sim.call(id)).capabilities ?? []).not.toContain('Hangup');
  const decline = button(c, 'Decline');
  await expect(decline).toBeVisible();
  await expect(button(c, 'Hang up')).toHaveCount(0);
  // Keyboard and screen reader: a focusable button named "Decline" in the call's control group.
  await expect(c.getByRole('group', { name: /Call controls/ }).getByRole('button', { name: 'Decline' })).toBeVisible();
  await decline.focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await sim.call(id))?.state).toBe('Released');
  await expect(c).toHaveCount(0); // never answered: no wrap-up card

  // A connected call offers Hang up, not Decline (it lists ClearCall too).
  const second = await sim.ring('5551313');
  const c2 = card(page, second);
  await button(c2, 'Answer').click();
  await expect(c2).toHaveAttribute('data-state', 'Established');
  expect((await sim.call(second)).capabilities).toContain('ClearCall');
  await expect(button(c2, 'Decline')).toHaveCount(0);
  await expect(button(c2, 'Hang up')).toBeVisible();
  expect(errors).toEqual([]);
});

test('nested userData shows as readable fields, a dotted userDataKey names a nested value, hostile strings stay text', async ({ page, sim }) => {
  await open(page, sim, ['AccountNumber', 'Customer', 'WWE_PARTY_5005.firstname']);
  const evil = '<img src=x onerror="window.__pwned=1">';
  const id = await sim.ring('5551234', { AccountNumber: 'A-1001', Customer: { name: evil, tier: 'Gold', tags: ['vip', 'renewal'] } });
  const c = card(page, id);
  const data = c.locator('.user-data');
  await expect(data).toContainText('A-1001');
  // The nested object is a small list of its own, never JSON text.
  const nested = data.locator('dl.nested');
  await expect(nested.first()).toBeVisible();
  await expect(nested.first().locator('dt')).toHaveText(['name', 'tags', 'tier']);
  await expect(nested.first().locator('dd').nth(0)).toHaveText(evil);
  await expect(nested.first().locator('dd').nth(1)).toHaveText('vip, renewal');
  // WWE writes its party record onto the call (after Ringing, as the captures show).
  await expect(data.locator('dt', { hasText: 'WWE_PARTY_5005.firstname' })).toBeVisible();
  await expect(data).toContainText('Ava');
  await expect(data).not.toContainText('{"');
  await expect(widget(page).locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});

test('the Not Ready reason the agent picked stays while the server says Not Ready without one', async ({ page, sim }) => {
  await open(page, sim);
  const select = widget(page).locator('select.agent-state');
  await select.selectOption('nr:Lunch');
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
  // The notification carries no reason (as on real servers), yet the panel still says Lunch.
  await expect(select).toHaveValue('nr:Lunch');
  await page.waitForTimeout(500);
  await expect(select).toHaveValue('nr:Lunch');
  await select.selectOption('ready');
  await expect(select).toHaveValue('ready');
  await select.selectOption('nr');
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
  await expect(select).toHaveValue('nr');
});

test('HTTP 500 with statusCode 4 and HTTP 403 with statusCode 20: the statusCode\'s sentence and the server\'s message', async ({ page, sim }) => {
  await open(page, sim);
  const id = await sim.ring('5551234');
  const c = card(page, id);
  await button(c, 'Answer').click();
  await expect(c).toHaveAttribute('data-state', 'Established');
  await sim.faults({ failNextOperation: { http: 500, statusCode: 4, statusMessage: "Device '5005' is not registered." } });
  await button(c, 'Hold').click();
  const notices = widget(page).locator('.notices');
  await expect(notices).toContainText("(Device '5005' is not registered.)");
  await expect(notices).not.toContainText("Can't reach");
  await expect(c).toHaveAttribute('data-state', 'Established');
  const sentence500 = await notices.innerText();

  // The session ends: real servers answer an unauthenticated request with 403 + statusCode 20.
  await sim.faults({ failNextOperation: { http: 403, statusCode: 20, statusMessage: 'Access denied' } });
  await button(c, 'Hold').click();
  await expect(notices).toContainText("You're signed out of the phone system.");
  await expect(notices).toContainText('(Access denied)');
  expect(sentence500).not.toContain("signed out");
});

test('an ErrorMessage on the devices channel tells the agent their phone has a problem, until the next device state', async ({ page, sim }) => {
  await open(page, sim);
  await sim.post('/sim/agents/ava/device-error');
  const problem = widget(page).locator('.device-problem');
  await expect(problem).toBeVisible();
  await expect(problem).toHaveAttribute('role', 'alert');
  await expect(problem).toContainText('Your phone has a problem');
  await widget(page).locator('select.agent-state').selectOption('nr:Break');
  await expect(problem).toHaveCount(0);
});

test('a live call with empty participants and capabilities shows, offers nothing it lacks, and breaks nothing', async ({ page, sim }) => {
  await open(page, sim);
  await sim.post('/sim/agents/ava/options', { emptyParticipants: true });
  const id = await sim.ring('5551234');
  const c = card(page, id);
  await expect(c).toBeVisible();
  await expect(c.locator('.controls button')).toHaveCount(0);
  await sim.post(`/sim/calls/${id}/remote-hangup`);
  await expect(c).toHaveCount(0);
});

test.describe('a CometD server that ignores the ack extension', () => {
  test.use({ simArgs: ['--gws-shape', 'real', '--no-cometd-ack'] });
  test('calls still ring, connect and end in the panel', async ({ page, sim }) => {
    await open(page, sim);
    expect((await sim.state()).settings.cometdAck).toBe(false);
    const id = await sim.ring('5551234');
    const c = card(page, id);
    await button(c, 'Answer').click();
    await expect(c).toHaveAttribute('data-state', 'Established');
    await button(c, 'Hang up').click();
    await expect(c).toHaveClass(/wrap-up/);
  });
});

test('an operation answered with statusCode 0 that never happens: the control stops waiting, the agent is told, the panel re-reads', async ({ page, sim }) => {
  await open(page, sim);
  const id = await sim.ring('5551234');
  const c = card(page, id);
  await sim.faults({ silentNextOperation: { count: 1, operationName: 'Answer' } });
  await button(c, 'Answer').click();
  await expect(button(c, 'Answer')).toHaveAttribute('aria-busy', 'true');
  // No notification follows: after a while the panel says so and looks again.
  await expect(widget(page).locator('.notices')).toContainText('The phone system accepted that, but nothing has happened yet.', { timeout: 9_000 });
  await expect(button(c, 'Answer')).toHaveAttribute('aria-busy', 'false');
  expect((await sim.call(id)).state).toBe('Ringing');
  // The second press works.
  await button(c, 'Answer').click();
  await expect(c).toHaveAttribute('data-state', 'Established');
});

test('an Error notification on a call: the agent is told, the calls are read again, nothing is guessed', async ({ page, sim }) => {
  await open(page, sim);
  const id = await sim.ring('5551234');
  const c = card(page, id);
  await button(c, 'Answer').click();
  await expect(c).toHaveAttribute('data-state', 'Established');
  await sim.post(`/sim/calls/${id}/error-notification`);
  await expect(widget(page).locator('.notices')).toContainText('The phone system reported a problem with a call.');
  await expect(c).toHaveAttribute('data-state', 'Established');
  await expect(button(c, 'Hang up')).toBeVisible();
});

test('a consult call names its original (parentCallUri): the consult links to that call', async ({ page, sim }) => {
  await open(page, sim);
  const id = await sim.ring('5551234');
  const c = card(page, id);
  await button(c, 'Answer').click();
  await expect(c).toHaveAttribute('data-state', 'Established');
  await button(c, 'Transfer').click();
  await c.getByRole('textbox', { name: 'Number to transfer to' }).fill('5006');
  await button(c, 'Consult first').click();
  let consultId = '';
  await expect.poll(async () => (consultId = (await sim.state()).calls.find((x: any) => x.agent === 'ava' && x.consultOf === id)?.id ?? '')).not.toBe('');
  const consult = card(page, consultId);
  await expect(consult).toBeVisible();
  await expect(c).toHaveAttribute('data-state', 'Held');
  // Ben answers; the held original offers to complete the transfer with its consult.
  await sim.post(`/sim/calls/${consultId}/remote-answer`);
  await expect(consult).toHaveAttribute('data-state', 'Established');
  await button(c, 'Complete transfer').click();
  await expect.poll(async () => (await sim.call(id))?.state).toBe('Released');
});
