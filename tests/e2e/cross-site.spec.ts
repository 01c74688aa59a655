// Deployment topologies across sites, in Chromium: a CRM page on https://crm.test embeds the
// widget, and GWS answers on another site (https://gws.test), on the CRM's own site
// (https://gws.crm.test), or through the CRM's own origin (a reverse proxy). Everything is
// HTTPS: the simulator runs with --tls and makes a certificate for these names, which the
// CRM's test server (tests/e2e/crosssite/crm.ts) uses too; the browser maps the names to
// 127.0.0.1 and ignores that nobody signed the certificate.
//
// Where the files come from: the CRM's server serves only its pages, its token backend and
// (case d) the proxy. The widget's files (crm-call-widget.js and what it loads) come from
// the simulator's page port as https://gws.test:PAGE — a widget host of its own, as a CDN
// would be; the page's CSP names it.
//
// Third-party cookies: this Chromium (Debian's, 156) blocks them by default, in Playwright's
// contexts and in a fresh profile alike (Set-Cookie blocked with "UserPreferences"). Neither
// a command-line switch nor CDP's Network.setCookieControls turns them back on, so each
// test runs in a persistent context whose profile preferences say what the test needs:
// `profile.cookie_controls_mode` 0 (allowed) or 1 (blocked).
//
// Each case prints one "[topology]" line with what it observed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import config from '../../playwright.config';
import { test as base, expect, TlsSim, widget } from './fixtures';
import { crmServer, type Crm } from './crosssite/crm';

const HOSTS = ['crm.test', 'gws.test', 'gws.crm.test'];
const RESOLVE = '--host-resolver-rules=' + HOSTS.map(h => `MAP ${h} 127.0.0.1`).join(', ');
const NOT_KEPT = 'the GWS session cookie is not kept across sites';

base.use({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    // The config's switches, the names mapped to loopback, and the self-signed certificate
    // accepted. Nothing else needed relaxing: crm.test and gws.test both resolve to
    // 127.0.0.1, so no request goes from a public address to a local one.
    args: [...(config.use?.launchOptions?.args ?? []), RESOLVE, '--ignore-certificate-errors'],
  },
});

type ThirdPartyCookies = 'allowed' | 'blocked';

/** `site`: a browser profile of its own (persistent, so that its preferences apply) with
 *  third-party cookies as `thirdPartyCookies` says. */
const test = base.extend<{ thirdPartyCookies: ThirdPartyCookies; site: BrowserContext }>({
  thirdPartyCookies: ['allowed', { option: true }],
  site: async ({ launchOptions, thirdPartyCookies }, use, info) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccw-xsite-profile-'));
    fs.mkdirSync(path.join(dir, 'Default'));
    const blocked = thirdPartyCookies === 'blocked';
    fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({
      profile: { cookie_controls_mode: blocked ? 1 : 0, block_third_party_cookies: blocked },
    }));
    const context = await chromium.launchPersistentContext(dir, { ...launchOptions });
    await use(context);
    if (info.status !== info.expectedStatus) {
      for (const [i, p] of context.pages().entries()) {
        await p.screenshot({ path: info.outputPath(`failed-tab-${i}.png`), fullPage: true }).catch(() => {});
      }
    }
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  },
});

// ---------------------------------------------------------------------------------------
// The topology: a simulator (GWS, CloudAgent, the widget's files) and the CRM's server.

type Cookies = 'lax' | 'none' | 'partitioned';
type Topology = { sim: TlsSim; crm: Crm; record: string; close: () => Promise<void> };

/** The widget's files, as the page loads them. */
const widgetOrigin = (sim: TlsSim) => sim.origin('gws.test', true);

function recordPage(sim: TlsSim, element: string, connect: string): { html: string; csp: string } {
  const files = widgetOrigin(sim);
  return {
    csp: `default-src 'self'; script-src 'self' ${files} 'wasm-unsafe-eval'; style-src 'self'; ` +
         `connect-src 'self' ${files} ${connect}; img-src 'self' data:`,
    html: `<!doctype html><html><head><meta charset="utf-8"><title>Account 42</title>
      <script src="${files}/crm-call-widget.js" defer></script></head>
      <body><h1>Account 42</h1>${element}</body></html>`,
  };
}

