// The widget's benchmarks (issue 8), driven in Debian's headless Chromium against the
// simulator serving the release build. Started by ./benchmark (which builds both first); prints
// one table: each figure, its target, MET or MISSED.
//
//   node bench/bench.mjs [--dist dist] [--sim target/debug/ccsim] [--loads 15]
//                        [--notifications 200] [--bursts 7] [--cycles 1000]
//                        [--idle-seconds 40] [--quick] [--strict] [--verbose]
//
// What is measured, and how:
// - size: gzip -9 of what the snippet pulls — the loader, the JS module and the wasm (the
//   stylesheet is compiled into the wasm) — for each build: Genesys, Genesys with
//   dispositions at Ozonetel, Ozonetel alone;
// - load to interactive: navigation start → the agent's name in the widget's shadow root
//   (a MutationObserver installed before any script runs), median over fresh browser
//   contexts (cold HTTP and code caches), and over reloads in one context (warm);
// - notification → DOM: Hold/Retrieve sent through a second GWS session of the agent; for
//   each, responseEnd of the /connect that carried the notification (Resource Timing) →
//   the MutationObserver callback that sees the card's new data-state;
// - burst: 200 AttachedDataChanged for one call queued at once (POST /sim/burst) and
//   released in one connect answer → the last value shown in the card;
// - memory: JS heap (performance.memory, --enable-precise-memory-info, after gc()) plus
//   the wasm memory's byteLength, after 10 and after N call cycles (ring → answer →
//   caller hangs up → the wrap-up card dismissed in the panel), in a bare host page that
//   runs the cycles itself in a Chromium no driver is attached to (see `memory`);
// - idle requests: every vendor-API request the simulator counts while the panel idles with
//   a short CometD timeout, between two connect arrivals (so whole periods), per hour.

import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync, constants as zc, brotliCompressSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const flag = name => argv.includes(name);
const arg = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const quick = flag("--quick");
const verbose = flag("--verbose");
const DIST = path.resolve(arg("--dist", process.env.CCW_DIST ?? path.join(ROOT, "dist")));
const SIM_BIN = arg("--sim", process.env.CCSIM_BIN ?? path.join(ROOT, "target", "debug", "ccsim"));
const LOADS = Number(arg("--loads", quick ? "5" : "15"));
const NOTES = Number(arg("--notifications", quick ? "60" : "200"));
const BURSTS = Number(arg("--bursts", quick ? "3" : "7"));
const CYCLES = Number(arg("--cycles", quick ? "100" : "1000"));
const IDLE_S = Number(arg("--idle-seconds", quick ? "12" : "40"));
const IDLE_TIMEOUT_MS = 2000;
const THROTTLED_LOADS = Number(arg("--throttled-loads", quick ? "3" : "7"));
const COMPILES = Number(arg("--compiles", quick ? "3" : "9"));

const log = (...a) => { if (verbose) console.error("[bench]", ...a); };
const sleep = ms => new Promise(r => setTimeout(r, ms));
const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };

// ---------------------------------------------------------------------------------------
// The simulator.

