//! DispositionPicker: how a call ends — a code picked by type-ahead (arrow keys and Enter;
//! recently used first), a comment, "pause after this call" with its reason, and a
//! callback time when the code needs one. Usable during the call (the vendor queues it and
//! applies it at hang-up) and in wrap-up, with a countdown. Once picked, the section shows
//! where the disposition is: Saving…, Queued (applies at hang-up), Saved, or Failed — why —
//! Retry. The outbox behind it never sends one pick twice.

use crate::gather::{Gather, GatherText};
use crate::desk::{CodesStatus, DispoStatus, DispositionView, EntryView};
use crate::model::{Call, DispositionChoice};
use crate::ozonetel::request::valid_callback_time;
use crate::ui::components::call_timer::Clock;
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::reason_text;

/// `YYYY-MM-DDTHH:MM` (a datetime-local value) as Ozonetel's `YYYY-MM-DD HH:MM`.
pub fn callback_value(input: &str) -> String {
    let mut date_done = false;
    let mut first_t = |c| if c == 'T' && !date_done { date_done = true; ' ' } else { c };
    input.trim().chars().take(16).map(|c| first_t(c)).gather_text()
}

/// Lower case for matching: the browser's (full Unicode, and no case tables in our wasm).
fn fold(s: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        s.to_lowercase()
    }
}

/// The codes that match `filter` (case-insensitive, anywhere in the code).
pub fn filter_codes<'a>(codes: &'a [String], filter: &str) -> Vec<&'a String> {
    let f = fold(filter.trim());
    codes.iter().filter(|c| f.is_empty() || crate::text::contains(&fold(c), &f)).gather()
}

/// An id-safe form of an outbox key, for ARIA ids inside the shadow root.
fn dom_id(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).gather_text()
}

/// What a section disposes: a call on the panel, or the host's active Ozonetel call
/// (Ozonetel dispositions beside Genesys telephony).
#[derive(Clone, PartialEq)]
pub enum DispoTarget {
    Call(Box<Call>),
    HostOzonetelCall,
}

pub struct DispositionSectionProps<'a> {
    /// The disposition runtime's latest view: the codes and the outbox's entries.
    pub view: &'a Rc<DispositionView>,
    pub target: DispoTarget,
    /// The outbox key of the call (`AgentDesk::disposition_key`, `ozonetel_key`).
    pub entry_key: String,
    /// The call is still up (a pick is queued and applies at hang-up).
    pub live: bool,
    /// End of the wrap-up window (ms), for the countdown.
    pub deadline_ms: Option<u64>,
    /// Show the form open (wrap-up); otherwise a button opens it.
    pub start_open: bool,
    /// The section's state, kept by the card it belongs to (whose effect on
    /// `shows_form` starts the form over each time the picker closes: `reset_when_closed`).
    pub form: &'a UseReducerHandle<Form>,
}

/// Whether a section shows its picker: before a pick, once the agent opened it or the call
/// ended (`start_open`); after one, while the agent changes it.
pub fn shows_form(view: &DispositionView, entry_key: &str, form: &Form, start_open: bool) -> bool {
    match view.entry(entry_key) {
        None => form.opened || start_open,
        Some(_) => form.editing,
    }
}

/// The body of the owner's effect on `shows_form`: the picker closing starts its form over,
/// so it opens empty (or, for "Change", with the pick being changed).
pub fn reset_when_closed(form: &UseReducerHandle<Form>) -> crate::ui::FlagEffect {
    let form = form.dispatcher();
    crate::ui::on_flag(move |shown| {
        if !shown {
            form.dispatch(FormAction::Reset(Form::default()));
        }
        crate::ui::nothing_to_undo()
    })
}

