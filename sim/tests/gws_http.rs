//! The GWS HTTP surface: auth (Basic → JSESSIONID), CSRF, CORS, the read endpoints,
//! agent-state and session operations, statusCode errors, and serving the page.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn basic_login_sets_session_cookie_and_csrf_headers() {
    let sim = start().await;
    let ava = Agent::new(&sim, "ava");
    let (status, headers, body) = ava.get_basic("/api/v2/me?subresources=*").await;
    assert_eq!(status, 200);
    let cookie = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.starts_with("JSESSIONID=")
            && cookie.contains("HttpOnly")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert_eq!(headers.get("x-csrf-header").unwrap(), "X-CSRF-TOKEN");
    assert!(headers.get("x-csrf-token").is_some());
    assert_eq!(body["statusCode"], 0);
    let user = &body["user"];
    assert_eq!(user["userName"], "ava");
    assert_eq!(user["devices"][0]["id"], AVA_DEVICE);
    assert_eq!(user["devices"][0]["phoneNumber"], "5005");
    assert_eq!(user["calls"], json!([]));

    // The cookie alone is enough afterwards.
    let (status, _, body) = ava.get("/api/v2/me").await;
    assert_eq!(status, 200);
    assert!(
        body["user"].get("devices").is_none(),
        "no subresources without ?subresources"
    );
    let (_, _, devices) = ava.get("/api/v2/me/devices").await;
    assert_eq!(devices["devices"][0]["userState"]["state"], "LoggedOut");
    let (_, _, calls) = ava.get("/api/v2/me/calls?fields=*").await;
    assert_eq!(calls, json!({"statusCode": 0, "calls": []}));
}

#[tokio::test]
async fn unauthenticated_and_bad_credentials_get_statuscode_20() {
    let sim = start().await;
    let nobody = Agent::new(&sim, "ava");
    let (status, _, body) = nobody.get("/api/v2/me").await;
    assert_eq!(status, 401);
    assert_eq!(body["statusCode"], 20);
    let (status, _, body) = nobody
        .send(
            Method::GET,
            "/api/v2/me/calls",
            None,
            &[("Authorization", basic("ava", "wrong"))],
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["statusCode"], 20);
    let (status, _, _) = nobody
        .send(
            Method::GET,
            "/api/v2/me",
            None,
            &[("Cookie", "JSESSIONID=NOPE".into())],
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn csrf_is_required_on_writes_and_can_be_turned_off() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    let body = json!({"operationName": "Ready"});
    let (status, _, answer) = ava
        .send(Method::POST, "/api/v2/me/channels/voice", Some(&body), &[])
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        answer,
        json!({"statusCode": 3, "statusMessage": "Missing or invalid Csrf token"})
    );
    let (status, _, _) = ava
        .send(
            Method::POST,
            "/api/v2/me/channels/voice",
            Some(&body),
            &[("X-CSRF-TOKEN", "stale".into())],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        ava.post("/api/v2/me/channels/voice", body.clone()).await,
        json!({"statusCode": 0})
    );

    // A lost JSESSIONID on a write is a CSRF failure too.
    let stranger = Agent::new(&sim, "ava");
    let (status, _, _) = stranger
        .send(Method::POST, "/api/v2/me/channels/voice", Some(&body), &[])
        .await;
    assert_eq!(status, 403);

    // Rotation: the old token stops working, the next GET hands out the new one.
    sim.faults(json!({"rotateCsrf": true})).await;
    let (status, _) = ava
        .post_status("/api/v2/me/channels/voice", body.clone())
        .await;
    assert_eq!(status, 403);
    ava.get("/api/v2/me").await;
    assert_eq!(
        ava.post("/api/v2/me/channels/voice", body.clone()).await["statusCode"],
        0
    );

    // CSRF off: no token needed, none handed out.
    sim.control("/sim/config", json!({"csrf": false})).await;
    let (status, headers, _) = ava.get("/api/v2/me").await;
    assert_eq!(status, 200);
    assert!(headers.get("x-csrf-token").is_none());
    let (status, _, answer) = ava
        .send(Method::POST, "/api/v2/me/channels/voice", Some(&body), &[])
        .await;
    assert_eq!(
        (status.as_u16(), answer["statusCode"].as_u64()),
        (200, Some(0))
    );
}