class Sim {
    static async start(extra = []) {
        const child = spawn(SIM_BIN, ["--listen", "127.0.0.1:0", "--static", DIST, ...extra],
            { stdio: ["ignore", "pipe", "inherit"] });
        Sim.children.add(child);
        child.on("exit", () => Sim.children.delete(child));
        const url = await new Promise((resolve, reject) => {
            let buf = "";
            const timer = setTimeout(() => reject(new Error("ccsim did not start")), 10_000);
            child.stdout.on("data", c => {
                buf += c;
                const m = /ccsim listening on (\S+)/.exec(buf);
                if (m) { clearTimeout(timer); resolve(m[1]); }
            });
            child.on("exit", code => reject(new Error(`ccsim exited (${code})`)));
        });
        const sim = new Sim();
        sim.url = url;
        sim.child = child;
        return sim;
    }
    async state() { return (await fetch(`${this.url}/sim/state`)).json(); }
    async post(p, body = {}) {
        const r = await fetch(`${this.url}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        const text = await r.text();
        if (!r.ok) throw new Error(`${p} → ${r.status} ${text}`);
        return text ? JSON.parse(text) : {};
    }
    async ring(from = "5551234", userData = {}) { return (await this.post("/sim/calls/inbound", { agent: "ava", from, userData })).id; }
    stop() { this.child.kill(); }

    /** A second HTTP session of Ava's (cookie + CSRF), for operations from outside the page. */
    async gws() {
        const auth = "Basic " + Buffer.from("ava:demo").toString("base64");
        const r = await fetch(`${this.url}/api/v2/me`, { headers: { authorization: auth } });
        const cookie = (r.headers.get("set-cookie") ?? "").split(";")[0];
        const csrf = r.headers.get("x-csrf-token") ?? "";
        const url = this.url;
        return async (callId, operationName) => {
            const res = await fetch(`${url}/api/v2/me/calls/${callId}`, {
                method: "POST", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
                body: JSON.stringify({ operationName }),
            });
            const body = await res.json();
            if (body.statusCode !== 0) throw new Error(`${operationName} ${callId}: ${JSON.stringify(body)}`);
        };
    }
}

Sim.children = new Set();
for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => { for (const c of Sim.children) c.kill(); process.exit(130); });
}

// ---------------------------------------------------------------------------------------
// The page side: an observer on the widget's shadow root from its first moment.

function instrument() {
    performance.setResourceTimingBufferSize(1_000_000);
    const w = window;
    w.__states = [];      // {t, id, state} for every data-state change of a call card
    w.__namedAt = null;   // when the agent's name first showed
    w.__waits = [];       // {pred, resolve}: resolved with the time pred() first held
    const look = (root, t) => {
        if (w.__namedAt === null) {
            const n = root.querySelector(".agent-name:not(.placeholder)");
            if (n && n.textContent.trim()) w.__namedAt = t;
        }
        w.__waits = w.__waits.filter(x => { if (x.pred(root)) { x.resolve(t); return false; } return true; });
    };
    const observe = (root) => {
        w.__root = root;
        new MutationObserver(records => {
            const t = performance.now();
            for (const r of records) {
                if (r.type === "attributes" && r.attributeName === "data-state" && r.target.matches?.("article.call-card")) {
                    w.__states.push({ t, id: r.target.dataset.callId, state: r.target.dataset.state });
                } else if (r.type === "childList") {
                    for (const n of r.addedNodes) {
                        const cards = n.nodeType === 1 ? [...(n.matches("article.call-card") ? [n] : []), ...n.querySelectorAll("article.call-card")] : [];
                        for (const c of cards) w.__states.push({ t, id: c.dataset.callId, state: c.dataset.state });
                    }
                }
            }
            look(root, t);
        }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
        look(root, performance.now());
    };
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        // The widget's element, or the element a page mounted it in (the Ozonetel demo's).
        if (this.localName === "crm-call-widget" || this.id === "phone") observe(root);
        return root;
    };
    /** Resolves with the observer's time once pred(root) holds (at once if it does now). */
    w.__when = (pred) => new Promise(resolve => {
        if (w.__root && pred(w.__root)) return resolve(performance.now());
        w.__waits.push({ pred, resolve });
    });
    /** The observer's time of the first data-state change of card `id` to `state` logged
     *  after entry `k` of __states (waits for it). */
    w.__stateAfter = (k, id, state) => new Promise(resolve => {
        const find = () => w.__states.slice(k).find(e => e.id === id && e.state === state);
        if (find()) return resolve(find().t);
        w.__waits.push({ pred: () => !!find(), resolve: () => resolve(find().t) });
    });
    /** Arms a wait (see __when) to be collected later with __armed(), without a race. */
    w.__arm = (pred) => { w.__armedWait = w.__when(pred); };
    w.__armed = () => w.__armedWait;
    /** responseEnd of the latest /connect that finished by `t`. */
    w.__connectBefore = (t) => {
        const entries = performance.getEntriesByType("resource")
            .filter(e => e.name.includes("/notifications/connect") && e.responseEnd > 0 && e.responseEnd <= t);
        return entries.length ? entries[entries.length - 1].responseEnd : null;
    };
}

const BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--enable-precise-memory-info", "--js-flags=--expose-gc"];

async function openPanel(context, sim, pagePath = "/") {
    const page = await context.newPage();
    page.on("pageerror", e => console.error(`[page error] ${e.message}`));
    await page.goto(`${sim.url}${pagePath}`);
    await page.waitForFunction(() => window.__namedAt !== null, null, { timeout: 30_000 });
    for (let i = 0; i < 200; i++) {
        const ava = (await sim.state()).agents.find(a => a.username === "ava");
        if (ava.agentState.state === "NotReady") break;
        await sleep(25);
    }
    await page.evaluate(() => window.__when(r => !r.querySelector("[data-connection]")));
    return page;
}

/** Waits in the page until a card of `id` has `state` (or, for null, is gone). */
const cardState = (page, id, state) => page.evaluate(([id, state]) => window.__when(r => {
    const c = r.querySelector(`article.call-card[data-call-id="${id}"]`);
    if (state === null) return !c;
    if (state === "wrap-up") return !!c && c.classList.contains("wrap-up");
    return !!c && c.dataset.state === state;
}), [id, state]);

// ---------------------------------------------------------------------------------------
// The measurements.

/** The bytes of a build's snippet: the loader, the build's JS module and its wasm. */
function sizes(build) {
    const files = readdirSync(DIST);
    const loader = "crm-call-widget.js";
    const stem = build === "genesys" ? "crm-call-widget-" : `crm-call-widget-${build}-`;
    const module = files.find(f => new RegExp(`^${stem}[0-9a-f]+\\.js$`).test(f));
    const wasm = files.find(f => new RegExp(`^${stem}[0-9a-f]+_bg\\.wasm$`).test(f));
    if (!module || !wasm) throw new Error(`no ${build} build in ${DIST}`);
    const parts = [loader, module, wasm].map(f => {
        const raw = readFileSync(path.join(DIST, f));
        return { f, raw: raw.length, gz: gzipSync(raw, { level: 9 }).length,
                 br: brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length };
    });
    return { parts, gz: parts.reduce((s, p) => s + p.gz, 0), br: parts.reduce((s, p) => s + p.br, 0), module, wasm };
}

async function loads(browser, sim) {
    const cold = [];
    for (let i = 0; i < LOADS; i++) {
        const context = await browser.newContext();
        await context.addInitScript(instrument);
        const page = await context.newPage();
        await page.goto(`${sim.url}/`);
        cold.push(await page.waitForFunction(() => window.__namedAt, null, { timeout: 30_000 }).then(h => h.jsonValue()));
        await context.close();
    }
    const warm = [];
    const context = await browser.newContext();
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(`${sim.url}/`);
    await page.waitForFunction(() => window.__namedAt, null, { timeout: 30_000 });
    for (let i = 0; i < LOADS; i++) {
        await page.reload();
        warm.push(await page.waitForFunction(() => window.__namedAt, null, { timeout: 30_000 }).then(h => h.jsonValue()));
    }
    await context.close();
    log("cold loads", cold.map(Math.round).join(" "), "warm", warm.map(Math.round).join(" "));
    return { cold: median(cold), warm: median(warm), coldAll: cold, warmAll: warm };
}

/** Load → agent name on Lighthouse's "slow 4G" link (1.6 Mbps down, 750 kbps up, 150 ms
 *  RTT, set through the Chrome DevTools Protocol), each in a fresh profile, with the files
 *  served compressed (the simulator sends the .br beside each file). */
async function throttledLoads(browser, sim, page_path = "/") {
    const times = [];
    const bytes = [];
    for (let i = 0; i < THROTTLED_LOADS; i++) {
        const context = await browser.newContext();
        await context.addInitScript(instrument);
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
        await cdp.send("Network.emulateNetworkConditions", {
            offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
        });
        let onWire = 0;
        cdp.on("Network.loadingFinished", e => { onWire += e.encodedDataLength; });
        await page.goto(`${sim.url}${page_path}`);
        times.push(await page.waitForFunction(() => window.__namedAt, null, { timeout: 60_000 }).then(h => h.jsonValue()));
        bytes.push(onWire);
        await context.close();
    }
    log(`throttled loads of ${page_path}`, times.map(Math.round).join(" "), "bytes", bytes.join(" "));
    return { median: median(times), all: times, bytes: median(bytes) };
}

/** The wasm's compile and instantiate times in the page: the bytes fetched first, then
 *  WebAssembly.compile, then the JS glue's initSync (instantiation with its imports). */
async function compileTimes(browser, sim, size) {
    const compile = [], instantiate = [];
    for (let i = 0; i < COMPILES; i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${sim.url}/demo.css`);
        const t = await page.evaluate(async ([module, wasm]) => {
            const m = await import(`/${module}`);
            const bytes = await (await fetch(`/${wasm}`)).arrayBuffer();
            const t0 = performance.now();
            const compiled = await WebAssembly.compile(bytes);
            const t1 = performance.now();
            m.initSync({ module: compiled });
            const t2 = performance.now();
            return [t1 - t0, t2 - t1];
        }, [size.module, size.wasm]);
        compile.push(t[0]);
        instantiate.push(t[1]);
        await context.close();
    }
    log("compile", compile.map(x => x.toFixed(1)).join(" "), "instantiate", instantiate.map(x => x.toFixed(1)).join(" "));
    return { compile: median(compile), instantiate: median(instantiate) };
}