/// The disposition part of a call card: the status of its pick, or the picker (a view of
/// the card, which keeps its state: a component of its own cost every agent Yew's
/// lifecycle code once more).
pub fn disposition_section(ctx: &DeskContext, props: &DispositionSectionProps) -> Html {
    let view = props.view;
    let form = props.form;
    let entry = view.entry(&props.entry_key).cloned();
    let show_form = shows_form(view, &props.entry_key, form, props.start_open);
    let submit = {
        let (ctx, target, form) = (ctx.clone(), props.target.clone(), form.dispatcher());
        Callback::from(move |choice: DispositionChoice| -> Result<(), Text> {
            let result = match &target {
                DispoTarget::Call(call) => ctx.desk.dispose(call, choice),
                DispoTarget::HostOzonetelCall => match ctx.desk.dispositions() {
                    Some(d) => d.dispose_ozonetel(choice),
                    None => Err("no-answer"),
                },
            };
            match result {
                Ok(()) => {
                    form.dispatch(FormAction::Close);
                    Ok(())
                }
                Err(code) => Err(reason_text(code)),
            }
        })
    };
    let saved = entry.as_ref().is_some_and(|e| e.status == DispoStatus::Saved);
    let countdown = props.deadline_ms.filter(|_| !saved).map(|d| html! { <Clock ctx={ctx.clone()} at_ms={d} countdown=true /> });
    let head = html! {
        <div class="dispo-head">
            <h2 id={format!("dispo-h-{}", dom_id(&props.entry_key))}>{ ctx.t(Text::Disposition) }</h2>
            { countdown.unwrap_or_default() }
        </div>
    };
    let body = if show_form {
        let cancel = entry.is_some().then(|| {
            let form = form.dispatcher();
            Callback::from(move |_| form.dispatch(FormAction::Close))
        });
        disposition_picker(ctx, &DispositionPickerProps {
            view,
            entry_key: &props.entry_key,
            form,
            on_submit: submit,
            on_cancel: cancel,
            live: props.live,
        })
    } else if let Some(e) = &entry {
        let change = {
            let form = form.dispatcher();
            let start = Form { selected: Some(e.disposition.clone()), comment: e.comments.clone(), ..Form::default() };
            Callback::from(move |_| form.dispatch(FormAction::Change(start.clone())))
        };
        entry_status(ctx, &EntryStatusProps { entry: e.clone(), live: props.live, on_change: Some(change) })
    } else {
        let show = {
            let form = form.dispatcher();
            Callback::from(move |_| form.dispatch(FormAction::Open))
        };
        return html! {
            <div class="dispo dispo-closed">
                <button type="button" class="dispo-open" data-op="Disposition" onclick={show}>{ ctx.t(Text::Disposition) }{ "…" }</button>
            </div>
        };
    };
    html! {
        <section class="dispo" aria-labelledby={format!("dispo-h-{}", dom_id(&props.entry_key))}>
            { head }
            { body }
        </section>
    }
}

pub struct EntryStatusProps {
    pub entry: EntryView,
    /// The call is still up ("Change" is offered while the pick is queued).
    pub live: bool,
    /// Opens the picker again (re-pick); `None` hides "Change".
    pub on_change: Option<Callback<MouseEvent>>,
}

/// Where one disposition is: Saving…, Queued, Saved, or Failed — why — Retry (a view
/// inside a disposition section or the recent list).
pub fn entry_status(ctx: &DeskContext, props: &EntryStatusProps) -> Html {
    let e = &props.entry;
    let retry = {
        let (desk, key) = (ctx.desk.clone(), e.key.clone());
        Callback::from(move |_| {
            if let Some(d) = desk.dispositions() {
                d.retry(&key);
            }
        })
    };
    let discard = {
        let (desk, key) = (ctx.desk.clone(), e.key.clone());
        Callback::from(move |_| {
            if let Some(d) = desk.dispositions() {
                d.discard(&key);
            }
        })
    };
    let (class, label) = match e.status {
        DispoStatus::Saving => ("saving", Text::Saving),
        DispoStatus::Queued => ("queued", Text::QueuedAtHangup),
        DispoStatus::Saved => ("saved", Text::Saved),
        // Kept and retried by itself: not sent yet rather than failed.
        DispoStatus::Failed if e.retrying => ("retrying", Text::NotSentYet),
        DispoStatus::Failed => ("failed", Text::Failed),
    };
    let already = e.reason == "already-disposed";
    let can_change = match e.status {
        DispoStatus::Queued => props.live,
        DispoStatus::Failed => !already,
        _ => false,
    };
    html! {
        <div ~className={crate::ui::class_list(&[Some("dispo-status"), Some(class)])} data-status={class} role="status" aria-live="polite">
            <p class="dispo-line">
                <span class="dispo-icon" aria-hidden="true">{ match e.status {
                    DispoStatus::Saving => html! { <span class="spinner"></span> },
                    DispoStatus::Queued => html! { <span class="ring"></span> },
                    DispoStatus::Saved => html! { "✓" },
                    DispoStatus::Failed if e.retrying => html! { <span class="spinner"></span> },
                    DispoStatus::Failed => html! { "!" },
                } }</span>
                <span class="dispo-state">{ ctx.t(label) }</span>
            </p>
            <p class="dispo-detail"><span class="dispo-code">{ &e.disposition }</span></p>
            if !e.comments.is_empty() { <p class="dispo-detail dispo-comment-text">{ format!("“{}”", e.comments) }</p> }
            if e.status == DispoStatus::Failed {
                <p class="dispo-reason">
                    { ctx.t(reason_text(&e.reason)) }
                    if e.retrying { { " " }{ ctx.t(Text::RetryingSoon) } }
                </p>
            }
            if e.status == DispoStatus::Failed || can_change {
                <div class="form-actions">
                    if e.status == DispoStatus::Failed && !already {
                        <button type="button" class="retry" onclick={retry}>{ ctx.t(Text::Retry) }</button>
                    }
                    if can_change {
                        if let Some(change) = props.on_change.clone() {
                            <button type="button" class="link change" onclick={change}>{ ctx.t(Text::Change) }</button>
                        }
                    }
                    if e.status == DispoStatus::Failed {
                        <button type="button" class="link discard" onclick={discard}>{ ctx.t(Text::Discard) }</button>
                    }
                </div>
            }
        </div>
    }
}