#[tokio::test]
async fn cors_allowlist_credentials_exposed_headers_and_preflight() {
    let sim = start_with(|o| o.allow_origins.push("https://crm.example".into())).await;
    let http = &sim.http;
    let res = http
        .request(Method::OPTIONS, sim.url("/api/v2/me/calls/X"))
        .header("Origin", "https://crm.example")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,x-csrf-token",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "https://crm.example");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert!(h["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert_eq!(
        h["access-control-allow-headers"],
        "content-type,x-csrf-token"
    );

    let res = http
        .get(sim.url("/api/v2/me"))
        .header("Origin", "https://crm.example")
        .header("Authorization", basic("ava", "demo"))
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "https://crm.example");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert_eq!(
        h["access-control-expose-headers"],
        "X-CSRF-HEADER, X-CSRF-TOKEN"
    );

    // Not on the list: no CORS headers, preflight refused. Never `*`.
    let res = http
        .get(sim.url("/api/v2/me"))
        .header("Origin", "https://evil.example")
        .header("Authorization", basic("ava", "demo"))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let res = http
        .request(Method::OPTIONS, sim.url("/api/v2/me"))
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Loopback origins only with --allow-loopback-origins.
    let res = http
        .get(sim.url("/sim/state"))
        .header("Origin", "http://127.0.0.1:1234")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let looped = start_with(|o| o.allow_loopback_origins = true).await;
    for origin in ["http://127.0.0.1:1234", "http://localhost:9"] {
        let res = http
            .get(looped.url("/sim/state"))
            .header("Origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["access-control-allow-origin"], origin);
    }
}

#[tokio::test]
async fn contact_center_session_and_agent_states() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    ava.handshake().await;
    ava.subscribe(json!("/v2/me/devices")).await;

    assert_eq!(
        ava.post(
            "/api/v2/me",
            json!({"operationName": "StartContactCenterSession", "channels": ["voice"]})
        )
        .await["statusCode"],
        0
    );
    assert_eq!(
        ava.post(
            "/api/v2/me/channels/voice",
            json!({"operationName": "Ready"})
        )
        .await["statusCode"],
        0
    );
    assert_eq!(
        ava.post(
            "/api/v2/me/channels/voice",
            json!({"operationName": "NotReady", "reasonCode": "Lunch"})
        )
        .await["statusCode"],
        0
    );
    assert_eq!(
        ava.post(
            "/api/v2/me/channels/voice",
            json!({"operationName": "AfterCallWork", "wrapUpTime": 1})
        )
        .await["statusCode"],
        0
    );
    let events = ava.events("/v2/me/devices", 4).await;
    let states: Vec<(String, String, String)> = events
        .iter()
        .map(|e| {
            assert_eq!(e["messageType"], "DeviceStateChangeMessage");
            let u = &e["devices"][0]["userState"];
            (
                u["state"].as_str().unwrap_or("").into(),
                u["reason"].as_str().unwrap_or("").into(),
                u["workMode"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![
            ("NotReady".into(), "".into(), "".into()),
            ("Ready".into(), "".into(), "".into()),
            ("NotReady".into(), "Lunch".into(), "".into()),
            ("NotReady".into(), "".into(), "AfterCallWork".into()),
        ]
    );
    // The wrap-up time runs out: back to Ready.
    let after = ava.events("/v2/me/devices", 1).await;
    assert_eq!(after[0]["devices"][0]["userState"]["state"], "Ready");

    // Errors: missing, unknown, bad value.
    assert_eq!(
        ava.post("/api/v2/me/channels/voice", json!({})).await["statusCode"],
        1
    );
    assert_eq!(
        ava.post(
            "/api/v2/me/channels/voice",
            json!({"operationName": "Dance"})
        )
        .await["statusCode"],
        10
    );
    assert_eq!(
        ava.post(
            "/api/v2/me/channels/voice",
            json!({"operationName": "AfterCallWork", "wrapUpTime": "soon"})
        )
        .await["statusCode"],
        10
    );
    assert_eq!(
        ava.post(
            "/api/v2/me",
            json!({"operationName": "StartContactCenterSession"})
        )
        .await["statusCode"],
        1
    );

    // EndContactCenterSession logs out and ends the HTTP session.
    assert_eq!(
        ava.post(
            "/api/v2/me",
            json!({"operationName": "EndContactCenterSession"})
        )
        .await["statusCode"],
        0
    );
    let (status, _, _) = ava.get("/api/v2/me").await;
    assert_eq!(status, 401);
    let state = sim.state().await;
    assert_eq!(state["agents"][0]["agentState"]["state"], "LoggedOut");
}

#[tokio::test]
async fn statuscode_errors_for_calls() {
    let sim = start().await;
    let ava = sim.agent("ava").await;
    // 6: unknown call, unknown device, another agent's call.
    assert_eq!(
        ava.op(
            "01NOSUCHCALL0000000000000000000",
            json!({"operationName": "Hangup"})
        )
        .await["statusCode"],
        6
    );
    let (_, _, body) = ava.get("/api/v2/me/calls/NOPE").await;
    assert_eq!(body["statusCode"], 6);
    let r = ava
        .post(
            "/api/v2/me/devices/not-a-device/calls",
            json!({"operationName": "Dial", "destination": {"phoneNumber": "5551212"}}),
        )
        .await;
    assert_eq!(r["statusCode"], 6);
    // 1: missing parameters.
    assert_eq!(
        ava.post(
            &format!("/api/v2/me/devices/{AVA_DEVICE}/calls"),
            json!({"operationName": "Dial"})
        )
        .await["statusCode"],
        1
    );
    assert_eq!(
        ava.post(
            &format!("/api/v2/me/devices/{AVA_DEVICE}/calls"),
            json!({"destination": {"phoneNumber": "1"}})
        )
        .await["statusCode"],
        1
    );
    // 10: bad values and bodies.
    let bad = ava
        .post(
            &format!("/api/v2/me/devices/{AVA_DEVICE}/calls"),
            json!({"operationName": "Dial", "destination": {"phoneNumber": "call me"}}),
        )
        .await;
    assert_eq!(bad["statusCode"], 10);
    assert!(bad["statusMessage"]
        .as_str()
        .unwrap()
        .contains("phoneNumber"));
    let token = ava.csrf.lock().unwrap().clone().unwrap();
    let (status, _, body) = ava
        .send(
            Method::POST,
            &format!("/api/v2/me/devices/{AVA_DEVICE}/calls"),
            None,
            &[("X-CSRF-TOKEN", token)],
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["statusCode"].as_u64()),
        (200, Some(1))
    );
    let csrf = ava.csrf.lock().unwrap().clone().unwrap();
    let res = sim
        .http
        .post(sim.url(&format!("/api/v2/me/devices/{AVA_DEVICE}/calls")))
        .header(
            "Cookie",
            format!("JSESSIONID={}", ava.cookies.lock().unwrap()["JSESSIONID"]),
        )
        .header("X-CSRF-TOKEN", csrf)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["statusCode"],
        10
    );

    // 2: an operation the call's state does not allow.
    ava.dial("5559999").await;
    let call = sim.calls_of("ava").await[0].clone();
    let id = call["id"].as_str().unwrap();
    assert_eq!(call["state"], "Dialing");
    let r = ava.op(id, json!({"operationName": "Hold"})).await;
    assert_eq!(r["statusCode"], 2);
    assert!(r["statusMessage"].as_str().is_some());
    assert_eq!(
        ava.op(id, json!({"operationName": "Answer"})).await["statusCode"],
        2
    );
    assert_eq!(
        ava.op(id, json!({"operationName": "Fly"})).await["statusCode"],
        10
    );
    // Ben cannot touch Ava's call.
    let ben = sim.agent("ben").await;
    assert_eq!(
        ben.op(id, json!({"operationName": "Hangup"})).await["statusCode"],
        6
    );
}

