// A build per telephony and disposition vendor: a page fetches only the build its widgets'
// `telephony` and `dispositionVendor` name (the Genesys build for "genesys" or none; the
// Genesys build with Ozonetel's disposition sender for dispositions at Ozonetel; the
// Ozonetel-only build for telephony "ozonetel"), once however many widgets; a page with
// both kinds runs both; and a build started by hand with a config it cannot serve says
// which build it is and how to load the right one.
// Each shipped build carries no custom section, imports and exports under short names
// (scripts/short-names.mjs) and starts.
import { test, expect, widget } from './fixtures';
import type { Page } from '@playwright/test';

const GENESYS_WASM = /\/crm-call-widget-[0-9a-f]+_bg\.wasm$/;
const OZONETEL_WASM = /\/crm-call-widget-ozonetel-[0-9a-f]+_bg\.wasm$/;
const GENESYS_MODULE = /\/crm-call-widget-[0-9a-f]+\.js$/;
const OZONETEL_MODULE = /\/crm-call-widget-ozonetel-[0-9a-f]+\.js$/;
const GENESYS_OZONETEL_WASM = /\/crm-call-widget-genesys-ozonetel-[0-9a-f]+_bg\.wasm$/;
const GENESYS_OZONETEL_MODULE = /\/crm-call-widget-genesys-ozonetel-[0-9a-f]+\.js$/;
const ALL_BUILDS = [GENESYS_WASM, OZONETEL_WASM, GENESYS_MODULE, OZONETEL_MODULE, GENESYS_OZONETEL_WASM, GENESYS_OZONETEL_MODULE];

/** Every request the page makes for a widget build's module or wasm (path only). */
function buildRequests(page: Page): string[] {
  const paths: string[] = [];
  page.on('request', r => {
    const path = new URL(r.url()).pathname;
    if (ALL_BUILDS.some(re => re.test(path))) paths.push(path);
  });
  return paths;
}
const count = (paths: string[], re: RegExp) => paths.filter(p => re.test(p)).length;

/** Every request to a GWS path (the Ozonetel build never makes one). */
function gwsRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', r => { if (/\/api\/v2\/|\/notifications/.test(r.url())) urls.push(r.url()); });
  return urls;
}

test('a Genesys page fetches the Genesys build only, once', async ({ page, sim }) => {
  const requests = buildRequests(page);
  await page.goto(`${sim.pageUrl}/`);
  const panel = widget(page);
  await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
  const id = await sim.ring('5551212');
  await panel.locator(`article.call-card[data-call-id="${id}"]`).getByRole('button', { name: 'Answer' }).click();
  await expect.poll(async () => (await sim.call(id)).state).toBe('Established');
  expect(count(requests, GENESYS_MODULE)).toBe(1);
  expect(count(requests, GENESYS_WASM)).toBe(1);
  expect(requests.filter(p => p.includes('-ozonetel-'))).toEqual([]);
});

test('a widget that records at Genesys refuses the page\'s Ozonetel calls, saying what they are for', async ({ page, sim }) => {
  await page.goto(`${sim.pageUrl}/`);
  const panel = widget(page);
  await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
  const errors = await page.evaluate(() => {
    const handle = (document.querySelector('crm-call-widget') as any)._handle;
    return [() => handle.setActiveCall({ ucid: '4455', callerID: '9812345678' }), () => handle.callEnded('4455')].map(api => {
      try { api(); return 'accepted'; } catch (e) { return String((e as any)?.message ?? e); }
    });
  });
  expect(errors[0]).toContain('setActiveCall: the page\'s Ozonetel calls are for telephony "ozonetel" or dispositionVendor "ozonetel"');
  expect(errors[1]).toContain('callEnded: the page\'s Ozonetel calls are for');
  await expect(panel.locator('article.oz-call')).toHaveCount(0);
});