pub struct DispositionPickerProps<'a> {
    /// The disposition runtime's latest view: the codes, their status, the recent ones.
    pub view: &'a DispositionView,
    pub entry_key: &'a str,
    /// The form's state (its card keeps it, and starts it over each time it opens).
    pub form: &'a UseReducerHandle<Form>,
    /// Sends the choice; an error is a sentence to show.
    pub on_submit: Callback<DispositionChoice, Result<(), Text>>,
    pub on_cancel: Option<Callback<MouseEvent>>,
    pub live: bool,
}

/// A disposition section's state: whether its picker is open, and the picker's form (one
/// reducer, kept by the card the section belongs to: fewer hooks, less code in every
/// agent's browser).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Form {
    /// The agent opened the picker (before a pick).
    pub opened: bool,
    /// The agent is changing a pick ("Change"; closed by Save or Cancel).
    pub editing: bool,
    pub filter: String,
    pub highlight: usize,
    pub selected: Option<String>,
    pub comment: String,
    pub pause: bool,
    pub reason: String,
    /// The datetime-local value (`YYYY-MM-DDTHH:MM`).
    pub callback: String,
    pub error: Option<Text>,
    /// Sent; waiting for the outbox to take it (no double submit).
    pub busy: bool,
}

/// A change of the form.
pub enum FormAction {
    Filter(String),
    Highlight(usize),
    Choose(String),
    Comment(String),
    Pause(bool),
    Reason(String),
    Callback(String),
    Error(Option<Text>),
    Busy(bool),
    /// The form's fields start over (the picker closed).
    Reset(Form),
    /// The agent opens the picker (before a pick).
    Open,
    /// The agent changes a pick: the form starts with it.
    Change(Form),
    /// The change is saved or cancelled.
    Close,
}

impl Reducible for Form {
    type Action = FormAction;

    fn reduce(self: Rc<Self>, action: FormAction) -> Rc<Self> {
        let mut f = (*self).clone();
        match action {
            FormAction::Filter(v) => {
                f.filter = v;
                f.highlight = 0;
            }
            FormAction::Highlight(i) => f.highlight = i,
            FormAction::Choose(code) => {
                f.selected = Some(code);
                f.error = None;
            }
            FormAction::Comment(v) => f.comment = v,
            FormAction::Pause(on) => {
                f.pause = on;
                f.error = None;
            }
            FormAction::Reason(v) => {
                f.reason = v;
                f.error = None;
            }
            FormAction::Callback(v) => {
                f.callback = v;
                f.error = None;
            }
            FormAction::Error(e) => f.error = e,
            FormAction::Busy(b) => f.busy = b,
            // Whether the picker is open is the section's, not the form's.
            FormAction::Reset(start) => f = Form { opened: f.opened, editing: f.editing, ..start },
            FormAction::Open => f.opened = true,
            FormAction::Change(start) => f = Form { opened: f.opened, editing: true, ..start },
            FormAction::Close => f.editing = false,
        }
        if f == *self {
            self
        } else {
            Rc::new(f)
        }
    }
}

