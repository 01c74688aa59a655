//! App: the widget's root component. Owns the panel state and the AgentDesk, hands them to
//! the views as properties (with the dialer's state, which has no component of its own),
//! and lays out the panel: agent bar, connection banner, notices, calls (the active one
//! first), recent dispositions, dialer.

use crate::cell::Borrowing;
use crate::gather::Gather;
use crate::config::WidgetConfig;
use crate::desk::AgentDesk;
use crate::host::HostLink;
use crate::model::{Call, CallStore};
use crate::ui::components::agent_bar::{agent_bar, AgentBarProps};
use crate::ui::components::call_card::CallCard;
use crate::ui::components::connection_banner::{connection_banner, ConnectionBannerProps};
use crate::ui::components::dialer::{dialer, DialerProps};
use crate::ui::components::disposition_dock::{disposition_dock, ozonetel_call_card, ozonetel_form_shown, DispositionDockProps, OzonetelCallCardProps};
use crate::ui::components::disposition_picker::{reset_when_closed, Form};
use crate::ui::components::notices::notices;
use crate::ui::context::DeskContext;
use crate::ui::i18n::{Lang, Text};
use crate::ui::state::{OpTarget, PanelAction, PanelState};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Rc<WidgetConfig>,
    pub lang: Lang,
    pub host: HostLink,
}

