// Issue 8, the fault matrix: one test per fault the simulator can inject. For each, the
// connection banner ([data-connection] in the widget's shadow root) shows the right state
// while the fault lasts and goes away after it; after recovery the panel's calls equal
// `GET /sim/state`; and the time to recover is printed ("[fault] …" lines).
//
// The 3-minute network cut takes the real 3 minutes (the widget has no test knob for its
// CometD timings: request deadlines, backoff); CCW_QUICK=1 skips it in a quick local loop.
import type { Page } from '@playwright/test';
import { test, expect, widget, hostPages, type Sim } from './fixtures';

// ---------------------------------------------------------------------------------------
// Helpers.

const banner = (page: Page) => widget(page).locator('[data-connection]');
const card = (page: Page, id: string) => widget(page).locator(`article.call-card[data-call-id="${id}"]`);
const button = (page: Page, id: string, name: string) => card(page, id).getByRole('button', { name, exact: true });
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Opens the demo page and waits until the panel is live (agent known, session started). */
async function openPanel(page: Page, sim: Sim) {
  await sim.post('/sim/config', { answerDelayMs: 300 });
  await page.goto(`${sim.pageUrl}/`);
  await livePanel(page, sim);
}

async function livePanel(page: Page, sim: Sim) {
  await expect(widget(page).getByText('Ava Patel')).toBeVisible();
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
  await expect(banner(page)).toHaveCount(0);
  await watchBanner(page);
}

/** Records every change of the banner's state ('none' when absent), with Date.now(). */
async function watchBanner(page: Page) {
  await page.evaluate(() => {
    const root = document.querySelector('crm-call-widget')!.shadowRoot!;
    const log: { t: number; state: string }[] = [];
    (window as any).__banner = log;
    let last = '';
    const look = () => {
      const state = root.querySelector('[data-connection]')?.getAttribute('data-connection') ?? 'none';
      if (state !== last) { last = state; log.push({ t: Date.now(), state }); }
    };
    look();
    new MutationObserver(look).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-connection'] });
  });
}

async function bannerStates(page: Page): Promise<{ t: number; state: string }[]> {
  return page.evaluate(() => (window as any).__banner);
}

/** The panel's call cards that are not wrap-up cards: "id state", sorted. */
async function panelCalls(page: Page): Promise<string[]> {
  const cards = await widget(page).locator('article.call-card:not(.wrap-up)').evaluateAll(els =>
    els.map(e => `${(e as HTMLElement).dataset.callId} ${(e as HTMLElement).dataset.state}`));
  return cards.sort();
}

/** Ava's calls in /sim/state that are not released: "id state", sorted. */
async function simCalls(sim: Sim): Promise<string[]> {
  return (await sim.liveCalls('ava')).map(c => `${c.id} ${c.state}`).sort();
}

/** Waits until the banner is gone and the panel's calls equal /sim/state; prints how long
 *  that took since `since` (and since `end`, the end of a fault window, if given). */
async function recovered(page: Page, sim: Sim, label: string, since: number, opts: { end?: number; timeout?: number } = {}) {
  const timeout = opts.timeout ?? 30_000;
  await expect(banner(page)).toHaveCount(0, { timeout });
  await expect(async () => {
    expect(await panelCalls(page), 'panel calls vs /sim/state').toEqual(await simCalls(sim));
  }).toPass({ timeout, intervals: [50, 100, 200] });
  const now = Date.now();
  const log = await bannerStates(page);
  const shown = log.filter(e => e.t >= since - 50 && e.state !== 'none');
  const seen = shown.length === 0 ? 'banner never shown'
    : 'banner ' + log.filter(e => e.t >= since - 50).map(e => `${e.state} at +${e.t - since} ms`).join(', ');
  const fromEnd = opts.end ? `, ${now - opts.end} ms after the fault ended` : '';
  console.log(`[fault] ${label}: panel = /sim/state ${now - since} ms after the fault${fromEnd}; ${seen}`);
  return log;
}

/** Rings a call at Ava, answers it in the panel and waits until it is established. */
async function establishedCall(page: Page, sim: Sim, from = '5551234'): Promise<string> {
  const id = await sim.ring(from);
  await button(page, id, 'Answer').click();
  await expect.poll(async () => (await sim.call(id)).state).toBe('Established');
  await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
  return id;
}

/** Picks `code` on a wrap-up card and saves it. */
async function disposeOnCard(page: Page, id: string, code: string) {
  const c = card(page, id);
  if (await c.locator('.dispo-open').count()) await c.locator('.dispo-open').click();
  await c.locator(`.dispo-codes [role=option][data-code="${code}"]`).click();
  await c.locator('.dispo-save').click();
}

