// Issue 6, Ozonetel end to end: the demo CRM page configured for Ozonetel dispositions
// (the page's HTML is served with the widget's Ozonetel settings added), against the
// simulator's CloudAgent. The active call comes from the screen-pop URL or the host API;
// the token from the simulator key (with the warning), a host callback, or a token URL.
// Each flow ends with exactly one disposition per call at the simulator.
import type { Locator, Page } from '@playwright/test';
import { test, expect, widget, type Sim } from './fixtures';

const DID = '914071327663';
const CODES = ['Interested', 'Call Back', 'Not Interested', 'Wrong Number', 'Sale Done'];

type Options = { ozonetel?: Record<string, unknown>; query?: string };

/** Opens the demo page with the widget set to Ozonetel dispositions. */
async function openOzonetel(page: Page, sim: Sim, opts: Options = {}) {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(String(e)));
  (page as any).__errors = errors;
  const config = {
    dispositionVendor: 'ozonetel',
    ozonetel: { baseUrl: sim.url, userName: 'demo_crm', agentId: 'ava', did: DID, wrapUpSecs: 60, ...opts.ozonetel },
  };
  await page.route(url => url.pathname === '/', async route => {
    const response = await route.fetch();
    const html = (await response.text()).replace('<crm-call-widget', `<crm-call-widget config='${JSON.stringify(config)}'`);
    await route.fulfill({ response, body: html });
  });
  await page.addInitScript(() => {
    (window as any).__saved = [];
    document.addEventListener('disposition-saved', e => (window as any).__saved.push((e as CustomEvent).detail));
  });
  await page.goto(`${sim.pageUrl}/${opts.query ?? ''}`);
  await page.waitForFunction(() => (document.querySelector('crm-call-widget') as any)?._handle);
}

/** A call connected to Ava in the simulator's CloudAgent; its ucid. */
async function ozCall(sim: Sim, callerID: string, wrapupSecs = 60): Promise<string> {
  const { ucid } = await sim.post('/sim/ozonetel/calls', { agentID: 'ava', did: DID, callerID, wrapupSecs });
  return ucid;
}

const screenPop = (ucid: string, callerID: string, agentID = 'ava') =>
  `?ucid=${ucid}&did=${DID}&agentID=${agentID}&callerID=${callerID}`;

const ozCard = (page: Page, ucid: string) => widget(page).locator(`article.oz-call[data-ucid="${ucid}"]`);

/** The call hangs up at the simulator and the page tells the widget. */
async function hangUp(page: Page, sim: Sim, ucid: string) {
  await sim.post(`/sim/ozonetel/calls/${ucid}/disconnect`);
  await page.evaluate(() => (document.querySelector('crm-call-widget') as any)._handle.callEnded());
}

async function pick(scope: Locator, typed: string, code: string) {
  const filter = scope.locator('.dispo-filter');
  await filter.fill(typed);
  // Enter once the list shows (while it loads, Enter picks nothing).
  await expect(scope.locator(`.dispo-codes [role=option][data-code="${code}"]`)).toBeVisible();
  await filter.press('Enter');
  await expect(scope.locator('.dispo-codes [role=option][aria-selected=true]')).toHaveAttribute('data-code', code);
}

/** The CRM's backend at `/crm/ozonetel-token`: mints a token with the key it keeps (here,
 *  the test process). `count` says how many it minted. */
async function crmTokenBackend(page: Page, sim: Sim) {
  const minted = { count: 0 };
  await page.route('**/crm/ozonetel-token', async route => {
    minted.count++;
    const r = await fetch(`${sim.url}/ca_apis/CAToken/generateToken`, { method: 'POST',
      headers: { 'content-type': 'application/json', apiKey: 'sim-api-key' }, body: JSON.stringify({ userName: 'demo_crm' }) });
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ token: (await r.json()).token }) });
  });
  return minted;
}

const records = async (sim: Sim, ucid: string) =>
  (await sim.state()).dispositions.filter((d: any) => d.vendor === 'ozonetel' && d.ucid === ucid);
const ozState = async (sim: Sim, ucid: string) => (await sim.state()).ozonetelCalls.find((c: any) => c.ucid === ucid);
const saved = (page: Page) => page.evaluate(() => (window as any).__saved as any[]);