async function notifications(browser, sim) {
    const context = await browser.newContext();
    await context.addInitScript(instrument);
    const page = await openPanel(context, sim);
    const op = await sim.gws();
    const id = await sim.ring("5551234", { AccountNumber: "A-1", Reason: "bench" });
    await cardState(page, id, "Ringing");
    await op(id, "Answer");
    await cardState(page, id, "Established");
    const delays = [];
    for (let i = 0; i < NOTES; i++) {
        const [name, want] = i % 2 === 0 ? ["Hold", "Held"] : ["Retrieve", "Established"];
        const k = await page.evaluate(() => window.__states.length);
        await op(id, name);
        const tDom = await page.evaluate(([k, id, want]) => window.__stateAfter(k, id, want), [k, id, want]);
        const end = await page.evaluate(t => window.__connectBefore(t), tDom);
        if (end !== null) delays.push(tDom - end);
    }
    log("notification→DOM", delays.map(d => d.toFixed(1)).join(" "));

    // Bursts: 200 notifications in one connect answer, until the last value shows.
    const bursts = [];
    const perAnswer = [];
    for (let r = 0; r < BURSTS; r++) {
        const target = `r${r}-199`;
        const before = await page.evaluate(() => performance.getEntriesByType("resource").filter(e => e.name.includes("/notifications/connect")).length);
        await page.evaluate(([id, target]) => window.__arm(root => {
            const card = root.querySelector(`article.call-card[data-call-id="${id}"]`);
            return !!card && [...card.querySelectorAll(".user-data dd")].some(dd => dd.textContent === target);
        }), [id, target]);
        await sim.post("/sim/burst", { agent: "ava", count: 200, key: "Reason", prefix: `r${r}` });
        const tDom = await page.evaluate(() => window.__armed());
        const { end, answers } = await page.evaluate(([t, before]) => {
            const list = performance.getEntriesByType("resource").filter(e => e.name.includes("/notifications/connect"));
            return { end: window.__connectBefore(t), answers: list.slice(before).filter(e => e.responseEnd > 0 && e.responseEnd <= t).length };
        }, [tDom, before]);
        bursts.push(tDom - end);
        perAnswer.push(answers);
        await sleep(100);
    }
    log("burst rendered (ms)", bursts.map(d => d.toFixed(1)).join(" "), "connect answers used", perAnswer.join(" "));
    await context.close();
    return { p50: pct(delays, 50), p99: pct(delays, 99), max: Math.max(...delays), n: delays.length, burst: median(bursts), burstMax: Math.max(...bursts), perAnswer };
}