/** Ava's own HTTP session with GWS, beside the widget's (cookie + CSRF token kept). */
async function gwsSession(sim: Sim) {
  const auth = 'Basic ' + Buffer.from('ava:demo').toString('base64');
  const res = await fetch(`${sim.url}/api/v2/me`, { headers: { authorization: auth } });
  expect(res.ok).toBeTruthy();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = res.headers.get('x-csrf-token') ?? '';
  return {
    async op(callId: string, operationName: string) {
      const r = await fetch(`${sim.url}/api/v2/me/calls/${callId}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ operationName }),
      });
      const body = await r.json();
      expect(body.statusCode, JSON.stringify(body)).toBe(0);
    },
  };
}

// ---------------------------------------------------------------------------------------

test.describe('fault matrix', () => {
  test('server restart mid-call: down for 3 s, back with no sessions', async ({ page, sim }) => {
    await openPanel(page, sim);
    const id = await establishedCall(page, sim);

    // The server goes away (every API answer is 503) and comes back with no sessions.
    const t0 = Date.now();
    await sim.faults({ restart: true, http5xxRate: 1 });
    await expect(banner(page)).toHaveAttribute('data-connection', 'reconnecting');
    // While it is down, the caller hangs up: that notification reaches nobody.
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await sleep(3_000);
    await expect(banner(page)).toHaveAttribute('data-connection', 'reconnecting');
    await sim.clearFaults();
    const end = Date.now();
    await recovered(page, sim, 'server restart', t0, { end });

    // The new session works: a call rings, is answered from the panel (fresh CSRF token).
    const next = await establishedCall(page, sim, '5552222');
    expect(await panelCalls(page)).toEqual([`${next} Established`]);
  });

  test('402::session_unknown: the CometD session is forgotten', async ({ page, sim }) => {
    await openPanel(page, sim);
    const id = await establishedCall(page, sim);
    const t0 = Date.now();
    await sim.faults({ expireCometdSessions: true });
    // Between the expiry and the new handshake, the call ends: only a re-read can tell.
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    const log = await recovered(page, sim, '402::session_unknown', t0);
    expect(log.map(e => e.state)).toContain('reconnecting');
    expect((await sim.state()).cometd.handshakes).toBeGreaterThanOrEqual(2);
  });

  /** A network cut of `ms`. The simulator loses every answer during it (a held connect's
   *  included). `wifi`: the laptop notices — what is in flight fails at once (as Chrome's
   *  ERR_NETWORK_CHANGED does), new requests fail fast (offline), and `online` fires at the
   *  end. Otherwise the path dies silently: requests hang until their deadlines. */
  async function networkCut(page: Page, sim: Sim, ms: number, label: string, wifi: boolean) {
    await openPanel(page, sim);
    const a = await establishedCall(page, sim);
    const t0 = Date.now();
    if (wifi) {
      await sim.faults({ dropHeldConnects: true });
      await page.context().setOffline(true);
      await expect(banner(page)).toHaveAttribute('data-connection', 'reconnecting');
    }
    await sim.faults({ cutMs: Math.max(0, ms - (Date.now() - t0)) });
    // During the cut the caller hangs up and another call rings.
    await sleep(500);
    await sim.post(`/sim/calls/${a}/remote-hangup`);
    const b = await sim.ring('5553333');
    await expect(banner(page)).toHaveAttribute('data-connection', 'reconnecting', { timeout: ms });
    await sleep(Math.max(0, t0 + ms - Date.now()));
    // The laptop knew: "reconnecting" from the first moment to the last, nothing else.
    if (wifi) expect((await bannerStates(page)).filter(e => e.t > t0).map(e => e.state)).toEqual(['reconnecting']);
    if (wifi) await page.context().setOffline(false);
    const end = Date.now();
    const log = await recovered(page, sim, label, t0, { end, timeout: 75_000 });
    // Reconnecting the whole time: never "stopped", never "session-expired".
    expect(log.map(e => e.state).filter(s => s !== 'none' && s !== 'reconnecting')).toEqual([]);
    expect(await panelCalls(page)).toEqual([`${b} Ringing`]);
    await button(page, b, 'Answer').click();
    await expect.poll(async () => (await sim.call(b)).state).toBe('Established');
  }

  test('network cut of 30 s (the Wi-Fi drops)', async ({ page, sim }) => {
    test.setTimeout(120_000);
    await networkCut(page, sim, 30_000, 'network cut 30 s', true);
  });

  test('network cut of 3 min (the path dies; requests hang)', async ({ page, sim }) => {
    test.skip(!!process.env.CCW_QUICK, 'CCW_QUICK=1: the 3-minute cut is left out');
    test.setTimeout(360_000);
    await networkCut(page, sim, 180_000, 'network cut 3 min', false);
  });

  test('a 3 s cut loses the connect answer that carried a ringing call', async ({ page, sim }) => {
    // Found by the soak. The answer leaves the server and is lost; Chrome silently resends
    // the POST on a new connection (no response byte came back), so the client sees no
    // failure at all. The ack extension (asked for by the widget, offered by the
    // simulator) makes the server send the unacknowledged events again.
    await openPanel(page, sim);
    const t0 = Date.now();
    await sim.faults({ cutMs: 3_000 });
    const id = await sim.ring('5550003');
    await expect(card(page, id)).toHaveAttribute('data-state', 'Ringing', { timeout: 15_000 });
    await recovered(page, sim, 'a 3 s cut while a call rings', t0, { end: t0 + 3_000 });
  });

  test('a burst of HTTP 5xx', async ({ page, sim }) => {
    await openPanel(page, sim);
    const id = await establishedCall(page, sim);
    const t0 = Date.now();
    // Every API answer is 503 for 5 s; the held connect is cut (HTTP 500).
    await sim.faults({ http5xxRate: 1, dropHeldConnects: true });
    await expect(banner(page)).toHaveAttribute('data-connection', 'reconnecting');
    // An operation during the burst fails with a sentence the agent can read.
    await button(page, id, 'Hold').click();
    await expect(widget(page).locator('.notice')).not.toHaveCount(0);
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await sleep(Math.max(0, t0 + 5_000 - Date.now()));
    await expect.poll(async () => (await banner(page).getAttribute('data-attempt')) ?? '0').not.toBe('1');
    await sim.clearFaults();
    await recovered(page, sim, 'HTTP 5xx burst (5 s)', t0, { end: Date.now() });
  });

  test('malformed JSON in a connect answer', async ({ page, sim }) => {
    await openPanel(page, sim);
    const a = await establishedCall(page, sim);
    const t0 = Date.now();
    // The next answer (the held connect, woken by the new call) is cut off mid-JSON.
    await sim.faults({ malformedNext: 1 });
    const b = await sim.ring('5554444');
    await expect.poll(async () => (await sim.state()).faults.malformedNext).toBe(0);
    await recovered(page, sim, 'malformed JSON', t0);
    expect(await panelCalls(page)).toEqual([`${a} Established`, `${b} Ringing`].sort());
  });

  test('connects slower than the client\'s deadline', async ({ page, sim }) => {
    test.setTimeout(90_000);
    // A 3 s long poll: the client gives a connect 3 s + 10 s (maxNetworkDelay).
    await sim.post('/sim/config', { cometdTimeoutMs: 3_000 });
    await openPanel(page, sim);
    const id = await establishedCall(page, sim);
    const t0 = Date.now();
    await sim.faults({ connectDelayMs: 15_000 });
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await expect(banner(page)).toHaveAttribute('data-connection', 'reconnecting', { timeout: 30_000 });
    console.log(`[fault] slow connects: banner "reconnecting" after ${Date.now() - t0} ms`);
    await sim.clearFaults();
    await recovered(page, sim, 'connects slower than timeout', t0, { end: Date.now() });
  });

  test('duplicated notifications', async ({ page, sim }) => {
    await openPanel(page, sim);
    await sim.faults({ duplicateNotifications: 50 });
    const t0 = Date.now();
    const id = await sim.ring('5555555');
    await expect(card(page, id)).toHaveCount(1);
    await button(page, id, 'Answer').click();
    await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
    await button(page, id, 'Hold').click();
    await expect(card(page, id)).toHaveAttribute('data-state', 'Held');
    await expect.poll(() => simCalls(sim)).toEqual([`${id} Held`]);
    expect(await panelCalls(page)).toEqual([`${id} Held`]);
    await button(page, id, 'Resume').click();
    await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await recovered(page, sim, 'duplicated notifications', t0);
    expect((await sim.state()).faults.duplicateNotifications).toBeLessThan(50);
    expect(await widget(page).locator(`article.call-card[data-call-id="${id}"]`).count()).toBeLessThanOrEqual(1);
  });

  test('out-of-order notifications', async ({ page, sim }) => {
    await openPanel(page, sim);
    const gws = await gwsSession(sim);
    const t0 = Date.now();
    // Ringing is held back; the answer's Established comes first, then the stale Ringing.
    await sim.faults({ reverseNotifications: 2 });
    const id = await sim.ring('5556666');
    await gws.op(id, 'Answer');
    await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
    expect((await sim.state()).faults.reverseNotifications).toBe(0);
    await recovered(page, sim, 'out of order: Established before Ringing', t0);
    // Held, then Released, delivered Released first: the call stays ended.
    await sim.faults({ reverseNotifications: 2 });
    await gws.op(id, 'Hold');
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await expect(widget(page).locator(`article.call-card:not(.wrap-up)[data-call-id="${id}"]`)).toHaveCount(0);
    expect((await sim.state()).faults.reverseNotifications, 'both were delivered, reversed').toBe(0);
    await sleep(300);
    await recovered(page, sim, 'out of order: Released before Held', t0);
  });

  test('a call ends while the panel starts (after the first read, before the subscriptions)', async ({ page, sim }) => {
    // Found by the soak: a reload, then the caller hangs up at once.
    const gws = await gwsSession(sim);
    const id = await sim.ring('5551111');
    await gws.op(id, 'Answer');
    await sim.faults({ latencyMs: 1_500 }); // every API request waits: the handshake lands late
    await page.goto(`${sim.pageUrl}/`);
    await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
    const t0 = Date.now();
    await sim.post(`/sim/calls/${id}/remote-hangup`); // before the CometD session exists
    await sim.clearFaults();
    await watchBanner(page);
    await recovered(page, sim, 'a call ended during start-up', t0);
    await expect(card(page, id)).toHaveClass(/wrap-up/);
  });

  test('a page reload during wrap-up keeps the wrap-up card, and it is disposed once from there', async ({ page, sim }) => {
    // A CRM page navigation is a reload: a call that still waits for its disposition must
    // not vanish with it (GET /api/v2/me lists live calls only).
    await openPanel(page, sim);
    const id = await establishedCall(page, sim);
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await expect(card(page, id)).toHaveClass(/wrap-up/);
    await page.reload();
    await expect(widget(page).getByText('Ava Patel')).toBeVisible();
    await expect(card(page, id)).toHaveClass(/wrap-up/, { timeout: 5_000 });
    // Once more, and the card still counts down and takes the disposition.
    await page.reload();
    await expect(card(page, id)).toHaveClass(/wrap-up/, { timeout: 5_000 });
    await disposeOnCard(page, id, 'Resolved');
    await expect(card(page, id)).toHaveCount(0, { timeout: 10_000 });
    await expect.poll(async () => (await sim.state()).dispositions.filter((d: any) => d.callId === id).map((d: any) => d.disposition)).toEqual(['Resolved']);
    // Disposed: a later reload does not bring the card back.
    await page.reload();
    await expect(widget(page).getByText('Ava Patel')).toBeVisible();
    await page.waitForTimeout(1_000);
    await expect(card(page, id)).toHaveCount(0);
  });

  test('a call that ends while the page reloads still leaves its wrap-up card', async ({ page, sim }) => {
    // The caller hangs up and the page navigates before the Released notification arrives:
    // the new page's state read no longer lists the call, yet it needs a disposition.
    let deaf = false;
    await page.route('**/api/v2/notifications**', async route => {
      const response = await route.fetch().catch(() => null);
      if (deaf || !response) return; // this answer never reaches the page
      await route.fulfill({ response });
    });
    await openPanel(page, sim);
    const id = await establishedCall(page, sim);
    // A second call rings; the agent answers it, but the page never hears that it connected.
    const other = await sim.ring('5552222');
    await expect(card(page, other)).toHaveAttribute('data-state', 'Ringing');
    deaf = true;
    await button(page, other, 'Answer').click();
    await expect.poll(async () => (await sim.call(other)).state).toBe('Established');
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await sim.post(`/sim/calls/${other}/remote-hangup`);
    await expect.poll(async () => (await sim.call(id)).state).toBe('Released');
    await page.waitForTimeout(300);
    await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
    await expect(card(page, other)).toHaveAttribute('data-state', 'Ringing');
    deaf = false;
    await page.reload();
    await expect(widget(page).getByText('Ava Patel')).toBeVisible();
    await expect(card(page, id)).toHaveClass(/wrap-up/, { timeout: 5_000 });
    await expect(card(page, other)).toHaveClass(/wrap-up/);
    await disposeOnCard(page, other, 'Resolved');
    await disposeOnCard(page, id, 'Sale');
    await expect(card(page, id)).toHaveCount(0, { timeout: 10_000 });
    await expect.poll(async () => (await sim.state()).dispositions.filter((d: any) => d.callId === id).map((d: any) => d.disposition)).toEqual(['Sale']);
    await expect.poll(async () => (await sim.state()).dispositions.filter((d: any) => d.callId === other).map((d: any) => d.disposition)).toEqual(['Resolved']);
  });

  test('CSRF token rotation', async ({ page, sim }) => {
    await openPanel(page, sim);
    const id = await establishedCall(page, sim);
    await sim.faults({ rotateCsrf: true });
    const t0 = Date.now();
    await button(page, id, 'Hold').click();
    await expect(card(page, id)).toHaveAttribute('data-state', 'Held');
    console.log(`[fault] CSRF rotation: Hold took ${Date.now() - t0} ms (403, fresh token, retried)`);
    expect((await sim.call(id)).state).toBe('Held');
    await expect(widget(page).locator('.notice')).toHaveCount(0);
    const log = await recovered(page, sim, 'CSRF rotation', t0);
    expect(log.map(e => e.state)).toEqual(['none']);
    expect((await sim.state()).requests['/api/v2/me']).toBeGreaterThanOrEqual(1);
  });

  test('GWS HTTP session expiry, with credentials: a new session by itself', async ({ page, sim }) => {
    await openPanel(page, sim);
    const a = await establishedCall(page, sim);
    const t0 = Date.now();
    await sim.faults({ expireGwsSessions: true });
    await sim.post(`/sim/calls/${a}/remote-hangup`);
    const b = await sim.ring('5557777');
    await recovered(page, sim, 'GWS session expiry (Basic)', t0);
    // Operations work in the new session (its CSRF token is fetched on the 403).
    await button(page, b, 'Answer').click();
    await expect.poll(async () => (await sim.call(b)).state).toBe('Established');
    await expect(card(page, b)).toHaveAttribute('data-state', 'Established');
  });

  test('GWS HTTP session expiry, single sign-on: "session ended", then sign in again', async ({ page }) => {
    const { Sim } = await import('./fixtures');
    const sim = await Sim.start(['--allow-loopback-origins']);
    const host = await hostPages({
      '/sso.html': `<!doctype html><html><head><meta charset="utf-8">
        <script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head>
        <body><div id="slot"></div></body></html>`,
    }, `default-src 'self'; script-src 'self' ${sim.pageUrl} 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${sim.url}`);
    try {
      await page.goto(`${host.url}/sso.html`);
      // The CRM's single sign-on: a GWS cookie session, no credentials in the widget.
      const signIn = () => page.evaluate(async api => {
        const r = await fetch(`${api}/api/v2/me`, { credentials: 'include', headers: { authorization: 'Basic ' + btoa('ava:demo') } });
        return r.status;
      }, sim.url);
      expect(await signIn()).toBe(200);
      await page.waitForFunction(() => (window as any).CrmCallWidget);
      await page.evaluate(api => (window as any).CrmCallWidget.mount(document.getElementById('slot'), { gwsUrl: api }), sim.url);
      const slot = page.locator('#slot');
      await expect(slot.getByText('Ava Patel')).toBeVisible();
      await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
      const a = await sim.ring('5558888');
      await expect(slot.locator(`article.call-card[data-call-id="${a}"]`)).toBeVisible();

      const t0 = Date.now();
      await sim.faults({ expireGwsSessions: true });
      const expired = slot.locator('[data-connection="session-expired"]');
      await expect(expired).toBeVisible({ timeout: 15_000 });
      console.log(`[fault] GWS session expiry (SSO): "session ended" shown after ${Date.now() - t0} ms`);
      await sleep(2_000);
      await expect(expired).toBeVisible(); // it stays: the widget cannot sign in by itself
      await sim.post(`/sim/calls/${a}/remote-hangup`);

      // The CRM signs the agent in again; the agent presses "Sign in again".
      expect(await signIn()).toBe(200);
      const t1 = Date.now();
      await expired.getByRole('button').click();
      await expect(slot.locator('[data-connection]')).toHaveCount(0, { timeout: 15_000 });
      await expect(async () => {
        const shown = await slot.locator('article.call-card:not(.wrap-up)').evaluateAll(els =>
          els.map(e => `${(e as HTMLElement).dataset.callId} ${(e as HTMLElement).dataset.state}`).sort());
        expect(shown).toEqual(await simCalls(sim));
      }).toPass({ timeout: 15_000 });
      console.log(`[fault] GWS session expiry (SSO): panel = /sim/state ${Date.now() - t1} ms after "sign in again"`);
      // Notifications flow again.
      const b = await sim.ring('5559990');
      await expect(slot.locator(`article.call-card[data-call-id="${b}"]`)).toBeVisible();
    } finally {
      await host.close();
      sim.stop();
    }
  });
});
