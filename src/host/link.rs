//! HostLink: the widget's tie to the host page — its element (where events are sent) and
//! the slot through which the host API reaches the running desk.

use crate::cell::Borrowing;
use crate::gather::Gather;
use crate::desk::AgentDesk;
use crate::host::ringing_alert::RingingAlert;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

#[derive(Clone)]
pub struct HostLink {
    pub element: HtmlElement,
    /// Filled by the App once the desk runs; read by the host API.
    pub desk: Rc<RefCell<Option<Rc<AgentDesk>>>>,
    /// The store as the host last saw it (events are diffed against it; the host API reads
    /// the active call from it).
    pub store: Rc<RefCell<crate::model::CallStore>>,
    /// Listeners added with `handle.on(name, fn)`, called with the event's detail.
    pub listeners: Rc<RefCell<Vec<(String, js_sys::Function)>>>,
    /// Makes a ringing call noticed in a hidden tab.
    pub alert: Rc<RingingAlert>,
    /// The heading of the ringing alert, in the agent's language.
    alert_heading: &'static str,
}

impl PartialEq for HostLink {
    fn eq(&self, other: &Self) -> bool {
        self.element == other.element && Rc::ptr_eq(&self.desk, &other.desk)
    }
}

impl HostLink {
    pub fn new(element: HtmlElement, alert: RingingAlert, alert_heading: &'static str) -> Self {
        Self {
            element,
            desk: Rc::default(),
            store: Rc::default(),
            listeners: Rc::default(),
            alert: Rc::new(alert),
            alert_heading,
        }
    }

    /// The ringing alert follows the call events it sends.
    fn alert_on(&self, name: &str, detail: &crate::json::Value) {
        let id = detail.get("callId").and_then(|v| v.as_str()).unwrap_or("");
        match name {
            "call-ringing" => {
                let who = detail.get("ani").and_then(|v| v.as_str()).unwrap_or("");
                self.alert.ringing(id, who, self.alert_heading);
            }
            "call-connected" | "call-ended" => self.alert.settled(id),
            _ => {}
        }
    }

    /// Sends `name` as a bubbling, composed CustomEvent on the widget's element, with
    /// `detail` as a plain JS object, and calls the `on(name)` listeners.
    pub fn emit(&self, name: &str, detail: &crate::json::Value) {
        self.alert_on(name, detail);
        let detail = crate::json::to_js(detail);
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
            let _ = self.element.dispatch_event(&event);
        }
        let listeners: Vec<js_sys::Function> =
            self.listeners.read().iter().filter(|(n, _)| n == name).map(|(_, f)| f.clone()).gather();
        for f in listeners {
            if let Err(e) = f.call1(&JsValue::NULL, &detail) {
                web_sys::console::error_2(&JsValue::from_str(&format!("crm-call-widget: a '{name}' listener threw")), &e);
            }
        }
    }
}