// Memory is measured in a Chromium that no driver is attached to: Playwright's DevTools
// session records every request (blink::NetworkResourcesData) and caches selector queries,
// and that bookkeeping lives in the same heap as the widget (about 1 KB per call cycle),
// which would be counted against the widget. So a bare host page drives the cycles itself
// (control API + a GWS Answer with the widget's own cookie session) and posts its figures
// back to this script.

const MEM_DRIVER = `(async () => {
  const q = new URLSearchParams(location.search);
  const SIM = q.get("sim"), N = Number(q.get("n")), MODULE = q.get("module");
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const report = body => fetch("/report", { method: "POST", body: JSON.stringify(body) });
  try {
    const root = () => document.querySelector("crm-call-widget").shadowRoot;
    const until = async (pred, what) => {
      const end = Date.now() + 30000;
      while (Date.now() < end) { try { if (pred()) return; } catch (e) {} await sleep(4); }
      throw new Error("timed out waiting for " + what);
    };
    const card = id => [...root().querySelectorAll("article.call-card")].find(c => c.dataset.callId === id);
    const post = (p, b) => fetch(SIM + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) }).then(r => r.json());
    await until(() => root().querySelector(".agent-name:not(.placeholder)"), "the agent");
    await until(() => !root().querySelector("[data-connection]"), "the connection");
    await sleep(500);
    const me = await fetch(SIM + "/api/v2/me", { credentials: "include" });
    const csrf = me.headers.get("X-CSRF-TOKEN");
    const answer = id => fetch(SIM + "/api/v2/me/calls/" + id, { method: "POST", credentials: "include",
      headers: { "content-type": "application/json", "X-CSRF-TOKEN": csrf }, body: JSON.stringify({ operationName: "Answer" }) });
    const cycle = async i => {
      const { id } = await post("/sim/calls/inbound", { agent: "ava", from: "555" + String(i).padStart(4, "0"), userData: { AccountNumber: "A-" + i } });
      await until(() => card(id)?.dataset.state === "Ringing", "ringing");
      await answer(id);
      await until(() => card(id)?.dataset.state === "Established", "established");
      await post("/sim/calls/" + id + "/remote-hangup", {});
      await until(() => card(id)?.classList.contains("wrap-up"), "wrap-up");
      [...card(id).querySelectorAll("button")].find(b => b.textContent.trim() === "Dismiss").click();
      await until(() => !card(id), "dismissed");
    };
    const measure = async () => {
      performance.clearResourceTimings();
      for (let i = 0; i < 8; i++) { gc(); await sleep(50); }
      const wasm = await (await import(MODULE)).default();
      return { heap: performance.memory.usedJSHeapSize, wasm: wasm.memory.buffer.byteLength };
    };
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) await cycle(i);
    const after10 = await measure();
    const trend = [];
    for (let i = 10; i < N; i++) {
      await cycle(i);
      if ((i + 1) % 250 === 0 && i + 1 < N) trend.push([i + 1, await measure()]);
    }
    const afterN = await measure();
    const cards = root().querySelectorAll("article.call-card").length;
    await report({ after10, afterN, trend, cards, seconds: (Date.now() - t0) / 1000 });
  } catch (e) {
    await report({ error: String(e && e.stack || e) });
  }
})();`;