test('screen-pop call, disposed during the call: queued, applied at hang-up, saved once', async ({ page, sim }, testInfo) => {
  const ucid = await ozCall(sim, '9876543210');
  await openOzonetel(page, sim, { ozonetel: { apiKey: 'sim-api-key' }, query: screenPop(ucid, '9876543210') });
  const card = ozCard(page, ucid);
  await expect(card.locator('.party')).toHaveText('9876543210');
  await expect(card.locator('.call-state')).toHaveText('On call');
  // The simulator key is allowed, with a plain warning.
  await expect(widget(page).locator('.sim-key')).toContainText('Simulator mode');
  // Codes from DispositionAPIV2 `action: get`.
  await expect(card.locator('.dispo-codes [role=option] .name')).toHaveText(CODES);
  await pick(card, 'int', 'Interested');
  await card.locator('.dispo-comment').fill('Wants the premium plan');
  await card.locator('.dispo-save').click();
  await expect(card.locator('.dispo-status')).toHaveAttribute('data-status', 'queued');
  await expect(card.locator('.dispo-status')).toContainText('Queued (applies at hang-up)');
  expect((await ozState(sim, ucid)).queuedDisposition).toBe('Interested');
  expect(await records(sim, ucid)).toHaveLength(0);
  await widget(page).screenshot({ path: testInfo.outputPath('ozonetel-queued.png'), animations: 'disabled' });

  await hangUp(page, sim, ucid);
  await expect(card.locator('.dispo-status')).toHaveAttribute('data-status', 'saved');
  await expect(card.locator('.call-state')).toHaveText('Call ended');
  await expect.poll(() => saved(page)).toEqual([expect.objectContaining({
    vendor: 'ozonetel', ucid, did: DID, agentID: 'ava', disposition: 'Interested', comments: 'Wants the premium plan',
  })]);
  const rs = await records(sim, ucid);
  expect(rs).toHaveLength(1);
  expect(rs[0]).toMatchObject({ disposition: 'Interested', queued: true, comments: 'Wants the premium plan' });
  await card.getByRole('button', { name: 'Done' }).click();
  await expect(card).toHaveCount(0);
  // No token or key in storage.
  const storage = await page.evaluate(() => JSON.stringify(localStorage));
  expect(storage).not.toContain('sim-api-key');
  expect(storage).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT
  expect((page as any).__errors).toEqual([]);
});