test('a Genesys page that records dispositions at Ozonetel fetches the Genesys build with Ozonetel\'s sender only, once', async ({ page, sim }) => {
  const requests = buildRequests(page);
  const config = {
    dispositionVendor: 'ozonetel',
    ozonetel: { baseUrl: sim.url, userName: 'demo_crm', agentId: 'ava', did: '914071327663', tokenUrl: '/sim/ozonetel/token' },
  };
  await page.route(url => url.pathname === '/', async route => {
    const response = await route.fetch();
    const html = (await response.text()).replace('<crm-call-widget', `<crm-call-widget config='${JSON.stringify(config)}'`);
    await route.fulfill({ response, body: html });
  });
  await page.goto(`${sim.pageUrl}/`);
  const panel = widget(page);
  await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
  // It drives GWS calls and records at Ozonetel: the page's Ozonetel call gets a picker.
  const id = await sim.ring('5551212');
  await expect(panel.locator(`article.call-card[data-call-id="${id}"]`)).toBeVisible();
  const { ucid } = await sim.post('/sim/ozonetel/calls', { agentID: 'ava', did: '914071327663', callerID: '9812345678' });
  await page.evaluate((ucid) => (document.querySelector('crm-call-widget') as any)._handle.setActiveCall({ ucid, callerID: '9812345678' }), ucid);
  await expect(panel.locator(`article.oz-call[data-ucid="${ucid}"]`)).toBeVisible();
  expect([GENESYS_OZONETEL_MODULE, GENESYS_OZONETEL_WASM].map(re => count(requests, re))).toEqual([1, 1]);
  expect([GENESYS_MODULE, GENESYS_WASM, OZONETEL_MODULE, OZONETEL_WASM].map(re => count(requests, re))).toEqual([0, 0, 0, 0]);
});

test('an Ozonetel-only page fetches the Ozonetel build only, and it speaks no GWS', async ({ page, sim }) => {
  const requests = buildRequests(page);
  const gws = gwsRequests(page);
  await page.goto(`${sim.pageUrl}/ozonetel.html`);
  const panel = page.locator('#phone');
  await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
  await page.getByRole('button', { name: 'Customer calls in' }).click();
  await expect(panel.locator('article.call-card')).toHaveCount(1);
  expect(count(requests, OZONETEL_MODULE)).toBe(1);
  expect(count(requests, OZONETEL_WASM)).toBe(1);
  expect(count(requests, GENESYS_MODULE) + count(requests, GENESYS_WASM)).toBe(0);
  expect(gws).toEqual([]);
});

test('a page with a Genesys and an Ozonetel widget runs each on its own build', async ({ page, sim }) => {
  const requests = buildRequests(page);
  await page.goto(`${sim.pageUrl}/`);
  const genesys = widget(page).first();
  await expect(genesys.locator('.agent-name')).toHaveText('Ava Patel');
  // A second widget for the same agent at Ozonetel, mounted through the host API.
  await page.evaluate((simUrl) => {
    const el = document.createElement('div');
    el.id = 'ozonetel-phone';
    document.body.appendChild(el);
    return (window as any).CrmCallWidget.mount(el, {
      telephony: 'ozonetel',
      ozonetel: { baseUrl: simUrl, userName: 'demo_crm', agentId: 'ava', agentName: 'Ava at Ozonetel',
                  tokenUrl: '/sim/ozonetel/token' },
    }).then((handle: any) => { (window as any).__ozonetel = handle; });
  }, sim.url);
  const ozonetel = page.locator('#ozonetel-phone');
  await expect(ozonetel.locator('.agent-name')).toHaveText('Ava at Ozonetel');
  // Both work: a GWS call rings on the first; the page's Ozonetel call is a card on the second.
  const id = await sim.ring('5551212');
  await expect(genesys.locator(`article.call-card[data-call-id="${id}"]`)).toBeVisible();
  const { ucid } = await sim.post('/sim/ozonetel/calls', { agentID: 'ava', did: '918000000000', callerID: '9812345678' });
  await page.evaluate((ucid) => (window as any).__ozonetel.setActiveCall({ ucid, did: '918000000000', callerID: '9812345678' }), ucid);
  await expect(ozonetel.locator('article.call-card')).toHaveCount(1);
  await expect(ozonetel.locator('article.call-card')).toContainText('9812345678');
  await expect(genesys.locator('article.call-card')).toHaveCount(1);
  expect([GENESYS_MODULE, GENESYS_WASM, OZONETEL_MODULE, OZONETEL_WASM].map(re => count(requests, re))).toEqual([1, 1, 1, 1]);
});