/** Genesys: GWS at `gws` (a URL, or '' for the page's own origin through the proxy). */
async function genesys(opts: { cookies?: Cookies; gwsHost?: string; proxy?: boolean } = {}): Promise<Topology & { gws: string }> {
  const cookies = opts.cookies ?? 'lax';
  // Through the proxy the browser never calls the simulator: no CORS entry for the CRM.
  const cors = opts.proxy ? [] : ['--allow-origin', 'https://crm.test:*'];
  const sim = await TlsSim.startTls(HOSTS, ['--page-listen', '127.0.0.1:0', '--cookie-samesite', cookies, ...cors]);
  await sim.post('/sim/config', { answerDelayMs: 300 });
  const gws = opts.proxy ? '' : sim.origin(opts.gwsHost ?? 'gws.test');
  const attrs = `${gws ? `gws-url="${gws}" ` : ''}username="ava" password="demo"`;
  const page = recordPage(sim, `<crm-call-widget ${attrs}></crm-call-widget>`, gws);
  const crm = await crmServer({
    cert: sim.cert, key: sim.key, ca: sim.cert, csp: page.csp, pages: { '/record.html': page.html },
    proxyTo: opts.proxy ? sim.url : undefined,
  });
  return { sim, crm, gws, record: `${crm.url()}/record.html`, close: async () => { await crm.close(); sim.stop(); } };
}

// ---------------------------------------------------------------------------------------
// The page: what it logs, what it asks GWS, and when the connection banner changes.

type Watch = { page: Page; errors: string[]; gws: { t: number; url: string }[]; openedAt: number };

/** A tab on the CRM record page, watched from its first script on. */
async function openRecord(site: BrowserContext, url: string): Promise<Watch> {
  const page = site.pages().find(p => p.url() === 'about:blank') ?? await site.newPage();
  const w: Watch = { page, errors: [], gws: [], openedAt: 0 };
  page.on('console', m => { if (m.type() === 'error') w.errors.push(`${m.text()} [${m.location().url}]`); });
  page.on('pageerror', e => w.errors.push(`pageerror: ${e}`));
  page.on('request', r => { if (new URL(r.url()).pathname.startsWith('/api/v2/')) w.gws.push({ t: Date.now(), url: r.url() }); });
  await page.addInitScript(() => {
    const log: { t: number; state: string }[] = [];
    (window as any).__banner = log;
    // Each GWS request as the page sends it (fetch or XMLHttpRequest), on the page's clock
    // (as the banner log): the test's own request events can reach it late when the
    // machine is busy.
    const sent: { t: number; url: string }[] = [];
    (window as any).__gwsSent = sent;
    const fetch = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      const url = input instanceof Request ? input.url : String(input);
      if (new URL(url, location.href).pathname.startsWith('/api/v2/')) sent.push({ t: Date.now(), url });
      return fetch.call(this, input, init);
    };
    const open = XMLHttpRequest.prototype.open;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest & { __url?: string }, ...args: any[]) {
      this.__url = String(args[1]);
      return (open as any).apply(this, args);
    } as any;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest & { __url?: string }, body?: any) {
      const url = this.__url ?? '';
      if (new URL(url, location.href).pathname.startsWith('/api/v2/')) sent.push({ t: Date.now(), url });
      return send.call(this, body);
    };
    let last = '';
    setInterval(() => {
      const root = document.querySelector('crm-call-widget')?.shadowRoot;
      const state = root?.querySelector('[data-connection]')?.getAttribute('data-connection') ?? 'none';
      if (state !== last) { last = state; log.push({ t: Date.now(), state }); }
    }, 20);
  });
  w.openedAt = Date.now();
  await page.goto(url);
  return w;
}

const banner = (page: Page) => widget(page).locator('[data-connection]');
const card = (page: Page, id: string) => widget(page).locator(`article.call-card[data-call-id="${id}"]`);
const button = (page: Page, id: string, name: string) => card(page, id).getByRole('button', { name, exact: true });
const bannerLog = (page: Page) => page.evaluate(() => (window as any).__banner as { t: number; state: string }[]);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Signed in and connected: the agent's name, the session started, no banner. */
async function live(w: Watch, sim: TlsSim): Promise<number> {
  await expect(widget(w.page).locator('.agent-name')).toHaveText('Ava Patel');
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
  await expect(banner(w.page)).toHaveCount(0);
  return Date.now() - w.openedAt;
}

