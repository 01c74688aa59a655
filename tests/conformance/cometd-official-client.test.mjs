// Conformance: the official CometD JavaScript client (npm `cometd` + `cometd-nodejs-client`)
// against the simulator's Bayeux server. It handshakes, subscribes to /v2/me/calls, sees
// a dialled call's events in order, and after a forced session expiry re-handshakes,
// re-subscribes and keeps receiving.
//
// Run: node --test tests/conformance/   (CCSIM_BIN overrides target/debug/ccsim)

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { adapt } from "cometd-nodejs-client";
import { CometD } from "cometd";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const ccsimBin = process.env.CCSIM_BIN
    ? path.resolve(repoRoot, process.env.CCSIM_BIN)
    : path.join(repoRoot, "target", "debug", "ccsim");

const AVA_DEVICE = "efe1ab32-53f9-43ce-b65e-5768c61f7d4a";
const BASIC_AVA = "Basic " + Buffer.from("ava:demo").toString("base64");

/** Start ccsim on a free port; resolves with { child, base } once it prints its line. */
function startSimulator() {
    return new Promise((resolve, reject) => {
        if (!existsSync(ccsimBin)) {
            reject(new Error(`ccsim binary not found at ${ccsimBin}: build it (cargo build -p ccsim) or set CCSIM_BIN`));
            return;
        }
        const child = spawn(ccsimBin, [
            "--listen", "127.0.0.1:0",
            "--cometd-timeout-ms", "2000",
            "--cometd-max-interval-ms", "5000",
            "--answer-delay-ms", "300",
        ], { stdio: ["ignore", "pipe", "inherit"] });
        let buffered = "";
        const timer = setTimeout(() => reject(new Error("ccsim did not start within 10 s")), 10_000);
        child.on("error", reject);
        child.on("exit", code => reject(new Error(`ccsim exited early with ${code}`)));
        child.stdout.on("data", chunk => {
            buffered += chunk;
            const match = buffered.match(/ccsim listening on (http:\/\/\S+)/);
            if (match) {
                clearTimeout(timer);
                resolve({ child, base: match[1] });
            }
        });
    });
}

/** Poll `predicate` until it returns a truthy value or `ms` passes. */
async function waitFor(what, predicate, ms = 8000) {
    const deadline = Date.now() + ms;
    for (;;) {
        const value = await predicate();
        if (value) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise(r => setTimeout(r, 25));
    }
}

test("official CometD client: handshake, subscribe, ordered call events, expiry → re-handshake + resubscribe", async (t) => {
    const { child, base } = await startSimulator();
    t.after(() => child.kill("SIGTERM"));

    // A GWS HTTP session first: Basic → JSESSIONID + CSRF token, as the widget does it.
    const me = await fetch(`${base}/api/v2/me?subresources=*`, { headers: { Authorization: BASIC_AVA } });
    assert.equal(me.status, 200);
    const sessionCookie = me.headers.get("set-cookie").split(";")[0];
    assert.match(sessionCookie, /^JSESSIONID=/);
    const csrf = me.headers.get("x-csrf-token");
    assert.ok(csrf, "GET answers carry X-CSRF-TOKEN");
    const gws = (urlPath, body) => fetch(`${base}${urlPath}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: sessionCookie, "X-CSRF-TOKEN": csrf },
        body: JSON.stringify(body),
    }).then(r => r.json());

    adapt();
    const cometd = new CometD();
    // GWS 8.5 notifications are long-polling only.
    cometd.unregisterTransport("websocket");
    cometd.configure({
        url: `${base}/api/v2/notifications`,
        requestHeaders: { Cookie: sessionCookie },
        logLevel: "warn",
    });

    const events = [];
    let handshakes = 0;
    let subscribes = 0;
    const handshakeAdvice = [];
    cometd.addListener("/meta/handshake", message => {
        if (message.successful) {
            handshakes += 1;
            handshakeAdvice.push(message.advice);
            // A re-handshake clears subscriptions: subscribe again every time.
            cometd.subscribe("/v2/me/calls", m => events.push(m.data), reply => {
                if (reply.successful) {
                    subscribes += 1;
                }
            });
        }
    });
    const failures = [];
    cometd.addListener("/meta/connect", message => {
        if (!message.successful) {
            failures.push(message.error);
        }
    });
    t.after(() => new Promise(resolve => cometd.disconnect(() => resolve())));

    cometd.handshake();
    await waitFor("first subscribe", () => subscribes === 1);
    assert.equal(handshakes, 1);
    assert.equal(handshakeAdvice[0].reconnect, "retry");
    assert.equal(typeof handshakeAdvice[0].timeout, "number");

    // Dial 5551212 (answers after the scripted delay): Dialing, then Established.
    const dial = await gws(`/api/v2/me/devices/${AVA_DEVICE}/calls`, {
        operationName: "Dial",
        destination: { phoneNumber: "5551212" },
        userData: { CustomerSegment: "Gold" },
    });
    assert.deepEqual(dial, { statusCode: 0 });
    await waitFor("Established", () => events.some(e => e.call?.state === "Established"));
    const states = events.map(e => e.call.state);
    assert.deepEqual(states, ["Dialing", "Established"]);
    for (const e of events) {
        assert.equal(e.messageType, "CallStateChangeMessage");
        assert.equal(e.notificationType, "StatusChange");
        assert.equal(e.phoneNumber, "5005");
        assert.deepEqual(e.call.userData, { CustomerSegment: "Gold" });
    }
    const callId = events[0].call.id;
    assert.match(callId, /^[0-9A-Z]{32}$/);

    // The server forgets every CometD session: the held connect answers 402 with
    // reconnect=handshake, the client handshakes again and the listener re-subscribes.
    const fault = await fetch(`${base}/sim/faults`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ expireCometdSessions: true }),
    });
    assert.equal(fault.status, 200);
    await waitFor("re-handshake and re-subscribe", () => handshakes === 2 && subscribes === 2);
    assert.ok(failures.some(e => String(e).startsWith("402::")), `a connect failed with 402: ${failures}`);

    // Delivery goes on after the re-handshake: Hold, then Hangup.
    const before = events.length;
    assert.deepEqual(await gws(`/api/v2/me/calls/${callId}`, { operationName: "Hold" }), { statusCode: 0 });
    assert.deepEqual(await gws(`/api/v2/me/calls/${callId}`, { operationName: "Hangup" }), { statusCode: 0 });
    await waitFor("Released after the re-handshake", () => events.slice(before).some(e => e.call?.state === "Released"));
    assert.deepEqual(events.slice(before).map(e => e.call.state), ["Held", "Released"]);

    const state = await fetch(`${base}/sim/state`).then(r => r.json());
    assert.ok(state.cometd.handshakes >= 2);
    assert.equal(state.cometd.sessions, 1, "only the new session is alive");
});
