// axe-core, the accessibility engine the web industry tests with, walks every state of the
// panel — Genesys (idle, ringing, connected, keypad, held, transfer and conference forms,
// consult, conference, wrap-up picker, notices, reconnecting banner, Hindi) and the
// Ozonetel-only mode (idle, call card with its picker, wrap-up, a dial error) — and must
// find nothing in any of them.
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect, widget, hostPages, Sim } from './fixtures';

const card = (page: Page, id: string) => widget(page).locator(`article.call-card[data-call-id="${id}"]`);
const button = (scope: ReturnType<typeof widget>, name: string) => scope.getByRole('button', { name, exact: true });

/** Runs axe-core over the widget (its shadow root included) and expects no violation. */
async function noViolations(page: Page, state: string, info: TestInfo) {
  const results = await new AxeBuilder({ page }).include('crm-call-widget').analyze();
  const found = results.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map(n => `    ${n.target.join(' ')} — ${n.failureSummary}`).join('\n'));
  await info.attach(`axe-${state}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  expect.soft(found, `axe violations in state "${state}"`).toEqual([]);
  // The walk must have looked at the panel itself, not an empty element.
  expect(results.passes.length, `axe checked something in "${state}"`).toBeGreaterThan(5);
}

async function openDemo(page: Page, sim: Sim, attrs = '') {
  if (attrs) {
    await page.route(url => url.pathname === '/', async route => {
      const response = await route.fetch();
      const html = (await response.text()).replace('<crm-call-widget', `<crm-call-widget ${attrs}`);
      await route.fulfill({ response, body: html });
    });
  }
  await sim.post('/sim/config', { answerDelayMs: 300 });
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
}

test('Genesys: every state of a call, from idle to wrap-up, has no axe violation', async ({ page, sim }, info) => {
  await openDemo(page, sim);
  await noViolations(page, 'idle', info);

  const id = await sim.ring('5551234', { AccountNumber: 'A-1001', WWE_PARTY_5005: { firstname: 'Ava', lastname: 'Patel' } });
  const c = card(page, id);
  await expect(button(c, 'Answer')).toBeVisible();
  await noViolations(page, 'ringing', info);

  await button(c, 'Answer').click();
  await expect(c).toHaveAttribute('data-state', 'Established');
  await noViolations(page, 'connected', info);
  await button(c, 'Keypad').click();
  await expect(c.locator('.tones')).toBeVisible();
  await noViolations(page, 'keypad', info);
  await button(c, 'Keypad').click();

  await button(c, 'Transfer').click();
  await expect(c.locator('.transfer-form')).toBeVisible();
  await noViolations(page, 'transfer form', info);
  await button(c, 'Transfer').click();
  await button(c, 'Conference').click();
  await expect(c.locator('.transfer-form')).toBeVisible();
  await noViolations(page, 'conference form', info);

  // Consult: the conference form's "Consult first"; then join into a conference.
  await c.getByRole('textbox', { name: 'Number to add to conference' }).fill('5551313');
  await button(c, 'Consult first').click();
  const consult = widget(page).locator('article.call-card', { hasText: 'Consult' }).first();
  await expect(consult).toBeVisible();
  await expect(c).toHaveAttribute('data-state', 'Held');
  await noViolations(page, 'consult (original held)', info);
  await button(consult, 'Join into conference').click();
  await expect(c.locator('.participants')).toBeVisible();
  await noViolations(page, 'conference', info);

  await button(c, 'Hold').click();
  await expect(c).toHaveAttribute('data-state', 'Held');
  await noViolations(page, 'held', info);
  await button(c, 'Resume').click();
  await expect(c).toHaveAttribute('data-state', 'Established');

  // The disposition picker during the call, then the wrap-up card with its countdown.
  await c.locator('.dispo-open').click();
  await expect(c.locator('.dispo-filter')).toBeVisible();
  await noViolations(page, 'picker during the call', info);
  await button(c, 'Hang up').click();
  await expect(c).toHaveClass(/wrap-up/);
  await expect(c.locator('.dispo-filter')).toBeVisible();
  await noViolations(page, 'wrap-up picker', info);

  // A notice (an error sentence) and the reconnecting banner.
  await widget(page).locator('.dial-input').fill('55a1');
  await widget(page).locator('.dial-input').press('Enter');
  await expect(widget(page).locator('.notice')).toBeVisible();
  await noViolations(page, 'notice', info);
  await sim.faults({ http5xxRate: 1, dropHeldConnects: true });
  await expect(widget(page).locator('[data-connection=reconnecting]')).toBeVisible();
  await noViolations(page, 'reconnecting banner', info);
  await sim.clearFaults();
});

test('Genesys in Hindi: idle and ringing have no axe violation', async ({ page, sim }, info) => {
  await openDemo(page, sim, 'lang="hi"');
  await expect(widget(page).getByText('अभी कोई कॉल नहीं है।')).toBeVisible();
  await noViolations(page, 'Hindi idle', info);
  const id = await sim.ring('5551234');
  await expect(card(page, id).locator('.controls button').first()).toBeVisible();
  await noViolations(page, 'Hindi ringing', info);
});

test('Ozonetel-only: idle, a call with its picker, wrap-up and a dial error have no axe violation', async ({ page }, info) => {
  const sim = await Sim.start(['--page-listen', '127.0.0.1:0', '--allow-loopback-origins']);
  const config = { telephony: 'ozonetel', ozonetel: { baseUrl: sim.url, userName: 'demo_crm', agentId: 'ava',
    agentName: 'Ava Patel', did: '914071327663', campaignName: 'Progressive_demo', apiKey: 'sim-api-key' } };
  const host = await hostPages({ '/r.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Record</title>
    <script src="${sim.pageUrl}/crm-call-widget.js" defer></script></head><body><main><h1>Record</h1>
    <crm-call-widget config='${JSON.stringify(config)}'></crm-call-widget></main></body></html>` },
    `default-src 'self'; script-src 'self' ${sim.pageUrl} 'wasm-unsafe-eval'; connect-src 'self' ${sim.pageUrl} ${sim.url}`);
  try {
    await page.goto(`${host.url}/r.html`);
    await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
    await noViolations(page, 'Ozonetel idle', info);
    const { ucid } = await sim.post('/sim/ozonetel/calls', { agentID: 'ava', did: '914071327663', callerID: '9876543210' });
    await page.evaluate(u => (document.querySelector('crm-call-widget') as any)._handle.setActiveCall({ ucid: u, callerID: '9876543210' }), ucid);
    const c = card(page, ucid);
    await expect(c).toBeVisible();
    await c.locator('.dispo-open').click();
    await expect(c.locator('.dispo-codes [role=option]')).toHaveCount(5);
    await noViolations(page, 'Ozonetel call with picker', info);
    await sim.post(`/sim/ozonetel/calls/${ucid}/disconnect`);
    await page.evaluate(() => (document.querySelector('crm-call-widget') as any)._handle.callEnded());
    await expect(c).toHaveClass(/wrap-up/);
    await noViolations(page, 'Ozonetel wrap-up', info);
    await sim.post('/sim/ozonetel/agents/ava', { available: false });
    await widget(page).locator('.dial-input').fill('9811100000');
    await widget(page).locator('.dial-input').press('Enter');
    await expect(widget(page).locator('.notice')).toBeVisible();
    await noViolations(page, 'Ozonetel dial error', info);
  } finally {
    sim.stop();
    await host.close();
  }
});

test.describe('against a real-shaped GWS', () => {
  test.use({ simArgs: ['--gws-shape', 'real'] });
  test('ringing with Decline, nested userData, a device problem: no axe violation', async ({ page, sim }, info) => {
    await page.goto(`${sim.pageUrl}/`);
    await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
    await expect.poll(async () => (await sim.agent()).agentState.state).toBe('Ready');
    const id = await sim.ring('5551234', { CustomerSegment: { tier: 'Gold', since: '2019' } });
    await expect(button(card(page, id), 'Decline')).toBeVisible();
    await expect(card(page, id).locator('dl.nested').first()).toBeVisible();
    await noViolations(page, 'real ringing with Decline and nested userData', info);
    await sim.post('/sim/agents/ava/device-error');
    await expect(widget(page).locator('.device-problem')).toBeVisible();
    await noViolations(page, 'device problem', info);
  });
});
