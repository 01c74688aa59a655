// Durability soak (issue 8): N inbound calls, each answered and disposed in the panel as an
// agent would (Genesys dispositions; during the call or on the wrap-up card), while faults
// and page reloads are injected at random — seeded, so a run repeats. At the end the
// simulator must hold exactly one disposition per call, with the code the agent chose.
// Started by ./soak (which builds first).
//
//   node bench/soak.mjs [--seed 42] [--calls 500] [--dist dist] [--sim target/debug/ccsim]
//                       [--fault-rate 0.12] [--reload-rate 0.08] [--verbose]
//
// Faults come from POST /sim/faults: windows (HTTP 5xx at 30 %, 400 ms latency, a network
// cut, a blackhole) that end by themselves after 1.5–6 s, and one-shots (server restart,
// CometD or GWS session expiry, CSRF rotation, dropped connects, malformed answers).
// Reloads land at random points: on a live call, right after Save, or on a wrap-up card.

import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const arg = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback; };
const SEED = Number(arg("--seed", "42"));
const CALLS = Number(arg("--calls", "500"));
const DIST = path.resolve(arg("--dist", process.env.CCW_DIST ?? path.join(ROOT, "dist")));
const SIM_BIN = arg("--sim", process.env.CCSIM_BIN ?? path.join(ROOT, "target", "debug", "ccsim"));
const FAULT_RATE = Number(arg("--fault-rate", "0.12"));
const RELOAD_RATE = Number(arg("--reload-rate", "0.08"));
const verbose = argv.includes("--verbose");
const CODES = ["Resolved", "Sale", "Not Interested", "Wrong Number", "No Answer"];

const sleep = ms => new Promise(r => setTimeout(r, ms));
const log = (...a) => { if (verbose) console.log(`[soak ${new Date().toISOString().slice(11, 23)}]`, ...a); };

/** mulberry32: a small seeded PRNG, so a seed gives the same run. */
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
const random = rng(SEED);
const chance = p => random() < p;
const pick = xs => xs[Math.floor(random() * xs.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

// ---------------------------------------------------------------------------------------

async function startSim() {
    const child = spawn(SIM_BIN, ["--listen", "127.0.0.1:0", "--static", DIST, "--cometd-timeout-ms", "10000"],
        { stdio: ["ignore", "pipe", "inherit"] });
    const url = await new Promise((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", c => { buf += c; const m = /ccsim listening on (\S+)/.exec(buf); if (m) resolve(m[1]); });
        child.on("exit", code => reject(new Error(`ccsim exited (${code})`)));
    });
    return { url, child };
}

const sim = await startSim();
let browserRef = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
        sim.child.kill();
        await browserRef?.close().catch(() => {});
        process.exit(130);
    });
}
const control = async (p, body, method = "POST") => {
    const r = await fetch(`${sim.url}${p}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${p} → ${r.status} ${text}`);
    return text ? JSON.parse(text) : {};
};
const state = () => fetch(`${sim.url}/sim/state`).then(r => r.json());

// ---------------------------------------------------------------------------------------
// Faults.

const stats = { faults: {}, reloads: {}, answerRetries: 0, saveRetries: 0, lostWrapUps: [], stuck: [], odd: [] };
let windowEnds = 0;

async function injectFault() {
    const now = Date.now();
    const windows = now >= windowEnds;
    const kinds = ["restart", "expireCometdSessions", "expireGwsSessions", "rotateCsrf", "dropHeldConnects", "malformedNext",
        ...(windows ? ["http5xx", "latency", "cut", "blackhole"] : [])];
    const kind = pick(kinds);
    stats.faults[kind] = (stats.faults[kind] ?? 0) + 1;
    const ms = between(1500, 6000);
    switch (kind) {
        case "http5xx": await control("/sim/faults", { http5xxRate: 0.3, seed: between(1, 1e6) }); break;
        case "latency": await control("/sim/faults", { latencyMs: 400 }); break;
        case "cut": await control("/sim/faults", { cutMs: ms }); break;
        case "blackhole": await control("/sim/faults", { blackholeMs: ms }); break;
        case "malformedNext": await control("/sim/faults", { malformedNext: between(1, 3) }); break;
        default: await control("/sim/faults", { [kind]: true });
    }
    if (["http5xx", "latency"].includes(kind)) {
        windowEnds = now + ms;
        setTimeout(() => { control("/sim/faults", undefined, "DELETE").catch(() => {}); }, ms);
    } else if (["cut", "blackhole"].includes(kind)) {
        windowEnds = now + ms;
    }
    log(`fault ${kind}${windowEnds > now ? ` for ${ms} ms` : ""}`);
}

