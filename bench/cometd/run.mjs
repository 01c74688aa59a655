// Drives bench/cometd/index.html in Debian's headless Chromium (Playwright) and prints the
// figures. Started by scripts/bench-cometd.sh, which builds the wasm side and starts the
// official server (tests/cometd-peer/server.mjs --page-port 0).
//
//   node bench/cometd/run.mjs --api http://127.0.0.1:P --page http://127.0.0.1:Q
//        [--count 2000] [--sizes 0,1000] [--runs 21] [--warmup 2] [--verbose]

import { chromium } from "@playwright/test";

function arg(name, fallback) {
    const i = process.argv.indexOf(name);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const api = arg("--api");
const pageBase = arg("--page");
const count = Number(arg("--count", "2000"));
const sizes = arg("--sizes", "0,1000").split(",").map(Number);
const runs = Number(arg("--runs", "21"));
const warmup = Number(arg("--warmup", "2"));
const verbose = process.argv.includes("--verbose");
if (!api || !pageBase) {
    console.error("usage: run.mjs --api URL --page URL [--count N] [--sizes a,b] [--runs N] [--warmup N]");
    process.exit(2);
}

const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run",
    ],
});
let below = false;
try {
    const page = await browser.newPage();
    page.on("console", m => {
        if (verbose || m.type() === "error") console.error(`[page ${m.type()}] ${m.text()}`);
    });
    page.on("pageerror", e => console.error(`[page error] ${e.message}`));
    await page.goto(`${pageBase}/bench/?api=${encodeURIComponent(api)}`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });

    const version = browser.version();
    const fmt = n => Math.round(n).toLocaleString("en-US");
    const rows = [];
    const row = (what, size, r) => {
        rows.push([what, size ? `~${size} B` : "tiny", String(r.runs), fmt(r.median.ours),
            fmt(r.median.official), r.ratio.toFixed(2), r.paired.toFixed(2)]);
        if (verbose) {
            console.log(`${what} ${size}: ours     ${r.rates.ours.map(x => Math.round(x)).join(" ")}`);
            console.log(`${what} ${size}: official ${r.rates.official.map(x => Math.round(x)).join(" ")}`);
        }
        return r;
    };
    const splits = [];
    for (const size of sizes) {
        const r = row("end to end", size,
            await page.evaluate(p => window.runBench(p), { count, size, runs, warmup }));
        if (!(r.ratio >= 1.0)) below = true;
        for (const name of ["ours", "official"]) {
            const s = r.split[name];
            splits.push([size ? `~${size} B` : "tiny", name, ...[s.server, s.transfer, s.client].map(x => x.toFixed(1))]);
        }
    }
    for (const size of sizes) {
        row("client only", size,
            await page.evaluate(p => window.runProcessing(p), { count, size, runs: runs * 3 }));
    }

    console.log(`Chromium ${version} headless; server cometd-nodejs-server 1.2.1 ` +
        `(timeout 30 s); official client cometd 9.0.0 (long-polling); ours: release + wasm-opt -Oz`);
    console.log(`burst = ${count} messages published at once; medians over the runs ` +
        `(after ${warmup} warm-up), the two clients alternating`);
    const head = ["", "payload", "runs", "ours msg/s", "official msg/s", "ratio", "paired"];
    const width = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
    const line = cells => cells.map((c, i) => (i < 2 ? c.padEnd(width[i]) : c.padStart(width[i]))).join("   ");
    console.log("\n" + line(head));
    for (const r of rows) console.log(line(r));
    const sh = ["payload", "client", "server ms", "transfer ms", "client ms"];
    const sw = sh.map((h, i) => Math.max(h.length, ...splits.map(r => r[i].length)));
    const sline = cells => cells.map((c, i) => (i < 2 ? c.padEnd(sw[i]) : c.padStart(sw[i]))).join("   ");
    console.log("\nwhere an end-to-end burst's time goes (medians; Resource Timing of the connect " +
        "that carried the last message):");
    console.log(sline(sh));
    for (const r of splits) console.log(sline(r));
    console.log(`
server:   page asks to publish → first byte of that connect's answer (publish request,
          the server publishing and serialising the burst, the connect's wait)
transfer: first → last byte of that answer (loopback, browser network stack)
client:   last byte → the last message handed to the application (reading the body
          into the client, parsing, dispatching)

end to end:  page asks the server to publish → the client hands the last message to the
             application (server, loopback network, browser and client all included)
client only: one connect reply of ${count} messages handed to the client, no network:
             ours gets bytes and runs its state machine; the official client gets a
             string, JSON.parse()s it and receive()s each message, as its transport does
ratio = median ours / median official; paired = median of per-run ours/official (runs
measured back to back, which cancels drifts in machine load)`);
    // Figures, not a test: the exit status reports errors only, never a slow run.
    console.log(below ? "\nend to end below target (ratio < 1.0) on some row"
        : "\ntarget met: end-to-end ratio >= 1.0 on every row");
} finally {
    await browser.close();
}