async function memory(sim, module) {
    const http = await import("node:http");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    let resolveReport;
    const reported = new Promise(r => { resolveReport = r; });
    const server = http.createServer((req, res) => {
        const p = (req.url ?? "/").split("?")[0];
        if (p === "/mem.html") {
            res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
            res.end(`<!doctype html><html><head><meta charset="utf-8"><title>bare CRM page</title>
                <script src="${sim.url}/crm-call-widget.js" defer></script><script src="/driver.js" defer></script></head>
                <body><crm-call-widget gws-url="${sim.url}" username="ava" password="demo" user-data-keys='["AccountNumber"]'></crm-call-widget></body></html>`);
        } else if (p === "/driver.js") {
            res.writeHead(200, { "content-type": "text/javascript" });
            res.end(MEM_DRIVER);
        } else if (p === "/report" && req.method === "POST") {
            let body = "";
            req.on("data", c => { body += c; });
            req.on("end", () => { res.writeHead(204); res.end(); resolveReport(JSON.parse(body)); });
        } else {
            res.writeHead(404); res.end();
        }
    });
    await new Promise(r => server.listen(0, "127.0.0.1", r));
    const origin = `http://127.0.0.1:${server.address().port}`;
    const profile = mkdtempSync(path.join(os.tmpdir(), "ccw-mem-"));
    const url = `${origin}/mem.html?sim=${encodeURIComponent(sim.url)}&n=${CYCLES}&module=${encodeURIComponent(`${sim.url}/${module}`)}`;
    const chrome = spawn("/usr/bin/chromium", ["--headless=new", ...BROWSER_ARGS, `--user-data-dir=${profile}`,
        url], { stdio: ["ignore", "ignore", verbose ? "inherit" : "ignore"] });
    let timer;
    try {
        const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("the memory run took too long")), 15 * 60_000); });
        const result = await Promise.race([reported, timeout]);
        if (result.error) throw new Error(`memory run: ${result.error}`);
        log("memory", JSON.stringify(result));
        return result;
    } finally {
        clearTimeout(timer);
        const exited = new Promise(r => chrome.once("exit", r));
        chrome.kill();
        await Promise.race([exited, sleep(5000)]);
        server.close();
        try { rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }); } catch { /* a temp dir */ }
    }
}