// ---------------------------------------------------------------------------------------
// The agent's side: the demo page.

const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"],
});
browserRef = browser;
const context = await browser.newContext();
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", e => pageErrors.push(String(e)));
const w = page.locator("crm-call-widget");
const card = id => w.locator(`article.call-card[data-call-id="${id}"]`);

async function ready() {
    await w.locator(".agent-name:not(.placeholder)").waitFor({ timeout: 60_000 });
}

async function reload(where) {
    stats.reloads[where] = (stats.reloads[where] ?? 0) + 1;
    log(`reload (${where})`);
    await page.reload();
    await ready();
}

/** Repeats `act` until `done()` holds; gives up after `ms`. */
async function until(done, act, ms, onRetry = () => {}) {
    const end = Date.now() + ms;
    let first = true;
    while (Date.now() < end) {
        if (await done()) return true;
        if (!first) onRetry();
        first = false;
        await act().catch(() => {});
        const step = Date.now() + 4000;
        while (Date.now() < step && Date.now() < end) {
            if (await done()) return true;
            await sleep(100);
        }
    }
    return done();
}

const simCall = async id => (await state()).calls.find(c => c.id === id);
const dispositionsOf = (s, id) => s.dispositions.filter(d => d.vendor === "genesys" && d.callId === id);

/** Chooses `code` in the card's picker and presses Save. */
async function chooseAndSave(c, code) {
    if (await c.locator(".dispo-open").count()) await c.locator(".dispo-open").click({ timeout: 5_000 });
    const option = c.locator(`.dispo-codes [role=option][data-code="${code}"]`);
    await option.click({ timeout: 5_000 });
    await c.locator(".dispo-save").click({ timeout: 5_000 });
}

/** The panel shows an outbox entry for this call (saving, queued, saved or retrying): the
 *  pick is durable from here on, whatever happens to the page. */
async function entryFor(id, c) {
    const inCard = await c.locator(".dispo-status").getAttribute("data-status", { timeout: 300 }).catch(() => null);
    const inRecent = await w.locator(`.dispo-recent li[data-key="genesys:${id}"] .dispo-status`).getAttribute("data-status", { timeout: 300 }).catch(() => null);
    const status = inCard ?? inRecent;
    if (status && !["saving", "queued", "saved", "retrying"].includes(status)) stats.odd.push(`${id}: ${status}`);
    return status !== null;
}

const chosen = new Map();
const started = Date.now();

