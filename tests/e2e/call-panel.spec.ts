// Issue 5, end to end: the call panel in the demo CRM page against the simulator.
// Every operation of seed 003 plus Dial and Answer is done through the UI — by mouse and by
// keyboard alone — and after each step the panel is checked against BOTH `GET /sim/state`
// (which calls exist and in which state) and the notifications the page received (the
// controls on a card are exactly those its last `capabilities` allow: principle 3).
import { request as playwrightRequest, type Locator, type Page } from '@playwright/test';
import { test, expect, widget, type Sim } from './fixtures';

// ---------------------------------------------------------------------------------------
// What the page was told: the latest call objects from GET /api/v2/me?subresources=* and
// from the CometD connect replies, by call id.

class Wire {
  private latest = new Map<string, { seq: number; call: any }>();
  private seq = 0;

  constructor(page: Page) {
    page.on('response', async res => {
      const url = res.url();
      const isRead = url.includes('/api/v2/me?subresources');
      const isPoll = url.includes('/api/v2/notifications');
      if (!isRead && !isPoll) return;
      const seq = ++this.seq; // taken before the body is read: arrival order
      let body: any;
      try { body = await res.json(); } catch { return; }
      const calls: any[] = [];
      if (isRead) calls.push(...(body?.user?.calls ?? []));
      for (const m of Array.isArray(body) ? body : []) {
        if (m?.channel !== '/v2/me/calls' || !m.data) continue;
        calls.push(m.data.call ?? m.data); // nested (seed 001) or flat (seed 000)
      }
      for (const call of calls) {
        const had = this.latest.get(call.id);
        if (!had || had.seq <= seq) this.latest.set(call.id, { seq, call });
      }
    });
  }

  call(id: string): any { return this.latest.get(id)?.call; }
}

/** The panel's controls for a list of capabilities (see call_controls.rs). */
function controlsFor(caps: string[]): string[] {
  const has = (...names: string[]) => names.some(n => caps.includes(n));
  const out = ['Answer', 'Retrieve', 'Hold', 'MuteCall', 'UnmuteCall', 'CompleteTransfer',
    'CompleteConference', 'SwapCalls', 'MergeWithOtherCall', 'Hangup'].filter(n => has(n));
  if (has('SendDtmf')) out.push('Keypad');
  if (has('SingleStepTransfer', 'InitiateTransfer')) out.push('Transfer');
  if (has('SingleStepConference', 'InitiateConference')) out.push('Conference');
  return out.sort();
}

type Shown = { id: string; state: string; ops: string[] };

async function shownCalls(page: Page): Promise<Shown[]> {
  return widget(page).locator('article.call-card:not(.wrap-up)').evaluateAll(els => els.map(e => ({
    id: (e as HTMLElement).dataset.callId!,
    state: (e as HTMLElement).dataset.state!,
    ops: [...e.querySelectorAll<HTMLElement>('.controls button[data-op]')].map(b => b.dataset.op!).sort(),
  })));
}

/**
 * Waits until the panel and the simulator agree: the same live calls of Ava in the same
 * states, and every card offering exactly the controls of the capabilities it was sent.
 * Returns the simulator's live calls.
 */
async function expectInSync(page: Page, sim: Sim, wire: Wire): Promise<any[]> {
  let live: any[] = [];
  await expect(async () => {
    live = await sim.liveCalls('ava');
    const shown = await shownCalls(page);
    expect(shown.map(c => `${c.id} ${c.state}`).sort(), 'panel cards vs /sim/state')
      .toEqual(live.map(c => `${c.id} ${c.state}`).sort());
    for (const c of shown) {
      const sent = wire.call(c.id);
      expect(sent?.state, `last notification of ${c.id}`).toBe(c.state);
      expect(c.ops, `controls of ${c.id} (${c.state}) vs its capabilities`).toEqual(controlsFor(sent.capabilities));
    }
  }).toPass({ timeout: 10_000 });
  return live;
}

// ---------------------------------------------------------------------------------------
// Page helpers.

const card = (page: Page, id: string) => widget(page).locator(`article.call-card[data-call-id="${id}"]`);
const button = (scope: Locator, name: string) => scope.getByRole('button', { name, exact: true });

/** Polls `/sim/state` until the call matches. */
async function expectSimCall(sim: Sim, id: string, want: Record<string, unknown>) {
  await expect.poll(async () => {
    const c = await sim.call(id);
    return Object.fromEntries(Object.keys(want).map(k => [k, c?.[k]]));
  }, { message: `sim call ${id}` }).toEqual(want);
}

/** Waits for a call of Ava's that `pick` chooses to appear in `/sim/state`; its id. */
async function newCall(sim: Sim, pick: (c: any) => boolean): Promise<string> {
  let id: string | undefined;
  await expect.poll(async () => (id = (await sim.state()).calls.find((c: any) => c.agent === 'ava' && pick(c))?.id),
    { message: 'a new call in /sim/state' }).toBeTruthy();
  return id!;
}

/** Opens the demo page, waits for the agent, and starts watching the wire. */
async function openPanel(page: Page, sim: Sim): Promise<Wire> {
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  (page as any).__errors = errors;
  const wire = new Wire(page);
  await sim.post('/sim/config', { answerDelayMs: 300 });
  await page.goto(`${sim.pageUrl}/`);
  await expect(widget(page).getByText('Ava Patel')).toBeVisible();
  // The panel is live once StartContactCenterSession made Ava Not Ready.
  await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
  await expect(widget(page).locator('[data-connection]')).toHaveCount(0);
  return wire;
}

function pageErrors(page: Page): string[] { return (page as any).__errors ?? []; }

