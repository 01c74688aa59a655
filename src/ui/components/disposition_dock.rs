//! DispositionDock: the disposition parts of the panel that are not a Genesys call card —
//! the card of the host's active Ozonetel call (with its picker and wrap-up countdown), the
//! simulator-key warning, and a short list of recent dispositions whose call card is gone
//! (after hang-up, after a reload) with their status and Retry.

use crate::gather::Gather;
use crate::desk::{ozonetel_key, DispoStatus, DispositionView};
use crate::ui::components::disposition_picker::{disposition_section, entry_status, shows_form, DispoTarget, DispositionSectionProps, EntryStatusProps, Form};
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use crate::ui::state::PanelAction;
use std::rc::Rc;
use yew::prelude::*;

/// Saved entries stay in the recent list this long.
const RECENT_SAVED_MS: u64 = 10 * 60_000;
const RECENT_MAX: usize = 4;

pub struct OzonetelCallCardProps<'a> {
    pub view: Rc<DispositionView>,
    /// Its disposition section's state, kept by the panel.
    pub form: &'a UseReducerHandle<Form>,
}

/// Whether the host's Ozonetel call's section shows its picker (for the panel's effect that
/// starts the form over when it closes: see `disposition_picker::reset_when_closed`).
pub fn ozonetel_form_shown(view: &DispositionView, form: &Form) -> bool {
    view.host_call().is_some_and(|call| shows_form(view, &ozonetel_key(&call.ucid), form, true))
}

/// The host's active Ozonetel call: who, its state, and its disposition (a view of the
/// panel, which keeps its disposition section's state).
pub fn ozonetel_call_card(ctx: &DeskContext, props: &OzonetelCallCardProps) -> Html {
    let Some(call) = props.view.host_call().cloned() else { return html! {} };
    let key = ozonetel_key(&call.ucid);
    let entry = props.view.entry(&key);
    let ended = call.ended_at_ms.is_some();
    let deadline = call.ended_at_ms.map(|t| t + props.view.wrap_up_secs * 1000).filter(|_| props.view.wrap_up_secs > 0);
    let state = if !ended {
        Text::OnCall
    } else if entry.is_some_and(|e| e.status == DispoStatus::Saved) {
        Text::CallEnded
    } else {
        Text::WrapUp
    };
    let done = {
        let desk = ctx.desk.clone();
        Callback::from(move |_| {
            let _ = desk.set_page_call(None);
        })
    };
    let title = if call.caller_id.is_empty() { call.ucid.clone() } else { call.caller_id.clone() };
    let finished = ended && entry.is_some_and(|e| e.status == DispoStatus::Saved || (e.status == DispoStatus::Failed && !e.retrying));
    html! {
        <article ~className={crate::ui::class_list(&[Some("call-card oz-call active"), ended.then_some("wrap-up")])} data-ucid={call.ucid.clone()}
            aria-label={format!("{}, {}, {}", ctx.t(Text::OzonetelCall), title, ctx.t(state))}>
            <header class="call-head">
                <span class="kind">{ ctx.t(Text::OzonetelCall) }</span>
                <span class="call-state">{ ctx.t(state) }</span>
            </header>
            <div class="party">{ title }</div>
            <dl class="user-data">
                <dt>{ "UCID" }</dt><dd>{ call.ucid.clone() }</dd>
                if !call.did.is_empty() { <dt>{ "DID" }</dt><dd>{ call.did.clone() }</dd> }
            </dl>
            { disposition_section(ctx, &DispositionSectionProps {
                view: &props.view,
                target: DispoTarget::HostOzonetelCall,
                entry_key: key,
                live: !ended,
                deadline_ms: deadline,
                start_open: true,
                form: props.form,
            }) }
            if finished {
                <div class="controls"><button type="button" class="op done" onclick={done}>{ ctx.t(Text::Done) }</button></div>
            }
        </article>
    }
}

pub struct DispositionDockProps<'a> {
    pub view: &'a Rc<DispositionView>,
    /// Outbox keys that a call card shows already.
    pub card_keys: &'a [String],
    /// Saved entries the agent closed (the panel's state keeps the list).
    pub hidden: &'a [String],
    pub dispatch: &'a Callback<PanelAction>,
}

/// The simulator warning and the recent dispositions whose card is gone (a view of the
/// panel: a component of its own cost every agent Yew's lifecycle code once more).
pub fn disposition_dock(ctx: &DeskContext, props: &DispositionDockProps) -> Html {
    let hidden = props.hidden;
    let dispatch = props.dispatch;
    let now = js_sys::Date::now() as u64;
    let oz_key = props.view.host_call().map(|c| ozonetel_key(&c.ucid));
    let items: Vec<_> = props
        .view
        .entries
        .iter()
        .filter(|e| !props.card_keys.contains(&e.key) && oz_key.as_deref() != Some(e.key.as_str()))
        .filter(|e| !hidden.contains(&e.key))
        .filter(|e| e.status != DispoStatus::Saved || now.saturating_sub(e.settled_at_ms) < RECENT_SAVED_MS)
        .take(RECENT_MAX)
        .cloned()
        .gather();
    let warning = props.view.simulator_key.then(|| {
        html! { <p class="banner warn sim-key" role="note">{ ctx.t(Text::SimulatorKey) }</p> }
    });
    if items.is_empty() {
        return warning.unwrap_or_default();
    }
    html! {
        <>
            { warning.unwrap_or_default() }
            <section class="dispo-recent" aria-label={ctx.t(Text::Dispositions)}>
                <h2>{ ctx.t(Text::Dispositions) }</h2>
                <ul>
                    { for items.iter().map(|e| {
                        let close = (e.status == DispoStatus::Saved).then(|| {
                            let (dispatch, key) = (dispatch.clone(), e.key.clone());
                            Callback::from(move |_| dispatch.emit(PanelAction::HideRecent(key.clone())))
                        });
                        html! {
                            <li key={e.key.clone()} data-key={e.key.clone()}>
                                <div class="recent-head">
                                    <span class="recent-who">{ e.label.clone() }</span>
                                    if let Some(close) = close {
                                        <button type="button" class="icon" aria-label={ctx.t(Text::Dismiss)} title={ctx.t(Text::Dismiss)} onclick={close}>{ "×" }</button>
                                    }
                                </div>
                                { entry_status(ctx, &EntryStatusProps { entry: e.clone(), live: false, on_change: None }) }
                            </li>
                        }
                    }) }
                </ul>
            </section>
        </>
    }
}
