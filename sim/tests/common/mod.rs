//! Test harness: a simulator on an ephemeral loopback port with short timeouts, and an
//! HTTP client per agent that keeps its cookies and CSRF token like a browser tab.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use ccsim::{Options, Running, Settings};
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const AVA_DEVICE: &str = "efe1ab32-53f9-43ce-b65e-5768c61f7d4a";
pub const BEN_DEVICE: &str = "631608b3-ceb1-472b-ba05-2ae39555b0d1";

pub struct TestSim {
    pub base: String,
    pub running: Running,
    pub http: reqwest::Client,
}

pub fn test_settings() -> Settings {
    Settings {
        cometd_timeout_ms: 400,
        cometd_max_interval_ms: 1_500,
        multiple_clients_interval_ms: 300,
        answer_delay_ms: 100,
        ..Settings::default()
    }
}

pub async fn start() -> TestSim {
    start_with(|_| {}).await
}

pub async fn start_with(tune: impl FnOnce(&mut Options)) -> TestSim {
    let mut opts = Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        settings: test_settings(),
        ..Options::default()
    };
    tune(&mut opts);
    let running = ccsim::start(opts).await.expect("simulator starts");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    TestSim {
        base: format!("http://{}", running.api),
        running,
        http,
    }
}

/// A client that trusts exactly the simulator's certificate (no system roots), with
/// `names` resolved to the simulator's API address.
pub fn tls_client(running: &Running, names: &[&str]) -> reqwest::Client {
    let pem = &running
        .tls
        .as_ref()
        .expect("the simulator speaks HTTPS")
        .cert_pem;
    let mut builder = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap());
    for name in names {
        builder = builder.resolve(name, running.api);
    }
    builder.build().unwrap()
}

/// As `start_with`, over HTTPS (`--tls`) with a certificate made for `names`; the harness's
/// client trusts that certificate alone.
pub async fn start_tls_with(names: &[&str], tune: impl FnOnce(&mut Options)) -> TestSim {
    let mut opts = Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        settings: test_settings(),
        tls: Some(ccsim::tls::TlsOptions {
            names: names.iter().map(|n| n.to_string()).collect(),
            ..Default::default()
        }),
        ..Options::default()
    };
    tune(&mut opts);
    let running = ccsim::start(opts).await.expect("simulator starts");
    let http = tls_client(&running, &[]);
    TestSim {
        base: running.api_url(),
        running,
        http,
    }
}