async function oneCall(i) {
    if (chance(FAULT_RATE)) await injectFault();
    const id = (await control("/sim/calls/inbound", { agent: "ava", from: `555${String(i).padStart(4, "0")}`, userData: { AccountNumber: `S-${i}` } })).id;
    const c = card(id);

    // Answer in the panel (the click may fail under a fault: the agent clicks again).
    const answered = await until(async () => (await simCall(id))?.state === "Established",
        () => c.getByRole("button", { name: "Answer", exact: true }).click({ timeout: 8_000 }),
        90_000, () => stats.answerRetries++);
    if (!answered) { stats.stuck.push(`${id}: never answered`); await control(`/sim/calls/${id}/remote-hangup`).catch(() => {}); return; }
    log(`call ${i} answered`);

    if (chance(RELOAD_RATE)) await reload("live call");
    if (chance(FAULT_RATE)) await injectFault();

    const code = pick(CODES);
    chosen.set(id, code);
    const during = chance(0.5);
    if (!during) {
        await control(`/sim/calls/${id}/remote-hangup`);
        if (chance(RELOAD_RATE)) await reload("wrap-up card");
        const shown = await until(async () => (await c.count()) > 0 && /wrap-up/.test((await c.getAttribute("class")) ?? ""),
            async () => {}, 20_000);
        if (!shown) { stats.lostWrapUps.push(id); log(`no wrap-up card for ${id}`); return; }
    } else {
        await until(async () => (await c.getAttribute("data-state").catch(() => null)) === "Established", async () => {}, 60_000);
    }
    let reloadAfterSave = chance(RELOAD_RATE);
    const t0 = Date.now();
    const saved = await until(() => entryFor(id, c), async () => {
        await chooseAndSave(c, code);
        if (reloadAfterSave) { reloadAfterSave = false; await reload("right after Save"); }
    }, 120_000, () => stats.saveRetries++);
    if (!saved) stats.stuck.push(`${id}: no outbox entry shown after Save`);
    log(`call ${i} ${id.slice(0, 6)}… ${code} ${during ? "during the call" : "in wrap-up"}: entry after ${Date.now() - t0} ms`);
    if (during) await control(`/sim/calls/${id}/remote-hangup`).catch(() => {});
}

let exitCode = 0;
try {
    await control("/sim/config", { answerDelayMs: 300 });
    await page.goto(`${sim.url}/`);
    await ready();
    for (let i = 0; i < CALLS; i++) {
        await oneCall(i);
        if ((i + 1) % 25 === 0) console.log(`  ${i + 1}/${CALLS} calls, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    // The faults end; every queued disposition must land, once.
    await control("/sim/faults", undefined, "DELETE");
    const deadline = Date.now() + 120_000;
    let s;
    for (;;) {
        s = await state();
        const done = [...chosen.keys()].every(id => dispositionsOf(s, id).length >= 1 || stats.lostWrapUps.includes(id));
        if (done || Date.now() > deadline) break;
        await sleep(500);
    }
    const ids = [...chosen.keys()];
    const missing = ids.filter(id => dispositionsOf(s, id).length === 0);
    const doubled = ids.filter(id => dispositionsOf(s, id).length > 1);
    const wrong = ids.filter(id => dispositionsOf(s, id).length === 1 && dispositionsOf(s, id)[0].disposition !== chosen.get(id));
    const strangers = s.dispositions.filter(d => d.vendor === "genesys" && !chosen.has(d.callId));
    const calls = s.calls.filter(c => c.agent === "ava").length;
    console.log(`\nsoak — seed ${SEED}, ${CALLS} calls, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`  faults injected: ${Object.entries(stats.faults).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`);
    console.log(`  reloads: ${Object.entries(stats.reloads).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`);
    console.log(`  answer clicks repeated: ${stats.answerRetries}; saves repeated: ${stats.saveRetries}`);
    console.log(`  calls at the simulator: ${calls}; dispositions: ${s.dispositions.filter(d => d.vendor === "genesys").length}`);
    console.log(`  exactly one disposition: ${ids.length - missing.length - doubled.length} of ${ids.length}`);
    const problems = [
        [missing, "without a disposition"], [doubled, "with more than one disposition"],
        [wrong, "with another code than chosen"], [strangers.map(d => d.callId), "dispositions for unknown calls"],
        [stats.lostWrapUps, "wrap-up cards that never showed (after a reload)"], [stats.stuck, "stuck"],
        [stats.odd, "entries in an unexpected state"],
    ];
    for (const [list, what] of problems) {
        if (list.length) { console.log(`  ${list.length} ${what}: ${list.slice(0, 8).join(", ")}${list.length > 8 ? " …" : ""}`); exitCode = 1; }
    }
    if (pageErrors.length) { console.log(`  page errors: ${pageErrors.slice(0, 5).join(" | ")}`); exitCode = 1; }
    if (doubled.length) console.log(`  e.g. ${JSON.stringify(dispositionsOf(s, doubled[0]))}`);
    console.log(exitCode === 0 ? "  PASS: one disposition per call" : "  FAIL");
} finally {
    await browser.close();
    sim.child.kill();
}
process.exit(exitCode);