/** Rings a call, answers it in the panel; its id once the simulator has it Established. */
async function answered(page: Page, sim: TlsSim, from: string): Promise<string> {
  const id = await sim.ring(from);
  await expect(card(page, id)).toHaveAttribute('data-state', 'Ringing');
  await button(page, id, 'Answer').click();
  await expect.poll(async () => (await sim.call(id)).state).toBe('Established');
  await expect(card(page, id)).toHaveAttribute('data-state', 'Established');
  return id;
}

/** The panel's live calls ("id state", not wrap-up cards) and Ava's in /sim/state. */
async function inSync(page: Page, sim: TlsSim) {
  const panel = (await widget(page).locator('article.call-card:not(.wrap-up)').evaluateAll(els =>
    els.map(e => `${(e as HTMLElement).dataset.callId} ${(e as HTMLElement).dataset.state}`))).sort();
  const server = (await sim.liveCalls('ava')).map(c => `${c.id} ${c.state}`).sort();
  expect(panel, 'panel calls vs /sim/state').toEqual(server);
}

/** Requests to GWS paths the simulator has counted so far. */
const gwsRequestsAtServer = (state: any) =>
  Object.entries(state.requests as Record<string, number>)
    .filter(([p]) => p.startsWith('/api/v2/')).reduce((n, [, c]) => n + c, 0);

// ---------------------------------------------------------------------------------------

test.describe('a. GWS on another site, cookies SameSite=None; Secure, third-party cookies allowed', () => {
  test('sign-in, a call answered, held, disposed once, a network cut, two tabs', async ({ site }) => {
    test.setTimeout(120_000);
    const t = await genesys({ cookies: 'none' });
    const { sim } = t;
    const w = await openRecord(site, t.record);
    const page = w.page;
    const signedIn = await live(w, sim);
    // The cookie is kept: one GWS session, whatever the number of requests.
    expect((await sim.state()).sessionsOpened).toBe(1);

    // A call rings, is answered, held, resumed and hung up; its disposition is saved once.
    const id = await answered(page, sim, '5551212');
    await button(page, id, 'Hold').click();
    await expect.poll(async () => (await sim.call(id)).state).toBe('Held');
    await expect(card(page, id).locator('.call-state')).toHaveText('On hold');
    await button(page, id, 'Resume').click();
    await expect.poll(async () => (await sim.call(id)).state).toBe('Established');
    await button(page, id, 'Hang up').click();
    const wrap = card(page, id);
    await expect(wrap).toHaveClass(/wrap-up/);
    if (await wrap.locator('.dispo-open').count()) await wrap.locator('.dispo-open').click();
    await wrap.locator('.dispo-filter').fill('resol');
    await wrap.locator('.dispo-filter').press('Enter');
    await wrap.locator('.dispo-save').click();
    const dispositions = async () => (await sim.state()).dispositions.filter((d: any) => d.callId === id);
    await expect.poll(async () => (await dispositions()).length).toBe(1);
    await expect(wrap).toHaveCount(0);
    await sleep(1_000);
    expect(await dispositions()).toHaveLength(1);
    expect((await dispositions())[0]).toMatchObject({ vendor: 'genesys', disposition: 'Resolved' });

    // A network cut of 5 s (the laptop notices: offline), during which the caller hangs up
    // and another call rings; afterwards the panel equals /sim/state again.
    const a = await answered(page, sim, '5552222');
    const cutAt = Date.now();
    await sim.faults({ dropHeldConnects: true });
    await site.setOffline(true);
    await sim.faults({ cutMs: 5_000 });
    await expect(banner(page)).toHaveAttribute('data-connection', 'reconnecting');
    await sleep(300);
    await sim.post(`/sim/calls/${a}/remote-hangup`);
    const b = await sim.ring('5553333');
    await sleep(Math.max(0, cutAt + 5_000 - Date.now()));
    await site.setOffline(false);
    const cutEnd = Date.now();
    await expect(banner(page)).toHaveCount(0, { timeout: 30_000 });
    await expect(async () => inSync(page, sim)).toPass({ timeout: 30_000 });
    const recovered = Date.now() - cutEnd;
    await expect(card(page, b)).toHaveAttribute('data-state', 'Ringing');
    expect((await bannerLog(page)).filter(e => e.t >= cutAt).map(e => e.state)
      .filter(s => s !== 'none' && s !== 'reconnecting')).toEqual([]);

    // A second tab: one CometD session for both, the call in both, answered from the follower.
    const w2 = await openRecord(site, t.record);
    await expect(widget(w2.page).locator('.agent-name')).toHaveText('Ava Patel');
    const roles = async () => Promise.all([page, w2.page].map(p =>
      widget(p).locator('section.ccw').getAttribute('data-tab-role').then(r => r ?? '')));
    await expect.poll(async () => (await roles()).sort()).toEqual(['follower', 'leader']);
    const [r1] = await roles();
    const follower = r1 === 'leader' ? w2.page : page;
    await expect(card(w2.page, b)).toHaveAttribute('data-state', 'Ringing');
    await button(follower, b, 'Answer').click();
    await expect.poll(async () => (await sim.call(b)).state).toBe('Established');
    for (const p of [page, w2.page]) await expect(card(p, b)).toHaveAttribute('data-state', 'Established');
    const end = await sim.state();
    expect(end.cometd.sessions).toBe(1);
    expect(end.sessionsOpened).toBeLessThanOrEqual(2);
    expect([...w.errors, ...w2.errors].filter(e => e.includes(NOT_KEPT))).toEqual([]);

    console.log(`[topology] a. cross-site, GWS cookies SameSite=None; Secure, third-party cookies allowed: works — ` +
      `signed in after ${signedIn} ms, no banner, ${end.sessionsOpened} GWS session(s) opened in all; a call answered, ` +
      `held, resumed, disposed once; a 5 s network cut recovered ${recovered} ms after it ended; two tabs share ` +
      `${end.cometd.sessions} CometD session`);
    await t.close();
  });
});

