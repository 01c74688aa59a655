// The Hindi half of the catalog is an asset of its own (crm-call-widget-hi-<hash>.json): an
// English page never asks for it; a Hindi page fetches it once, however many widgets, and
// shows Hindi from the first frame; without it (missing or refused) the panel works in
// English and the console says why, once.
import { test, expect, Sim, widget, hostPages } from './fixtures';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const HINDI_FILE = /\/crm-call-widget-hi-[0-9a-f]{16}\.json$/;

/** The catalog as src/i18n.rs writes it: `Key => "English", "Hindi";` a line. */
const CATALOG = [...readFileSync(path.join(__dirname, '..', '..', 'src', 'i18n.rs'), 'utf8')
  .matchAll(/^\s*(\w+) => "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)";$/gm)]
  .map(([, key, en, hi]) => ({ key, en: JSON.parse(`"${en}"`) as string, hi: JSON.parse(`"${hi}"`) as string }));
const hindi = (key: string) => CATALOG.find(t => t.key === key)!.hi;

/** The English sentences found in `texts` (each as a whole word or phrase). */
function englishIn(texts: string[]): string[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return CATALOG.map(t => t.en).filter(en => {
    const phrase = new RegExp(`(^|[^A-Za-z])${escape(en)}($|[^A-Za-z])`);
    return texts.some(text => phrase.test(text));
  });
}

/** Before any script of the page: every text node and label any widget's shadow root ever
 *  holds, recorded by a MutationObserver on each shadow root as it is attached. */
async function recordShadowTexts(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as any).__texts = seen;
    const LABELS = ['aria-label', 'placeholder', 'title', 'alt', 'value'];
    const note = (text: string | null | undefined) => { if (text && text.trim()) seen.push(text.trim()); };
    const walk = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) note(node.nodeValue);
      if (node instanceof Element) for (const a of LABELS) note(node.getAttribute(a));
      node.childNodes.forEach(walk);
    };
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init: ShadowRootInit) {
      const root = attach.call(this, init);
      new MutationObserver(records => {
        for (const r of records) {
          note(r.oldValue);
          if (r.type === 'childList') r.addedNodes.forEach(walk);
          else walk(r.target);
        }
      }).observe(root, { childList: true, subtree: true, characterData: true, characterDataOldValue: true,
                         attributes: true, attributeOldValue: true, attributeFilter: LABELS });
      return root;
    };
  });
}
const shadowTexts = (page: Page) => page.evaluate(() => (window as any).__texts as string[]);

/** Every request the page makes for the Hindi asset. */
function hindiRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', r => { if (HINDI_FILE.test(new URL(r.url()).pathname)) urls.push(r.url()); });
  return urls;
}

/** A host page of another origin embedding the widget from the simulator (the README's CSP). */
async function hostPage(sim: Sim, body: string) {
  const csp = `default-src 'self'; script-src 'self' ${sim.pageUrl} 'wasm-unsafe-eval'; style-src 'self'; ` +
    `connect-src 'self' ${sim.pageUrl} ${sim.url}; img-src 'self' data:`;
  const host = await hostPages({ '/page.html': `<!doctype html><html><head><meta charset="utf-8"><title>Record</title>
    <script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head><body>${body}</body></html>` }, csp);
  return { url: `${host.url}/page.html`, close: host.close };
}
const genesys = (sim: Sim, attrs = '') =>
  `<crm-call-widget gws-url="${sim.url}" username="ava" password="demo" ${attrs}></crm-call-widget>`;

/** The console's warnings, from the first script on. */
function warnings(page: Page): string[] {
  const found: string[] = [];
  page.on('console', m => { if (m.type() === 'warning') found.push(m.text()); });
  return found;
}

// Host pages live on a third origin (a CRM's): the simulator's CORS allowlist takes it.
test.use({ simArgs: ['--allow-loopback-origins'], locale: 'en-US' });

test('the catalog read from src/i18n.rs is whole (the checks below rely on it)', () => {
  expect(CATALOG.length).toBeGreaterThan(150);
  expect(hindi('Connecting')).toBe('कनेक्ट हो रहा है…');
});

test('an English page makes no request for the Hindi text', async ({ page, sim }) => {
  // The build has the asset, and the loader names it.
  const loader = await (await fetch(`${sim.pageUrl}/crm-call-widget.js`)).text();
  const name = /crm-call-widget-hi-[0-9a-f]{16}\.json/.exec(loader)?.[0];
  expect(name, 'the loader names the Hindi asset').toBeTruthy();
  expect((await fetch(`${sim.pageUrl}/${name}`)).ok).toBeTruthy();

  const requests = hindiRequests(page);
  await page.goto(`${sim.pageUrl}/`);
  const panel = widget(page);
  await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
  await expect(panel.getByText('No calls right now.')).toBeVisible();
  const id = await sim.ring('5551212');
  await expect(panel.locator(`article.call-card[data-call-id="${id}"]`).getByRole('button', { name: 'Answer' })).toBeVisible();
  expect(requests).toEqual([]);
});