/** Starts the build `stem` (as the loader names it) by hand and mounts `config` in it: the error, or "mounted". */
async function mountByHand(page: Page, stem: RegExp, config: Record<string, unknown>): Promise<string> {
  const loader = await (await fetch(new URL('/crm-call-widget.js', page.url()).href)).text();
  const module = new RegExp(`"(${stem.source})\\.js"`).exec(loader)?.[1];
  expect(module, `the loader names ${stem}`).toBeTruthy();
  return page.evaluate(async ([s, config]) => {
    const m = await import(`/${s}.js`);
    await m.default({ module_or_path: `/${s}_bg.wasm` });
    const el = document.createElement('div');
    document.body.appendChild(el);
    try {
      m.mount(el, config);
      return 'mounted';
    } catch (e) {
      return String((e as Error)?.message ?? e);
    }
  }, [module!, config] as const);
}

test('a build started by hand with a config it cannot serve says which build it is', async ({ page, sim }) => {
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  const genesys = { gwsUrl: sim.url, username: 'ava', password: 'demo' };
  const atOzonetel = { ...genesys, dispositionVendor: 'ozonetel', ozonetel: { baseUrl: sim.url, userName: 'demo_crm', agentId: 'ava' } };
  const ozonetelOnly = await mountByHand(page, /crm-call-widget-ozonetel-[0-9a-f]+/, genesys);
  expect(ozonetelOnly).toContain('drives only telephony "ozonetel", not "genesys"');
  expect(ozonetelOnly).toContain('crm-call-widget.js');
  const genesysOnly = await mountByHand(page, /crm-call-widget-[0-9a-f]+/, atOzonetel);
  expect(genesysOnly).toContain('does not record dispositions at "ozonetel"');
  expect(genesysOnly).toContain('crm-call-widget.js');
  expect(await mountByHand(page, /crm-call-widget-genesys-ozonetel-[0-9a-f]+/, atOzonetel)).toBe('mounted');
});

test('each shipped build carries no custom section, imports and exports under short names, and its module knows them', async ({ page, sim }) => {
  await page.goto(`${sim.pageUrl}/`);
  const loader = await (await fetch(`${sim.pageUrl}/crm-call-widget.js`)).text();
  const stems = [/"(crm-call-widget-[0-9a-f]+)\.js"/, /"(crm-call-widget-ozonetel-[0-9a-f]+)\.js"/, /"(crm-call-widget-genesys-ozonetel-[0-9a-f]+)\.js"/]
    .map(re => re.exec(loader)?.[1]);
  for (const stem of stems) {
    expect(stem, 'the loader names every build').toBeTruthy();
    const wasm = new Uint8Array(await (await fetch(`${sim.pageUrl}/${stem}_bg.wasm`)).arrayBuffer());
    const module = new WebAssembly.Module(wasm);
    // Nothing the browser does not read: no names, no toolchain or target-feature notes.
    for (const section of ['name', 'producers', 'target_features'])
      expect(WebAssembly.Module.customSections(module, section).length, `${stem}: a "${section}" section`).toBe(0);
    const imports = WebAssembly.Module.imports(module);
    expect(imports.length).toBeGreaterThan(50);
    expect(new Set(imports.map(i => i.module))).toEqual(new Set(['a']));
    expect(imports.filter(i => i.name.length > 2).map(i => i.name), `${stem}: no long import name`).toEqual([]);
    const exports = WebAssembly.Module.exports(module).map(e => e.name);
    expect(exports).toContain('memory');
    expect(exports.filter(n => n.length > 2 && n !== 'memory'), `${stem}: no long export name`).toEqual([]);
    // The module's import object is the one the wasm asks for: it starts.
    const started = await page.evaluate(async ([s]) => {
      const m = await import(`/${s}.js`);
      await m.default({ module_or_path: `/${s}_bg.wasm` });
      return typeof m.mount;
    }, [stem]);
    expect(started).toBe('function');
  }
});
