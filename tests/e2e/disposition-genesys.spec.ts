// Issue 6, Genesys end to end: the disposition picker in the demo CRM page against the
// simulator. Every pick goes through the durable outbox (localStorage) and reaches the
// simulator as SetCallDisposition exactly once — whatever the network or a reload does.
import type { Locator, Page } from '@playwright/test';
import { test, expect, widget, type Sim } from './fixtures';

const card = (page: Page, id: string) => widget(page).locator(`article.call-card[data-call-id="${id}"]`);
const button = (scope: Locator, name: string | RegExp) => scope.getByRole('button', { name, exact: typeof name === 'string' });

/** Opens the demo page with a listener for `disposition-saved`; waits for the live panel. */
async function openPanel(page: Page, sim: Sim) {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(String(e)));
  (page as any).__errors = errors;
  await sim.post('/sim/config', { answerDelayMs: 300 });
  await page.addInitScript(() => {
    (window as any).__saved = [];
    document.addEventListener('disposition-saved', e => (window as any).__saved.push((e as CustomEvent).detail));
  });
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).getByText('Ava Patel')).toBeVisible();
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
}

/** An answered inbound call from `from`; its id. */
async function answeredCall(page: Page, sim: Sim, from: string): Promise<string> {
  const id = await sim.ring(from);
  await button(card(page, id), 'Answer').click();
  await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
  return id;
}

/** An answered call that the caller hung up: its wrap-up card is showing. */
async function wrapUpCall(page: Page, sim: Sim, from: string): Promise<{ id: string; wrap: Locator }> {
  const id = await answeredCall(page, sim, from);
  await sim.post(`/sim/calls/${id}/remote-hangup`);
  const wrap = card(page, id);
  await expect(wrap).toHaveClass(/wrap-up/);
  return { id, wrap };
}

const dispositionsOf = async (sim: Sim, id: string) =>
  (await sim.state()).dispositions.filter((d: any) => d.vendor === 'genesys' && d.callId === id);

const saved = (page: Page) => page.evaluate(() => (window as any).__saved as any[]);

/** Picks `code` by typing `typed` into the filter and pressing Enter (keyboard only). */
async function pickByKeyboard(scope: Locator, typed: string, code: string, downs = 0) {
  const filter = scope.locator('.dispo-filter');
  await filter.fill(typed);
  for (let i = 0; i < downs; i++) await filter.press('ArrowDown');
  await filter.press('Enter');
  await expect(scope.locator(`.dispo-codes [role=option][aria-selected=true]`)).toHaveAttribute('data-code', code);
}

test('dispose during the call, then hang up: queued, then saved — once', async ({ page, sim }, testInfo) => {
  await openPanel(page, sim);
  const id = await answeredCall(page, sim, '5551234');
  const c = card(page, id);
  await button(c, 'Disposition…').click();
  await pickByKeyboard(c, 'sal', 'Sale');
  await c.locator('.dispo-comment').fill('Two seats, annual plan');
  await c.locator('.dispo-save').click();
  // Confirmed by AttachedDataChanged: the code is in the call's userData.
  await expect(c.locator('.dispo-status')).toHaveAttribute('data-status', 'queued');
  await expect(c.locator('.dispo-status')).toContainText('Queued (applies at hang-up)');
  expect((await sim.call(id)).userData.DispositionCode).toBe('Sale');
  await widget(page).screenshot({ path: testInfo.outputPath('genesys-queued.png'), animations: 'disabled' });

  await button(c, 'Hang up').click();
  // No wrap-up card is needed; the recent list says Saved and the host page is told.
  const recent = widget(page).locator(`.dispo-recent li[data-key="genesys:${id}"]`);
  await expect(recent.locator('.dispo-status')).toHaveAttribute('data-status', 'saved');
  await expect(card(page, id)).toHaveCount(0);
  await widget(page).screenshot({ path: testInfo.outputPath('genesys-recent.png'), animations: 'disabled' });
  await expect.poll(() => saved(page)).toEqual([expect.objectContaining({
    vendor: 'genesys', callId: id, disposition: 'Sale', comments: 'Two seats, annual plan',
  })]);
  const ds = await dispositionsOf(sim, id);
  expect(ds).toHaveLength(1);
  expect(ds[0]).toMatchObject({ disposition: 'Sale', key: 'DispositionCode', callActive: true });
  expect((page as any).__errors).toEqual([]);
});