test('lang="en" in a Hindi browser: English, and no request for the Hindi text', async ({ browser, sim }) => {
  const context = await browser.newContext({ locale: 'hi-IN' });
  const page = await context.newPage();
  const host = await hostPage(sim, genesys(sim, 'lang="en"'));
  try {
    const requests = hindiRequests(page);
    await page.goto(host.url);
    expect(await page.evaluate(() => navigator.language)).toBe('hi-IN');
    await expect(widget(page).getByText('No calls right now.')).toBeVisible();
    expect(requests).toEqual([]);
  } finally {
    await context.close();
    await host.close();
  }
});

test('lang="hi": the Hindi text is fetched once and no English sentence is ever shown', async ({ page, sim }) => {
  await recordShadowTexts(page);
  const requests = hindiRequests(page);
  const warned = warnings(page);
  const host = await hostPage(sim, genesys(sim, 'lang="hi"'));
  await page.goto(host.url);
  const panel = widget(page);
  await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
  await expect(panel.getByText(hindi('NoCalls'))).toBeVisible();
  const id = await sim.ring('5551212');
  await expect(panel.locator(`article.call-card[data-call-id="${id}"]`).getByRole('button', { name: hindi('Answer') })).toBeVisible();

  const texts = await shadowTexts(page);
  // The observer saw the very first render (Connecting…) and the panel's label, in Hindi.
  expect(texts).toContain(hindi('Connecting'));
  expect(texts).toContain(hindi('CallPanel'));
  expect(texts).toContain(hindi('Ringing'));
  expect(englishIn(texts), 'English sentences the Hindi panel showed').toEqual([]);
  expect(requests).toHaveLength(1);
  expect(warned).toEqual([]);
  await host.close();
});

test.describe('in a Hindi browser (navigator.language hi-IN)', () => {
  test.use({ locale: 'hi-IN' });

  test('two widgets, one fetch; a config error is in Hindi too', async ({ page, sim }) => {
    await recordShadowTexts(page);
    const requests = hindiRequests(page);
    const host = await hostPage(sim, genesys(sim) + `<crm-call-widget not-a-field="1"></crm-call-widget>`);
    await page.goto(host.url);
    const [first, second] = [widget(page).first(), widget(page).nth(1)];
    await expect(first.locator('.agent-name')).toHaveText('Ava Patel');
    await expect(first.getByText(hindi('NoCalls'))).toBeVisible();
    await expect(second.locator('.config-error')).toContainText(hindi('ConfigProblem'));
    expect(englishIn(await shadowTexts(page)), 'English sentences the Hindi panels showed').toEqual([]);
    expect(requests).toHaveLength(1);
    await host.close();
  });

  test('the Hindi text blocked: the panels work in English, with one console warning naming the file', async ({ page, sim }) => {
    const warned = warnings(page);
    const requests = hindiRequests(page);
    await page.route(HINDI_FILE, route => route.fulfill({ status: 404, headers: { 'access-control-allow-origin': '*' }, body: 'not found' }));
    const host = await hostPage(sim, genesys(sim) + `<crm-call-widget not-a-field="1"></crm-call-widget>`);
    await page.goto(host.url);
    const panel = widget(page).first();
    await expect(panel.locator('.agent-name')).toHaveText('Ava Patel');
    await expect(panel.getByText('No calls right now.')).toBeVisible();
    await expect(widget(page).nth(1).locator('.config-error')).toContainText('The call panel is not set up correctly.');
    // It works: a call rings and is answered from the panel.
    const id = await sim.ring('5551212');
    await panel.locator(`article.call-card[data-call-id="${id}"]`).getByRole('button', { name: 'Answer' }).click();
    await expect.poll(async () => (await sim.call(id)).state).toBe('Established');
    expect(requests).toHaveLength(1);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(requests[0]);
    expect(warned[0]).toContain('HTTP 404');
    await host.close();
  });

  test('a Hindi text of another build is refused: English, with one console warning naming the file', async ({ page, sim }) => {
    const warned = warnings(page);
    const requests = hindiRequests(page);
    await page.route(HINDI_FILE, route => route.fulfill({ status: 200, contentType: 'application/json',
      headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify(['ccw-catalog/1 hi 0000000000000000', 'कॉल']) }));
    const host = await hostPage(sim, genesys(sim));
    await page.goto(host.url);
    await expect(widget(page).getByText('No calls right now.')).toBeVisible();
    expect(requests).toHaveLength(1);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(requests[0]);
    expect(warned[0]).toContain('refused');
    await host.close();
  });
});
