// Embedding: the documented snippet alone, in a page of another origin than the APIs,
// under the strict CSP and a hostile stylesheet; every documented event reaches the page;
// a wrong config is explained; the widget leaks nothing into the page.
import { test, expect, Sim, widget, hostPages } from './fixtures';
import type { Page } from '@playwright/test';


/** The CSP of the README: the host's own policy plus the widget's origin and the APIs'. */
const STRICT_CSP = (widgetOrigin: string, api: string) =>
  `default-src 'self'; script-src 'self' ${widgetOrigin} 'wasm-unsafe-eval'; style-src 'self'; ` +
  `connect-src 'self' ${widgetOrigin} ${api}; img-src 'self' data:`;

const HOSTILE_CSS = `* { all: unset !important; } button { display: none !important; } crm-call-widget { font-size: 40px; color: red; }`;

/** Serves one host page (a third origin) that embeds the widget from the simulator. */
async function hostPage(sim: Sim, html: string, assets: Record<string, [string, string]> = {}) {
  const host = await hostPages({ '/page.html': html }, STRICT_CSP(sim.pageUrl, sim.url), assets);
  return { url: `${host.url}/page.html`, close: host.close };
}

/** Records CSP violations and every widget event from the first script on. */
async function watch(page: Page) {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    (window as any).__events = [];
    document.addEventListener('securitypolicyviolation', e =>
      (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    const names = ['call-ringing', 'call-connected', 'call-ended', 'disposition-saved',
                   'agent-state-changed', 'connection-changed', 'error'];
    for (const n of names) {
      document.addEventListener(n, e => (window as any).__events.push({ name: n, detail: (e as CustomEvent).detail }));
    }
  });
}

const events = (page: Page) => page.evaluate(() => (window as any).__events as { name: string; detail: any }[]);
const eventNames = async (page: Page) => (await events(page)).map(e => e.name);

// Host pages live on a third origin (a CRM's): the simulator's CORS allowlist takes it.
test.use({ simArgs: ['--allow-loopback-origins'] });

test.describe('embedded in a foreign page', () => {
  let sim: Sim;
  test.beforeEach(async () => { sim = await Sim.start(['--page-listen', '127.0.0.1:0', '--allow-loopback-origins']); });
  test.afterEach(() => sim.stop());

  test('the snippet alone works cross-origin under a strict CSP and a hostile stylesheet, and sends every event', async ({ page }, info) => {
    const host = await hostPage(sim, `<!doctype html><html><head><meta charset="utf-8"><title>Record</title>
      <link rel="stylesheet" href="/hostile.css">
      <script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head>
      <body><h1>Account 42</h1>
      <crm-call-widget gws-url="${sim.url}" username="ava" password="demo"></crm-call-widget></body></html>`,
      { '/hostile.css': ['text/css', HOSTILE_CSS] });
    expect(new URL(host.url).origin).not.toBe(new URL(sim.url).origin);
    expect(new URL(host.url).origin).not.toBe(new URL(sim.pageUrl).origin);
    await watch(page);
    await page.goto(host.url);

    const panel = widget(page);
    await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
    await expect.poll(() => eventNames(page)).toContain('connection-changed');

    // The hostile stylesheet changes nothing inside the shadow root.
    const dial = panel.getByRole('button', { name: 'Call', exact: true });
    await expect(dial).toBeVisible();
    expect(await dial.evaluate(el => getComputedStyle(el).display)).not.toBe('none');

    // A call rings (screen pop), is answered, the agent changes state, the call ends.
    const { id } = await sim.post('/sim/calls/inbound', { agent: 'ava', from: '5551212', userData: { AccountNumber: '42' } });
    await expect.poll(() => eventNames(page)).toContain('call-ringing');
    const ringing = (await events(page)).find(e => e.name === 'call-ringing')!;
    expect(ringing.detail).toMatchObject({ callId: id, ani: '5551212', direction: 'inbound', userData: { AccountNumber: '42' } });

    await panel.getByRole('button', { name: 'Answer' }).click();
    await expect.poll(() => eventNames(page)).toContain('call-connected');
    await panel.locator('select.agent-state').selectOption({ label: 'Not Ready – Lunch' });
    await expect.poll(() => eventNames(page)).toContain('agent-state-changed');
    await panel.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => eventNames(page)).toContain('call-ended');
    const ended = (await events(page)).find(e => e.name === 'call-ended')!;
    expect(ended.detail).toMatchObject({ callId: id, direction: 'inbound', answered: true });
    expect(ended.detail.parties[0].number).toBe('5551212');

    // The wrap-up card takes the disposition; the page hears it was saved.
    const wrap = panel.locator(`article.call-card[data-call-id="${id}"]`);
    await expect(wrap).toHaveClass(/wrap-up/);
    await wrap.locator('.dispo-filter').fill('resol');
    await wrap.locator('.dispo-filter').press('Enter');
    await wrap.locator('.dispo-save').click();
    await expect.poll(() => eventNames(page)).toContain('disposition-saved');
    expect((await events(page)).find(e => e.name === 'disposition-saved')!.detail)
      .toMatchObject({ vendor: 'genesys', callId: id, disposition: 'Resolved' });

    // An error the agent sees is also an event.
    await panel.getByRole('textbox', { name: 'Number to dial' }).fill('55a1');
    await dial.click();
    await expect.poll(() => eventNames(page)).toContain('error');

    const state = await sim.state();
    expect(state.calls.find((c: any) => c.id === id)?.state).toBe('Released');
    expect(state.dispositions.filter((d: any) => d.callId === id)).toHaveLength(1);
    // Every documented event reached the page.
    expect(new Set(await eventNames(page))).toEqual(new Set(['call-ringing', 'call-connected', 'call-ended',
      'disposition-saved', 'agent-state-changed', 'connection-changed', 'error']));
    expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
    await page.screenshot({ path: info.outputPath('hostile-page.png'), fullPage: true });
    await host.close();
  });
});