/** Rings a call at Ava and waits for its card; the call id. */
async function ringIn(page: Page, sim: Sim, from: string, userData: Record<string, unknown> = {}) {
  const id = await sim.ring(from, userData);
  await expect(button(card(page, id), 'Answer')).toBeVisible();
  return id;
}

async function shoot(page: Page, testInfo: any, name: string) {
  await widget(page).screenshot({ path: testInfo.outputPath(`${name}.png`), animations: 'disabled' });
}

/** The element that has focus, looking through the widget's shadow root. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    const name = el.getAttribute('aria-label') || (el as HTMLElement).innerText || el.getAttribute('placeholder') || '';
    return `${el.tagName.toLowerCase()}:${name.trim()}`;
  });
}

/** Whether focus is on an element inside `scope` (the widget's shadow root included). */
async function focusIsIn(scope: Locator): Promise<boolean> {
  return scope.evaluate(el => {
    const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
    return !!active && el.contains(active);
  }).catch(() => false);
}

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate(el => (el.getRootNode() as Document | ShadowRoot).activeElement === el).catch(() => false);
}

/**
 * Presses Tab — or Shift+Tab when `target` comes before the focused element — until
 * `target` has focus: keyboard only, no clicks. Waits for `target` to exist first.
 */
async function tabTo(page: Page, target: Locator) {
  await expect(target).toBeVisible();
  for (let i = 0; i < 40; i++) {
    if (await isFocused(target)) return;
    const before = await target.evaluate(el => {
      const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
      return !!active && !!(active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
    });
    await page.keyboard.press(before ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target}; focus is on ${await focused(page)}`);
}

// ---------------------------------------------------------------------------------------

test.describe('call panel', () => {
  test('accessibility: every control has a role and a name, and Tab reaches every one', async ({ page, sim }, testInfo) => {
    const wire = await openPanel(page, sim);
    const w = widget(page);
    // A busy panel: a call held behind a conference consult, the consult's keypad open,
    // the dialer's keypad open, and a notice.
    const id = await ringIn(page, sim, '5551234', { AccountNumber: 'A-3003' });
    await button(card(page, id), 'Answer').click();
    await button(card(page, id), 'Conference').click();
    await card(page, id).getByRole('textbox', { name: 'Add to conference' }).fill('5551313');
    await button(card(page, id), 'Consult first').click();
    const consultId = await newCall(sim, x => x.consultOf === id);
    await expectSimCall(sim, consultId, { state: 'Established' });
    await expectInSync(page, sim, wire);
    await button(card(page, consultId), 'Keypad').click();
    await button(w.getByRole('form', { name: 'Call' }), 'Keypad').click();
    await w.getByRole('textbox', { name: 'Number to dial' }).fill('x');
    await w.getByRole('textbox', { name: 'Number to dial' }).press('Enter');
    await expect(w.locator('.notices')).toBeVisible();

    // Roles and names: the accessibility tree has no unnamed control.
    const tree = await w.ariaSnapshot();
    await testInfo.attach('aria-snapshot.yml', { body: tree, contentType: 'text/yaml' });
    expect(tree).toContain('region "Call panel"');
    expect(tree).toContain('list "Calls"');
    expect(tree).toContain('combobox "Your status"');
    expect(tree).toContain('group "Keypad"');
    expect(tree).toContain('group "Call controls: 5551313"');
    expect(tree).toMatch(/article "Consult, 5551313, Connected"/);
    expect(tree).toMatch(/article "Inbound, 5551234, On hold"/);
    for (const line of tree.split('\n')) {
      expect(line, 'every control is named').not.toMatch(/^\s*- (button|textbox|combobox|link|checkbox|radio)(\s*\[[^\]]*\])?:?\s*$/);
    }

    // Reachability: Tab from the first control visits every control of the panel once.
    const all = await w.locator('button, input, select, textarea, [tabindex]:not([tabindex="-1"])').evaluateAll(els =>
      els.filter(e => !(e as HTMLButtonElement).disabled && (e as HTMLElement).offsetParent !== null).length);
    await w.getByRole('combobox', { name: 'Your status' }).focus();
    const seen = new Set<string>();
    for (let i = 0; i < all + 5; i++) {
      const id = await page.evaluate(() => {
        const root = document.querySelector('crm-call-widget')!.shadowRoot!;
        const el = root.activeElement as HTMLElement | null;
        if (!el) return null;
        el.dataset.seen ??= String(Math.random());
        return el.dataset.seen;
      });
      if (id === null) break; // Tab left the panel
      seen.add(id);
      await page.keyboard.press('Tab');
    }
    expect(seen.size, 'controls reached by Tab').toBe(all);
    await shoot(page, testInfo, 'accessibility-busy-panel');
  });

  test('inbound call by mouse: answer, mute, tones, hold, resume, hang up, wrap-up', async ({ page, sim }, testInfo) => {
    const wire = await openPanel(page, sim);
    const w = widget(page);
    await expect(w.locator('.empty')).toHaveText('No calls right now.');
    await shoot(page, testInfo, 'idle');

    // Ringing: who, which way, the state, the userData, and only Answer.
    const id = await ringIn(page, sim, '5551234', { AccountNumber: 'A-1001', Reason: 'Billing' });
    const c = card(page, id);
    await expect(c.locator('.kind')).toHaveText('Inbound');
    await expect(c.locator('.call-state')).toHaveText('Ringing');
    await expect(c.locator('.party')).toHaveText('5551234');
    await expect(c.locator('.user-data')).toContainText('A-1001');
    await expect(c.locator('.user-data')).toContainText('Billing');
    await expect(c).toHaveAttribute('aria-label', 'Inbound, 5551234, Ringing');
    await expectInSync(page, sim, wire);
    await shoot(page, testInfo, 'ringing');

    // Answer → Established; the timer runs.
    await button(c, 'Answer').click();
    await expectSimCall(sim, id, { state: 'Established' });
    await expect(c.locator('.call-state')).toHaveText('Connected');
    await expectInSync(page, sim, wire);
    await expect(c.getByRole('timer')).not.toHaveText('0:00');
    await shoot(page, testInfo, 'established');

    // Mute / Unmute.
    await button(c, 'Mute').click();
    await expectSimCall(sim, id, { muted: true });
    await expect(c.locator('.badge')).toHaveText('Muted');
    await expectInSync(page, sim, wire);
    await button(c, 'Unmute').click();
    await expectSimCall(sim, id, { muted: false });
    await expect(c.locator('.badge')).toHaveCount(0);
    await expectInSync(page, sim, wire);

    // Tones from the call's keypad (SendDtmf).
    await button(c, 'Keypad').click();
    await expect(button(c, 'Keypad')).toHaveAttribute('aria-expanded', 'true');
    for (const k of ['4', '2', '#']) await button(c, `Keypad ${k}`).click();
    await expectSimCall(sim, id, { dtmf: '42#' });
    await expect(c.locator('.tones .sent')).toHaveText('Tones sent: 42#');
    await button(c, 'Keypad').click();
    await expect(c.locator('.keypad')).toHaveCount(0);

    // Hold, with the control showing progress between the click and the notification.
    await sim.post('/sim/faults', { latencyMs: 700 });
    await button(c, 'Hold').click();
    await expect(button(c, 'Hold')).toHaveAttribute('aria-busy', 'true');
    await expect(button(c, 'Hold').locator('.spinner')).toBeVisible();
    await expect(button(c, 'Resume')).toBeVisible();
    await sim.post('/sim/faults', { latencyMs: 0 });
    await expectSimCall(sim, id, { state: 'Held' });
    await expect(c.locator('.call-state')).toHaveText('On hold');
    await expectInSync(page, sim, wire);
    await shoot(page, testInfo, 'held');

    await button(c, 'Resume').click();
    await expectSimCall(sim, id, { state: 'Established' });
    await expectInSync(page, sim, wire);

    // Hang up → the answered call leaves a wrap-up card.
    await button(c, 'Hang up').click();
    await expectSimCall(sim, id, { state: 'Released', released: true });
    await expect(c).toHaveClass(/wrap-up/);
    await expect(c.locator('.call-state')).toHaveText('Wrap-up');
    await expectInSync(page, sim, wire);
    await shoot(page, testInfo, 'wrap-up');
    expect(pageErrors(page)).toEqual([]);
  });

  test('consult transfer by mouse: initiate, swap, complete; a consult cancelled; a stale control refused', async ({ page, sim }, testInfo) => {
    const wire = await openPanel(page, sim);
    const id = await ringIn(page, sim, '5551234', { AccountNumber: 'A-2002' });
    const original = card(page, id);
    await button(original, 'Answer').click();
    await expectSimCall(sim, id, { state: 'Established' });

    // InitiateTransfer: the original is held and a consult call is made.
    await button(original, 'Transfer').click();
    const form = original.getByRole('form', { name: 'Transfer to' });
    await form.getByRole('textbox', { name: 'Transfer to' }).fill('555-1313');
    await button(form, 'Consult first').click();
    await expect(form).toHaveCount(0);
    const consultId = await newCall(sim, x => x.consultOf === id);
    await expectSimCall(sim, consultId, { state: 'Established', callType: 'Consult', consultKind: 'Transfer', dnis: '5551313' });
    await expectSimCall(sim, id, { state: 'Held' });
    const consult = card(page, consultId);
    await expect(consult.locator('.kind')).toHaveText('Consult');
    await expect(consult.locator('.call-state')).toHaveText('Connected');
    await expect(consult.locator('.user-data'), 'the consult carries the call\'s userData').toContainText('A-2002');
    await expect(original.locator('.call-state')).toHaveText('On hold');
    await expect(widget(page).locator('article.call-card').first(), 'the consult is in front').toHaveAttribute('data-call-id', consultId);
    await expectInSync(page, sim, wire);
    await shoot(page, testInfo, 'consult');

    // SwapCalls: the consult goes on hold, the original comes back, and back again.
    await button(consult, 'Swap').click();
    await expectSimCall(sim, consultId, { state: 'Held' });
    await expectSimCall(sim, id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    await button(original, 'Swap').click();
    await expectSimCall(sim, consultId, { state: 'Established' });
    await expectSimCall(sim, id, { state: 'Held' });
    await expectInSync(page, sim, wire);

    // CompleteTransfer: both of Ava's calls end; the caller now talks to 5551313.
    await button(consult, 'Complete transfer').click();
    await expectSimCall(sim, id, { state: 'Released' });
    await expectSimCall(sim, consultId, { state: 'Released' });
    await expect(consult).toHaveCount(0);
    await expect(original).toHaveClass(/wrap-up/);
    await expectInSync(page, sim, wire);
    await button(original, 'Dismiss').click();
    await expect(original).toHaveCount(0);

    // A consult cancelled: hang up the consult, resume the caller.
    const id2 = await ringIn(page, sim, '5552222');
    const second = card(page, id2);
    await button(second, 'Answer').click();
    await button(second, 'Transfer').click();
    await second.getByRole('textbox', { name: 'Transfer to' }).fill('5551414');
    await button(second, 'Consult first').click();
    const consult2Id = await newCall(sim, x => x.consultOf === id2);
    await expectSimCall(sim, consult2Id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    await button(card(page, consult2Id), 'Hang up').click();
    await expectSimCall(sim, consult2Id, { state: 'Released' });
    await expect(card(page, consult2Id), 'no wrap-up card for a consult').toHaveCount(0);
    await expectInSync(page, sim, wire);
    await button(second, 'Resume').click();
    await expectSimCall(sim, id2, { state: 'Established', participants: ['5552222'] });
    await expectInSync(page, sim, wire);

    // A control that went stale under the click: consult again, then resume the caller
    // directly. The consult's "Complete transfer" was allowed when it was last notified;
    // the simulator now refuses it (statusCode 2) and the panel says so in words.
    await button(second, 'Transfer').click();
    await second.getByRole('textbox', { name: 'Transfer to' }).fill('5551515');
    await button(second, 'Consult first').click();
    const consult3Id = await newCall(sim, x => x.consultOf === id2 && x.id !== consult2Id);
    await expectSimCall(sim, consult3Id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    await button(second, 'Resume').click();
    await expectSimCall(sim, id2, { state: 'Established' });
    await expectInSync(page, sim, wire);
    const stale = button(card(page, consult3Id), 'Complete transfer');
    await expect(stale).toBeVisible();
    await stale.click();
    const notice = widget(page).locator('.notices');
    await expect(notice).toHaveAttribute('role', 'alert');
    await expect(notice).toContainText("That action isn't available for this call right now.");
    await expect(notice).toContainText('the panel shows what you can do now');
    await expectSimCall(sim, consult3Id, { state: 'Established' });
    await expectSimCall(sim, id2, { state: 'Established' });
    // …and keeps that promise: the refusal re-read the calls, so the stale control is gone
    // and every card offers what the simulator allows now.
    await expect(stale).toHaveCount(0);
    await expect(async () => {
      for (const shown of await shownCalls(page)) {
        expect(shown.ops, shown.id).toEqual(controlsFor((await sim.call(shown.id)).capabilities));
      }
    }).toPass({ timeout: 10_000 });
    await expectInSync(page, sim, wire);
    await shoot(page, testInfo, 'refused');
    await button(notice, 'Dismiss').click();
    await expect(notice).toHaveCount(0);
    expect(pageErrors(page)).toEqual([]);
  });

  test('conference by mouse: initiate, join, participants, remove one, add one in a single step', async ({ page, sim }, testInfo) => {
    const wire = await openPanel(page, sim);
    const id = await ringIn(page, sim, '5551234');
    const c = card(page, id);
    await button(c, 'Answer').click();
    await expectSimCall(sim, id, { state: 'Established' });

    // InitiateConference → consult → CompleteConference.
    await button(c, 'Conference').click();
    const form = c.getByRole('form', { name: 'Add to conference' });
    await form.getByRole('textbox', { name: 'Add to conference' }).fill('5551313');
    await button(form, 'Consult first').click();
    const consultId = await newCall(sim, x => x.consultOf === id);
    await expectSimCall(sim, consultId, { state: 'Established', consultKind: 'Conference' });
    await expectInSync(page, sim, wire);
    await button(card(page, consultId), 'Join into conference').click();
    await expectSimCall(sim, consultId, { state: 'Released' });
    await expectSimCall(sim, id, { state: 'Established', participants: ['5551234', '5551313'] });
    await expect(card(page, consultId)).toHaveCount(0);
    await expectInSync(page, sim, wire);

    // The participant list, each with its Remove control.
    const people = c.getByRole('region', { name: 'Participants' });
    await expect(people.getByRole('listitem')).toHaveText([/5551234/, /5551313/]);
    await shoot(page, testInfo, 'conference');

    // RemoveParticipantFromConference.
    await button(people, 'Remove 5551313').click();
    await expectSimCall(sim, id, { state: 'Established', participants: ['5551234'] });
    await expect(people).toHaveCount(0);
    await expectInSync(page, sim, wire);

    // SingleStepConference: added at once, no consult call.
    await button(c, 'Conference').click();
    await c.getByRole('textbox', { name: 'Add to conference' }).fill('5551616');
    await button(c, 'Add now').click();
    await expectSimCall(sim, id, { state: 'Established', participants: ['5551234', '5551616'] });
    await expect(people.getByRole('listitem')).toHaveText([/5551234/, /5551616/]);
    const live = await expectInSync(page, sim, wire);
    expect(live).toHaveLength(1);
    await button(c, 'Hang up').click();
    await expectSimCall(sim, id, { state: 'Released' });
    await expectInSync(page, sim, wire);
    expect(pageErrors(page)).toEqual([]);
  });

  test('two calls by mouse: single-step transfer, dial from the keypad while one is held, swap, merge', async ({ page, sim }) => {
    const wire = await openPanel(page, sim);
    const w = widget(page);

    // SingleStepTransfer.
    const first = await ringIn(page, sim, '5551234');
    await button(card(page, first), 'Answer').click();
    await expectSimCall(sim, first, { state: 'Established' });
    await button(card(page, first), 'Transfer').click();
    await card(page, first).getByRole('textbox', { name: 'Transfer to' }).fill('5551717');
    await button(card(page, first), 'Transfer now').click();
    await expectSimCall(sim, first, { state: 'Released' });
    await expect(card(page, first)).toHaveClass(/wrap-up/);
    await expectInSync(page, sim, wire);
    await button(card(page, first), 'Dismiss').click();

    // A caller on hold, and a second call dialled from the dialer's keypad.
    const held = await ringIn(page, sim, '5552222');
    await button(card(page, held), 'Answer').click();
    await button(card(page, held), 'Hold').click();
    await expectSimCall(sim, held, { state: 'Held' });
    const dialer = w.getByRole('form', { name: 'Call' });
    await button(dialer, 'Keypad').click();
    for (const k of '5551212') await button(dialer, `Keypad ${k}`).click();
    await expect(dialer.getByRole('textbox', { name: 'Number to dial' })).toHaveValue('5551212');
    await button(dialer, 'Call').click();
    const dialled = await newCall(sim, x => x.dnis === '5551212');
    await expectSimCall(sim, dialled, { state: 'Established', callType: 'Outbound', dnis: '5551212' });
    await expect(card(page, dialled).locator('.kind')).toHaveText('Outbound');
    await expectInSync(page, sim, wire);

    // SwapCalls between two ordinary calls.
    await button(card(page, dialled), 'Swap').click();
    await expectSimCall(sim, dialled, { state: 'Held' });
    await expectSimCall(sim, held, { state: 'Established' });
    await expectInSync(page, sim, wire);

    // MergeWithOtherCall: the dialled party joins the caller's call.
    await button(card(page, held), 'Merge calls').click();
    await expectSimCall(sim, dialled, { state: 'Released' });
    await expectSimCall(sim, held, { state: 'Established', participants: ['5552222', '5551212'] });
    const live = await expectInSync(page, sim, wire);
    expect(live.map(x => x.id)).toEqual([held]);
    await expect(card(page, held).getByRole('region', { name: 'Participants' }).getByRole('listitem')).toHaveCount(2);
    expect(pageErrors(page)).toEqual([]);
  });

  test('dialling: from the field, a number that never answers, a busy number, and a refusal in words', async ({ page, sim }, testInfo) => {
    const wire = await openPanel(page, sim);
    const w = widget(page);
    const field = w.getByRole('textbox', { name: 'Number to dial' });

    // Dial from the field (Enter submits); the far end answers when told to.
    await field.fill('555 9999');
    await field.press('Enter');
    const id = await newCall(sim, x => x.dnis === '5559999');
    await expectInSync(page, sim, wire);
    await expectSimCall(sim, id, { state: 'Dialing', dnis: '5559999' });
    await expect(card(page, id).locator('.call-state')).toHaveText('Dialing');
    await expect(field).toHaveValue('');
    await shoot(page, testInfo, 'dialing');
    await sim.post(`/sim/calls/${id}/remote-answer`);
    await expectSimCall(sim, id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    await button(card(page, id), 'Hang up').click();
    await expectSimCall(sim, id, { state: 'Released' });
    await expectInSync(page, sim, wire);

    // A busy number: the call goes away by itself.
    await field.fill('5550001');
    await button(w, 'Call').click();
    await expect.poll(async () => (await sim.state()).calls.filter((x: any) => x.dnis === '5550001').map((x: any) => x.state))
      .toEqual(['Released']);
    await expectInSync(page, sim, wire);

    // Dialling your own extension: the simulator answers statusCode 10; the panel explains.
    await field.fill('5005');
    await field.press('Enter');
    const notice = w.locator('.notices');
    await expect(notice).toContainText("Something you entered isn't valid.");
    await expect(button(w, 'Call')).toHaveAttribute('aria-busy', 'false');
    await expectInSync(page, sim, wire);

    // Letters are refused before anything is sent.
    await field.fill('call me');
    await field.press('Enter');
    await expect(notice).toContainText('Use digits 0–9, * and # only.');
    expect(pageErrors(page)).toEqual([]);
  });

  test('agent state: Ready, Not Ready with a reason, After Call Work', async ({ page, sim }) => {
    await openPanel(page, sim);
    const select = widget(page).getByRole('combobox', { name: 'Your status' });
    const simState = async () => {
      const s = (await sim.agent()).agentState;
      return [s.state, s.reason ?? null, s.workMode ?? null];
    };
    await expect(select).toHaveValue('nr');

    await sim.post('/sim/faults', { latencyMs: 600 });
    await select.selectOption('ready');
    await expect(select).toHaveAttribute('aria-busy', 'true');
    await expect.poll(simState).toEqual(['Ready', null, null]);
    await expect(select).toHaveAttribute('aria-busy', 'false');
    await sim.post('/sim/faults', { latencyMs: 0 });
    await expect(select).toHaveValue('ready');
    await expect(widget(page).locator('.presence')).toHaveClass(/ready/);

    await select.selectOption({ label: 'Not Ready – Lunch' });
    await expect.poll(simState).toEqual(['NotReady', 'Lunch', null]);
    await expect(select).toHaveValue('nr:Lunch');

    await select.selectOption({ label: 'After Call Work' });
    await expect.poll(simState).toEqual(['NotReady', null, 'AfterCallWork']);
    await expect(select).toHaveValue('acw');
    await expect(widget(page).locator('.presence')).toHaveClass(/acw/);

    // By keyboard: Tab to the select, Home picks the first choice (Ready); it keeps focus.
    await tabTo(page, select);
    await page.keyboard.press('Home');
    await expect.poll(simState).toEqual(['Ready', null, null]);
    await expect(select).toHaveValue('ready');
    expect(await isFocused(select)).toBe(true);
    expect(pageErrors(page)).toEqual([]);
  });

  test('keyboard only: answer, hold, resume, consult and transfer, conference — focus follows', async ({ page, sim }) => {
    const wire = await openPanel(page, sim);
    const w = widget(page);

    // A call arriving does not steal focus from where the agent is typing.
    const field = w.getByRole('textbox', { name: 'Number to dial' });
    await tabTo(page, field);
    await page.keyboard.type('12');
    const id = await ringIn(page, sim, '5551234');
    expect(await isFocused(field), 'the dial field keeps focus when a call rings').toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');

    // A second caller who gives up while focus is on their Answer button: focus moves to
    // the call that is still ringing, not to the page.
    const c = card(page, id);
    const gaveUp = await ringIn(page, sim, '5559876');
    await tabTo(page, button(card(page, gaveUp), 'Answer'));
    await sim.post(`/sim/calls/${gaveUp}/remote-hangup`);
    await expect(card(page, gaveUp), 'no wrap-up card for a call never answered').toHaveCount(0);
    await expect.poll(() => isFocused(button(c, 'Answer'))).toBe(true);

    // Answer with Enter.
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    // The Answer button is gone: focus is on the call's first control now.
    await expect.poll(() => focused(page)).toBe('button:Hold');

    // Hold with Space, Resume with Enter: focus stays on the call's controls.
    await page.keyboard.press('Space');
    await expectSimCall(sim, id, { state: 'Held' });
    await expect.poll(() => focused(page)).toBe('button:Resume');
    await expectInSync(page, sim, wire);
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id, { state: 'Established' });
    await expect.poll(() => focused(page)).toBe('button:Hold');
    await expectInSync(page, sim, wire);

    // Transfer → the form opens with its field focused; Escape closes it and focus returns.
    await tabTo(page, button(c, 'Transfer'));
    await page.keyboard.press('Enter');
    const destination = c.getByRole('textbox', { name: 'Transfer to' });
    await expect.poll(() => isFocused(destination)).toBe(true);
    await page.keyboard.press('Escape');
    await expect(destination).toHaveCount(0);
    await expect.poll(() => focused(page)).toBe('button:Transfer');

    // Consult first, then complete the transfer.
    await page.keyboard.press('Enter');
    await expect.poll(() => isFocused(destination)).toBe(true);
    await page.keyboard.type('5551313');
    await tabTo(page, button(c, 'Consult first'));
    await page.keyboard.press('Enter');
    const consultId = await newCall(sim, x => x.consultOf === id);
    await expectSimCall(sim, consultId, { state: 'Established' });
    await expectInSync(page, sim, wire);
    // The form closed and the call went on hold: focus stays with that call (Resume).
    await expect.poll(() => focused(page)).toBe('button:Resume');
    await tabTo(page, button(card(page, consultId), 'Complete transfer'));
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id, { state: 'Released' });
    await expectSimCall(sim, consultId, { state: 'Released' });
    await expectInSync(page, sim, wire);
    // The consult card that had focus is gone and the call ended: focus lands in the
    // call's wrap-up card (where the disposition comes next); dismiss it by keyboard.
    await expect(c).toHaveClass(/wrap-up/);
    await expect.poll(() => focusIsIn(c)).toBe(true);
    await tabTo(page, button(c, 'Dismiss'));
    await page.keyboard.press('Enter');
    await expect(c).toHaveCount(0);
    await expect.poll(() => focused(page)).toBe('input:Number to dial');

    // Conference by keyboard: answer a second call, consult, join.
    const id2 = await ringIn(page, sim, '5552222');
    const c2 = card(page, id2);
    await tabTo(page, button(c2, 'Answer'));
    await page.keyboard.press(' ');
    await expectSimCall(sim, id2, { state: 'Established' });
    await expect.poll(() => focused(page)).toBe('button:Hold');
    await tabTo(page, button(c2, 'Conference'));
    await page.keyboard.press('Enter');
    await expect.poll(() => isFocused(c2.getByRole('textbox', { name: 'Add to conference' }))).toBe(true);
    await page.keyboard.type('5551414');
    await tabTo(page, button(c2, 'Consult first'));
    await page.keyboard.press('Enter');
    const consult2 = await newCall(sim, x => x.consultOf === id2);
    await expectSimCall(sim, consult2, { state: 'Established' });
    await expectInSync(page, sim, wire);
    await tabTo(page, button(card(page, consult2), 'Join into conference'));
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id2, { state: 'Established', participants: ['5552222', '5551414'] });
    await expectInSync(page, sim, wire);
    await expect.poll(() => focusIsIn(c2), 'focus came back to the conference call').toBe(true);

    // Remove a participant and hang up, still by keyboard.
    await tabTo(page, button(c2, 'Remove 5551414'));
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id2, { participants: ['5552222'] });
    await expect(c2.getByRole('region', { name: 'Participants' })).toHaveCount(0);
    await expect.poll(() => focusIsIn(c2)).toBe(true);
    await tabTo(page, button(c2, 'Hang up'));
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id2, { state: 'Released' });
    await expectInSync(page, sim, wire);
    await expect(c2).toHaveClass(/wrap-up/);
    await expect.poll(() => focusIsIn(c2)).toBe(true);

    // A single-step transfer: Enter in the destination field transfers at once.
    const id3 = await ringIn(page, sim, '5553333');
    const c3 = card(page, id3);
    await tabTo(page, button(c3, 'Answer'));
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id3, { state: 'Established' });
    await expect.poll(() => focused(page)).toBe('button:Hold');
    await tabTo(page, button(c3, 'Transfer'));
    await page.keyboard.press('Enter');
    await expect.poll(() => isFocused(c3.getByRole('textbox', { name: 'Transfer to' }))).toBe(true);
    await page.keyboard.type('5551818');
    await page.keyboard.press('Enter');
    await expectSimCall(sim, id3, { state: 'Released' });
    await expectInSync(page, sim, wire);
    await expect(c3).toHaveClass(/wrap-up/);
    await expect.poll(() => focusIsIn(c3), 'focus stays with the call, now in wrap-up').toBe(true);
    expect(pageErrors(page)).toEqual([]);
  });

  test('a transfer form open when the caller hangs up goes with the call; the next one starts empty', async ({ page, sim }) => {
    await openPanel(page, sim);
    const id = await ringIn(page, sim, '5551234');
    const c = card(page, id);
    await button(c, 'Answer').click();
    await expect(c.locator('.call-state')).toHaveText('Connected');
    await button(c, 'Transfer').click();
    const field = c.getByRole('textbox', { name: 'Number to transfer to' });
    await expect(field).toBeFocused();
    await field.fill('5002');

    // The caller hangs up: nothing could be transferred any more, so the form goes.
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    await expect(c).toHaveClass(/wrap-up/);
    await expect(c.locator('form.transfer-form')).toHaveCount(0);

    // The next call's form opens empty, with the caret in it.
    const next = await ringIn(page, sim, '5555678');
    const n = card(page, next);
    await button(n, 'Answer').click();
    await expect(n.locator('.call-state')).toHaveText('Connected');
    await button(n, 'Transfer').click();
    await expect(n.getByRole('textbox', { name: 'Number to transfer to' })).toBeFocused();
    await expect(n.getByRole('textbox', { name: 'Number to transfer to' })).toHaveValue('');
    expect(pageErrors(page)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The GWS session under the panel.

test.describe('GWS session', () => {
  test('the first read of GWS goes out while the wasm downloads, and the panel takes its answer', async ({ page, sim }) => {
    // A slow wasm: the first read must not wait for it.
    let wasmDone = 0;
    await page.route(/_bg\.wasm$/, async route => {
      await new Promise(r => setTimeout(r, 1500));
      const response = await route.fetch();
      wasmDone = Date.now();
      await route.fulfill({ response });
    });
    const reads: { at: number; auth?: string }[] = [];
    let handshake = 0;
    page.on('request', req => {
      const url = new URL(req.url());
      if (url.pathname + url.search === '/api/v2/me?subresources=*') {
        reads.push({ at: Date.now(), auth: req.headers()['authorization'] });
      } else if (url.pathname === '/api/v2/notifications/handshake' && !handshake) {
        handshake = Date.now();
      }
    });
    await page.goto(`${sim.pageUrl}/`);
    await expect(widget(page).getByText('Ava Patel')).toBeVisible();
    expect(wasmDone).toBeGreaterThan(0);
    // Sent before the wasm arrived, with the widget's credentials; and the panel's own
    // first read was answered by it: no other read before the handshake that follows it.
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0].at).toBeLessThan(wasmDone - 1000);
    expect(reads[0].auth).toBe('Basic ' + Buffer.from('ava:demo').toString('base64'));
    await expect.poll(() => handshake).toBeGreaterThan(0);
    expect(reads.filter(r => r.at < handshake)).toHaveLength(1);
    await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
  });

  test('start-up order, Basic on every request, CSRF captured, sent, and refreshed once after rotation', async ({ page, sim }) => {
    // Every GWS request in the order the page sent it, with when it finished.
    type Entry = { method: string; path: string; sent: number; done?: number; auth?: string; csrf?: string; status?: number; token?: string };
    const log: Entry[] = [];
    let tick = 0;
    const entries = new Map<object, Entry>();
    page.on('request', req => {
      const url = new URL(req.url());
      if (!url.pathname.startsWith('/api/v2/')) return;
      const headers = req.headers();
      const entry: Entry = { method: req.method(), path: url.pathname + url.search, sent: ++tick,
        auth: headers['authorization'], csrf: headers['x-csrf-token'] };
      entries.set(req, entry);
      log.push(entry);
    });
    // "Answered" = its response arrived (the `response` event; `requestfinished` may be
    // reported after the page has already acted on the body).
    page.on('response', res => {
      const entry = entries.get(res.request());
      if (!entry) return;
      entry.done = ++tick;
      entry.status = res.status();
      entry.token = res.headers()['x-csrf-token'];
    });
    const wire = await openPanel(page, sim);
    await expect.poll(() => log.find(e => e.method === 'POST' && e.path === '/api/v2/me')?.status).toBe(200);

    // Start-up: read /me with its subresources; once it answered, the CometD handshake;
    // once that answered, subscribe and connect; once the first connect answered,
    // StartContactCenterSession.
    const order = log.map(e => `${e.method} ${e.path}`);
    const read = order.indexOf('GET /api/v2/me?subresources=*');
    const handshake = order.indexOf('POST /api/v2/notifications/handshake');
    const connect = order.indexOf('POST /api/v2/notifications/connect');
    const start = order.indexOf('POST /api/v2/me');
    expect(read, order.join('\n')).toBe(0);
    expect(handshake, order.join('\n')).toBe(1);
    expect(log[handshake].sent).toBeGreaterThan(log[read].done!);
    expect(log[connect].sent).toBeGreaterThan(log[handshake].done!);
    expect(log[start].sent).toBeGreaterThan(log[connect].done!);
    const counters = (await sim.state()).requests;
    expect(counters['/api/v2/notifications/handshake']).toBe(1);
    const ava = await sim.agent();
    expect(ava.subscriptions).toEqual(expect.arrayContaining(['/v2/me/calls', '/v2/me/devices']));

    // Basic credentials on every request; the CSRF token of the GET sent on the POST.
    expect(log.every(e => e.auth === 'Basic ' + Buffer.from('ava:demo').toString('base64'))).toBe(true);
    const token = log[read].token;
    expect(token).toBeTruthy();
    expect(log[start].csrf).toBe(token);
    expect(log[start].status).toBe(200);

    // Rotate the token: the next operation is refused once, the token re-read, and it works.
    const id = await ringIn(page, sim, '5551234');
    // The start-up's own re-reads of /me must be over first: one still on its way after the
    // rotation would fetch the new token before the Answer goes out.
    const quiet = async () => {
      const reads = log.filter(e => e.path.startsWith('/api/v2/me'));
      await page.waitForTimeout(400);
      return reads.length === log.filter(e => e.path.startsWith('/api/v2/me')).length && reads.every(e => e.done);
    };
    await expect.poll(quiet, { timeout: 10_000 }).toBe(true);
    await sim.post('/sim/faults', { rotateCsrf: true });
    log.length = 0;
    await button(card(page, id), 'Answer').click();
    await expectSimCall(sim, id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    const ops = log.filter(e => e.path.startsWith('/api/v2/me'));
    await expect(async () => expect(ops.map(e => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `POST /api/v2/me/calls/${id} 403`,
      'GET /api/v2/me 200',
      `POST /api/v2/me/calls/${id} 200`,
    ])).toPass();
    expect(ops[0].csrf).toBe(token);
    expect(ops[1].token).not.toBe(token);
    expect(ops[2].csrf).toBe(ops[1].token);
    await expect(widget(page).locator('.notices')).toHaveCount(0);
  });

  test('after CometD sessions expire, the re-handshake re-reads calls and device and the panel catches up', async ({ page, sim }) => {
    const wire = await openPanel(page, sim);
    const id = await ringIn(page, sim, '5551234');
    await button(card(page, id), 'Answer').click();
    await expectSimCall(sim, id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    const counts = new Map<string, number>();
    const count = (path: string) => (counts.get(path) ?? 0);
    page.on('request', req => {
      const url = new URL(req.url());
      const key = url.pathname + url.search;
      counts.set(key, count(key) + 1);
    });

    // Hold the next handshake until changes were made that no CometD session heard.
    let release!: () => void;
    const gate = new Promise<void>(r => { release = r; });
    await page.route('**/api/v2/notifications/handshake', async route => { await gate; await route.continue(); });
    const handshakeSeen = page.waitForRequest('**/api/v2/notifications/handshake');
    await sim.post('/sim/faults', { expireCometdSessions: true });
    await handshakeSeen;
    await sim.post(`/sim/calls/${id}/remote-hangup`);
    const ringing = await sim.ring('5553333');
    // Ava's state changes too, from another client of hers (another desktop).
    const other = await playwrightRequest.newContext({
      extraHTTPHeaders: { Authorization: 'Basic ' + Buffer.from('ava:demo').toString('base64') },
    });
    const me = await other.get(`${sim.url}/api/v2/me`);
    const ready = await other.post(`${sim.url}/api/v2/me/channels/voice`, {
      headers: { 'X-CSRF-TOKEN': me.headers()['x-csrf-token'] }, data: { operationName: 'Ready' },
    });
    expect(await ready.json()).toMatchObject({ statusCode: 0 });
    await other.dispose();
    expect((await sim.agent()).agentState.state).toBe('Ready');
    expect((await sim.state()).cometd.sessions).toBe(0);
    await expect(widget(page).getByRole('combobox', { name: 'Your status' })).toHaveValue('nr');
    await expect(card(page, id).locator('.call-state'), 'nothing told the panel yet').toHaveText('Connected');
    release();

    // The panel catches up from the re-read: the old call ended, the new one rings.
    await expect(button(card(page, ringing), 'Answer')).toBeVisible();
    await expect(card(page, id)).toHaveClass(/wrap-up/);
    await expect(widget(page).getByRole('combobox', { name: 'Your status' })).toHaveValue('ready');
    await expectInSync(page, sim, wire);
    // One new handshake, and after it one re-read of the agent with devices and calls.
    expect(count('/api/v2/notifications/handshake')).toBe(1);
    expect(count('/api/v2/me?subresources=*')).toBe(1);
    expect((await sim.state()).cometd.handshakes).toBe(2);
    await expect(widget(page).locator('[data-connection]')).toHaveCount(0);

    // And the new session works: answer the call that rang meanwhile.
    await button(card(page, ringing), 'Answer').click();
    await expectSimCall(sim, ringing, { state: 'Established' });
    await expectInSync(page, sim, wire);
    expect(pageErrors(page)).toEqual([]);
  });

  test('a cookie session that ends shows "session ended" with Sign in again, which recovers', async ({ page, sim }) => {
    // A CRM page that signed the agent in itself (SSO): the widget has no credentials and
    // rides on the JSESSIONID cookie.
    const pageUrl = `${sim.pageUrl}/cookie-session.html`;
    await page.route(pageUrl, route => route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SSO CRM</title>' +
        '<script src="crm-call-widget.js" defer></script></head>' +
        '<body><crm-call-widget></crm-call-widget></body></html>',
    }));
    const signIn = async () => {
      const res = await page.request.get(`${sim.url}/api/v2/me`, {
        headers: { Authorization: 'Basic ' + Buffer.from('ava:demo').toString('base64') },
      });
      expect(res.ok()).toBe(true);
    };
    await signIn();
    const wire = new Wire(page);
    const errors: string[] = [];
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(pageUrl);
    const w = widget(page);
    await expect(w.getByText('Ava Patel')).toBeVisible();
    await expect.poll(async () => (await sim.agent()).agentState.state).toBe('NotReady');
    const id = await ringIn(page, sim, '5551234');

    // The session ends on the server. The notification channel notices first: its session
    // is gone (402), and the new handshake is refused (401) — "session ended", no retrying.
    await sim.post('/sim/faults', { expireGwsSessions: true });
    const banner = w.locator('[data-connection="session-expired"]');
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(banner).toContainText('Your phone session has ended.');

    // An operation meanwhile: refused (CSRF 403, then the token re-read gets HTTP 401,
    // statusCode 20), said in words, and nothing happened on the switch.
    await button(card(page, id), 'Answer').click();
    await expect(w.locator('.notices')).toContainText("You're signed out of the phone system.");
    await expect(banner).toBeVisible();
    await expectSimCall(sim, id, { state: 'Ringing' });

    // The agent signs in again (here: the CRM's sign-in) and presses "Sign in again".
    await signIn();
    await button(banner, 'Sign in again').click();
    await expect(banner).toHaveCount(0);
    await expect(w.locator('[data-connection]')).toHaveCount(0);
    await button(card(page, id), 'Answer').click();
    await expectSimCall(sim, id, { state: 'Established' });
    await expectInSync(page, sim, wire);
    expect(errors).toEqual([]);
  });
});
