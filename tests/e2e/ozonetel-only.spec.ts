// An Ozonetel-only CRM (telephony "ozonetel": no Genesys at all), end to end: the page is
// served from an origin of its own (a CRM's), the widget from the simulator's page port,
// CloudAgent from the simulator's API port, and the token from the CRM's backend (a route
// of the page's origin). Not one request may go to a GWS path, and no Genesys state or
// connection banner may ever show. Every flow ends with exactly one disposition per call.
import type { Locator, Page, Request } from '@playwright/test';
import { test, expect, widget, hostPages, Sim } from './fixtures';

const DID = '914071327663';
const CODES = ['Interested', 'Call Back', 'Not Interested', 'Wrong Number', 'Sale Done'];
const CAMPAIGN = 'Progressive_demo';

type Host = { url: string; close: () => Promise<unknown> };
let sim: Sim;
let host: Host;

test.beforeEach(async () => {
  sim = await Sim.start(['--page-listen', '127.0.0.1:0', '--allow-loopback-origins']);
  const csp = `default-src 'self'; script-src 'self' ${sim.pageUrl} 'wasm-unsafe-eval'; style-src 'self'; ` +
    `connect-src 'self' ${sim.pageUrl} ${sim.url}; img-src 'self' data:`;
  const config = { telephony: 'ozonetel', clickToDial: true,
    ozonetel: { baseUrl: sim.url, userName: 'demo_crm', agentId: 'ava', agentName: 'Ava Patel', did: DID,
                campaignName: CAMPAIGN, tokenUrl: '/crm/ozonetel-token', wrapUpSecs: 60 } };
  host = await hostPages({
    '/record.html': `<!doctype html><html><head><meta charset="utf-8"><title>Account 42</title>
      <script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head>
      <body><h1>Account 42</h1><p>Phone: <a id="tel" href="tel:98765-43210">98765 43210</a></p>
      <crm-call-widget config='${JSON.stringify(config)}'></crm-call-widget></body></html>`,
  }, csp);
  expect(new URL(host.url).origin).not.toBe(new URL(sim.pageUrl).origin);
});
test.afterEach(async () => { sim.stop(); await host.close(); });

type Watch = { gws: string[]; minted: { count: number }; errors: string[] };

/** Opens the CRM record page (optionally a screen-pop URL) with the CRM's token backend,
 *  and watches for any GWS request, page error, and the disposition-saved events. */
async function open(page: Page, query = '', watch?: Watch): Promise<Watch> {
  const w = watch ?? { gws: [], minted: { count: 0 }, errors: [] };
  if (!watch) {
    page.on('request', (r: Request) => { if (/\/api\/v2|\/notifications/.test(r.url())) w.gws.push(r.url()); });
    page.on('pageerror', e => w.errors.push(String(e)));
    await page.route('**/crm/ozonetel-token', async route => {
      w.minted.count++;
      const r = await fetch(`${sim.url}/ca_apis/CAToken/generateToken`, { method: 'POST',
        headers: { 'content-type': 'application/json', apiKey: 'sim-api-key' }, body: JSON.stringify({ userName: 'demo_crm' }) });
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ token: (await r.json()).token }) });
    });
    await page.addInitScript(() => {
      (window as any).__saved = [];
      document.addEventListener('disposition-saved', e => (window as any).__saved.push((e as CustomEvent).detail));
    });
  }
  await page.goto(`${host.url}/record.html${query}`);
  await page.waitForFunction(() => (document.querySelector('crm-call-widget') as any)?._handle);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  return w;
}

/** Nothing of Genesys shows: no agent-state select, no connection banner, no sign-out. */
async function noGenesys(page: Page, w: Watch) {
  await expect(widget(page).locator('.agent-state')).toHaveCount(0);
  await expect(widget(page).locator('[data-connection]')).toHaveCount(0);
  expect(w.gws, 'requests to GWS paths').toEqual([]);
  expect(w.errors).toEqual([]);
}

const handle = (page: Page, js: string, arg?: unknown) =>
  page.evaluate(([js, arg]) => new Function('h', 'arg', js)((document.querySelector('crm-call-widget') as any)._handle, arg),
    [js, arg] as [string, unknown]);