/** Case b: the session cookie never comes back. The banner, one console error, then
 *  silence: no request to GWS for 15 s, and no more sessions opened. */
async function notKept(site: BrowserContext, t: Topology, label: string) {
  const { sim } = t;
  const w = await openRecord(site, t.record);
  const page = w.page;
  await expect(banner(page)).toHaveAttribute('data-connection', 'session-not-kept', { timeout: 15_000 });
  await expect(banner(page)).toContainText("This browser isn't keeping the phone system's sign-in");
  const shownAt = (await bannerLog(page)).find(e => e.state === 'session-not-kept')!.t;
  const atStop = await sim.state();
  await sleep(15_000);
  const after = await sim.state();

  const sent = await page.evaluate(() => (window as any).__gwsSent as { t: number; url: string }[]);
  expect(sent.length, 'the page-side log sees the requests the test sees').toBe(w.gws.length);
  const requestsAfter = sent.filter(r => r.t > shownAt).map(r => new URL(r.url).pathname);
  const serverAfter = gwsRequestsAtServer(after) - gwsRequestsAtServer(atStop);
  const reasons = w.errors.filter(e => e.includes(NOT_KEPT));
  expect(reasons, w.errors.join('\n')).toHaveLength(1);
  expect(w.errors, 'no other console error').toHaveLength(1);
  expect(reasons[0].startsWith(`crm-call-widget: ${NOT_KEPT}`)).toBeTruthy();
  for (const fix of ['SameSite=None; Secure', 'proxy /api/v2', "CRM's own site"]) expect(reasons[0]).toContain(fix);
  expect(requestsAfter.length, `requests after the stop: ${requestsAfter.join(', ')}`).toBeLessThanOrEqual(1);
  expect(serverAfter).toBeLessThanOrEqual(1);
  expect(after.sessionsOpened).toBe(atStop.sessionsOpened);
  expect(after.sessionsOpened).toBeLessThanOrEqual(8);
  expect(after.cometd.connects).toBe(atStop.cometd.connects);
  await expect(banner(page)).toHaveAttribute('data-connection', 'session-not-kept');
  // No agent state was ever set: the session was never started.
  expect((await sim.agent()).agentState.state).toBe('LoggedOut');

  const before = sent.filter(r => r.t <= shownAt).map(r => new URL(r.url).pathname.replace('/api/v2', ''));
  const byPath = [...new Set(before)].map(p => `${p} ${before.filter(q => q === p).length}`).join(', ');
  console.log(`[topology] ${label}: the banner after ${shownAt - w.openedAt} ms; ${before.length} ` +
    `GWS requests before it (${byPath}); ${requestsAfter.length} requests in the 15 s after the stop ` +
    `(${serverAfter} at the server); ${after.sessionsOpened} GWS sessions opened, none after the stop; ` +
    `${after.cometd.handshakes} handshakes; 1 console error (naming the fixes), no other`);
}

