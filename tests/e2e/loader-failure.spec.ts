// A widget that cannot start says why: with its wasm missing (a wrong path) and under a
// policy without 'wasm-unsafe-eval', the loader logs one clear console error naming what
// failed and the likely fix, shows a short line in the element, and rejects `el.widget`.
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, hostPages, Sim } from './fixtures';

const DIST = process.env.CCW_DIST ?? path.join(__dirname, '..', '..', 'dist');

function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(`pageerror: ${e}`));
  return errors;
}

async function widgetRejection(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const el = document.querySelector('crm-call-widget') as any;
    for (let i = 0; i < 100 && !customElements.get('crm-call-widget'); i++) await new Promise(r => setTimeout(r, 50));
    try { await el.widget; return 'resolved'; } catch (e) { return String((e as Error).message); }
  });
}

test('the wasm file is missing: one console error naming the file and the fix, a line in the element, el.widget rejects', async ({ page }) => {
  // The loader and its module served from the page's own site, the wasm left out.
  const loader = fs.readFileSync(path.join(DIST, 'crm-call-widget.js'), 'utf8');
  const moduleName = /var MODULE = "([^"]+)"/.exec(loader)![1];
  const wasmName = /var WASM = "([^"]+)"/.exec(loader)![1];
  const host = await hostPages(
    { '/record.html': `<!doctype html><html><head><meta charset="utf-8"><title>Record</title>
        <script src="/widget/crm-call-widget.js" defer></script></head>
        <body><crm-call-widget username="ava" password="demo"></crm-call-widget></body></html>` },
    `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'`,
    { '/widget/crm-call-widget.js': ['text/javascript', loader],
      [`/widget/${moduleName}`]: ['text/javascript', fs.readFileSync(path.join(DIST, moduleName), 'utf8')] });
  const errors = watchConsole(page);
  try {
    await page.goto(`${host.url}/record.html`);
    const alert = page.locator('crm-call-widget [role=alert]');
    await expect(alert).toHaveText('The call panel could not start: its WebAssembly file is missing.');
    const rejection = await widgetRejection(page);
    expect(rejection).toContain(`${host.url}/widget/${wasmName}`);
    expect(rejection).toContain('HTTP 404');
    const ours = errors.filter(e => e.includes('crm-call-widget could not start'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain(wasmName);
    expect(ours[0]).toContain('Likely fix');
  } finally {
    await host.close();
  }
});

test('a policy without wasm-unsafe-eval: the console names the missing directive', async ({ page }) => {
  const sim = await Sim.start(['--page-listen', '127.0.0.1:0', '--allow-loopback-origins']);
  const host = await hostPages(
    { '/record.html': `<!doctype html><html><head><meta charset="utf-8"><title>Record</title>
        <script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head>
        <body><crm-call-widget gws-url="${sim.url}" username="ava" password="demo"></crm-call-widget></body></html>` },
    `default-src 'self'; script-src 'self' ${sim.pageUrl}; connect-src 'self' ${sim.pageUrl} ${sim.url}`);
  const errors = watchConsole(page);
  try {
    await page.goto(`${host.url}/record.html`);
    const alert = page.locator('crm-call-widget [role=alert]');
    await expect(alert).toContainText('Content-Security-Policy does not allow WebAssembly');
    expect(await widgetRejection(page)).toContain("add 'wasm-unsafe-eval' to the policy's script-src");
    const ours = errors.filter(e => e.includes('crm-call-widget could not start'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain("'wasm-unsafe-eval'");
    // Nothing reached GWS: the widget never started.
    expect((await sim.agent()).agentState.state).not.toBe('NotReady');
  } finally {
    sim.stop();
    await host.close();
  }
});