async function ozCall(callerID: string, wrapupSecs = 60): Promise<string> {
  const { ucid } = await sim.post('/sim/ozonetel/calls', { agentID: 'ava', did: DID, callerID, wrapupSecs });
  return ucid;
}
const screenPop = (ucid: string, callerID: string) => `?ucid=${ucid}&did=${DID}&agentID=ava&callerID=${callerID}`;
const card = (page: Page, ucid: string) => widget(page).locator(`article.call-card[data-call-id="${ucid}"]`);
const records = async (ucid: string) =>
  (await sim.state()).dispositions.filter((d: any) => d.vendor === 'ozonetel' && d.ucid === ucid);
const saved = (page: Page) => page.evaluate(() => (window as any).__saved as any[]);

async function hangUp(page: Page, ucid: string) {
  await sim.post(`/sim/ozonetel/calls/${ucid}/disconnect`);
  await handle(page, 'return h.callEnded(arg)', ucid);
}

async function pick(scope: Locator, typed: string, code: string) {
  const filter = scope.locator('.dispo-filter');
  await filter.fill(typed);
  // As an agent would: Enter once the list shows (while it loads, Enter picks nothing).
  await expect(scope.locator(`.dispo-codes [role=option][data-code="${code}"]`)).toBeVisible();
  await filter.press('Enter');
  await expect(scope.locator('.dispo-codes [role=option][aria-selected=true]')).toHaveAttribute('data-code', code);
}

async function openPicker(c: Locator) {
  const open = c.locator('.dispo-open');
  if (await open.count()) await open.click();
}

test('screen-pop call: the panel shows the call, a pick during it is queued and applies at hang-up, saved once; no GWS at all', async ({ page }, info) => {
  const ucid = await ozCall('9876543210');
  const w = await open(page, screenPop(ucid, '9876543210'));
  const c = card(page, ucid);
  await expect(c.locator('.party')).toHaveText('9876543210');
  await expect(c).toHaveAttribute('data-state', 'Established');
  await expect(c.locator('.user-data')).toContainText(ucid);
  await expect(c.locator('.user-data')).toContainText(DID);
  await expect(c.locator('.timer')).toBeVisible();
  // Ozonetel calls have no controls the panel could send.
  await expect(c.locator('.controls button')).toHaveCount(0);
  await openPicker(c);
  await expect(c.locator('.dispo-codes [role=option] .name')).toHaveText(CODES);
  await pick(c, 'int', 'Interested');
  await c.locator('.dispo-comment').fill('Wants the premium plan');
  await c.locator('.dispo-save').click();
  await expect(c.locator('.dispo-status')).toHaveAttribute('data-status', 'queued');
  expect(await records(ucid)).toHaveLength(0);
  await noGenesys(page, w);
  await widget(page).screenshot({ path: info.outputPath('ozonetel-only-queued.png'), animations: 'disabled' });

  await hangUp(page, ucid);
  await expect.poll(() => saved(page)).toEqual([expect.objectContaining({ vendor: 'ozonetel', ucid, disposition: 'Interested' })]);
  await expect(c).toHaveCount(0);
  const rs = await records(ucid);
  expect(rs).toHaveLength(1);
  expect(rs[0]).toMatchObject({ disposition: 'Interested', queued: true, comments: 'Wants the premium plan' });
  await noGenesys(page, w);
  expect(w.minted.count).toBe(1);
});