test('dispose in wrap-up by keyboard: countdown, checks before sending, recent codes first, pause after', async ({ page, sim }, testInfo) => {
  await sim.post('/sim/agents/ava/options', { wrapUpSecs: 90 });
  await openPanel(page, sim);
  const { id, wrap } = await wrapUpCall(page, sim, '5552222');
  // GWS WrapUpTime: the wrap-up countdown.
  await expect(wrap.locator('.countdown')).toContainText(/Wrap-up ends in 1:(2|3)\d/);
  // Opened by itself in wrap-up; the filter narrows, arrows move, Enter picks.
  await pickByKeyboard(wrap, 'o', 'Not Interested', 1); // Resolved, Not Interested, Wrong Number, No Answer
  await pickByKeyboard(wrap, 'back', 'Call Back');
  await expect(wrap.locator('.dispo-callback')).toBeVisible();
  const requestsBefore = (await sim.state()).requests[`/api/v2/me/calls/${id}`] ?? 0;
  await wrap.locator('.dispo-save').click();
  await expect(wrap.locator('.dispo-error')).toHaveText('Choose the date and time to call back.');
  await wrap.locator('.dispo-callback').fill('2030-01-31T17:30');
  await wrap.locator('.dispo-pause-toggle').check();
  await wrap.locator('.dispo-save').click();
  await expect(wrap.locator('.dispo-error')).toHaveText('Choose a pause reason to pause after this call.');
  // Nothing was sent for the refused attempts.
  expect((await sim.state()).requests[`/api/v2/me/calls/${id}`] ?? 0).toBe(requestsBefore);
  await wrap.locator('.dispo-pause-reason').selectOption('Lunch');
  await widget(page).screenshot({ path: testInfo.outputPath('genesys-wrap-up-form.png'), animations: 'disabled' });
  await wrap.locator('.dispo-save').press('Enter');
  await expect(wrap.locator('.dispo-status')).toHaveAttribute('data-status', 'saved');
  // The card leaves a moment after; the recent list keeps the result.
  await expect(card(page, id)).toHaveCount(0);
  await expect(widget(page).locator(`.dispo-recent li[data-key="genesys:${id}"] .dispo-status`)).toHaveAttribute('data-status', 'saved');
  const ds = await dispositionsOf(sim, id);
  expect(ds).toHaveLength(1);
  expect(ds[0]).toMatchObject({ disposition: 'Call Back', callActive: false });
  const event = (await saved(page))[0];
  expect(event).toMatchObject({ vendor: 'genesys', callId: id, disposition: 'Call Back', pauseAfter: true, pauseReason: 'Lunch', callbackTime: '2030-01-31 17:30' });
  // Pause after this call: Not Ready with the reason.
  await expect.poll(async () => (await sim.agent()).agentState).toMatchObject({ state: 'NotReady', reason: 'Lunch' });

  // The next call offers the codes used recently first.
  const next = await wrapUpCall(page, sim, '5553333');
  const first = next.wrap.locator('.dispo-codes [role=option]').first();
  await expect(first).toHaveAttribute('data-code', 'Call Back');
  await expect(first.locator('.tag')).toHaveText('Recent');
});

test('network cut while saving: retried with backoff and delivered once', async ({ page, sim }, testInfo) => {
  await openPanel(page, sim);
  const { id, wrap } = await wrapUpCall(page, sim, '5554444');
  await pickByKeyboard(wrap, 'resol', 'Resolved');
  await page.context().setOffline(true);
  await wrap.locator('.dispo-save').click();
  // Stored before the first request.
  const stored = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('ccw.dispositions.v1.genesys.')));
  expect(stored).toHaveLength(1);
  expect(stored[0][1]).toContain('Resolved');
  expect(stored[0][1].toLowerCase()).not.toContain('password');
  // The cut is reported plainly, with the promise to retry…
  await expect(wrap.locator('.dispo-status')).toHaveAttribute('data-status', 'retrying');
  await expect(wrap.locator('.dispo-state')).toHaveText('Not sent yet');
  await expect(wrap.locator('.dispo-reason')).toHaveText("The phone system isn't answering. Retrying automatically.");
  await expect(wrap.getByRole('button', { name: 'Retry' })).toBeVisible();
  await widget(page).screenshot({ path: testInfo.outputPath('genesys-retrying.png'), animations: 'disabled' });
  await page.waitForTimeout(2_500); // a backoff retry or two while still offline
  expect(await dispositionsOf(sim, id)).toHaveLength(0);
  // …and once the network is back it arrives (at once: the panel listens for "online"), once.
  await page.context().setOffline(false);
  await expect(wrap.locator('.dispo-status')).toHaveAttribute('data-status', 'saved', { timeout: 5_000 });
  await expect.poll(() => dispositionsOf(sim, id)).toHaveLength(1);
  await page.waitForTimeout(1_000);
  expect(await dispositionsOf(sim, id)).toHaveLength(1);
});