impl Form {
    /// The agent's choice, or why it cannot be sent yet (checked before anything is sent).
    pub fn choice(&self, needs_callback: bool) -> Result<DispositionChoice, Text> {
        let code = self.selected.as_deref().map(str::trim).filter(|c| !c.is_empty()).ok_or(Text::PickCodeFirst)?;
        if self.pause && self.reason.trim().is_empty() {
            return Err(Text::PauseReasonRequired);
        }
        let callback_time = if needs_callback {
            let v = callback_value(&self.callback);
            if !valid_callback_time(&v) {
                return Err(Text::CallbackTimeRequired);
            }
            Some(v)
        } else {
            None
        };
        Ok(DispositionChoice {
            disposition: code.to_string(),
            comments: self.comment.trim().to_string(),
            pause_after: self.pause,
            pause_reason: self.pause.then(|| self.reason.trim().to_string()),
            callback_time,
        })
    }
}

/// The form: type-ahead code list, comment, pause after the call, callback time (a view of
/// its section, whose card keeps the form's state: a component of its own cost every agent
/// Yew's lifecycle code once more).
pub fn disposition_picker(ctx: &DeskContext, props: &DispositionPickerProps) -> Html {
    let view = props.view;
    let form = props.form.clone();
    let codes: Vec<String> = if view.codes.is_empty() {
        // No list (it could not be loaded, or there is none): what the agent types is the
        // code. While the list is on its way, nothing: Enter then would pick a half-typed
        // filter ("int") where a moment later "Interested" would be offered.
        Some(form.filter.trim().to_string())
            .filter(|f| !f.is_empty() && !matches!(view.codes_status, CodesStatus::Loading))
            .into_iter()
            .gather()
    } else {
        view.codes.clone()
    };
    let shown: Vec<String> = filter_codes(&codes, &form.filter).into_iter().cloned().gather();
    let hi = form.highlight.min(shown.len().saturating_sub(1));
    let id = dom_id(&props.entry_key);
    let listbox_id = format!("dispo-list-{id}");
    // Through `u64`'s printing, the one integer `Display` the widget carries.
    let option_id = |i: usize| format!("dispo-opt-{id}-{}", i as u64);
    let needs_callback = form.selected.as_deref().is_some_and(|c| ctx.config.needs_callback_time(c));

    // One handler for the form's fields, told apart by their class.
    let field_event = {
        let form = form.dispatcher();
        Callback::from(move |e: Event| {
            let Some(el) = e.target_dyn_into::<web_sys::Element>() else { return };
            let value = || {
                el.dyn_ref::<HtmlInputElement>()
                    .map(|i| i.value())
                    .or_else(|| el.dyn_ref::<HtmlTextAreaElement>().map(|t| t.value()))
                    .or_else(|| el.dyn_ref::<HtmlSelectElement>().map(|s| s.value()))
                    .unwrap_or_default()
            };
            let action = match el.class_name().as_str() {
                "dispo-filter" => FormAction::Filter(value()),
                "dispo-comment" => FormAction::Comment(value()),
                "dispo-pause-toggle" => {
                    FormAction::Pause(el.dyn_ref::<HtmlInputElement>().is_some_and(|i| i.checked()))
                }
                "dispo-pause-reason" => FormAction::Reason(value()),
                "dispo-callback" => FormAction::Callback(value()),
                _ => return,
            };
            form.dispatch(action);
        })
    };
    let oninput = field_event.reform(|e: InputEvent| e.into());
    let onchange = field_event;
    let onkeydown = {
        let (form, shown) = (form.dispatcher(), shown.clone());
        Callback::from(move |e: KeyboardEvent| {
            let n = shown.len();
            let to = match e.key().as_str() {
                "ArrowDown" if n > 0 => (hi + 1) % n,
                "ArrowUp" if n > 0 => (hi + n - 1) % n,
                "Home" if n > 0 => 0,
                "End" if n > 0 => n - 1,
                "Enter" => {
                    e.prevent_default();
                    if let Some(code) = shown.get(hi) {
                        form.dispatch(FormAction::Choose(code.clone()));
                    }
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            form.dispatch(FormAction::Highlight(to));
        })
    };
    let onsubmit = {
        let (form, on_submit) = (form.clone(), props.on_submit.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if form.busy {
                return;
            }
            match form.choice(needs_callback) {
                Err(text) => form.dispatch(FormAction::Error(Some(text))),
                Ok(choice) => {
                    form.dispatch(FormAction::Busy(true));
                    match on_submit.emit(choice) {
                        Ok(()) => form.dispatch(FormAction::Error(None)),
                        Err(text) => {
                            form.dispatch(FormAction::Busy(false));
                            form.dispatch(FormAction::Error(Some(text)));
                        }
                    }
                }
            }
        })
    };

    let status_line = match &view.codes_status {
        CodesStatus::Loading if view.codes.is_empty() => Some(html! {
            <p class="dispo-note"><span class="spinner" aria-hidden="true"></span>{ " " }{ ctx.t(Text::LoadingCodes) }</p>
        }),
        CodesStatus::Failed(code) if view.codes.is_empty() => {
            let reload = {
                let desk = ctx.desk.clone();
                Callback::from(move |_| {
                    if let Some(d) = desk.dispositions() {
                        d.reload_codes();
                    }
                })
            };
            Some(html! {
                <p class="dispo-note warn">
                    { ctx.t(Text::CodesUnavailable) }{ " " }{ ctx.t(reason_text(code)) }{ " " }
                    <button type="button" class="link" onclick={reload}>{ ctx.t(Text::Retry) }</button>
                </p>
            })
        }
        _ => None,
    };
    let recent = &view.recent;
    let selected = form.selected.as_deref();

    html! {
        <form class="dispo-form" {onsubmit} {oninput} {onchange} novalidate=true>
            { status_line.unwrap_or_default() }
            <div class="dispo-combo">
                <input type="text" class="dispo-filter" role="combobox" autocomplete="off" spellcheck="false"
                    aria-label={ctx.t(Text::FilterCodes)} placeholder={ctx.t(Text::FilterCodes)}
                    aria-expanded="true" aria-autocomplete="list" aria-controls={listbox_id.clone()}
                    aria-activedescendant={(!shown.is_empty()).then(|| option_id(hi))}
                    value={form.filter.clone()} {onkeydown} />
                <ul class="dispo-codes" role="listbox" id={listbox_id} aria-label={ctx.t(Text::Disposition)}>
                    if shown.is_empty() {
                        <li class="dispo-empty" role="presentation">{ ctx.t(Text::NoMatchingCodes) }</li>
                    }
                    { for shown.iter().enumerate().map(|(i, code)| {
                        let is_selected = selected == Some(code.as_str());
                        let onclick = { let (form, code) = (form.dispatcher(), code.clone()); Callback::from(move |_| form.dispatch(FormAction::Choose(code.clone()))) };
                        let onmousemove = { let form = form.dispatcher(); Callback::from(move |_: MouseEvent| if i != hi { form.dispatch(FormAction::Highlight(i)) }) };
                        html! {
                            <li id={option_id(i)} role="option" aria-selected={is_selected.to_string()}
                                ~className={crate::ui::class_list(&[Some("code"), (i == hi).then_some("active"), is_selected.then_some("selected")])}
                                data-code={code.clone()} {onclick} {onmousemove}>
                                <span class="check" aria-hidden="true">{ if is_selected { "✓" } else { "" } }</span>
                                <span class="name">{ code.clone() }</span>
                                if recent.contains(code) { <span class="tag">{ ctx.t(Text::Recent) }</span> }
                            </li>
                        }
                    }) }
                </ul>
            </div>
            <label class="field">
                <span>{ ctx.t(Text::Comment) }</span>
                <textarea class="dispo-comment" rows="2" maxlength="1000" value={form.comment.clone()} />
            </label>
            if needs_callback {
                <label class="field">
                    <span>{ ctx.t(Text::CallbackAt) }</span>
                    <input type="datetime-local" class="dispo-callback" value={form.callback.clone()} required=true />
                </label>
            }
            <div class="dispo-pause">
                <label class="check-row">
                    <input type="checkbox" class="dispo-pause-toggle" checked={form.pause} />
                    <span>{ ctx.t(Text::PauseAfterCall) }</span>
                </label>
                if form.pause {
                    <select class="dispo-pause-reason" aria-label={ctx.t(Text::PauseReason)}>
                        <option value="" selected={form.reason.is_empty()}>{ ctx.t(Text::ChooseReason) }</option>
                        { for ctx.config.pause_reason_list().iter().map(|r| html! {
                            <option value={r.clone()} selected={form.reason == *r}>{ r.clone() }</option>
                        }) }
                    </select>
                }
            </div>
            if let Some(text) = form.error {
                <p class="dispo-error" role="alert">{ ctx.t(text) }</p>
            }
            <div class="form-actions">
                <button type="submit" class="primary dispo-save" disabled={form.busy}>
                    { ctx.t(Text::SaveDisposition) }
                </button>
                if props.live { <small class="dispo-hint">{ ctx.t(Text::QueuedAtHangup) }</small> }
                if let Some(cancel) = props.on_cancel.clone() {
                    <button type="button" class="link" onclick={cancel}>{ ctx.t(Text::Cancel) }</button>
                }
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_code_has_a_sentence() {
        // Codes the cores produce map to their own sentences, unknown ones to a generic one.
        assert_eq!(reason_text("already-disposed"), Text::RsnAlreadyDisposed);
        assert_eq!(reason_text("oz:invalid-disposition"), Text::RsnInvalidDisposition);
        assert_eq!(reason_text("gws:6"), Text::RsnCallGone);
        assert_eq!(reason_text("something-new"), Text::RsnPhoneRefused);
        use crate::ozonetel::OzonetelOutcome as O;
        for o in [
            O::TokenExpired, O::TokenMissing, O::TokenInvalid, O::WrongAuthMode, O::UserNameMissing, O::InvalidUser,
            O::InvalidAction, O::InvalidAgent, O::InvalidUcid { ucid: None }, O::EmptyDisposition, O::InvalidDisposition,
            O::PauseReasonRequired, O::CallbackTimeRequired, O::AgentNotOnCall, O::Transient, O::Unknown(String::new()),
            O::AlreadyDisposed,
        ] {
            assert_ne!(reason_text(o.code()), Text::RsnPhoneRefused, "{o:?} has no sentence of its own");
        }
    }

    #[test]
    fn the_form_is_checked_before_anything_is_sent() {
        let f = Form::default();
        assert_eq!(f.choice(false), Err(Text::PickCodeFirst));
        let f = Rc::new(f).reduce(FormAction::Choose("Call Back".into()));
        assert_eq!(f.choice(true), Err(Text::CallbackTimeRequired));
        let f = f.reduce(FormAction::Callback("2030-01-31T17:30".into())).reduce(FormAction::Pause(true));
        assert_eq!(f.choice(true), Err(Text::PauseReasonRequired));
        let f = f.reduce(FormAction::Reason("Lunch".into())).reduce(FormAction::Comment(" ok ".into()));
        assert_eq!(
            f.choice(true).unwrap(),
            DispositionChoice {
                disposition: "Call Back".into(),
                comments: "ok".into(),
                pause_after: true,
                pause_reason: Some("Lunch".into()),
                callback_time: Some("2030-01-31 17:30".into()),
            }
        );
        // Typing resets the highlight; an unchanged form keeps its Rc (no render).
        let f = f.reduce(FormAction::Highlight(3)).reduce(FormAction::Filter("c".into()));
        assert_eq!(f.highlight, 0);
        let same = f.clone().reduce(FormAction::Busy(false));
        assert!(Rc::ptr_eq(&f, &same));
        // Opened again, the form starts over: empty, or with the pick being changed.
        let busy = f.reduce(FormAction::Busy(true));
        let start = Form { selected: Some("Sale".into()), comment: "later".into(), ..Form::default() };
        assert_eq!(*busy.clone().reduce(FormAction::Reset(start.clone())), start);
        assert_eq!(*busy.reduce(FormAction::Reset(Form::default())), Form::default());
    }

    #[test]
    fn the_section_opens_changes_and_closes_and_its_form_starts_over_alone() {
        let codes = Rc::new(Form::default()).reduce(FormAction::Open).reduce(FormAction::Choose("Sale".into()));
        assert!(codes.opened && !codes.editing);
        // The picker closing (its card's effect) empties the form, not the section's state.
        let closed = codes.reduce(FormAction::Reset(Form::default()));
        assert_eq!(*closed, Form { opened: true, ..Form::default() });
        // "Change" starts the form with the pick being changed; Save or Cancel closes it.
        let start = Form { selected: Some("Sale".into()), comment: "later".into(), ..Form::default() };
        let changing = closed.reduce(FormAction::Change(start.clone()));
        assert!(changing.editing && changing.opened);
        assert_eq!(changing.selected.as_deref(), Some("Sale"));
        assert_eq!(changing.comment, "later");
        assert!(!changing.reduce(FormAction::Close).editing);
    }

    #[test]
    fn filtering_and_callback_values() {
        let codes: Vec<String> = ["Interested", "Call Back", "Not Interested"].map(String::from).to_vec();
        assert_eq!(filter_codes(&codes, "inter").len(), 2);
        assert_eq!(filter_codes(&codes, " BACK ").len(), 1);
        assert_eq!(filter_codes(&codes, "").len(), 3);
        assert_eq!(callback_value("2030-01-31T17:00"), "2030-01-31 17:00");
        assert_eq!(callback_value("2030-01-31T17:00:30"), "2030-01-31 17:00");
        assert!(valid_callback_time(&callback_value("2030-01-31T17:00")));
    }
}