impl TestSim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn state(&self) -> Value {
        self.http
            .get(self.url("/sim/state"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn control(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn faults(&self, body: Value) {
        let (status, _) = self.control("/sim/faults", body).await;
        assert_eq!(status, 200);
    }

    /// Log an agent in with Basic on `GET /api/v2/me?subresources=*`.
    pub async fn agent(&self, username: &str) -> Agent {
        let agent = Agent::new(self, username);
        let (status, _, body) = agent.get_basic("/api/v2/me?subresources=*").await;
        assert_eq!(status, 200, "login of {username}: {body}");
        agent
    }

    /// The call ids of an agent's calls in /sim/state, oldest first.
    pub async fn calls_of(&self, username: &str) -> Vec<Value> {
        let state = self.state().await;
        state["calls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["agent"] == username)
            .cloned()
            .collect()
    }

    pub async fn call(&self, id: &str) -> Value {
        let state = self.state().await;
        state["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Ring an inbound call through the control API (`{"agent","from"?,"userData"?}`);
    /// returns its id.
    pub async fn inbound(&self, body: Value) -> String {
        let (status, body) = self.control("/sim/calls/inbound", body).await;
        assert_eq!(status, 200, "inbound call: {body}");
        body["id"].as_str().unwrap().to_string()
    }

    /// An inbound call from `from` ringing at `agent`; returns its id.
    pub async fn ring(&self, agent: &str, from: &str) -> String {
        self.inbound(json!({"agent": agent, "from": from})).await
    }

    /// Log an agent in, handshake and subscribe to the calls channel.
    pub async fn listening(&self, username: &str) -> Agent {
        let agent = self.agent(username).await;
        agent.handshake().await;
        agent.subscribe(json!("/v2/me/calls")).await;
        agent
    }

    /// Wait until a call reaches `state`.
    pub async fn wait_call_state(&self, id: &str, state: &str) -> Value {
        for _ in 0..200 {
            let call = self.call(id).await;
            if call["state"] == state {
                return call;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("call {id} never reached {state}: {}", self.call(id).await);
    }
}

/// One browser tab of an agent: cookies and CSRF token kept between requests.
pub struct Agent {
    pub username: String,
    base: String,
    http: reqwest::Client,
    pub cookies: Mutex<BTreeMap<String, String>>,
    pub csrf: Mutex<Option<String>>,
    pub client_id: Mutex<Option<String>>,
}

pub fn basic(username: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
    )
}

impl Agent {
    pub fn new(sim: &TestSim, username: &str) -> Agent {
        Agent {
            username: username.to_string(),
            base: sim.base.clone(),
            http: sim.http.clone(),
            cookies: Mutex::new(BTreeMap::new()),
            csrf: Mutex::new(None),
            client_id: Mutex::new(None),
        }
    }

    /// The `Cookie` header value for the cookies kept so far.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&self, headers: &HeaderMap, method: &Method) {
        for value in headers.get_all(SET_COOKIE) {
            let text = value.to_str().unwrap_or_default();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                let mut jar = self.cookies.lock().unwrap();
                if v.is_empty() {
                    jar.remove(k);
                } else {
                    jar.insert(k.to_string(), v.to_string());
                }
            }
        }
        if *method == Method::GET {
            if let Some(t) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
                *self.csrf.lock().unwrap() = Some(t.to_string());
            }
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        extra: &[(&str, String)],
    ) -> (StatusCode, HeaderMap, Value) {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.base, path));
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            req = req.header(COOKIE, cookies);
        }
        for (k, v) in extra {
            req = req.header(*k, v);
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let headers = res.headers().clone();
        self.keep(&headers, &method);
        let text = res.text().await.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, headers, value)
    }

    pub async fn get_basic(&self, path: &str) -> (StatusCode, HeaderMap, Value) {
        self.send(
            Method::GET,
            path,
            None,
            &[("Authorization", basic(&self.username, "demo"))],
        )
        .await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, HeaderMap, Value) {
        self.send(Method::GET, path, None, &[]).await
    }

    /// POST with the session cookie and the CSRF token.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        let (status, body) = self.post_status(path, body).await;
        assert_eq!(status, 200, "POST {path}: {body}");
        body
    }

    pub async fn post_status(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let csrf = self.csrf.lock().unwrap().clone().unwrap_or_default();
        let (status, _, body) = self
            .send(Method::POST, path, Some(&body), &[("X-CSRF-TOKEN", csrf)])
            .await;
        (status, body)
    }

    pub async fn op(&self, call_id: &str, body: Value) -> Value {
        self.post(&format!("/api/v2/me/calls/{call_id}"), body)
            .await
    }

    pub async fn dial(&self, number: &str) -> Value {
        let device = if self.username == "ava" {
            AVA_DEVICE
        } else {
            BEN_DEVICE
        };
        self.post(
            &format!("/api/v2/me/devices/{device}/calls"),
            json!({"operationName": "Dial", "destination": {"phoneNumber": number}}),
        )
        .await
    }

    // ----- Bayeux -----

    pub async fn bayeux(&self, path: &str, messages: Value) -> (StatusCode, Value) {
        let (status, _, body) = self.send(Method::POST, path, Some(&messages), &[]).await;
        (status, body)
    }

    pub async fn handshake(&self) -> String {
        let (status, body) = self
            .bayeux("/api/v2/notifications/handshake", json!([{"id": "1", "channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}]))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body[0]["successful"], true, "handshake: {body}");
        let id = body[0]["clientId"].as_str().unwrap().to_string();
        *self.client_id.lock().unwrap() = Some(id.clone());
        id
    }

    pub fn client(&self) -> String {
        self.client_id
            .lock()
            .unwrap()
            .clone()
            .expect("handshake first")
    }

    pub async fn subscribe(&self, subscription: Value) -> Value {
        let (_, body) = self
            .bayeux("/api/v2/notifications", json!([{"id": "2", "channel": "/meta/subscribe", "clientId": self.client(), "subscription": subscription}]))
            .await;
        body[0].clone()
    }

    /// One /meta/connect; returns the whole reply array (events first, connect reply last).
    pub async fn connect(&self, timeout: Option<u64>) -> Value {
        let mut msg = json!({"id": "3", "channel": "/meta/connect", "clientId": self.client(), "connectionType": "long-polling"});
        if let Some(t) = timeout {
            msg["advice"] = json!({"timeout": t});
        }
        let (status, body) = self
            .bayeux("/api/v2/notifications/connect", json!([msg]))
            .await;
        assert_eq!(status, 200, "connect: {body}");
        body
    }

    /// Connect until `n` events on `channel` arrived (or give up after ~5 s).
    pub async fn events(&self, channel: &str, n: usize) -> Vec<Value> {
        let mut got = Vec::new();
        for _ in 0..50 {
            let reply = self.connect(None).await;
            for m in reply.as_array().unwrap() {
                if m["channel"] == channel {
                    got.push(m["data"].clone());
                }
            }
            if got.len() >= n {
                return got;
            }
        }
        panic!("only {} of {n} events on {channel}: {got:?}", got.len());
    }
}

/// The call of a CallStateChangeMessage in either shape.
pub fn call_of(data: &Value) -> Value {
    if data.get("call").is_some() {
        data["call"].clone()
    } else {
        data.clone()
    }
}

/// The messages on the calls channel in a connect reply, in order.
pub fn call_messages(reply: &Value) -> Vec<&Value> {
    reply
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["channel"] == "/v2/me/calls")
        .collect()
}
