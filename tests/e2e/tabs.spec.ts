// One agent, many CRM tabs (issue 9): one CometD session for all the tabs, the same calls
// in each, operations and dispositions from any tab, a hand-over when the leader closes or
// freezes, and no EndContactCenterSession while another tab is open.
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, widget, type Sim } from './fixtures';

const panel = (page: Page) => widget(page).locator('section.ccw');
const card = (page: Page, id: string) => widget(page).locator(`article.call-card[data-call-id="${id}"]`);

/** Opens `n` tabs of the demo CRM in one browser context (one cookie jar, one origin). */
async function openTabs(context: BrowserContext, sim: Sim, n: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(`${sim.pageUrl}/`);
    await expect(widget(page).locator('.agent-name')).toHaveText('Ava Patel');
    pages.push(page);
  }
  return pages;
}

async function roles(pages: Page[]): Promise<string[]> {
  return Promise.all(pages.map(p => panel(p).getAttribute('data-tab-role').then(r => r ?? '')));
}

/** Waits until exactly one of `pages` leads; returns it. */
async function leaderOf(pages: Page[]): Promise<Page> {
  await expect.poll(async () => (await roles(pages)).filter(r => r === 'leader').length, { timeout: 10_000 }).toBe(1);
  const r = await roles(pages);
  return pages[r.indexOf('leader')];
}

/** Samples the simulator's connects in flight for `ms`; the highest count seen. */
async function maxConnectsInFlight(sim: Sim, ms: number): Promise<number> {
  let max = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    max = Math.max(max, (await sim.state()).cometd.connectsInFlight);
    await new Promise(r => setTimeout(r, 50));
  }
  return max;
}

test('three tabs share one CometD session; calls, operations and a disposition work from any tab', async ({ context, sim }, info) => {
  await sim.post('/sim/config', { answerDelayMs: 300 });
  const tabs = await openTabs(context, sim, 3);
  const leader = await leaderOf(tabs);
  const followers = tabs.filter(t => t !== leader);

  // One session, one long poll, whatever the number of tabs.
  expect(await maxConnectsInFlight(sim, 3_000)).toBe(1);
  expect((await sim.state()).cometd.sessions).toBe(1);
  for (const t of tabs) await expect(widget(t).locator('[data-connection]')).toHaveCount(0);

  // A call rings in every tab at once; a follower answers it (straight to GWS).
  const id = await sim.ring('5551212', { AccountNumber: '42' });
  for (const t of tabs) await expect(card(t, id)).toHaveAttribute('data-state', 'Ringing');
  await card(followers[0], id).getByRole('button', { name: 'Answer' }).click();
  for (const t of tabs) await expect(card(t, id)).toHaveAttribute('data-state', 'Established');
  expect((await sim.call(id)).state).toBe('Established');

  // The caller hangs up; the other follower records the disposition in wrap-up.
  await sim.post(`/sim/calls/${id}/remote-hangup`);
  const wrap = card(followers[1], id);
  await expect(wrap).toHaveClass(/wrap-up/);
  await wrap.locator('.dispo-filter').fill('resol');
  await wrap.locator('.dispo-filter').press('Enter');
  await wrap.locator('.dispo-save').click();
  await expect.poll(async () => (await sim.state()).dispositions.filter((d: any) => d.callId === id).length).toBe(1);
  // Every tab learns it was saved: the wrap-up card leaves everywhere.
  for (const t of tabs) await expect(card(t, id)).toHaveCount(0, { timeout: 10_000 });
  await followers[1].screenshot({ path: info.outputPath('follower-after-disposition.png') });
  await new Promise(r => setTimeout(r, 1_500));
  expect((await sim.state()).dispositions.filter((d: any) => d.callId === id)).toHaveLength(1);
  // Still exactly one long poll.
  expect(await maxConnectsInFlight(sim, 1_000)).toBe(1);
});

test('closing the leader hands the session over within 2 s; nothing is lost', async ({ context, sim }) => {
  const tabs = await openTabs(context, sim, 3);
  const leader = await leaderOf(tabs);
  const rest = tabs.filter(t => t !== leader);
  const handshakes = (await sim.state()).cometd.handshakes;

  const closedAt = Date.now();
  await leader.close();
  const next = await leaderOf(rest);
  await expect.poll(async () => (await sim.state()).cometd.handshakes, { timeout: 5_000 }).toBe(handshakes + 1);
  const took = Date.now() - closedAt;
  console.log(`hand-over after the leader closed: ${took} ms`);
  expect(took).toBeLessThan(4_000); // 2 s is the goal; the bound leaves room for a busy machine

  // A call that rings right after the hand-over shows in both remaining tabs.
  const id = await sim.ring('5553434');
  for (const t of rest) await expect(card(t, id)).toHaveAttribute('data-state', 'Ringing');
  await card(next, id).getByRole('button', { name: 'Answer' }).click();
  for (const t of rest) await expect(card(t, id)).toHaveAttribute('data-state', 'Established');
  expect(await maxConnectsInFlight(sim, 2_000)).toBe(1);
});

test('a frozen leader gives the session up to another tab', async ({ context, sim }) => {
  const tabs = await openTabs(context, sim, 2);
  const leader = await leaderOf(tabs);
  const other = tabs.find(t => t !== leader)!;
  // Freeze the leader's script (as a frozen, hung or suspended tab: nothing of it runs).
  // Chromium's lifecycle freeze cannot be forced on a visible headless page, so the
  // debugger stops the page's event loop instead; the widget cannot tell the difference.
  const cdp = await context.newCDPSession(leader);
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  const frozenAt = Date.now();
  await expect(panel(other)).toHaveAttribute('data-tab-role', 'leader', { timeout: 6_000 });
  console.log(`hand-over from a frozen leader: ${Date.now() - frozenAt} ms`);
  const id = await sim.ring('5556767');
  await expect(card(other, id)).toHaveAttribute('data-state', 'Ringing');
  // (The frozen tab's last connect stays held at the server until its timeout: a frozen
  // page cannot abort it. It carries nothing: its session is no longer subscribed to.)
  // Thawed, the old leader learns its lock was taken and follows (and shows the call).
  await cdp.send('Debugger.resume');
  await expect(panel(leader)).toHaveAttribute('data-tab-role', 'follower');
  await expect(card(leader, id)).toHaveCount(1, { timeout: 10_000 });
  expect(await roles(tabs)).toEqual(tabs.map(t => (t === other ? 'leader' : 'follower')));
});

test('EndContactCenterSession is never sent while another tab is open', async ({ context, sim }) => {
  const tabs = await openTabs(context, sim, 2);
  await leaderOf(tabs);
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
  const signOut = (p: Page) => widget(p).locator('select.agent-state').selectOption('logout');

  await signOut(tabs[0]);
  await expect(widget(tabs[0]).getByText('Another CRM tab still uses the phone')).toBeVisible();
  await new Promise(r => setTimeout(r, 1_000));
  expect((await sim.agent()).agentState.state).toBe('NotReady');

  await tabs[1].close();
  await expect(panel(tabs[0])).toHaveAttribute('data-tab-role', 'leader');
  await signOut(tabs[0]);
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('LoggedOut');
});