#[tokio::test]
async fn serves_the_page_with_a_strict_csp_and_wasm_mime() {
    let dir = std::env::temp_dir().join(format!("ccsim-static-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><script type=module src=app.js></script>",
    )
    .unwrap();
    std::fs::write(dir.join("app.js"), "export {}").unwrap();
    std::fs::write(dir.join("widget_bg.wasm"), [0u8, 97, 115, 109, 1, 0, 0, 0]).unwrap();
    let d = dir.clone();
    let sim = start_with(move |o| {
        o.static_dir = Some(d.clone());
        o.page_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let res = sim.http.get(sim.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(!csp.contains("script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'"));
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("img-src 'self' data:")
            && csp.contains("connect-src 'self'")
    );
    assert!(res.text().await.unwrap().contains("app.js"));
    let res = sim
        .http
        .get(sim.url("/widget_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/wasm");
    let res = sim.http.get(sim.url("/app.js")).send().await.unwrap();
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));

    // Cross-origin mode: the page on its own port; its origin is allowed by CORS and
    // the API origin is in connect-src.
    let page = sim.running.page.expect("page listener");
    let res = sim
        .http
        .get(format!("http://{page}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains(&sim.base), "{csp}");
    let page_origin = format!("http://{page}");
    let res = sim
        .http
        .get(sim.url("/api/v2/me"))
        .header("Origin", &page_origin)
        .header("Authorization", basic("ben", "demo"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"]
            .to_str()
            .unwrap(),
        page_origin
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn starts_quickly_and_counts_requests() {
    let t = std::time::Instant::now();
    let sim = start().await;
    assert!(t.elapsed() < std::time::Duration::from_secs(1));
    let ava = sim.agent("ava").await;
    ava.get("/api/v2/me/calls").await;
    let state = sim.state().await;
    assert_eq!(state["requests"]["/api/v2/me"], 1);
    assert_eq!(state["requests"]["/api/v2/me/calls"], 1);
    sim.control("/sim/reset-counters", json!({})).await;
    let state = sim.state().await;
    assert!(state["requests"].get("/api/v2/me").is_none());
}
