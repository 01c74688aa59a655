// Test fixtures: a fresh simulator per test (its own port and world), serving the built
// widget, plus helpers to read and script it through its /sim control API.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SIM_BIN = process.env.CCSIM_BIN ?? path.join(ROOT, 'target', 'debug', 'ccsim');
/** The widget build the simulator serves: `dist/` unless `CCW_DIST` names another. */
const DIST = process.env.CCW_DIST ?? path.join(ROOT, 'dist');

export class Sim {
  constructor(readonly url: string, readonly pageUrl: string, private child: ChildProcess) {}

  static async start(extra: string[] = []): Promise<Sim> {
    const child = spawn(SIM_BIN, ['--listen', '127.0.0.1:0', '--static', DIST, ...extra],
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

  /** Injects faults (`POST /sim/faults`; see sim/README.md for the keys). */
  async faults(body: Record<string, unknown>): Promise<void> {
    await this.post('/sim/faults', body);
  }

  /** Clears every fault that persists or counts down (`DELETE /sim/faults`). */
  async clearFaults(): Promise<void> {
    const res = await fetch(`${this.url}/sim/faults`, { method: 'DELETE' });
    expect(res.ok).toBeTruthy();
  }

  /** Rings an inbound call at `agent` from `from`; the new call's id. */
  async ring(from: string, userData: Record<string, unknown> = {}, agent = 'ava'): Promise<string> {
    const { id } = await this.post('/sim/calls/inbound', { agent, from, userData });
    return id;
  }

  /** One call of `/sim/state` by id (released calls stay there). */
  async call(id: string): Promise<any> {
    return (await this.state()).calls.find((c: any) => c.id === id);
  }

  /** The calls of `agent` that are not released, oldest first. */
  async liveCalls(agent = 'ava'): Promise<any[]> {
    return (await this.state()).calls.filter((c: any) => c.agent === agent && !c.released && c.state !== 'Released');
  }

  /** An agent's entry in `/sim/state`. */
  async agent(username = 'ava'): Promise<any> {
    return (await this.state()).agents.find((a: any) => a.username === username);
  }

  stop() { this.child.kill(); }
}

/** The widget's shadow-DOM root inside `page` (Playwright's locators pierce open roots). */
export function widget(page: Page) {
  return page.locator('crm-call-widget');
}

export const test = base.extend<{ sim: Sim; simArgs: string[] }>({
  /** Extra ccsim flags for the tests of a file: `test.use({ simArgs: [...] })`. */
  simArgs: [[], { option: true }],
  sim: async ({ simArgs }, use) => {
    const sim = await Sim.start(simArgs);
    await use(sim);
    sim.stop();
  },
});
export { expect };

/** A host page server of its own (a third origin, like a CRM's): serves `pages` (path →
 *  HTML) and `assets` (path → [content type, body]) with `csp` as the page's policy. */
export async function hostPages(pages: Record<string, string>, csp: string,
                                assets: Record<string, [string, string]> = {}) {
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (pages[path] !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
      res.end(pages[path]);
    } else if (assets[path]) {
      res.writeHead(200, { 'content-type': assets[path][0] });
      res.end(assets[path][1]);
    } else {
      res.writeHead(404); res.end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  // Closing ends the browser's kept-alive connections too: waiting for them to go idle could
  // outlast the test.
  const close = () => new Promise(r => { server.close(r); server.closeAllConnections(); });
  return { url: `http://127.0.0.1:${address.port}`, close };
}

/** A simulator over HTTPS (`ccsim --tls`): every listener speaks TLS with a certificate the
 *  simulator makes at start-up for `names` and writes to `certDir` (`--tls-cert-out`), so
 *  a test's own HTTPS servers can use the same certificate. Node-side requests (the control
 *  API) trust exactly that certificate. `url` and `pageUrl` are `https://127.0.0.1:PORT`;
 *  `origin(name)` gives the same listener under one of the certificate's names. */
export class TlsSim extends Sim {
  constructor(base: Sim, readonly cert: string, readonly key: string) {
    // The child process stays the base's: stop() ends it.
    super(base.url, base.pageUrl, (base as unknown as { child: ChildProcess }).child);
  }

  static async startTls(names: string[], extra: string[] = []): Promise<TlsSim> {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccsim-tls-'));
    const base = await Sim.start(['--tls', '--tls-names', [...names, '127.0.0.1'].join(','),
                                  '--tls-cert-out', certDir, ...extra]);
    const sim = new TlsSim(base, fs.readFileSync(path.join(certDir, 'cert.pem'), 'utf8'),
                           fs.readFileSync(path.join(certDir, 'key.pem'), 'utf8'));
    fs.rmSync(certDir, { recursive: true, force: true });
    return sim;
  }

  /** The API's origin (or the page port's, `page`) under `name`, e.g. `https://gws.test:PORT`. */
  origin(name: string, page = false): string {
    return `https://${name}:${new URL(page ? this.pageUrl : this.url).port}`;
  }

  /** An HTTPS request from Node that trusts the simulator's certificate alone. */
  async request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {})
      : Promise<{ status: number; ok: boolean; text: string }> {
    const https = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca: this.cert }, res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode!, ok: res.statusCode! < 300, text }));
      });
      req.on('error', reject);
      req.end(init.body);
    });
  }

  async state(): Promise<any> {
    const res = await this.request(`${this.url}/sim/state`);
    expect(res.ok).toBeTruthy();
    return JSON.parse(res.text);
  }

  async post(pathname: string, body: unknown = {}): Promise<any> {
    const res = await this.request(`${this.url}${pathname}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect(res.ok, `${pathname} → ${res.status} ${res.text}`).toBeTruthy();
    return res.text ? JSON.parse(res.text) : {};
  }

  async clearFaults(): Promise<void> {
    const res = await this.request(`${this.url}/sim/faults`, { method: 'DELETE' });
    expect(res.ok).toBeTruthy();
  }
}
