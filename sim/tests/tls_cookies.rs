//! HTTPS (`--tls`) and the cookie modes (`--cookie-samesite`): the listeners answer over
//! TLS with a certificate made for the given names (a client that trusts that certificate
//! alone gets through, others fail the handshake), the certificate written out loads again,
//! every mode's `Set-Cookie` for JSESSIONID and BAYEUX_BROWSER, the mode switched at run
//! time, CORS for `scheme://host:*` entries and for the certificate's names, the
//! `sessionsOpened` counter, and the command's own output and flag checks.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use ccsim::auth::CookieSameSite;
use ccsim::tls::TlsOptions;
use common::*;
use reqwest::Method;
use serde_json::json;

/// A fresh folder under the system's temp dir for this test, removed when dropped.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("ccsim-tls-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

fn set_cookies(headers: &reqwest::header::HeaderMap) -> Vec<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn https_listeners_answer_for_the_certificate_names_only_to_clients_that_trust_it() {
    let pages = temp_dir("pages");
    std::fs::write(
        pages.join("index.html"),
        "<!doctype html><title>page</title>",
    )
    .unwrap();
    let sim = start_tls_with(&["crm.test", "gws.test", "127.0.0.1"], |o| {
        o.static_dir = Some(pages.to_path_buf());
        o.page_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let running = &sim.running;
    assert!(sim.base.starts_with("https://127.0.0.1:"), "{}", sim.base);
    let page_url = running.page_url().unwrap();
    assert!(page_url.starts_with("https://127.0.0.1:"), "{page_url}");

    // By IP address (an IP SAN) and by a DNS name of the certificate.
    let ava = sim.agent("ava").await;
    let (status, _, devices) = ava.get("/api/v2/me/devices").await;
    assert_eq!(status, 200);
    let port = running.api.port();
    assert_eq!(
        devices["devices"][0]["uri"],
        format!("https://127.0.0.1:{port}/api/v2/devices/{AVA_DEVICE}"),
        "uri fields carry the https scheme"
    );
    let named = tls_client(running, &["gws.test"]);
    let res = named
        .get(format!("https://gws.test:{port}/api/v2/me"))
        .header("Authorization", basic("ava", "demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The page listener speaks HTTPS with the same certificate.
    let page_client = {
        let pem = &running.tls.as_ref().unwrap().cert_pem;
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
            .resolve("crm.test", running.page.unwrap())
            .build()
            .unwrap()
    };
    let page_port = running.page.unwrap().port();
    let res = page_client
        .get(format!("https://crm.test:{page_port}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("<title>page</title>"));

    // A name the certificate does not carry fails verification.
    let other = tls_client(running, &["other.test"]);
    let err = other
        .get(format!("https://other.test:{port}/sim/state"))
        .send()
        .await
        .expect_err("a name outside the certificate is refused");
    assert!(err.is_connect(), "{err:?}");

    // A client that does not trust the certificate fails the handshake, and the simulator
    // keeps serving.
    let stranger = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    let err = stranger
        .get(sim.url("/sim/state"))
        .send()
        .await
        .expect_err("an untrusted certificate is refused");
    assert!(err.is_connect(), "{err:?}");

    // Plain HTTP to the HTTPS port gets no HTTP answer.
    let plain = reqwest::Client::new();
    let answer = plain
        .get(format!("http://127.0.0.1:{port}/sim/state"))
        .send()
        .await;
    assert!(
        answer.is_err() || !answer.unwrap().status().is_success(),
        "plain HTTP is not served on the HTTPS port"
    );
    assert!(sim.state().await["agents"].is_array());
}

#[tokio::test]
async fn the_written_certificate_loads_again_and_is_the_one_served() {
    let out = temp_dir("cert-out");
    let first = start_tls_with(&["localhost", "127.0.0.1"], |o| {
        o.tls.as_mut().unwrap().cert_out = Some(out.to_path_buf());
    })
    .await;
    let cert = std::fs::read_to_string(out.join("cert.pem")).unwrap();
    let key = std::fs::read_to_string(out.join("key.pem")).unwrap();
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"), "{cert}");
    assert!(key.contains("PRIVATE KEY-----"));
    assert_eq!(cert, first.running.tls.as_ref().unwrap().cert_pem);

    // A second simulator with --tls-cert/--tls-key serves that certificate: a client that
    // trusts the first one's certificate only gets through.
    let second = ccsim::start(ccsim::Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        settings: test_settings(),
        tls: Some(TlsOptions {
            cert: Some(out.join("cert.pem")),
            key: Some(out.join("key.pem")),
            ..Default::default()
        }),
        ..ccsim::Options::default()
    })
    .await
    .unwrap();
    let client = tls_client(&first.running, &[]);
    let res = client
        .get(format!("{}/sim/state", second.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A key that does not fit is an error at start-up, not a silent fallback.
    let wrong = temp_dir("wrong-key");
    std::fs::write(wrong.join("cert.pem"), &cert).unwrap();
    std::fs::write(wrong.join("key.pem"), "not a key").unwrap();
    let failed = ccsim::start(ccsim::Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: Some(TlsOptions {
            cert: Some(wrong.join("cert.pem")),
            key: Some(wrong.join("key.pem")),
            ..Default::default()
        }),
        ..ccsim::Options::default()
    })
    .await;
    assert!(failed.is_err());
}

/// Logs ava in with Basic, handshakes, then ends the HTTP session: the Set-Cookie values
/// for the session cookie, the Bayeux browser cookie and the session cookie's removal.
async fn cookies_of_a_session(sim: &TestSim) -> (String, String, String) {
    let ava = Agent::new(sim, "ava");
    let (status, headers, _) = ava.get_basic("/api/v2/me").await;
    assert_eq!(status, 200);
    let session = set_cookies(&headers);
    assert_eq!(session.len(), 1, "{session:?}");
    let (status, headers, body) = ava
        .send(
            Method::POST,
            "/api/v2/notifications/handshake",
            Some(
                &json!([{"id": "1", "channel": "/meta/handshake", "version": "1.0",
                         "supportedConnectionTypes": ["long-polling"]}]),
            ),
            &[],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["successful"], true, "{body}");
    let browser = set_cookies(&headers);
    assert_eq!(browser.len(), 1, "{browser:?}");
    sim.faults(json!({"expireGwsSessions": true})).await;
    // A request with only the cookie of a session the server forgot: 401, no cookie.
    let cookie = ava.cookie_header();
    let (status, headers, _) = ava
        .send(Method::GET, "/api/v2/me", None, &[("Cookie", cookie)])
        .await;
    assert_eq!(status, 401);
    assert!(set_cookies(&headers).is_empty());
    // The removal is sent when a request's session ends while it runs: EndContactCenterSession.
    let ava = sim.agent("ava").await;
    let csrf = ava.csrf.lock().unwrap().clone().unwrap();
    let (_, headers, _) = ava
        .send(
            Method::POST,
            "/api/v2/me",
            Some(&json!({"operationName": "EndContactCenterSession"})),
            &[("X-CSRF-TOKEN", csrf)],
        )
        .await;
    let removal = set_cookies(&headers);
    assert_eq!(removal.len(), 1, "{removal:?}");
    (session[0].clone(), browser[0].clone(), removal[0].clone())
}

fn value_of(cookie: &str) -> &str {
    cookie.split(';').next().unwrap().split_once('=').unwrap().1
}

#[tokio::test]
async fn each_cookie_mode_sets_its_attributes_on_both_cookies() {
    let cases = [
        (CookieSameSite::Lax, "SameSite=Lax"),
        (CookieSameSite::None, "SameSite=None; Secure"),
        (
            CookieSameSite::Partitioned,
            "SameSite=None; Secure; Partitioned",
        ),
    ];
    for (mode, attributes) in cases {
        let sim = start_tls_with(&["127.0.0.1"], |o| o.settings.cookie_samesite = mode).await;
        let (session, browser, removal) = cookies_of_a_session(&sim).await;
        let id = value_of(&session);
        assert_eq!(
            session,
            format!("JSESSIONID={id}; Path=/; HttpOnly; {attributes}"),
            "{mode:?}"
        );
        let b = value_of(&browser);
        assert!(!b.is_empty());
        assert_eq!(
            browser,
            format!("BAYEUX_BROWSER={b}; Path=/; HttpOnly; {attributes}"),
            "{mode:?}"
        );
        assert_eq!(
            removal,
            format!("JSESSIONID=; Path=/; Max-Age=0; HttpOnly; {attributes}"),
            "{mode:?}"
        );
    }

    // The default over plain HTTP is today's Lax cookie.
    let sim = start().await;
    let (session, browser, _) = cookies_of_a_session(&sim).await;
    assert!(
        session.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{session}"
    );
    assert!(
        browser.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{browser}"
    );
}

#[tokio::test]
async fn the_cookie_mode_switches_at_run_time() {
    let sim = start_tls_with(&["127.0.0.1"], |_| {}).await;
    let (status, settings) = sim.control("/sim/config", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(settings["cookieSameSite"], "lax");

    let (status, settings) = sim
        .control("/sim/config", json!({"cookieSameSite": "partitioned"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(settings["cookieSameSite"], "partitioned");
    assert_eq!(
        sim.state().await["settings"]["cookieSameSite"],
        "partitioned"
    );
    let ava = Agent::new(&sim, "ava");
    let (_, headers, _) = ava.get_basic("/api/v2/me").await;
    let cookie = set_cookies(&headers).remove(0);
    assert!(
        cookie.ends_with("; SameSite=None; Secure; Partitioned"),
        "{cookie}"
    );

    let (_, settings) = sim
        .control("/sim/config", json!({"cookieSameSite": "NONE"}))
        .await;
    assert_eq!(settings["cookieSameSite"], "none");
    let (_, headers, _) = Agent::new(&sim, "ben").get_basic("/api/v2/me").await;
    let cookie = set_cookies(&headers).remove(0);
    assert!(
        cookie.ends_with("; HttpOnly; SameSite=None; Secure"),
        "{cookie}"
    );

    let (status, body) = sim
        .control("/sim/config", json!({"cookieSameSite": "strict"}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "cookieSameSite must be lax, none or partitioned"
    );
    assert_eq!(sim.state().await["settings"]["cookieSameSite"], "none");
}

async fn preflight(client: &reqwest::Client, url: &str, origin: &str) -> reqwest::Response {
    client
        .request(Method::OPTIONS, url)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type, x-csrf-token",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn cors_takes_any_port_of_a_listed_host_and_the_certificate_names() {
    let sim = start_tls_with(&["gws.test", "127.0.0.1"], |o| {
        o.allow_origins = vec!["https://crm.test:*".into()];
    })
    .await;
    let url = sim.url("/api/v2/me");
    let port = sim.running.api.port();

    for origin in [
        "https://crm.test:4443",
        "https://crm.test:51234",
        &format!("https://gws.test:{port}"),
    ] {
        let res = preflight(&sim.http, &url, origin).await;
        assert_eq!(res.status(), 204, "{origin}");
        let h = res.headers();
        assert_eq!(h["access-control-allow-origin"], origin);
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert_eq!(
            h["access-control-allow-headers"],
            "content-type, x-csrf-token"
        );
    }
    for origin in [
        "http://crm.test:4443",
        "https://evil.test:4443",
        "https://crm.test.evil.test:4443",
        "https://gws.test:1",
        &format!("http://gws.test:{port}"),
    ] {
        let res = preflight(&sim.http, &url, origin).await;
        assert_eq!(res.status(), 403, "{origin}");
    }

    // A credentialed read from the allowed origin gets the origin echoed and the CSRF
    // headers exposed.
    let res = sim
        .http
        .get(&url)
        .header("Origin", "https://crm.test:4443")
        .header("Authorization", basic("ava", "demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://crm.test:4443"
    );
    assert_eq!(
        res.headers()["access-control-expose-headers"],
        "X-CSRF-HEADER, X-CSRF-TOKEN"
    );
}

#[tokio::test]
async fn sessions_opened_counts_every_new_http_session() {
    let sim = start().await;
    let state = sim.state().await;
    assert_eq!(state["sessionsOpened"], 0);
    assert_eq!(state["httpSessions"], 0);

    // Basic without the cookie: a new session each time (a browser that keeps no cookie).
    for _ in 0..3 {
        let (status, _, _) = Agent::new(&sim, "ava").get_basic("/api/v2/me").await;
        assert_eq!(status, 200);
    }
    // Basic with the session's cookie, and the cookie alone: the same session.
    let ava = sim.agent("ava").await;
    ava.get_basic("/api/v2/me").await;
    ava.get("/api/v2/me").await;
    // A failed login opens nothing.
    let (status, _, _) = Agent::new(&sim, "ava")
        .send(
            Method::GET,
            "/api/v2/me",
            None,
            &[("Authorization", basic("ava", "nope"))],
        )
        .await;
    assert_eq!(status, 401);
    let state = sim.state().await;
    assert_eq!(state["sessionsOpened"], 4);
    assert_eq!(state["httpSessions"], 4);
    assert_eq!(state["agents"][0]["sessions"], 4);

    // Forgetting sessions does not lower the count; reset-counters does.
    sim.faults(json!({"expireGwsSessions": true})).await;
    let state = sim.state().await;
    assert_eq!(state["sessionsOpened"], 4);
    assert_eq!(state["httpSessions"], 0);
    let (status, _) = sim.control("/sim/reset-counters", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(sim.state().await["sessionsOpened"], 0);
}

/// Runs the command with `args` until it prints its listening lines (or exits); the lines
/// and, if it exited, its exit code.
fn run_command(args: &[&str], lines_wanted: usize) -> (Vec<String>, Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccsim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    while lines.len() < lines_wanted {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push(line.trim_end().to_string());
    }
    let code = if lines.len() < lines_wanted {
        child.wait().unwrap().code()
    } else {
        let _ = child.kill();
        let _ = child.wait();
        None
    };
    let mut err = String::new();
    let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
    (lines, code, err)
}

#[test]
fn the_command_prints_https_urls_and_writes_the_certificate() {
    let out = temp_dir("command");
    let pages = temp_dir("command-pages");
    let (lines, code, err) = run_command(
        &[
            "--listen",
            "127.0.0.1:0",
            "--static",
            pages.to_str().unwrap(),
            "--page-listen",
            "127.0.0.1:0",
            "--tls",
            "--tls-names",
            "crm.test,gws.test,127.0.0.1",
            "--tls-cert-out",
            out.to_str().unwrap(),
            "--cookie-samesite",
            "none",
        ],
        2,
    );
    assert_eq!(code, None, "{lines:?} {err}");
    assert!(
        lines[0].starts_with("ccsim listening on https://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("ccsim page on https://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(std::fs::read_to_string(out.join("cert.pem"))
        .unwrap()
        .contains("BEGIN CERTIFICATE"));
    assert!(out.join("key.pem").exists());

    // Without --tls the lines stay as they were, and SameSite=None earns a warning.
    let (lines, code, err) = run_command(
        &[
            "--listen",
            "127.0.0.1:0",
            "--cookie-samesite",
            "partitioned",
        ],
        1,
    );
    assert_eq!(code, None);
    assert!(
        lines[0].starts_with("ccsim listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(err.contains("SameSite=None are Secure"), "{err}");
}

#[test]
fn the_command_refuses_tls_flags_that_do_not_fit() {
    for args in [
        &["--tls-names", "a.test"][..],
        &["--tls", "--tls-cert", "c.pem"][..],
        &["--tls", "--tls-key", "k.pem"][..],
        &[
            "--tls",
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--tls-names",
            "a.test",
        ][..],
        &["--cookie-samesite", "strict"][..],
        &["--tls", "--tls-names", ","][..],
    ] {
        let mut all = vec!["--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let (lines, code, err) = run_command(&all, 1);
        assert_eq!(code, Some(2), "{args:?}: {lines:?} {err}");
        assert!(!err.is_empty(), "{args:?}");
    }
    // Files that do not exist: the simulator cannot start.
    let (_, code, err) = run_command(
        &[
            "--listen",
            "127.0.0.1:0",
            "--tls",
            "--tls-cert",
            "/nonexistent/c.pem",
            "--tls-key",
            "/nonexistent/k.pem",
        ],
        1,
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot read /nonexistent/c.pem"), "{err}");
}
