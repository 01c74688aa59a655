//! Browser glue tests (wasm-bindgen-test in headless Chromium): the fetch wrapper against
//! a running simulator, and mounting the widget into a shadow root.
//! `./test` starts the simulator and passes its URL in CCW_SIM_URL at build time.
#![cfg(target_arch = "wasm32")]

use ccw::net::{self, HttpRequest, NetError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn sim() -> &'static str {
    option_env!("CCW_SIM_URL").unwrap_or("http://127.0.0.1:8765")
}

#[wasm_bindgen_test]
async fn fetch_reads_me_with_basic_auth_and_exposes_csrf_headers() {
    let req = HttpRequest::get(format!("{}/api/v2/me?subresources=*", sim()))
        .header("Authorization", &net::basic_auth("ava", "demo"));
    let reply = net::send(req, None).await.expect("the simulator answers");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let me: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(me.pointer("/statusCode").and_then(|v| v.as_i64()), Some(0));
    assert!(reply.body.contains("Ava"), "{}", reply.body);
    assert!(reply.header("X-CSRF-TOKEN").is_some_and(|t| !t.is_empty()), "CSRF token readable across origins");
}

#[wasm_bindgen_test]
async fn fetch_sends_the_session_cookie_back() {
    let login = HttpRequest::get(format!("{}/api/v2/me", sim()))
        .header("Authorization", &net::basic_auth("ben", "demo"));
    assert_eq!(net::send(login, None).await.map(|r| r.status), Ok(200));
    // No Authorization now: only the JSESSIONID cookie can authenticate this one.
    let again = net::send(HttpRequest::get(format!("{}/api/v2/me", sim())), None).await.expect("answer");
    assert_eq!(again.status, 200, "cookie session: {}", again.body);
}

#[wasm_bindgen_test]
async fn fetch_reports_an_unreachable_server() {
    let req = HttpRequest::get("http://127.0.0.1:9/nothing-listens-here").timeout_ms(5_000);
    assert!(matches!(net::send(req, None).await, Err(NetError::Unreachable(_))));
}

#[wasm_bindgen_test]
async fn fetch_is_cancelled_by_the_callers_signal() {
    let controller = web_sys::AbortController::new().expect("controller");
    controller.abort();
    let req = HttpRequest::get(format!("{}/api/v2/me", sim()));
    assert_eq!(net::send(req, Some(&controller.signal())).await, Err(NetError::Cancelled));
}
