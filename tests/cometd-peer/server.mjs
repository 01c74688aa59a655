// The official CometD server (npm `cometd-nodejs-server`) behind a small CORS wrapper, with
// a control API, so browser tests and the benchmark can run clients against it.
//
//   node tests/cometd-peer/server.mjs [--port 0] [--host 127.0.0.1] [--page-port N]
//                                     [--timeout 2000] [--max-interval 5000] [--log]
//
// Prints `cometd-peer listening on http://ADDR` when ready (and, with --page-port,
// `cometd-peer page on http://ADDR`). On the API port:
//
//   POST /cometd, /cometd/*        the Bayeux endpoint (the official server's own handler)
//   OPTIONS *                      CORS preflight: 204, the request's origin and headers echoed
//   POST /control/publish          {"channel","count","from"?,"size"?} publishes `count`
//                                  messages {"seq":from..from+count-1,"pad":"x"×size} on
//                                  `channel` → {"published":N}
//   POST /control/expire-sessions  every session expires now, as the server's own sweeper
//                                  expires an idle one: a held connect gets HTTP 500, the next
//                                  request 402::session_unknown + reconnect:handshake
//   POST /control/down             {"ms":15000,"restart"?:true} answers, then the server goes
//                                  down: the listening socket is closed and every open
//                                  connection reset, so new connections are refused; after
//                                  `ms` it listens again on the same port. With restart (the
//                                  default) it comes back as a fresh process would: no sessions
//   GET  /control/state            {"sessions","handshakes","connects","subscribers":{ch:n}}
//   GET  /lib/*.js                 node_modules/cometd/*.js (the official browser client)
//   GET  /bench/*                  bench/cometd/* (the benchmark page)
//
// Every answer carries `Access-Control-Allow-Origin: <the request's Origin>` and
// `Access-Control-Allow-Credentials: true`. The session cookie (BAYEUX_BROWSER) is issued
// with `SameSite=Lax`: the test page and this server are on the same host with different
// ports, which is same-site, so the browser sends it with `credentials: "include"`
// (`SameSite=None` would need `Secure`, impossible on plain http).

import http from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createCometDServer } = require("cometd-nodejs-server");

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const libDir = path.join(root, "node_modules", "cometd");
const benchDir = path.join(root, "bench", "cometd");

function arg(name, fallback) {
    const i = process.argv.indexOf(name);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const host = arg("--host", "127.0.0.1");
const wantPort = Number(arg("--port", "0"));
const pagePort = arg("--page-port", null);
const timeout = Number(arg("--timeout", "2000"));
const maxInterval = Number(arg("--max-interval", "5000"));
const verbose = process.argv.includes("--log");

// ---- the CometD server (replaced by a fresh one on a simulated restart) ----

let cometd;
const stats = { handshakes: 0, connects: 0 };
const sessions = new Set();

function newCometD() {
    const server = createCometDServer({
        timeout,
        maxInterval,
        browserCookieSameSite: "Lax",
        logLevel: verbose ? "debug" : "info",
    });
    server.addListener("sessionAdded", session => {
        stats.handshakes += 1;
        sessions.add(session);
    });
    server.addListener("sessionRemoved", session => sessions.delete(session));
    server.getServerChannel("/meta/connect").addListener("message", (session, channel, message, callback) => {
        stats.connects += 1;
        callback();
    });
    return server;
}

function restartCometD() {
    if (cometd) {
        for (const session of sessions) {
            if (session._scheduler) session._scheduler.cancel();
        }
        sessions.clear();
        cometd.close();
    }
    cometd = newCometD();
}
restartCometD();

/** What the server's sweeper does to a session past its maxInterval. */
function expireAll() {
    let n = 0;
    for (const session of [...sessions]) {
        if (session._scheduler) session._scheduler.cancel();
        cometd._removeServerSession(session, true);
        n += 1;
    }
    sessions.clear();
    return n;
}

function publish(channel, from, count, size) {
    const serverChannel = cometd.createServerChannel(channel);
    const pad = "x".repeat(Math.max(0, size | 0));
    for (let seq = from; seq < from + count; seq += 1) {
        serverChannel.publish(null, size ? { seq, pad } : { seq });
    }
}

function subscribers() {
    const out = {};
    for (const session of sessions) {
        for (const channel of session.subscriptions || []) {
            out[channel.name] = (out[channel.name] || 0) + 1;
        }
    }
    return out;
}

// ---- HTTP plumbing ----

function cors(req, res) {
    const origin = req.headers.origin;
    if (origin) {
        res.setHeader("Access-Control-Allow-Origin", origin);
        res.setHeader("Access-Control-Allow-Credentials", "true");
        res.setHeader("Vary", "Origin");
    }
    // Lets the benchmark page read the full Resource Timing of cross-origin requests.
    res.setHeader("Timing-Allow-Origin", "*");
}

function preflight(req, res) {
    cors(req, res);
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.setHeader(
        "Access-Control-Allow-Headers",
        req.headers["access-control-request-headers"] || "Content-Type, Authorization",
    );
    res.setHeader("Access-Control-Max-Age", "600");
    res.statusCode = 204;
    res.end();
}

function json(res, status, value) {
    res.statusCode = status;
    res.setHeader("Content-Type", "application/json;charset=UTF-8");
    res.setHeader("Cache-Control", "no-store");
    res.end(JSON.stringify(value));
}

function body(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        req.on("data", c => chunks.push(c));
        req.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            try {
                resolve(text ? JSON.parse(text) : {});
            } catch (e) {
                reject(e);
            }
        });
        req.on("error", reject);
    });
}

