// The benchmark page's logic: times a burst of messages through our client (wasm, from
// tests/cometd_bench.rs) and through the official JavaScript client (npm `cometd`, served
// by the peer under /lib/), one client at a time, in this same page, against the same
// official server (tests/cometd-peer). The page and the server are on different ports,
// so both clients work cross-origin, as an embedded widget does.
//
// One measurement: the client is subscribed with a long poll held; t0 = just before the
// page asks the server to publish `count` messages; t1 = when the client hands the last one
// to the application. Rate = count / (t1 - t0). Each client checks that the `seq`s arrive
// in order. Between measurements the client disconnects and the page waits until the
// server has dropped its session (two live sessions of one browser would get the
// `multiple-clients` advice and be slowed down on purpose by the server).

import init, { OursBench, OursProcessing } from "./pkg/ours.js";
import { CometD } from "/lib/cometd.js";

const api = new URL(location.href).searchParams.get("api") || "";
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function control(path, body) {
    const reply = await fetch(api + path, body === undefined ? {} : {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify(body),
    });
    if (!reply.ok) throw new Error(`${path}: HTTP ${reply.status}`);
    return reply.json();
}

async function noSessions() {
    for (let i = 0; i < 500; i += 1) {
        if ((await control("/control/state")).sessions === 0) return;
        await sleep(10);
    }
    throw new Error("the server kept a session");
}

performance.setResourceTimingBufferSize(10000);

/** Times one burst; returns its rate and where the time went, from the Resource Timing
 *  of the connect whose answer carried the last message: `server` (t0 → its first byte:
 *  the publish request, the server's publishing, the wait for the connect), `transfer`
 *  (first byte → last byte) and `client` (last byte → last message handed over). */
async function measure(client, channel, count, size) {
    await client.ready();
    // Let the first long poll settle in, as in a running widget.
    await sleep(200);
    performance.clearResourceTimings();
    const done = client.expect(count);
    const t0 = performance.now();
    await control("/control/publish", { channel, count, size });
    const t1 = await done;
    const last = performance.getEntriesByType("resource")
        .filter(e => e.name.includes("/cometd/connect") && e.responseEnd <= t1 + 0.5)
        .sort((a, b) => a.responseEnd - b.responseEnd)
        .pop();
    const split = last && last.responseStart > 0
        ? { server: last.responseStart - t0, transfer: last.responseEnd - last.responseStart, client: t1 - last.responseEnd }
        : null;
    return { rate: count / ((t1 - t0) / 1000), split };
}

const ours = {
    name: "ours",
    start(channel) {
        const bench = new OursBench(api + "/cometd");
        bench.subscribe(channel);
        return {
            ready: () => bench.ready(),
            expect: n => bench.expect(n),
            stop: async () => {
                bench.stop();
                await noSessions();
                bench.free();
            },
        };
    },
};

const official = {
    name: "official",
    start(channel) {
        const cometd = new CometD();
        cometd.unregisterTransport("websocket");
        cometd.unregisterTransport("callback-polling");
        cometd.configure({ url: api + "/cometd", logLevel: "warn" });
        let left = 0, next = 0, errors = 0, resolveDone = null, rejectDone = null;
        const onMessage = message => {
            if (left === 0) return;
            if (message.data.seq !== next) errors += 1;
            next += 1;
            left -= 1;
            if (left === 0) {
                const at = performance.now();
                if (errors === 0) resolveDone(at);
                else rejectDone(new Error(`${errors} messages out of order`));
            }
        };
        const ready = new Promise((resolve, reject) => {
            cometd.handshake(reply => {
                if (!reply.successful) return reject(new Error("handshake failed"));
                cometd.subscribe(channel, onMessage, sub => {
                    if (sub.successful) resolve();
                    else reject(new Error("subscribe failed"));
                });
            });
        });
        return {
            ready: () => ready,
            expect: n => new Promise((resolve, reject) => {
                left = n;
                next = 0;
                errors = 0;
                resolveDone = resolve;
                rejectDone = reject;
            }),
            stop: async () => {
                await new Promise(resolve => cometd.disconnect(() => resolve()));
                await noSessions();
            },
        };
    },
};