/// The call that `call` works with for complete/swap/merge: its consult call, the call it
/// consults for, or else the other live call.
pub fn partner_of<'a>(store: &'a CallStore, call: &Call) -> Option<&'a Call> {
    let live = || store.live_calls().filter(move |c| c.id != call.id);
    live()
        .find(|c| c.consult_of.as_deref() == Some(call.id.as_str()))
        .or_else(|| call.consult_of.as_deref().and_then(|p| store.call(p)))
        .or_else(|| live().next())
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = use_reducer(PanelState::default);
    // The dialer's number, keypad and field (see `dialer`).
    let (dial_number, dial_pad, dial_field) = (use_state(String::new), use_state(|| false), use_node_ref());
    let dispatch: Callback<PanelAction> = {
        let dispatcher = state.dispatcher();
        Callback::from(move |a| dispatcher.dispatch(a))
    };
    let desk = {
        let (config, dispatch, host, lang) = (props.config.clone(), dispatch.clone(), props.host.clone(), props.lang);
        use_memo((), move |_| {
            let events = Callback::from(move |e: crate::desk::DeskEvent| dispatch.emit(PanelAction::from(e)));
            let desk = AgentDesk::start(&config, lang, events);
            // `disposition-saved` goes to the host page.
            desk.set_host_events(Callback::from(move |(name, detail): (String, crate::json::Value)| host.emit(&name, &detail)));
            desk
        })
    };
    *props.host.desk.write() = Some(desk.clone());
    // The disposition section of the host's Ozonetel call (see `ozonetel_call_card`).
    let host_form = use_reducer(Form::default);
    use_effect_with(ozonetel_form_shown(&state.dispositions, &host_form), reset_when_closed(&host_form));
    // What the host page last heard of (see the after-render effect below).
    let heard = use_mut_ref(Heard::default);
    let ctx = DeskContext { desk: desk.clone(), lang: props.lang, config: props.config.clone() };

    // Keep keyboard focus inside the panel when the focused control goes away: its call
    // ended, it gave way to its opposite (Hold → Resume), or its form closed.
    let root = use_node_ref();
    let focus = use_mut_ref(FocusMemory::default);
    let onfocusin = {
        let focus = focus.clone();
        Callback::from(move |e: FocusEvent| {
            let el = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            focus.write().entered(el);
        })
    };
    let onfocusout = {
        let (focus, root) = (focus.clone(), root.clone());
        Callback::from(move |e: FocusEvent| {
            let left_panel = match (e.related_target(), root.cast::<web_sys::Element>()) {
                (Some(t), Some(r)) => !t.dyn_ref::<web_sys::Node>().is_some_and(|n| r.contains(Some(n))),
                _ => false, // focus went nowhere (a click on the page's background, or its element left)
            };
            if left_panel {
                *focus.write() = FocusMemory::default();
            } else if e.related_target().is_none() {
                // Chromium reports a focused element's removal as a focusout to nowhere.
                // Look again once the render that removed it is over: a card's own
                // re-render (a form closing) does not re-render the App.
                let (focus, root) = (focus.clone(), root.clone());
                crate::timer::after(0, move || restore_focus(&root, &focus)).forget();
            }
        })
    };
    {
        let (root, focus, heard) = (root.clone(), focus.clone(), heard.clone());
        let (host, desk, store, leading, notices) =
            (props.host.clone(), desk.clone(), state.store.clone(), state.leading, state.notices.clone());
        // After every render, one effect (each effect of its own is Yew code in every
        // build): the host page hears of what changed, and focus stays in the panel (a
        // removed element cannot say so itself).
        use_effect(move || {
            // A shared borrow: an event the page handles may render the panel again.
            let heard = heard.read();
            store_effects(&host, &desk, &store, leading, &heard);
            emit_new_errors(&host, &notices, &heard);
            restore_focus(&root, &focus);
        });
    }

    let store = &state.store;
    let active_id = store.active_id().map(str::to_string);
    let mut calls: Vec<&Call> = store.calls().iter().gather();
    crate::model::sort::by_key(&mut calls, |c| Some(c.id.as_str()) != active_id.as_deref());
    let agent_busy = state.is_busy(&OpTarget::Agent);
    let dial_busy = state.is_busy(&OpTarget::Dial);
    let dispositions = state.dispositions.clone();
    let card_keys: Vec<String> = store.calls().iter().map(|c| desk.disposition_key(c)).gather();
    let features = desk.features();

    html! {
        <section class="ccw" ref={root} data-tab-role={if state.leading { "leader" } else { "follower" }} aria-label={ctx.t(Text::CallPanel)} {onfocusin} {onfocusout}>
            { agent_bar(&ctx, &AgentBarProps { agent: store.agent.clone(), state: store.presence.state.clone(), busy: agent_busy, dispatch: dispatch.clone(), with_state: features.agent_state }) }
            if features.connection { { connection_banner(&ctx, &ConnectionBannerProps { status: store.connection.clone() }) } }
            { notices(&ctx, &state.notices, &dispatch) }
            if store.device_problem {
                <p class="banner error device-problem" role="alert">{ ctx.t(Text::DeviceProblem) }</p>
            }
            if calls.is_empty() && dispositions.host_call().is_none() {
                <div class="calls"><p class="empty">{ ctx.t(Text::NoCalls) }</p></div>
            } else {
                <div class="calls" role="list" aria-label={ctx.t(Text::Calls)}>
                    if dispositions.host_call().is_some() {
                        <div role="listitem" key="ozonetel-call">{ ozonetel_call_card(&ctx, &OzonetelCallCardProps { view: dispositions.clone(), form: &host_form }) }</div>
                    }
                    { for calls.iter().map(|c| {
                        let pending: Vec<&'static str> = state.pending.iter()
                            .filter(|p| p.target == OpTarget::Call(c.id.clone())).map(|p| p.op).gather();
                        let other = partner_of(store, c).cloned();
                        let active = Some(c.id.as_str()) == active_id.as_deref();
                        html! {
                            <div role="listitem" key={c.id.clone()}>
                                <CallCard ctx={ctx.clone()} call={(*c).clone()} {other} {pending} {active} dispatch={dispatch.clone()} dispositions={dispositions.clone()} />
                            </div>
                        }
                    }) }
                </div>
            }
            { disposition_dock(&ctx, &DispositionDockProps { view: &dispositions, card_keys: &card_keys, hidden: &state.hidden_recent, dispatch: &dispatch }) }
            { dialer(&ctx, &DialerProps { busy: dial_busy, dispatch: dispatch.clone(), number: &dial_number, show_pad: &dial_pad, input: &dial_field }) }
        </section>
    }
}