test('a wrong config is explained in the widget and in the console', async ({ page, sim }) => {
  const consoleErrors: string[] = [];
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const host = await hostPage(sim, `<!doctype html><html><head><script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head>
    <body><crm-call-widget usernme="ava"></crm-call-widget></body></html>`);
  await page.goto(host.url);
  const note = widget(page).getByRole('alert');
  await expect(note).toContainText('not set up correctly');
  await expect(note).toContainText('usernme');
  expect(consoleErrors.join('\n')).toContain('usernme');
  await host.close();
});

test('the widget leaks no styles or globals into the page, and destroy() ends its traffic', async ({ page, sim }) => {
  const host = await hostPage(sim, `<!doctype html><html><head></head><body>
    <button id="page-button">Page button</button><div id="slot"></div></body></html>`);
  await page.goto(host.url);
  const before = await page.evaluate(() => ({
    globals: Object.keys(window).sort(),
    button: getComputedStyle(document.getElementById('page-button')!).cssText || JSON.stringify([...getComputedStyle(document.getElementById('page-button')!)].map(p => getComputedStyle(document.getElementById('page-button')!).getPropertyValue(p))),
    sheets: document.styleSheets.length,
  }));
  await page.addScriptTag({ url: `${sim.pageUrl}/crm-call-widget.js` });
  await page.evaluate(api => { (window as any).__api = api; }, sim.url);
  await page.evaluate(async () => {
    const h = await (window as any).CrmCallWidget.mount(document.getElementById('slot'), { gwsUrl: (window as any).__api, username: 'ava', password: 'demo' });
    (window as any).__handle = h;
  });
  await expect(page.locator('#slot .agent-name')).toHaveText('Ava Patel');
  const after = await page.evaluate(() => ({
    globals: Object.keys(window).sort(),
    button: getComputedStyle(document.getElementById('page-button')!).cssText || JSON.stringify([...getComputedStyle(document.getElementById('page-button')!)].map(p => getComputedStyle(document.getElementById('page-button')!).getPropertyValue(p))),
    sheets: document.styleSheets.length,
  }));
  // The test's own `__` globals aside, the widget adds exactly one name.
  expect(after.globals.filter(g => !before.globals.includes(g) && !g.startsWith('__'))).toEqual(['CrmCallWidget']);
  expect(after.button).toBe(before.button);
  expect(after.sheets).toBe(before.sheets);

  // destroy(): the long poll stops — no connect reaches the simulator afterwards.
  await page.evaluate(() => (window as any).__handle.destroy());
  await page.waitForTimeout(300);
  const connects = async () => (await sim.state()).cometd.connects;
  const settled = await connects();
  await page.waitForTimeout(1500);
  expect(await connects()).toBe(settled);
  expect(await page.locator('#slot').evaluate(el => el.shadowRoot?.innerHTML ?? '')).not.toContain('agent-name');
  await host.close();
});

test('the host API mounts a widget with no config at all: the defaults (this origin\'s GWS, its session)', async ({ page, sim }) => {
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  await page.evaluate(async () => {
    const el = document.createElement('div');
    el.id = 'slot';
    document.body.append(el);
    (window as any).__handle = await (window as any).CrmCallWidget.mount(el);
  });
  await expect(page.locator('#slot .agent-name')).toHaveText('Ava Patel');
  await page.evaluate(() => (window as any).__handle.destroy());
});