/** Vendor requests per hour while `tabs` CRM tabs of one agent idle (one browser profile,
 *  so the tabs share the cookie session and elect one leader). */
async function idle(browser, tabs) {
    const sim = await Sim.start(["--cometd-timeout-ms", String(IDLE_TIMEOUT_MS)]);
    try {
        const context = await browser.newContext();
        await context.addInitScript(instrument);
        for (let i = 0; i < tabs; i++) await openPanel(context, sim);
        await sleep(1500);
        const vendorRequests = async () => {
            const s = await sim.state();
            return Object.entries(s.requests).filter(([p]) => p.startsWith("/api/") || p.startsWith("/ca_apis/"))
                .reduce((n, [, c]) => n + c, 0);
        };
        // Start and end the window on a request's arrival, so it spans whole periods.
        const edge = async () => {
            const c0 = await vendorRequests();
            for (;;) {
                const c = await vendorRequests();
                if (c !== c0) return { t: Date.now(), c };
                await sleep(10);
            }
        };
        const a = await edge();
        await sleep(IDLE_S * 1000);
        const b = await edge();
        await context.close();
        const n = b.c - a.c;
        const perHour = n * 3_600_000 / (b.t - a.t);
        const s = await sim.state();
        log(`idle requests (${tabs} tab${tabs > 1 ? "s" : ""})`, n, "in", b.t - a.t, "ms;", JSON.stringify(s.requests));
        return { n, ms: b.t - a.t, perHour };
    } finally {
        sim.stop();
    }
}

// ---------------------------------------------------------------------------------------

const started = Date.now();
const size = sizes("genesys");
const ozSize = sizes("ozonetel");
const gozSize = sizes("genesys-ozonetel");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: BROWSER_ARGS });
const results = {};
try {
    const sim2 = await Sim.start(["--allow-loopback-origins"]);
    try { results.mem = await memory(sim2, size.module); } finally { sim2.stop(); }
    const sim = await Sim.start();
    try {
        await sim.post("/sim/config", { answerDelayMs: 300 });
        results.load = await loads(browser, sim);
        results.slow = await throttledLoads(browser, sim);
        results.ozSlow = await throttledLoads(browser, sim, "/ozonetel.html");
        results.compile = await compileTimes(browser, sim, size);
        results.notes = await notifications(browser, sim);
    } finally { sim.stop(); }
    results.idle = await idle(browser, 1);
    results.idle3 = await idle(browser, 3);
} finally {
    await browser.close();
}