test.describe('b. the session cookie is not kept', () => {
  test('GWS on another site with SameSite=Lax cookies: the banner, one console error, then nothing', async ({ site }) => {
    const t = await genesys({ cookies: 'lax' });
    await notKept(site, t, 'b. cross-site, GWS cookies SameSite=Lax (third-party cookies allowed)');
    await t.close();
  });

  test.describe('third-party cookies blocked', () => {
    test.use({ thirdPartyCookies: 'blocked' });

    test('SameSite=None; Secure cookies are blocked: the banner, one console error, then nothing', async ({ site }) => {
      const t = await genesys({ cookies: 'none' });
      await notKept(site, t, 'b. cross-site, GWS cookies SameSite=None; Secure, third-party cookies blocked');
      await t.close();
    });

    test('partitioned cookies (CHIPS) are kept even so: works', async ({ site }) => {
      const t = await genesys({ cookies: 'partitioned' });
      const w = await openRecord(site, t.record);
      const signedIn = await live(w, t.sim);
      const id = await answered(w.page, t.sim, '5551212');
      const cookies = (await site.cookies(t.sim.origin('gws.test'))).map(c => `${c.name} (partition ${c.partitionKey})`);
      expect(cookies.length).toBeGreaterThan(0);
      expect((await t.sim.state()).sessionsOpened).toBe(1);
      expect(w.errors).toEqual([]);
      console.log(`[topology] b. cross-site, GWS cookies SameSite=None; Secure; Partitioned, third-party cookies blocked: ` +
        `works — signed in after ${signedIn} ms, 1 GWS session, call ${id.slice(-6)} answered; cookies kept: ${cookies.join(', ')}`);
      await t.close();
    });
  });
});

test('c. GWS under the CRM\'s own site (gws.crm.test), SameSite=Lax cookies: works', async ({ site }) => {
  const t = await genesys({ cookies: 'lax', gwsHost: 'gws.crm.test' });
  expect(t.gws).toMatch(/^https:\/\/gws\.crm\.test:\d+$/);
  const w = await openRecord(site, t.record);
  const signedIn = await live(w, t.sim);
  const id = await answered(w.page, t.sim, '5551212');
  await expect(banner(w.page)).toHaveCount(0);
  expect(w.errors).toEqual([]);
  const state = await t.sim.state();
  expect(state.sessionsOpened).toBe(1);
  console.log(`[topology] c. same site (page https://crm.test, GWS https://gws.crm.test), GWS cookies SameSite=Lax: ` +
    `works — signed in after ${signedIn} ms, no banner, ${state.sessionsOpened} GWS session, call ${id.slice(-6)} answered`);
  await t.close();
});

test('d. GWS through the CRM\'s own origin (a reverse proxy of /api/v2), gwsUrl empty: works', async ({ site }) => {
  const t = await genesys({ cookies: 'lax', proxy: true });
  const w = await openRecord(site, t.record);
  const signedIn = await live(w, t.sim);
  const id = await answered(w.page, t.sim, '5551212');
  await button(w.page, id, 'Hold').click();
  await expect.poll(async () => (await t.sim.call(id)).state).toBe('Held');
  // Every GWS request went to the page's own origin; the CometD long poll too.
  const origins = [...new Set(w.gws.map(r => new URL(r.url).origin))];
  expect(origins).toEqual([t.crm.url()]);
  expect(w.gws.some(r => r.url.includes('/api/v2/notifications'))).toBeTruthy();
  expect(w.errors).toEqual([]);
  const state = await t.sim.state();
  expect(state.sessionsOpened).toBe(1);
  console.log(`[topology] d. same origin (https://crm.test proxies /api/v2 to GWS; gwsUrl empty), GWS cookies SameSite=Lax: ` +
    `works — signed in after ${signedIn} ms, no banner, ${state.sessionsOpened} GWS session, ${t.crm.proxied()} requests ` +
    `proxied, call ${id.slice(-6)} answered and held`);
  await t.close();
});