const TYPES = {
    ".js": "text/javascript;charset=UTF-8",
    ".mjs": "text/javascript;charset=UTF-8",
    ".html": "text/html;charset=UTF-8",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".css": "text/css",
};

async function serveFile(res, dir, rel) {
    const file = path.resolve(dir, "." + path.posix.normalize("/" + rel));
    if (!file.startsWith(dir + path.sep)) return json(res, 404, { error: "not found" });
    try {
        const data = await readFile(file);
        res.statusCode = 200;
        res.setHeader("Content-Type", TYPES[path.extname(file)] || "application/octet-stream");
        res.setHeader("Cache-Control", "no-store");
        // The wasm-bindgen-test page is cross-origin isolated (COEP require-corp).
        res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
        res.end(data);
    } catch {
        json(res, 404, { error: "not found" });
    }
}

async function staticRoutes(req, res, url) {
    if (req.method === "GET" && url.pathname.startsWith("/lib/")) {
        await serveFile(res, libDir, url.pathname.slice("/lib/".length));
        return true;
    }
    if (req.method === "GET" && (url.pathname === "/bench" || url.pathname === "/bench/")) {
        await serveFile(res, benchDir, "index.html");
        return true;
    }
    if (req.method === "GET" && url.pathname.startsWith("/bench/")) {
        await serveFile(res, benchDir, url.pathname.slice("/bench/".length));
        return true;
    }
    return false;
}

async function control(req, res, url) {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
        case "POST /control/publish": {
            const b = await body(req);
            if (typeof b.channel !== "string" || !b.channel.startsWith("/")) {
                return json(res, 400, { error: "channel required" });
            }
            const count = Number.isInteger(b.count) && b.count >= 0 ? b.count : 1;
            const from = Number.isInteger(b.from) ? b.from : 0;
            publish(b.channel, from, count, b.size || 0);
            return json(res, 200, { published: count });
        }
        case "POST /control/expire-sessions":
            return json(res, 200, { expired: expireAll() });
        case "POST /control/down": {
            const b = await body(req);
            const ms = Number.isInteger(b.ms) && b.ms > 0 ? b.ms : 15000;
            res.on("finish", () => setImmediate(() => goDown(ms, b.restart !== false)));
            return json(res, 200, { down: ms });
        }
        case "GET /control/state":
            return json(res, 200, {
                sessions: sessions.size,
                handshakes: stats.handshakes,
                connects: stats.connects,
                subscribers: subscribers(),
                down: isDown,
            });
        default:
            return json(res, 404, { error: "not found" });
    }
}

async function handle(req, res) {
    const url = new URL(req.url, "http://peer");
    if (req.method === "OPTIONS") return preflight(req, res);
    cors(req, res);
    try {
        if (url.pathname === "/cometd" || url.pathname.startsWith("/cometd/")) {
            return cometd.handle(req, res);
        }
        if (url.pathname.startsWith("/control/")) return await control(req, res, url);
        if (await staticRoutes(req, res, url)) return;
        json(res, 404, { error: "not found" });
    } catch (e) {
        if (!res.headersSent) json(res, 400, { error: String(e && e.message ? e.message : e) });
    }
}

// ---- the listener, which can go down and come back ----

const server = http.createServer(handle);
// Longer than any held connect, so Node never cuts a long poll itself.
server.requestTimeout = 0;
server.keepAliveTimeout = 5000;
const open = new Set();
server.on("connection", socket => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
});
let port = wantPort;
let isDown = false;

function listen() {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            port = server.address().port;
            resolve();
        });
    });
}

function goDown(ms, restart) {
    isDown = true;
    server.close();
    // Held long polls and idle keep-alive connections die with a reset, as when the
    // process is killed; nothing listens until the server is back.
    for (const socket of open) socket.resetAndDestroy ? socket.resetAndDestroy() : socket.destroy();
    open.clear();
    if (restart) restartCometD();
    setTimeout(async () => {
        for (let attempt = 0; ; attempt += 1) {
            try {
                await listen();
                break;
            } catch (e) {
                if (attempt > 50) {
                    console.error(`cometd-peer: cannot listen again on ${port}: ${e.message}`);
                    process.exit(1);
                }
                await new Promise(r => setTimeout(r, 100));
            }
        }
        isDown = false;
        if (verbose) console.log("cometd-peer is back");
    }, ms);
}

await listen();
console.log(`cometd-peer listening on http://${host}:${port}`);

if (pagePort !== null) {
    // The benchmark page on its own origin (same site), so the clients work cross-origin
    // as an embedded widget does.
    const pages = http.createServer(async (req, res) => {
        const url = new URL(req.url, "http://page");
        if (!(await staticRoutes(req, res, url))) json(res, 404, { error: "not found" });
    });
    await new Promise(resolve => pages.listen(Number(pagePort), host, resolve));
    console.log(`cometd-peer page on http://${host}:${pages.address().port}`);
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
