//! crm-call-widget: a call panel and disposition picker for CRM pages, in WebAssembly.
//!
//! This file holds only the module map and the wasm entry points (`mount` and the host
//! API on `WidgetHandle`); everything else lives in the modules below. The pure cores
//! (`cometd`, `genesys`, `model`, `ozonetel`) never touch the browser, so `cargo test`
//! covers them natively.

pub mod cell;
pub mod cometd;
pub mod config;
pub mod gather;
pub mod desk;
pub mod genesys;
pub mod host;
pub mod i18n;
pub mod json;
pub mod model;
pub mod net;
pub mod ozonetel;
pub mod text;
pub mod timer;

/// The allocator (see Cargo.toml): talc, grown from the wasm memory as the widget needs.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
pub mod ui;

#[cfg(target_arch = "wasm32")]
mod entry {
    use crate::cell::Borrowing;
    use crate::config::WidgetConfig;
    use crate::model::{AgentStateOperation, CallOperation};
    use crate::host::click_to_dial::ClickToDial;
    use crate::host::ringing_alert::RingingAlert;
    use crate::host::HostLink;
    use crate::ui::i18n::{Lang, Text};
    use crate::ui::{App, AppProps};
    use crate::json::{Map, Value};
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;

    /// A mounted widget, as the host page holds it (the host API).
    #[wasm_bindgen]
    pub struct WidgetHandle {
        app: Option<yew::AppHandle<App>>,
        host: HostLink,
        _click_to_dial: Option<crate::host::click_to_dial::ClickToDial>,
        _ask_permission: Option<gloo_events::EventListener>,
    }

