// The first thread through every pipe: the demo page loads the widget by its snippet,
// which shows "Connecting…" and then the agent read from GET /api/v2/me.
import { test, expect, widget } from './fixtures';

test('the widget mounts in the demo page and shows the signed-in agent', async ({ page, sim }, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(`${sim.pageUrl}/`);
  const panel = widget(page);
  await expect(panel.getByText('Ava Patel')).toBeVisible();
  const state = await sim.state();
  const ava = state.agents.find((a: any) => a.username === 'ava');
  expect(ava).toBeTruthy();
  await expect(panel.locator('.agent-state')).not.toBeEmpty();

  await page.screenshot({ path: testInfo.outputPath('demo-page.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the widget shows "Connecting…" until the agent is known', async ({ page, sim }) => {
  await sim.post('/sim/faults', { latencyMs: 1500 });
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).locator('[data-connection="connecting"]')).toHaveText('Connecting…');
  await expect(widget(page).getByText('Ava Patel')).toBeVisible();
});