test('dispose in wrap-up with the ACW countdown; a new call while the earlier waits keeps both cards; ACW over gives the "already disposed" sentence', async ({ page }) => {
  const w = await open(page);
  const first = await ozCall('9811122233');
  await handle(page, 'return h.setActiveCall(arg)', { ucid: first, callerID: '9811122233' });
  await expect(card(page, first)).toHaveAttribute('data-state', 'Established');
  await hangUp(page, first);
  const c1 = card(page, first);
  await expect(c1).toHaveClass(/wrap-up/);
  await expect(c1.locator('.countdown')).toContainText(/Wrap-up ends in (1:00|0:5\d)/);

  // The next call comes in while the first still waits for its disposition: two cards.
  const second = await ozCall('9822233344', 1);
  await handle(page, 'return h.setActiveCall(arg)', { ucid: second, callerID: '9822233344' });
  const c2 = card(page, second);
  await expect(c2).toHaveAttribute('data-state', 'Established');
  await expect(c1).toHaveClass(/wrap-up/);

  // Dispose the first in its wrap-up: saved once, its card goes.
  await pick(c1, 'call b', 'Call Back');
  const when = c1.locator('.dispo-callback');
  if (await when.count()) await when.fill('2030-01-02T10:30');
  await c1.locator('.dispo-save').click();
  await expect.poll(async () => (await records(first)).length).toBe(1);
  await expect(c1).toHaveCount(0);

  // The second ends and its 1 s ACW runs out at Ozonetel before the agent picks.
  await hangUp(page, second);
  await expect(c2).toHaveClass(/wrap-up/);
  await page.waitForTimeout(1500);
  await pick(c2, 'sale', 'Sale Done');
  await c2.locator('.dispo-save').click();
  await expect(c2.locator('.dispo-status')).toHaveAttribute('data-status', 'failed');
  await expect(c2.locator('.dispo-status')).toContainText('already has a disposition, or its wrap-up time is over');
  expect(await records(second)).toHaveLength(0);
  expect(await saved(page)).toHaveLength(1);
  await noGenesys(page, w);
});

test('click-to-dial from the dialer and from a tel: link: the ucid becomes the call, disposed once; each dial error has its sentence', async ({ page }) => {
  const w = await open(page);
  // Not available (not logged in to the toolbar): its own sentence, no card.
  await sim.post('/sim/ozonetel/agents/ava', { available: false });
  await widget(page).locator('.dial-input').fill('98765 43210');
  await widget(page).locator('.dial-input').press('Enter');
  await expect(widget(page).locator('.notices')).toContainText("you're not available for a call");
  await expect(widget(page).locator('article.call-card')).toHaveCount(0);
  await sim.post('/sim/ozonetel/agents/ava', { available: true });

  // A number Ozonetel cannot dial.
  await widget(page).locator('.dial-input').fill('12');
  await widget(page).locator('.dial-input').press('Enter');
  await expect(widget(page).locator('.notices')).toContainText("can't dial that number");

  // The dialer: the ucid AgentManualDial answers is the new call.
  await widget(page).locator('.dial-input').fill('98765 43210');
  await widget(page).locator('.dial-input').press('Enter');
  const c = widget(page).locator('article.call-card');
  await expect(c).toHaveCount(1);
  const ucid = await c.getAttribute('data-call-id');
  const oz = (await sim.state()).ozonetelCalls.find((x: any) => x.ucid === ucid);
  expect(oz).toMatchObject({ callerID: '9876543210' });
  await expect(c.locator('.kind')).toHaveText('Outbound');
  await hangUp(page, ucid!);
  await pick(c, 'not', 'Not Interested');
  await c.locator('.dispo-save').click();
  await expect.poll(async () => (await records(ucid!)).length).toBe(1);
  await expect(c).toHaveCount(0);

  // A tel: link in the page (clickToDial) and the host API place calls too.
  await page.locator('#tel').click();
  await expect(c).toHaveCount(1);
  const linked = await c.getAttribute('data-call-id');
  expect(linked).not.toBe(ucid);
  await hangUp(page, linked!);
  await handle(page, 'return h.dial(arg)', '9811100000');
  await expect(widget(page).locator('article.call-card[data-state=Established]')).toHaveCount(1);
  await noGenesys(page, w);
});