const KB = n => `${(n / 1024).toFixed(1)} KB`;
const MB = n => `${(n / 1048576).toFixed(2)} MB`;
const ms = n => `${n.toFixed(1)} ms`;
const totalMem = m => m.heap + m.wasm;
const growth = totalMem(results.mem.afterN) - totalMem(results.mem.after10);
const idleTarget = 3600 / (IDLE_TIMEOUT_MS / 1000) + 2;
const rows = [
    ["snippet, gzip -9 (loader + JS + wasm; CSS inside the wasm)", KB(size.gz), "≤ 200 KB", size.gz <= 200 * 1024],
    ["snippet, brotli 11", KB(size.br), "≤ 160 KB", size.br <= 160 * 1024],
    ["Genesys with dispositions at Ozonetel, snippet gzip -9 / brotli 11 (its own build)", `${KB(gozSize.gz)} / ${KB(gozSize.br)}`, "≤ 200 / 160 KB", gozSize.gz <= 200 * 1024 && gozSize.br <= 160 * 1024],
    ["Ozonetel-only snippet, gzip -9 (its own build)", KB(ozSize.gz), "≤ 200 KB", ozSize.gz <= 200 * 1024],
    ["Ozonetel-only snippet, brotli 11", KB(ozSize.br), "≤ 160 KB", ozSize.br <= 160 * 1024],
    [`load → agent name, median of ${LOADS} (fresh profile)`, ms(results.load.cold), "≤ 300 ms", results.load.cold <= 300],
    [`load → agent name, median of ${LOADS} (cached reload)`, ms(results.load.warm), "≤ 300 ms", results.load.warm <= 300],
    [`load → agent name on slow 4G (1.6 Mbps, 150 ms RTT), compressed, median of ${THROTTLED_LOADS}`, ms(results.slow.median), "≤ 1500 ms", results.slow.median <= 1500],
    [`Ozonetel-only page: load → agent name on slow 4G, median of ${THROTTLED_LOADS}`, ms(results.ozSlow.median), "≤ 1500 ms", results.ozSlow.median <= 1500],
    [`wasm compile, median of ${COMPILES}`, ms(results.compile.compile), "—", null],
    [`wasm instantiate, median of ${COMPILES}`, ms(results.compile.instantiate), "—", null],
    [`notification → DOM, p50 (${results.notes.n} Hold/Resume)`, ms(results.notes.p50), "—", null],
    [`notification → DOM, p99 (${results.notes.n} Hold/Resume)`, ms(results.notes.p99), "≤ 16 ms", results.notes.p99 <= 16],
    [`200 notifications in one answer → DOM, median of ${BURSTS}`, ms(results.notes.burst), "≤ 50 ms", results.notes.burst <= 50],
    [`memory (JS heap + wasm) after ${CYCLES} call cycles − after 10`, `${growth >= 0 ? "+" : ""}${MB(growth)}`, "≤ 2 MB", growth <= 2 * 1048576],
    [`idle requests per agent-hour (CometD timeout ${IDLE_TIMEOUT_MS / 1000} s)`, results.idle.perHour.toFixed(0), `≤ ${idleTarget.toFixed(0)}`, results.idle.perHour <= idleTarget],
    [`idle requests per agent-hour, 3 CRM tabs open`, results.idle3.perHour.toFixed(0), `≤ ${idleTarget.toFixed(0)}`, results.idle3.perHour <= idleTarget],
];
const w0 = Math.max(...rows.map(r => r[0].length));
const line = (a, b, c, d) => `${a.padEnd(w0)}  ${b.padStart(10)}  ${c.padStart(9)}  ${d}`;
console.log(`\ncrm-call-widget benchmarks — Chromium ${browser.version()}, headless, loopback; ${new Date().toISOString()}\n`);
console.log(line("figure", "value", "target", "verdict"));
console.log("-".repeat(w0 + 36));
for (const [a, b, c, d] of rows) console.log(line(a, b, c, d === null ? "" : d ? "MET" : "MISSED"));
console.log("\ndetails:");
for (const p of [...size.parts, ...ozSize.parts.slice(1)]) console.log(`  ${p.f.padEnd(42)} ${KB(p.raw).padStart(10)} raw  ${KB(p.gz).padStart(9)} gzip  ${KB(p.br).padStart(9)} brotli`);
console.log(`  total brotli ${KB(size.br)} (Genesys), ${KB(ozSize.br)} (Ozonetel-only)`);
console.log(`  slow 4G loads (ms): ${results.slow.all.map(Math.round).join(" ")}; bytes on the wire per load ${KB(results.slow.bytes)}`);
console.log(`  slow 4G loads of the Ozonetel-only page (ms): ${results.ozSlow.all.map(Math.round).join(" ")}; bytes on the wire per load ${KB(results.ozSlow.bytes)}`);
console.log(`  load (ms) fresh: ${results.load.coldAll.map(Math.round).join(" ")}; cached: ${results.load.warmAll.map(Math.round).join(" ")}`);
console.log(`  notification → DOM max ${ms(results.notes.max)}; burst max ${ms(results.notes.burstMax)}; connect answers per burst: ${results.notes.perAnswer.join(" ")}`);
const m10 = results.mem.after10, mN = results.mem.afterN;
console.log(`  after 10 cycles: JS heap ${MB(m10.heap)}, wasm ${MB(m10.wasm)}; after ${CYCLES}: JS heap ${MB(mN.heap)}, wasm ${MB(mN.wasm)}; cards left ${results.mem.cards}`);
if (results.mem.trend.length) console.log(`  on the way (JS heap + wasm): ${results.mem.trend.map(([n, m]) => `${n}: ${MB(m.heap + m.wasm)}`).join("; ")}; ${results.mem.seconds.toFixed(0)} s`);
console.log(`  idle: ${results.idle.n} vendor requests in ${(results.idle.ms / 1000).toFixed(1)} s (1 tab); ${results.idle3.n} in ${(results.idle3.ms / 1000).toFixed(1)} s (3 tabs)`);
const missed = rows.filter(r => r[3] === false).length;
console.log(`\n${rows.filter(r => r[3] === true).length} of ${rows.filter(r => r[3] !== null).length} targets met; ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (flag("--strict") && missed) process.exit(1);