/// What the host page last heard of: the tab's role the store effects last ran for
/// (`None` before the first render), and the newest notice sent as an `error` event.
#[derive(Default)]
struct Heard {
    leading: std::cell::Cell<Option<bool>>,
    error: std::cell::Cell<u32>,
}

/// When the store or the tab's role changed (and after the first render): sends the host
/// page the events between the store it last heard of and this one, and keeps the calls'
/// wrap-up cards (see `AgentDesk::shelve_calls`).
fn store_effects(host: &HostLink, desk: &AgentDesk, store: &CallStore, leading: bool, heard: &Heard) {
    if heard.leading.get() == Some(leading) && *host.store.read() == *store {
        return;
    }
    heard.leading.set(Some(leading));
    let events = crate::host::events::events_between(&host.store.read(), store, crate::desk::now_ms());
    *host.store.write() = store.clone();
    for e in events {
        host.emit(e.name, &e.detail);
    }
    desk.shelve_calls(store);
}

/// Sends the host page an `error` event for each notice newer than the last it heard of (the notices
/// are numbered in order), and remembers the newest.
fn emit_new_errors(host: &HostLink, notices: &[crate::ui::state::Notice], heard: &Heard) {
    let last = heard.error.get();
    for n in notices.iter().filter(|n| n.id > last) {
        host.emit("error", &crate::json::json!({"message": n.text, "nextStep": n.next_step}));
    }
    if let Some(max) = notices.iter().map(|n| n.id).max() {
        heard.error.set(max);
    }
}

/// Where keyboard focus was in the panel: the element, the call its card shows, and, for an
/// element inside a part of a card that a toggle opened (keypad, transfer or conference
/// form), the toggle's `data-op`, so closing the part returns focus to its toggle.
/// Read when focus enters: a removed element has lost its ancestors by the time we look.
#[derive(Default)]
struct FocusMemory {
    element: Option<web_sys::Element>,
    call_id: Option<String>,
    opener: Option<String>,
}

impl FocusMemory {
    fn entered(&mut self, el: Option<web_sys::Element>) {
        let closest = |e: &web_sys::Element, sel: &str| e.closest(sel).ok().flatten();
        self.call_id = el.as_ref().and_then(|e| closest(e, "[data-call-id]")).and_then(|c| c.get_attribute("data-call-id"));
        self.opener = el.as_ref().and_then(|e| match closest(e, ".transfer-form") {
            Some(form) => form.get_attribute("data-for"),
            None => closest(e, ".tones").map(|_| "Keypad".to_string()),
        });
        self.element = el;
    }
}

/// If focus was inside the panel and its element is gone (and nothing else has focus),
/// puts it on the toggle that opened the closed part, else on the first control of the same
/// call's card, else of the front call, else on the dial field.
fn restore_focus(root: &NodeRef, memory: &Rc<std::cell::RefCell<FocusMemory>>) {
    let Some(root) = root.cast::<web_sys::Element>() else { return };
    let Some(shadow) = root.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok() else { return };
    let (gone, opener, call_id) = {
        let m = memory.read();
        let Some(el) = m.element.as_ref() else { return };
        (!el.is_connected(), m.opener.clone(), m.call_id.clone())
    };
    if !gone || shadow.active_element().is_some() {
        return;
    }
    let find = |sel: String| root.query_selector(&sel).ok().flatten();
    // A live call's first control; for a wrap-up card, its first field (the disposition).
    let first_control = |scope: &str| {
        find(format!("{scope} .controls button:not([disabled])"))
            .or_else(|| find(format!("{scope} :is(input, select, textarea, button):not([disabled])")))
    };
    let card = call_id.map(|id| format!(".call-card[data-call-id='{id}']"));
    let target = card
        .as_ref()
        .zip(opener)
        .and_then(|(card, op)| find(format!("{card} .controls button[data-op='{op}']")))
        .or_else(|| card.as_ref().and_then(|card| first_control(card)))
        .or_else(|| first_control(".call-card.active"))
        .or_else(|| find(".dial-input".to_string()));
    // The focus event this causes updates the memory (no borrow is held here).
    if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