test('click-to-dial: a tel: link in the page dials from the panel', async ({ page, sim }) => {
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  await page.getByRole('link', { name: '555-1212' }).click();
  await expect(widget(page).locator('.call-card')).toHaveCount(1);
  await expect.poll(async () => (await sim.state()).calls.map((c: any) => c.participants?.[0]?.phoneNumber ?? JSON.stringify(c.participants))).toEqual(
    expect.arrayContaining([expect.stringContaining('5551212')]));
});

test('Hindi: every sentence comes from the catalog in the chosen language', async ({ page, sim }) => {
  const host = await hostPage(sim, `<!doctype html><html><head><script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head>
    <body><crm-call-widget gws-url="${sim.url}" username="ava" password="demo" lang="hi"></crm-call-widget></body></html>`);
  await page.goto(host.url);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  await expect(widget(page).getByRole('button', { name: 'कॉल करें' })).toBeVisible();
  await expect(widget(page).getByText('अभी कोई कॉल नहीं है।')).toBeVisible();
  await expect(widget(page).locator('.agent-dn')).toHaveText('एक्सटेंशन 5005');
  await host.close();
});

test('a call ringing in a hidden tab: a browser notification and a flashing title', async ({ page, sim }) => {
  await page.context().grantPermissions(['notifications']);
  await page.addInitScript(() => {
    // The tab is in the background; notifications are recorded instead of shown.
    Object.defineProperty(document, 'hidden', { get: () => true });
    (window as any).__notes = [];
    class RecordedNotification { static permission = 'granted'; static requestPermission() { return Promise.resolve('granted'); }
      constructor(title: string, options: any) { (window as any).__notes.push({ title, body: options?.body }); } }
    (window as any).Notification = RecordedNotification;
  });
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  const title = await page.title();
  const id = await sim.ring('5551212');
  await expect.poll(() => page.evaluate(() => (window as any).__notes)).toEqual([{ title: 'Incoming call', body: '5551212' }]);
  await expect.poll(() => page.title(), { timeout: 5_000 }).toContain('Incoming call: 5551212');
  // Answered (here from the simulator's side), the alert stops and the title comes back.
  await widget(page).locator(`article.call-card[data-call-id="${id}"]`).getByRole('button', { name: 'Answer' }).click();
  await expect.poll(() => page.title()).toBe(title);
});

test('theming and ring sound: --ccw-* properties from the page restyle the panel; the sound loops while a call rings', async ({ page, sim }) => {
  await page.addInitScript(() => {
    // Autoplay rules aside, what matters is what the widget asks of the element.
    (window as any).__audio = [];
    HTMLMediaElement.prototype.play = function () { (window as any).__audio.push(['play', this.src, this.loop]); return Promise.resolve(); };
    HTMLMediaElement.prototype.pause = function () { (window as any).__audio.push(['pause', this.src]); };
  });
  const theme = `crm-call-widget { --ccw-accent: rgb(123, 0, 77); --ccw-accent-text: rgb(1, 2, 3); --ccw-font-size: 19px; --ccw-radius: 3px; }`;
  const host = await hostPage(sim, `<!doctype html><html><head><link rel="stylesheet" href="/theme.css">
    <script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head>
    <body><crm-call-widget gws-url="${sim.url}" username="ava" password="demo" ring-sound="${sim.pageUrl}/ring.ogg"></crm-call-widget></body></html>`,
    { '/theme.css': ['text/css', theme] });
  await page.goto(host.url);
  const panel = widget(page);
  await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
  const root = panel.locator('.ccw-root');
  await expect(root).toHaveCSS('font-size', '19px');
  await expect(root).toHaveCSS('border-top-left-radius', '3px');
  const call = panel.locator('button.primary.call');
  await expect(call).toHaveCSS('background-color', 'rgb(123, 0, 77)');
  await expect(call).toHaveCSS('color', 'rgb(1, 2, 3)');
  const id = await sim.ring('5551212');
  const answer = panel.locator(`article.call-card[data-call-id="${id}"]`).getByRole('button', { name: 'Answer' });
  // Ringing: the sound plays on a loop; answered: it stops.
  await expect.poll(() => page.evaluate(() => (window as any).__audio)).toEqual([['play', `${sim.pageUrl}/ring.ogg`, true]]);
  await answer.click();
  await expect.poll(() => page.evaluate(() => (window as any).__audio.at(-1))).toEqual(['pause', `${sim.pageUrl}/ring.ogg`]);
  await host.close();
});