test('page reloaded while the disposition is in flight: it arrives exactly once', async ({ page, sim }) => {
  await openPanel(page, sim);
  const { id, wrap } = await wrapUpCall(page, sim, '5555555');
  await pickByKeyboard(wrap, 'wrong', 'Wrong Number');
  // The request reaches the simulator, but its answer never reaches the page: it reloads.
  let reached!: () => void;
  const arrived = new Promise<void>(r => (reached = r));
  let held = false;
  await page.route(`**/api/v2/me/calls/${id}`, async route => {
    const post = route.request().method() === 'POST' && (route.request().postData() ?? '').includes('SetCallDisposition');
    if (post && !held) {
      held = true;
      await route.fetch();
      reached();
      return; // no answer, ever
    }
    await route.continue();
  });
  await wrap.locator('.dispo-save').click();
  await arrived;
  expect(await dispositionsOf(sim, id)).toHaveLength(1);
  await page.reload();
  await expect(widget(page).getByText('Ava Patel')).toBeVisible();
  // The outbox resumes: it looks at the call first, sees the code there, and does not send again.
  await expect(widget(page).locator(`.dispo-recent li[data-key="genesys:${id}"] .dispo-status`)).toHaveAttribute('data-status', 'saved');
  await page.waitForTimeout(1_000);
  const ds = await dispositionsOf(sim, id);
  expect(ds).toHaveLength(1);
  expect(ds[0].disposition).toBe('Wrong Number');
  const stored = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith('ccw.dispositions.v1.genesys.'))?.[1]);
  expect(JSON.parse(stored!).entries[0].state).toBe('Saved');
});

test('answer lost on a released call and the call unreadable for a while: it waits to look, and never sends twice', async ({ page, sim }) => {
  await openPanel(page, sim);
  const { id, wrap } = await wrapUpCall(page, sim, '5556666');
  await pickByKeyboard(wrap, 'sale', 'Sale');
  let posts = 0;
  let failedReads = 0;
  await page.route(`**/api/v2/me/calls/${id}`, async route => {
    const method = route.request().method();
    if (method === 'POST' && (route.request().postData() ?? '').includes('SetCallDisposition')) {
      posts++;
      if (posts === 1) {
        await route.fetch(); // it lands at the simulator…
        await route.abort('connectionreset'); // …and its answer is lost
        return;
      }
    } else if (method === 'GET' && failedReads < 2) {
      failedReads++;
      await route.fulfill({ status: 503, body: 'busy' }); // the call cannot be read just now
      return;
    }
    await route.continue();
  });
  await wrap.locator('.dispo-save').click();
  await expect.poll(() => failedReads, { timeout: 15_000 }).toBe(2);
  await expect(widget(page).locator(`.dispo-recent li[data-key="genesys:${id}"] .dispo-status, article[data-call-id="${id}"] .dispo-status`).first())
    .toHaveAttribute('data-status', 'saved', { timeout: 15_000 });
  expect(posts).toBe(1);
  const ds = await dispositionsOf(sim, id);
  expect(ds).toHaveLength(1);
  expect(ds[0]).toMatchObject({ disposition: 'Sale', callActive: false });
});

test('no double submit: a double click on Save, its answer held, sends one disposition', async ({ page, sim }) => {
  await openPanel(page, sim);
  const { id, wrap } = await wrapUpCall(page, sim, '5557878');
  await pickByKeyboard(wrap, 'sale', 'Sale');
  let posts = 0;
  let release!: () => void;
  const held = new Promise<void>(r => (release = r));
  await page.route(`**/api/v2/me/calls/${id}`, async route => {
    if (route.request().method() === 'POST') {
      posts++;
      await held; // the first answer waits until the second click is in
    }
    await route.continue();
  });
  await wrap.locator('.dispo-save').dblclick();
  await expect.poll(() => posts).toBe(1);
  release();
  await expect(widget(page).locator(`.dispo-recent li[data-key="genesys:${id}"] .dispo-status, article[data-call-id="${id}"] .dispo-status`).first())
    .toHaveAttribute('data-status', 'saved');
  await page.waitForTimeout(1_000);
  expect(posts).toBe(1);
  expect(await dispositionsOf(sim, id)).toHaveLength(1);
});
