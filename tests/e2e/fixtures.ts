// Test fixtures: a fresh simulator per test (its own port and world), serving the built
// widget, plus helpers to read and script it through its /sim control API.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SIM_BIN = process.env.CCSIM_BIN ?? path.join(ROOT, 'target', 'debug', 'ccsim');

export class Sim {
  constructor(readonly url: string, readonly pageUrl: string, private child: ChildProcess) {}

  static async start(extra: string[] = []): Promise<Sim> {
    const child = spawn(SIM_BIN, ['--listen', '127.0.0.1:0', '--static', path.join(ROOT, 'dist'), ...extra],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    const found = await new Promise<{ api: string; page?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ccsim did not start: ' + lines.join('\n'))), 10_000);
      let buf = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        const api = /ccsim listening on (\S+)/.exec(buf)?.[1];
        const wantsPage = extra.includes('--page-listen');
        const page = /ccsim page on (\S+)/.exec(buf)?.[1];
        if (api && (!wantsPage || page)) { clearTimeout(timer); resolve({ api, page }); }
      });
      child.on('exit', code => { clearTimeout(timer); reject(new Error(`ccsim exited (${code}): ${buf}`)); });
    });
    return new Sim(found.api, found.page ?? found.api, child);
  }

  async state(): Promise<any> {
    const res = await fetch(`${this.url}/sim/state`);
    expect(res.ok).toBeTruthy();
    return res.json();
  }

  async post(pathname: string, body: unknown = {}): Promise<any> {
    const res = await fetch(`${this.url}${pathname}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.ok, `${pathname} → ${res.status} ${text}`).toBeTruthy();
    return text ? JSON.parse(text) : {};
  }

  stop() { this.child.kill(); }
}

/** The widget's shadow-DOM root inside `page` (Playwright's locators pierce open roots). */
export function widget(page: Page) {
  return page.locator('crm-call-widget');
}

export const test = base.extend<{ sim: Sim }>({
  sim: async ({}, use) => {
    const sim = await Sim.start();
    await use(sim);
    sim.stop();
  },
});
export { expect };