    fn object_map(value: &JsValue) -> Result<Option<Map<String, Value>>, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        match crate::json::from_js(value.clone()) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            _ => Err(JsValue::from_str("crm-call-widget: userData must be a plain object of keys and values")),
        }
    }

    /// Why the host's Ozonetel call API was refused, for the CRM developer.
    fn page_call_error(api: &str, code: &str) -> JsValue {
        let why = if code == crate::desk::NOT_OZONETEL {
            "the page's Ozonetel calls are for telephony \"ozonetel\" or dispositionVendor \"ozonetel\"; this widget records its dispositions at Genesys"
        } else {
            crate::i18n::reason_text(code).in_(crate::i18n::Lang::En)
        };
        JsValue::from_str(&format!("crm-call-widget: {api}: {why}"))
    }

    #[wasm_bindgen]
    impl WidgetHandle {
        fn desk(&self) -> Result<Rc<crate::desk::AgentDesk>, JsValue> {
            self.host.desk.read().clone().ok_or_else(|| JsValue::from_str("crm-call-widget: the widget was destroyed"))
        }

        /// Dials `number` from the agent's phone, attaching `userData` (optional object).
        pub fn dial(&self, number: &str, user_data: JsValue) -> Result<(), JsValue> {
            let data = object_map(&user_data)?;
            self.desk()?.dial(number, data);
            Ok(())
        }

        /// Sets the agent's state: `"Ready"`, `"NotReady"` (with an optional reason code)
        /// or `"AfterCallWork"`.
        #[wasm_bindgen(js_name = setAgentState)]
        pub fn set_agent_state(&self, state: &str, reason: Option<String>) -> Result<(), JsValue> {
            let desk = self.desk()?;
            if !desk.features().agent_state {
                return Err(JsValue::from_str("crm-call-widget: with telephony \"ozonetel\" the agent's state is set in the CloudAgent toolbar"));
            }
            let op = match state {
                "Ready" => AgentStateOperation::Ready,
                "NotReady" => AgentStateOperation::NotReady { reason_code: reason },
                "AfterCallWork" => AgentStateOperation::AfterCallWork { wrap_up_time: None },
                other => return Err(JsValue::from_str(&format!("crm-call-widget: unknown agent state \"{other}\" (use Ready, NotReady or AfterCallWork)"))),
            };
            desk.set_agent_state(op);
            Ok(())
        }

        /// Attaches `data` (e.g. the CRM record's id) to the current call as userData.
        #[wasm_bindgen(js_name = attachUserData)]
        pub fn attach_user_data(&self, data: JsValue) -> Result<(), JsValue> {
            let Some(map) = object_map(&data)? else { return Err(JsValue::from_str("crm-call-widget: attachUserData needs an object")) };
            let call_id = {
                let store = self.host.store.read();
                store.active().filter(|c| !c.state.is_released()).map(|c| c.id.clone())
            };
            let Some(call_id) = call_id else { return Err(JsValue::from_str("crm-call-widget: there is no call to attach data to")) };
            let desk = self.desk()?;
            if !desk.features().call_operations {
                return Err(JsValue::from_str("crm-call-widget: with telephony \"ozonetel\" data cannot be attached to the call from the page"));
            }
            desk.call_op(&call_id, CallOperation::UpdateUserData { user_data: map });
            Ok(())
        }

        /// Ozonetel: the call on the agent's line now, `{ucid, did, callerID, agentID}` (did
        /// and agentID default to the config's), or `null` when there is none. The panel
        /// shows it with the disposition picker.
        #[wasm_bindgen(js_name = setActiveCall)]
        pub fn set_active_call(&self, call: JsValue) -> Result<(), JsValue> {
            let call = match object_map(&call).map_err(|_| JsValue::from_str("crm-call-widget: setActiveCall needs {ucid, did, callerID, agentID} or null"))? {
                None => None,
                Some(map) => {
                    let text = |names: &[&str]| {
                        names.iter().find_map(|n| map.get(*n)).map(|v| match v {
                            Value::String(s) => s.trim().to_string(),
                            Value::Null => String::new(),
                            other => other.to_string(),
                        }).unwrap_or_default()
                    };
                    let ucid = text(&["ucid", "UCID"]);
                    if ucid.is_empty() {
                        return Err(JsValue::from_str("crm-call-widget: setActiveCall needs the call's ucid"));
                    }
                    Some(crate::desk::PageCall {
                        ucid,
                        did: text(&["did", "DID"]),
                        agent_id: text(&["agentID", "agentId"]),
                        caller_id: text(&["callerID", "callerId"]),
                    })
                }
            };
            self.desk()?.set_page_call(call).map_err(|code| page_call_error("setActiveCall", code))
        }

        /// Ozonetel: the call hung up (`ucid` optional: the active call). A disposition
        /// queued during the call now applies; otherwise the wrap-up countdown starts.
        #[wasm_bindgen(js_name = callEnded)]
        pub fn call_ended(&self, ucid: Option<String>) -> Result<(), JsValue> {
            self.desk()?.page_call_ended(ucid.as_deref().map(str::trim).filter(|u| !u.is_empty())).map_err(|code| page_call_error("callEnded", code))
        }

        /// Ozonetel: where the widget gets its token — `provider()` returns the token (a
        /// string, or a Promise of one), minted by the CRM's backend. Called before the
        /// token expires (at most 10 times an hour) and when Ozonetel refuses it. `null`
        /// removes it.
        #[wasm_bindgen(js_name = setTokenProvider)]
        pub fn set_token_provider(&self, provider: JsValue) -> Result<(), JsValue> {
            let f = if provider.is_null() || provider.is_undefined() {
                None
            } else {
                Some(provider.dyn_into::<js_sys::Function>().map_err(|_| JsValue::from_str("crm-call-widget: setTokenProvider needs a function"))?)
            };
            if let Some(d) = self.desk()?.dispositions() {
                d.set_token_provider(f);
            }
            Ok(())
        }

        /// Calls `listener(detail)` for every event `name` (the same as listening for the
        /// CustomEvent on the element). Returns nothing; `destroy()` drops every listener.
        pub fn on(&self, name: &str, listener: js_sys::Function) {
            self.host.listeners.write().push((name.to_string(), listener));
        }

        /// Unmounts the widget and ends everything it started: the long poll, timers,
        /// requests in flight and listeners.
        pub fn destroy(&mut self) {
            if let Some(desk) = self.host.desk.write().take() {
                desk.stop();
            }
            self.host.listeners.write().clear();
            self._click_to_dial = None;
            self._ask_permission = None;
            self.host.alert.stop();
            if let Some(app) = self.app.take() {
                app.destroy();
            }
        }
    }

    /// Mounts the widget inside `host` (in its shadow root) with `config`, a plain object
    /// of `WidgetConfig` fields. A bad config shows its reason in the widget and throws.
    /// `first_read`, from the loader: `[url, authorization or null, Promise<Response>]`, the
    /// widget's first GWS read, already sent while the wasm downloaded (`net::offer_early`).
    #[wasm_bindgen]
    pub fn mount(host: web_sys::HtmlElement, config: JsValue, first_read: JsValue) -> Result<WidgetHandle, JsValue> {
        if let Some(sent) = first_read.dyn_ref::<js_sys::Array>() {
            if let Some(url) = sent.get(0).as_string() {
                let authorization = sent.get(1).as_string();
                crate::net::offer_early(crate::net::EarlyRequest { url, authorization }, sent.get(2).unchecked_into());
            }
        }
        let root = crate::host::prepare_shadow_root(&host)?;
        let browser_lang = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
        let parsed = if config.is_undefined() || config.is_null() {
            Ok(WidgetConfig::default())
        } else {
            // Through a JSON value, so unknown fields are refused (serde-wasm-bindgen's own
            // struct reading only looks up the fields it knows).
            crate::json::from_js(config)
                .map_err(|e| crate::config::ConfigError(e.to_string()))
                .and_then(WidgetConfig::from_value)
        };
        match parsed {
            Ok(config) => {
                let lang = Lang::choose(&config.lang, &browser_lang);
                let alert = RingingAlert::new(config.notify_when_hidden, &config.ring_sound);
                let link = HostLink::new(host.clone(), alert, Text::IncomingCall.in_(lang));
                let click_to_dial = config.click_to_dial.then(|| ClickToDial::start(link.clone())).flatten();
                let ask_permission = config.notify_when_hidden.then(|| {
                    let alert = link.alert.clone();
                    gloo_events::EventListener::new(&host, "pointerdown", move |_| alert.ask_permission())
                });
                let props = AppProps { config: Rc::new(config), lang, host: link.clone() };
                let app = yew::Renderer::<App>::with_root_and_props(root, props).render();
                Ok(WidgetHandle { app: Some(app), host: link, _click_to_dial: click_to_dial, _ask_permission: ask_permission })
            }
            Err(err) => {
                let lang = Lang::choose("", &browser_lang);
                let message = format!("{} {}", Text::ConfigProblem.in_(lang), err.0);
                let note = root.owner_document().and_then(|d| d.create_element("p").ok());
                if let Some(note) = note {
                    note.set_class_name("error config-error");
                    note.set_attribute("role", "alert").ok();
                    note.set_text_content(Some(&message));
                    root.append_child(&note).ok();
                }
                Err(JsValue::from_str(&err.to_string()))
            }
        }
    }
}