test.describe('e. Ozonetel only', () => {
  // CloudAgent needs no cookie (a bearer token): it works with third-party cookies blocked.
  test.use({ thirdPartyCookies: 'blocked' });

  test('CloudAgent on another site, the token from the CRM\'s backend: a screen-pop call disposed once', async ({ site }) => {
    const DID = '914071327663';
    const sim = await TlsSim.startTls(HOSTS, ['--page-listen', '127.0.0.1:0', '--allow-origin', 'https://crm.test:*']);
    const baseUrl = sim.origin('gws.test');
    const widgetConfig = { telephony: 'ozonetel', ozonetel: { baseUrl, userName: 'demo_crm', agentId: 'ava', agentName: 'Ava Patel',
      did: DID, campaignName: 'Progressive_demo', tokenUrl: '/crm/ozonetel-token', wrapUpSecs: 60 } };
    const page = recordPage(sim, `<crm-call-widget config='${JSON.stringify(widgetConfig)}'></crm-call-widget>`, baseUrl);
    const crm = await crmServer({ cert: sim.cert, key: sim.key, ca: sim.cert, csp: page.csp, pages: { '/record.html': page.html },
      ozonetel: { baseUrl: sim.url, userName: 'demo_crm', apiKey: 'sim-api-key' } });
    const { ucid } = await sim.post('/sim/ozonetel/calls', { agentID: 'ava', did: DID, callerID: '9876543210', wrapupSecs: 60 });

    const w = await openRecord(site, `${crm.url()}/record.html?ucid=${ucid}&did=${DID}&agentID=ava&callerID=9876543210`);
    await w.page.evaluate(() => {
      (window as any).__saved = [];
      document.addEventListener('disposition-saved', e => (window as any).__saved.push((e as CustomEvent).detail));
    });
    await expect(widget(w.page).locator('.agent-name')).toHaveText('Ava Patel');
    const c = card(w.page, ucid);
    await expect(c).toHaveAttribute('data-state', 'Established');
    if (await c.locator('.dispo-open').count()) await c.locator('.dispo-open').click();
    await c.locator('.dispo-filter').fill('int');
    await expect(c.locator('.dispo-codes [role=option][data-code="Interested"]')).toBeVisible();
    await c.locator('.dispo-filter').press('Enter');
    await expect(c.locator('.dispo-codes [role=option][aria-selected=true]')).toHaveAttribute('data-code', 'Interested');
    await c.locator('.dispo-save').click();
    await expect(c.locator('.dispo-status')).toHaveAttribute('data-status', 'queued');

    // The customer hangs up; the CRM tells the widget; the queued disposition applies once.
    await sim.post(`/sim/ozonetel/calls/${ucid}/disconnect`);
    await w.page.evaluate(u => (document.querySelector('crm-call-widget') as any)._handle.callEnded(u), ucid);
    await expect.poll(() => w.page.evaluate(() => (window as any).__saved.length)).toBe(1);
    await expect(c).toHaveCount(0);
    await sleep(1_000);
    const records = (await sim.state()).dispositions.filter((d: any) => d.vendor === 'ozonetel' && d.ucid === ucid);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ disposition: 'Interested', queued: true });
    expect(w.gws, 'requests to GWS paths').toEqual([]);
    await expect(banner(w.page)).toHaveCount(0);
    expect(w.errors).toEqual([]);
    console.log(`[topology] e. Ozonetel only (page https://crm.test, CloudAgent https://gws.test, token from the CRM's ` +
      `backend), third-party cookies blocked: works — screen-pop call disposed once (queued during the call, applied ` +
      `at hang-up), no GWS request`);
    await crm.close();
    sim.stop();
  });
});
