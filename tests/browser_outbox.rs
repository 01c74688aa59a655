//! Browser glue of the disposition outbox (wasm-bindgen-test in headless Chromium): a pick
//! is in localStorage before any request leaves, no secret is ever written there, and an
//! entry a reload interrupted mid-send is picked up and sent again.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//!       cargo test --target wasm32-unknown-unknown --test browser_outbox` (no simulator needed:
//! requests go to a closed port).
#![cfg(target_arch = "wasm32")]

use ccw::config::WidgetConfig;
use ccw::desk::{Dispositions, OzonetelApi, OzonetelCall};
use ccw::model::{DispositionChoice, DispositionOutbox, EntryState};
use gloo_storage::{LocalStorage, Storage};
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens here: every request fails fast, as on a cut network.
const CLOSED: &str = "http://127.0.0.1:9";

fn config(agent: &str) -> WidgetConfig {
    WidgetConfig::from_json(&format!(
        r#"{{"dispositionVendor":"ozonetel","ozonetel":{{"baseUrl":"{CLOSED}","userName":"demo_crm",
            "agentId":"{agent}","did":"914071327663","apiKey":"sim-api-key"}}}}"#
    ))
    .expect("config")
}

fn start(agent: &str) -> Dispositions {
    let config = config(agent);
    Dispositions::start(&config, None, Rc::new(OzonetelApi::new(&config.ozonetel)), Callback::noop())
}

fn stored(agent: &str) -> Option<String> {
    LocalStorage::raw().get_item(&format!("ccw.dispositions.v1.ozonetel.{agent}")).ok().flatten()
}

fn call(ucid: &str) -> Option<OzonetelCall> {
    Some(OzonetelCall { ucid: ucid.into(), caller_id: "9876543210".into(), ..OzonetelCall::default() })
}

#[wasm_bindgen_test]
fn a_pick_is_stored_before_any_request_and_no_secret_is() {
    LocalStorage::clear();
    let d = start("glue1");
    d.set_ozonetel_call(call("U1"));
    let choice = DispositionChoice { disposition: "Interested".into(), comments: "hi".into(), ..Default::default() };
    d.dispose_ozonetel(choice).expect("accepted");
    // Synchronously after the pick: no timer or fetch has run yet.
    let json = stored("glue1").expect("written at once");
    let outbox = DispositionOutbox::from_json(&json, 0).expect("readable");
    let e = outbox.get("ozonetel:U1").expect("the entry");
    assert_eq!(e.state, EntryState::Pending);
    assert_eq!(e.attempts, 0);
    assert_eq!(e.choice.disposition, "Interested");
    assert_eq!(e.label, "9876543210");
    assert!(!json.contains("sim-api-key") && !json.to_lowercase().contains("token"), "{json}");
    d.stop();
}

#[wasm_bindgen_test]
async fn an_entry_interrupted_by_a_reload_is_sent_again_and_kept_until_answered() {
    LocalStorage::clear();
    // What a page that went away mid-send left behind.
    let first = start("glue2");
    first.set_ozonetel_call(call("U2"));
    first.dispose_ozonetel(DispositionChoice { disposition: "Sale Done".into(), ..Default::default() }).unwrap();
    first.stop();
    let json = stored("glue2").unwrap().replace(r#""state":"Pending""#, r#""state":{"InFlight":{"since_ms":1}}"#);
    LocalStorage::raw().set_item("ccw.dispositions.v1.ozonetel.glue2", &json).unwrap();

    let d = start("glue2");
    // It is due again at once; the send fails (nothing listens), and the entry stays,
    // marked as possibly sent before (so a later "already disposed" counts as ours).
    let mut entry = None;
    for _ in 0..50 {
        gloo_timers::future::TimeoutFuture::new(100).await;
        let outbox = DispositionOutbox::from_json(&stored("glue2").unwrap(), 0).unwrap();
        let e = outbox.get("ozonetel:U2").cloned().expect("never dropped");
        if matches!(e.state, EntryState::Failed { .. }) {
            entry = Some(e);
            break;
        }
    }
    let e = entry.expect("the resend was tried and failed");
    assert!(e.sent_before);
    assert!(e.attempts >= 1);
    assert!(matches!(&e.state, EntryState::Failed { retryable: true, .. }), "{:?}", e.state);
    d.stop();
}

#[wasm_bindgen_test]
fn another_tabs_entries_survive_this_tabs_writes() {
    LocalStorage::clear();
    // Two tabs of the same agent, both started before either wrote.
    let a = start("glue3");
    let b = start("glue3");
    a.set_ozonetel_call(call("A1"));
    a.dispose_ozonetel(DispositionChoice { disposition: "Interested".into(), ..Default::default() }).unwrap();
    b.set_ozonetel_call(call("B1"));
    b.dispose_ozonetel(DispositionChoice { disposition: "Call Back".into(), callback_time: Some("2030-01-01 10:00".into()), ..Default::default() })
        .unwrap();
    a.retry("ozonetel:A1"); // any write from tab A
    let outbox = DispositionOutbox::from_json(&stored("glue3").unwrap(), 0).unwrap();
    assert!(outbox.get("ozonetel:A1").is_some() && outbox.get("ozonetel:B1").is_some());
    a.stop();
    b.stop();
}