test('a token expiring mid-shift is renewed unnoticed; a reload during ACW keeps the card and disposes once', async ({ page }) => {
  const ucid = await ozCall('9833344455');
  const w = await open(page, screenPop(ucid, '9833344455'));
  const c = card(page, ucid);
  await openPicker(c);
  await expect(c.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
  await hangUp(page, ucid);
  await expect(c).toHaveClass(/wrap-up/);
  // The CRM navigates (a reload of the same record) during ACW.
  await page.reload();
  await page.waitForFunction(() => (document.querySelector('crm-call-widget') as any)?._handle);
  await expect(c).toHaveClass(/wrap-up/);
  await expect(c.locator('.countdown')).toContainText('Wrap-up ends in');
  // Every token expires at Ozonetel: the next request is refused, renewed, resent.
  await expect(c.locator('.dispo-codes [role=option]')).toHaveCount(CODES.length);
  await sim.faults({ expireOzonetelTokens: true });
  const before = w.minted.count;
  await pick(c, 'wrong', 'Wrong Number');
  await c.locator('.dispo-save').click();
  await expect.poll(async () => (await records(ucid)).length).toBe(1);
  await expect(c).toHaveCount(0);
  expect(w.minted.count).toBe(before + 1);
  await expect(widget(page).locator('.dispo-status[data-status=failed]')).toHaveCount(0);
  await page.waitForTimeout(1000);
  expect(await records(ucid)).toHaveLength(1);
  await noGenesys(page, w);
});

test('two tabs: the same cards in both, a pick in either reaches Ozonetel exactly once', async ({ page, context }) => {
  const ucid = await ozCall('9844455566');
  const w = await open(page);
  const other = await context.newPage();
  const w2 = await open(other);
  // The screen pop lands in one tab; the other shows the same card.
  await handle(page, 'return h.setActiveCall(arg)', { ucid, callerID: '9844455566' });
  await expect(card(page, ucid)).toHaveAttribute('data-state', 'Established');
  await expect(card(other, ucid)).toHaveAttribute('data-state', 'Established');
  await hangUp(page, ucid);
  await expect(card(other, ucid)).toHaveClass(/wrap-up/);
  // The pick in the second tab.
  const c = card(other, ucid);
  await pick(c, 'int', 'Interested');
  await c.locator('.dispo-save').click();
  await expect.poll(async () => (await records(ucid)).length).toBe(1);
  await expect(card(page, ucid)).toHaveCount(0);
  await expect(card(other, ucid)).toHaveCount(0);
  await page.waitForTimeout(1500);
  expect(await records(ucid)).toHaveLength(1);
  await noGenesys(page, w);
  await noGenesys(other, w2);
});

test('the code list still on its way: a typed filter is not taken for a code; the list, once in, offers the match', async ({ page }) => {
  let release!: () => void;
  const held = new Promise<void>(r => { release = r; });
  let asked = 0;
  await page.route(`${sim.url}/ca_apis/DispositionAPIV2`, async route => {
    if (/"action"\s*:\s*"get"/.test(route.request().postData() ?? '')) { asked++; await held; }
    await route.continue();
  });
  const ucid = await ozCall('9812312312');
  const w = await open(page, screenPop(ucid, '9812312312'));
  const c = card(page, ucid);
  await openPicker(c);
  await expect.poll(() => asked).toBe(1);
  await expect(c.locator('.dispo-note .spinner')).toHaveCount(1);
  const filter = c.locator('.dispo-filter');
  await filter.fill('int');
  await filter.press('Enter');
  await expect(c.locator('.dispo-codes [role=option]')).toHaveCount(0);
  await c.locator('.dispo-save').click();
  await expect(c.locator('.dispo-error')).toBeVisible();
  await expect(c.locator('.dispo-status')).toHaveCount(0);
  expect(await records(ucid)).toHaveLength(0);
  release();
  // The list arrives; the filter typed meanwhile now offers what it matches.
  await expect(c.locator('.dispo-codes [role=option] .name')).toHaveText(['Interested', 'Not Interested']);
  await filter.press('Enter');
  await expect(c.locator('.dispo-codes [role=option][aria-selected=true]')).toHaveAttribute('data-code', 'Interested');
  await c.locator('.dispo-save').click();
  await expect(c.locator('.dispo-status')).toHaveAttribute('data-status', 'queued');
  await hangUp(page, ucid);
  await expect.poll(async () => (await records(ucid)).map((r: any) => r.disposition)).toEqual(['Interested']);
  await noGenesys(page, w);
});

test('hostile strings from the Ozonetel API and the page show as text', async ({ page }) => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  await sim.post('/sim/ozonetel/config', { dispositions: [evil, 'Interested'] });
  const ucid = await ozCall('9855566677');
  const w = await open(page);
  await handle(page, 'return h.setActiveCall(arg)', { ucid, callerID: `<b>${evil}</b>` });
  const c = card(page, ucid);
  await expect(c.locator('.party')).toHaveText(`<b>${evil}</b>`);
  await openPicker(c);
  await expect(c.locator('.dispo-codes [role=option] .name').first()).toHaveText(evil);
  await expect(widget(page).locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  await noGenesys(page, w);
});
