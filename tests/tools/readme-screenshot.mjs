// Regenerates the README's screenshot: the demo CRM with a call answered and its
// disposition picker open. Needs a simulator serving dist/ at URL (default :8765).
//   node tests/tools/readme-screenshot.mjs [URL] [OUT]
import { chromium } from '@playwright/test';

const [url = 'http://127.0.0.1:8765', out = 'docs/demo.png'] = process.argv.slice(2);
const post = (path, body) => fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(r => r.json());
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 880 } });
await page.goto(url + '/');
const widget = page.locator('crm-call-widget');
await widget.locator('.agent-name').waitFor();
await page.waitForTimeout(800);
await widget.locator('select.agent-state').selectOption('ready');
await page.waitForTimeout(500);
const { id } = await post('/sim/calls/inbound', { agent: 'ava', from: '5551212', userData: { AccountNumber: 'ACC-1042', Reason: 'Billing question' } });
const card = widget.locator(`article[data-call-id="${id}"]`);
await card.getByRole('button', { name: 'Answer' }).click();
await card.locator('[data-state="Established"]').or(card.and(page.locator('[data-state="Established"]'))).first().waitFor().catch(() => {});
await page.waitForTimeout(2200);
const dispo = card.getByRole('button', { name: 'Disposition…' });
if (await dispo.count()) await dispo.click();
await page.waitForTimeout(400);
await page.screenshot({ path: out });
await browser.close();
console.log('wrote', out);