let serial = 0;
async function once(kind, count, size) {
    serial += 1;
    const channel = `/bench/${kind.name}/${serial}`;
    const client = kind.start(channel);
    try {
        return await measure(client, channel, count, size);
    } finally {
        await client.stop();
    }
}

const median = xs => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs `warmup` unrecorded rounds, then `runs` rounds (the order of the two clients
 *  alternates); returns the rates and their medians. */
async function runBench({ count = 2000, size = 0, runs = 9, warmup = 2 } = {}) {
    const rates = { ours: [], official: [] };
    const splits = { ours: [], official: [] };
    for (let round = 0; round < warmup + runs; round += 1) {
        const order = round % 2 === 0 ? [ours, official] : [official, ours];
        for (const kind of order) {
            const { rate, split } = await once(kind, count, size);
            if (round >= warmup) {
                rates[kind.name].push(rate);
                if (split) splits[kind.name].push(split);
            }
        }
    }
    const part = (name, key) => splits[name].length ? median(splits[name].map(s => s[key])) : NaN;
    const split = {};
    for (const name of ["ours", "official"]) {
        split[name] = { server: part(name, "server"), transfer: part(name, "transfer"), client: part(name, "client") };
    }
    const mo = median(rates.ours), mj = median(rates.official);
    // Each round measures both clients back to back, so a round's ratio is paired: it
    // cancels slow drifts of the machine (other load) that the medians alone keep.
    const paired = median(rates.ours.map((r, i) => r / rates.official[i]));
    return { count, size, runs, rates, split, median: { ours: mo, official: mj }, ratio: mo / mj, paired };
}

/** The client-side work alone, without the network: one connect reply carrying `count`
 *  messages, as the server would send it, handed to each client `runs` times; returns
 *  the median rates (each run times `reps` replies in a row). Ours gets the reply as bytes (as its driver reads them: an
 *  ArrayBuffer copied into wasm memory) and runs its state machine on it; the official
 *  client gets it as a string (as its XMLHttpRequest reads it), JSON.parse()s it and
 *  receive()s each message, as its transport does. */
function runProcessing({ count = 2000, size = 0, runs = 31, warmup = 5, reps = 10 } = {}) {
    const channel = "/bench/processing";
    const pad = "x".repeat(size);
    const batch = [];
    for (let seq = 0; seq < count; seq += 1) {
        batch.push({ channel, data: size ? { seq, pad } : { seq } });
    }
    batch.push({ id: "9", channel: "/meta/connect", successful: true });
    const text = JSON.stringify(batch);
    const bytes = new TextEncoder().encode(text);

    const oursClient = new OursProcessing(channel);
    const ours = () => {
        if (oursClient.process(bytes) !== count) throw new Error("ours: messages missing or out of order");
    };
    const cometd = new CometD();
    let next = 0, errors = 0;
    cometd.addListener(channel, message => {
        if (message.data.seq !== next) errors += 1;
        next += 1;
    });
    const official = () => {
        next = 0;
        const messages = JSON.parse(text);
        for (let i = 0; i < messages.length; i += 1) {
            if (messages[i].channel !== "/meta/connect") cometd.receive(messages[i]);
        }
        if (errors || next !== count) throw new Error("official: messages missing or out of order");
    };
    const rates = { ours: [], official: [] };
    for (let round = 0; round < warmup + runs; round += 1) {
        const order = round % 2 === 0 ? [["ours", ours], ["official", official]] : [["official", official], ["ours", ours]];
        for (const [name, f] of order) {
            // Several replies per timing, so the browser's coarse clock (0.1 ms steps
            // outside cross-origin isolation) is small beside what it measures.
            const t0 = performance.now();
            for (let i = 0; i < reps; i += 1) f();
            const ms = Math.max(performance.now() - t0, 0.01);
            if (round >= warmup) rates[name].push((count * reps) / (ms / 1000));
        }
    }
    oursClient.free();
    const mo = median(rates.ours), mj = median(rates.official);
    const paired = median(rates.ours.map((r, i) => r / rates.official[i]));
    return { count, size, runs, rates, median: { ours: mo, official: mj }, ratio: mo / mj, paired };
}

await init();
window.runProcessing = runProcessing;
window.runBench = runBench;
window.benchReady = true;