test('host API call and token callback; wrap-up countdown; token expiry renewed unnoticed', async ({ page, sim }, testInfo) => {
  const ucid = await ozCall(sim, '9811122233');
  await openOzonetel(page, sim);
  // The CRM's own token callback (here it mints with the simulator's key).
  await page.evaluate(() => {
    (window as any).__tokens = 0;
    (document.querySelector('crm-call-widget') as any)._handle.setTokenProvider(async () => {
      (window as any).__tokens++;
      const r = await fetch('/ca_apis/CAToken/generateToken', { method: 'POST',
        headers: { 'content-type': 'application/json', apiKey: 'sim-api-key' }, body: JSON.stringify({ userName: 'demo_crm' }) });
      return (await r.json()).token;
    });
  });
  await page.evaluate(call => (document.querySelector('crm-call-widget') as any)._handle.setActiveCall(call),
    { ucid, did: DID, callerID: '9811122233', agentID: 'ava' });
  const card = ozCard(page, ucid);
  await expect(card.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
  expect(await page.evaluate(() => (window as any).__tokens)).toBe(1);
  await expect(widget(page).locator('.sim-key')).toHaveCount(0);

  await hangUp(page, sim, ucid);
  await expect(card.locator('.call-state')).toHaveText('Wrap-up');
  await expect(card.locator('.countdown')).toContainText(/Wrap-up ends in (1:00|0:5\d)/);
  // Watch for any failure the agent could see.
  await page.evaluate(() => {
    const root = document.querySelector('crm-call-widget')!.shadowRoot!;
    (window as any).__sawFailure = false;
    new MutationObserver(() => {
      if (root.querySelector('.dispo-status.failed, .dispo-status.retrying, .dispo-error')) (window as any).__sawFailure = true;
    }).observe(root, { subtree: true, childList: true, attributes: true });
  });
  await sim.post('/sim/faults', { expireOzonetelTokens: true });
  await pick(card, 'sale', 'Sale Done');
  await card.locator('.dispo-pause-toggle').check();
  await card.locator('.dispo-save').click();
  // Checked before sending: no request went out.
  await expect(card.locator('.dispo-error')).toHaveText('Choose a pause reason to pause after this call.');
  expect(await records(sim, ucid)).toHaveLength(0);
  await page.evaluate(() => ((window as any).__sawFailure = false));
  await card.locator('.dispo-pause-reason').selectOption('Break');
  await card.locator('.dispo-save').click();
  await expect(card.locator('.dispo-status')).toHaveAttribute('data-status', 'saved');
  // "Token Expired" → one new token from the host → sent again; the agent saw no failure.
  expect(await page.evaluate(() => (window as any).__tokens)).toBe(2);
  expect(await page.evaluate(() => (window as any).__sawFailure)).toBe(false);
  const rs = await records(sim, ucid);
  expect(rs).toHaveLength(1);
  expect(rs[0]).toMatchObject({ disposition: 'Sale Done', queued: false, pauseAfterDispose: true, pauseReason: 'Break' });
  await widget(page).screenshot({ path: testInfo.outputPath('ozonetel-saved.png'), animations: 'disabled' });
});

test('wrap-up time over: "already disposed" is shown plainly, nothing retried', async ({ page, sim }, testInfo) => {
  const ucid = await ozCall(sim, '9800000001', 1);
  await openOzonetel(page, sim, { ozonetel: { apiKey: 'sim-api-key', wrapUpSecs: 1 }, query: screenPop(ucid, '9800000001') });
  const card = ozCard(page, ucid);
  await expect(card.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
  await hangUp(page, sim, ucid);
  await expect(card.locator('.countdown')).toHaveText('Wrap-up time is over');
  await expect.poll(async () => (await ozState(sim, ucid)).state).toBe('closed');
  await pick(card, 'not', 'Not Interested');
  await card.locator('.dispo-save').click();
  const status = card.locator('.dispo-status');
  await expect(status).toHaveAttribute('data-status', 'failed');
  await expect(status.locator('.dispo-reason')).toHaveText(
    "This call already has a disposition, or its wrap-up time is over, so it can't take another one.");
  await expect(status.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await widget(page).screenshot({ path: testInfo.outputPath('ozonetel-wrap-up-over.png'), animations: 'disabled' });
  const sets = (await sim.state()).requests['/ca_apis/DispositionAPIV2'];
  await page.waitForTimeout(2_500);
  expect((await sim.state()).requests['/ca_apis/DispositionAPIV2']).toBe(sets);
  expect(await records(sim, ucid)).toHaveLength(0);
  expect(await saved(page)).toEqual([]);
});

test('a rejection is a sentence, not a retry: the agent is not on this call', async ({ page, sim }) => {
  const ucid = await ozCall(sim, '9800000002');
  await openOzonetel(page, sim, { ozonetel: { apiKey: 'sim-api-key' }, query: screenPop(ucid, '9800000002', 'ben') });
  const card = ozCard(page, ucid);
  await pick(card, 'wrong', 'Wrong Number');
  await card.locator('.dispo-save').click();
  await expect(card.locator('.dispo-status')).toHaveAttribute('data-status', 'failed');
  await expect(card.locator('.dispo-reason')).toHaveText("Ozonetel says you're not on this call.");
  expect((await ozState(sim, ucid)).queuedDisposition ?? null).toBeNull();
});

test('network cut while saving, with a token URL and a callback time: delivered once after', async ({ page, sim }) => {
  const minted = await crmTokenBackend(page, sim);
  const ucid = await ozCall(sim, '9800000003');
  await openOzonetel(page, sim, { ozonetel: { tokenUrl: '/crm/ozonetel-token' }, query: screenPop(ucid, '9800000003') });
  const card = ozCard(page, ucid);
  await expect(card.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
  expect(minted.count).toBe(1);
  await hangUp(page, sim, ucid);
  await pick(card, 'call', 'Call Back');
  await card.locator('.dispo-callback').fill('2030-02-01T10:15');
  await sim.post('/sim/faults', { blackholeMs: 12_000 });
  await card.locator('.dispo-save').click();
  const status = card.locator('.dispo-status');
  await expect(status).toHaveAttribute('data-status', 'retrying', { timeout: 15_000 });
  await expect(status.locator('.dispo-reason')).toHaveText("Can't reach the server. Check your connection. Retrying automatically.");
  expect(await records(sim, ucid)).toHaveLength(0);
  await expect(status).toHaveAttribute('data-status', 'saved', { timeout: 20_000 });
  const rs = await records(sim, ucid);
  expect(rs).toHaveLength(1);
  expect(rs[0]).toMatchObject({ disposition: 'Call Back', callBackTime: '2030-02-01 10:15', queued: false });
  expect(minted.count).toBe(1);
});

test('page reloaded while the disposition is in flight: it arrives exactly once', async ({ page, sim }) => {
  const ucid = await ozCall(sim, '9800000004');
  await openOzonetel(page, sim, { ozonetel: { apiKey: 'sim-api-key' }, query: screenPop(ucid, '9800000004') });
  const card = ozCard(page, ucid);
  await expect(card.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
  await hangUp(page, sim, ucid);
  // The Set reaches the simulator; its answer never reaches the page, which reloads.
  let reached!: () => void;
  const arrived = new Promise<void>(r => (reached = r));
  let held = false;
  await page.route('**/ca_apis/DispositionAPIV2', async route => {
    if (!held && (route.request().postData() ?? '').includes('"Set"')) {
      held = true;
      await route.fetch();
      reached();
      return; // no answer, ever
    }
    await route.continue();
  });
  await pick(card, 'sale', 'Sale Done');
  await card.locator('.dispo-save').click();
  await arrived;
  expect(await records(sim, ucid)).toHaveLength(1);
  await page.reload();
  // The outbox resends after the reload; Ozonetel says "already disposed", which after our
  // own earlier send means saved.
  await expect(ozCard(page, ucid).locator('.dispo-status')).toHaveAttribute('data-status', 'saved');
  await expect(ozCard(page, ucid).locator('.call-state')).toHaveText('Call ended');
  const rs = await records(sim, ucid);
  expect(rs).toHaveLength(1);
  expect(rs[0].disposition).toBe('Sale Done');
});

// Fault matrix (issue 8), the Ozonetel rows: each prints its time to recover.
test.describe('fault matrix, Ozonetel', () => {
  test('the transient error ("Unable to Dispose … retry after some time"): retried by itself, saved once', async ({ page, sim }) => {
    const ucid = await ozCall(sim, '9800000011');
    await openOzonetel(page, sim, { ozonetel: { apiKey: 'sim-api-key' }, query: screenPop(ucid, '9800000011') });
    const card = ozCard(page, ucid);
    await expect(card.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
    await hangUp(page, sim, ucid);
    await sim.post('/sim/faults', { ozonetelTransient: 2 });
    await pick(card, 'int', 'Interested');
    const t0 = Date.now();
    await card.locator('.dispo-save').click();
    const status = card.locator('.dispo-status');
    await expect(status).toHaveAttribute('data-status', 'retrying');
    await expect(status.locator('.dispo-reason')).toContainText("Ozonetel couldn't save it just now.");
    await expect(status).toHaveAttribute('data-status', 'saved', { timeout: 20_000 });
    console.log(`[fault] Ozonetel transient error ×2: saved ${Date.now() - t0} ms after Save`);
    const rs = await records(sim, ucid);
    expect(rs).toHaveLength(1);
    expect(rs[0].disposition).toBe('Interested');
    // Vendor trouble on the disposition side is not a connection problem of the panel.
    await expect(widget(page).locator('[data-connection]')).toHaveCount(0);
    expect(await saved(page)).toHaveLength(1);
  });

  test('every token expires at Ozonetel mid-shift: renewed and resent once, the agent sees only Saved', async ({ page, sim }) => {
    const minted = await crmTokenBackend(page, sim);
    const ucid = await ozCall(sim, '9800000012');
    await openOzonetel(page, sim, { ozonetel: { tokenUrl: '/crm/ozonetel-token' }, query: screenPop(ucid, '9800000012') });
    const card = ozCard(page, ucid);
    await expect(card.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
    expect(minted.count).toBe(1);
    await hangUp(page, sim, ucid);
    await sim.post('/sim/faults', { expireOzonetelTokens: true });
    await page.evaluate(() => {
      (window as any).__statuses = [];
      const root = (document.querySelector('crm-call-widget') as any).shadowRoot;
      new MutationObserver(() => {
        const s = root.querySelector('.oz-call .dispo-status')?.getAttribute('data-status');
        if (s && (window as any).__statuses.at(-1) !== s) (window as any).__statuses.push(s);
      }).observe(root, { subtree: true, childList: true, attributes: true });
    });
    await pick(card, 'wrong', 'Wrong Number');
    const t0 = Date.now();
    await card.locator('.dispo-save').click();
    await expect(card.locator('.dispo-status')).toHaveAttribute('data-status', 'saved');
    console.log(`[fault] Ozonetel token expiry: saved ${Date.now() - t0} ms after Save (one new token)`);
    expect(minted.count).toBe(2);
    expect(await page.evaluate(() => (window as any).__statuses)).not.toContain('failed');
    expect(await page.evaluate(() => (window as any).__statuses)).not.toContain('retrying');
    const rs = await records(sim, ucid);
    expect(rs).toHaveLength(1);
    expect(rs[0].disposition).toBe('Wrong Number');
  });
});
