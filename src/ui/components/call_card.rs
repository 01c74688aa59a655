//! CallCard: one call — who, which way, its state, a live timer, the configured userData,
//! the conference participants, and its controls. A released call that still needs a
//! disposition shows as a wrap-up card. Where the panel records its calls' dispositions, a connected call and a
//! wrap-up card carry the disposition picker (queued during the call, with the wrap-up
//! countdown after it).

use crate::gather::Gather;
use crate::config::{DispositionVendor, TelephonyVendor};
use crate::model::{Call, CallKind, CallOperation, CallState, Capability, StoreAction};
use crate::ui::components::call_controls::{call_controls, CallControlsProps, CardPanel};
use crate::ui::components::call_timer::Clock;
use crate::ui::components::disposition_picker::{disposition_section, reset_when_closed, shows_form, DispoTarget, DispositionSectionProps, Form};
use crate::ui::components::keypad::{keypad, KeypadProps};
use crate::ui::components::transfer_form::{transfer_form, Mode, TransferFormProps};
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use crate::ui::state::PanelAction;
use crate::json::Value;
use crate::desk::DispositionView;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CallCardProps {
    /// What the panel's views reach: the desk, the language, the configuration (a
    /// property, not a Yew context: one component type and one hook less in every build).
    pub ctx: DeskContext,
    pub call: Call,
    pub other: Option<Call>,
    pub pending: Vec<&'static str>,
    pub active: bool,
    pub dispatch: Callback<PanelAction>,
    /// The disposition runtime's latest view (for the card's disposition section).
    pub dispositions: Rc<DispositionView>,
}

pub fn kind_text(kind: &CallKind) -> Option<Text> {
    match kind {
        CallKind::Inbound => Some(Text::Inbound),
        CallKind::Outbound => Some(Text::Outbound),
        CallKind::Internal => Some(Text::Internal),
        CallKind::Consult => Some(Text::Consult),
        CallKind::Other(_) => None,
    }
}

pub fn state_text(state: &CallState) -> Option<Text> {
    match state {
        CallState::Dialing => Some(Text::Dialing),
        CallState::Ringing => Some(Text::Ringing),
        CallState::Established => Some(Text::Established),
        CallState::Held => Some(Text::Held),
        CallState::Released => Some(Text::Released),
        CallState::Other(_) => None,
    }
}

/// A userData value by key: the key as it is, else a dotted path into nested objects
/// (`WWE_PARTY_5005.firstname`).
pub fn user_data_value<'a>(data: &'a crate::json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    data.get(key).or_else(|| {
        let mut parts = crate::text::parts(key, b'.');
        let first = data.get(parts.next()?)?;
        parts.try_fold(first, |v, part| v.get(part))
    })
}

/// A userData value as the agent reads it: text for a plain value, a small nested list for
/// an object (never raw JSON), items joined for a list.
fn value_view(v: &Value, depth: u8) -> Html {
    match v {
        Value::String(s) => html! { { s.clone() } },
        Value::Null => html! {},
        Value::Bool(_) | Value::Number(_) => html! { { v.to_string() } },
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let text: Vec<String> = items.iter().map(|i| match i { Value::String(s) => s.clone(), o => o.to_string() }).gather();
            html! { { text.join(", ") } }
        }
        Value::Array(items) if depth < 3 => html! {
            <ul class="nested">{ for items.iter().map(|i| html! { <li>{ value_view(i, depth + 1) }</li> }) }</ul>
        },
        Value::Object(map) if depth < 3 => html! {
            <dl class="nested">
                { for map.iter().map(|(k, v)| html! { <><dt>{ k.clone() }</dt><dd>{ value_view(v, depth + 1) }</dd></> }) }
            </dl>
        },
        _ => html! { { "…" } },
    }
}

#[function_component(CallCard)]
pub fn call_card(props: &CallCardProps) -> Html {
    let ctx = props.ctx.clone();
    let open = use_state(|| CardPanel::None);
    let tones = use_state(String::new);
    let call = &props.call;
    // The transfer or conference form's number and field (its view keeps no state). The
    // form shows while the call can still be transferred (or conferenced): a call that
    // ends with it open loses it.
    let destination = use_state(String::new);
    let destination_field = use_node_ref();
    let form_mode = match *open {
        CardPanel::Transfer if call.can(Capability::SingleStepTransfer) || call.can(Capability::InitiateTransfer) => Some(Mode::Transfer),
        CardPanel::Conference if call.can(Capability::SingleStepConference) || call.can(Capability::InitiateConference) => Some(Mode::Conference),
        _ => None,
    };
    {
        // The form opening puts the caret in its field; closed, it forgets the number.
        let (field, destination) = (destination_field.clone(), destination.clone());
        let form_open = form_mode.is_some();
        use_effect_with(form_open, crate::ui::on_flag(move |form_open| {
            if form_open {
                if let Some(el) = field.cast::<web_sys::HtmlInputElement>() {
                    let _ = el.focus();
                }
            } else if !destination.is_empty() {
                destination.set(String::new());
            }
            crate::ui::nothing_to_undo()
        }));
    }

    // The disposition section's state (see `disposition_section`). Where the vendor records
    // dispositions for the panel's calls (Genesys with Genesys telephony, Ozonetel with
    // Ozonetel telephony), a connected call (queued until hang-up) and its wrap-up card
    // carry one.
    let dispo_form = use_reducer(Form::default);
    let cards_dispose = ctx.config.vendor() == DispositionVendor::Genesys || ctx.config.telephony() == TelephonyVendor::Ozonetel;
    let disposable = cards_dispose
        && !call.is_consult()
        && (call.in_wrap_up() || matches!(call.state, CallState::Established | CallState::Held));
    let dispo_key = ctx.desk.disposition_key(call);
    let dispo_shown = disposable && shows_form(&props.dispositions, &dispo_key, &dispo_form, call.in_wrap_up());
    use_effect_with(dispo_shown, reset_when_closed(&dispo_form));

    let kind = kind_text(&call.kind).map(|t| ctx.t(t).to_string()).unwrap_or_else(|| call.kind.as_str().to_string());
    let state = if call.in_wrap_up() {
        ctx.t(Text::WrapUp).to_string()
    } else {
        state_text(&call.state).map(|t| ctx.t(t).to_string()).unwrap_or_else(|| call.state.as_str().to_string())
    };
    let since = call.started_at_ms.unwrap_or(call.updated_at_ms.saturating_sub(call.duration_s.unwrap_or(0) * 1000));
    let running = matches!(call.state, CallState::Established | CallState::Held | CallState::Dialing | CallState::Ringing);

    let keys = &ctx.config.user_data_keys;
    let user_data: Vec<(String, Html)> = if keys.is_empty() {
        call.user_data.iter().take(8).map(|(k, v)| (k.clone(), value_view(v, 0))).gather()
    } else {
        keys.iter().filter_map(|k| user_data_value(&call.user_data, k).map(|v| (k.clone(), value_view(v, 0)))).gather()
    };

    let on_open = {
        let (open, tones) = (open.clone(), tones.clone());
        Callback::from(move |p: CardPanel| {
            open.set(p);
            tones.set(String::new());
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_| open.set(CardPanel::None))
    };
    let on_tone = {
        let (desk, id, tones) = (ctx.desk.clone(), call.id.clone(), tones.clone());
        Callback::from(move |k: char| {
            desk.call_op(&id, CallOperation::SendDtmf { digits: k.to_string() });
            // Pushed, not formatted: a `char`'s `Display` is code of its own.
            let mut sent = (*tones).clone();
            sent.push(k);
            tones.set(sent);
        })
    };
    let select = {
        let (dispatch, id) = (props.dispatch.clone(), call.id.clone());
        Callback::from(move |_| dispatch.emit(PanelAction::Store(StoreAction::Select(id.clone()))))
    };
    let dismiss = {
        let (dispatch, id) = (props.dispatch.clone(), call.id.clone());
        Callback::from(move |_| dispatch.emit(PanelAction::Store(StoreAction::Dismiss(id.clone()))))
    };
    // Operations on calls are Genesys's: a build without it has none of their views.
    let operations = TelephonyVendor::Genesys.built();
    let state_class = call.state.as_str().to_ascii_lowercase();
    let label = format!("{kind}, {}, {state}", call.title());

    html! {
        <article ~className={crate::ui::class_list(&[Some("call-card"), Some(&state_class), props.active.then_some("active"), call.in_wrap_up().then_some("wrap-up")])}
            aria-label={label} data-call-id={call.id.clone()} data-state={call.state.as_str().to_string()}>
            <header class="call-head">
                <span class="kind">{ kind }</span>
                <span class="call-state">{ state }</span>
                if call.muted { <span class="badge">{ ctx.t(Text::Muted) }</span> }
                if running { <Clock ctx={ctx.clone()} at_ms={since} running={call.state != CallState::Held} /> }
            </header>
            <div class="party">{ call.title().to_string() }</div>
            if !user_data.is_empty() {
                <dl class="user-data">
                    { for user_data.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                </dl>
            }
            if operations && call.parties.len() > 1 {
                <section class="participants" aria-label={ctx.t(Text::Participants)}>
                    <h2>{ ctx.t(Text::Participants) }</h2>
                    <ul>
                        { for call.parties.iter().map(|p| {
                            let remove = {
                                let (desk, id, number) = (ctx.desk.clone(), call.id.clone(), p.number.clone());
                                Callback::from(move |_| desk.call_op(&id, CallOperation::RemoveParticipantFromConference { participant: number.clone() }))
                            };
                            html! {
                                <li>
                                    <span>{ p.label().to_string() }</span>
                                    if call.can(Capability::RemoveParticipantFromConference) {
                                        <button type="button" class="link" aria-label={format!("{} {}", ctx.t(Text::Remove), p.label())} onclick={remove}>{ ctx.t(Text::Remove) }</button>
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                </section>
            }
            if call.in_wrap_up() {
                if !disposable {
                    <div class="controls">
                        <button type="button" class="op" onclick={dismiss.clone()}>{ ctx.t(Text::Dismiss) }</button>
                    </div>
                }
            } else {
                if !props.active { <button type="button" class="link show-call" onclick={select}>{ ctx.t(Text::ShowCall) }</button> }
                if operations { { call_controls(&ctx, &CallControlsProps { call: call.clone(), other: props.other.clone(), pending: props.pending.clone(), open: *open, on_open }) } }
            }
            { match *open {
                _ if !operations => html! {},
                CardPanel::Keypad if call.can(Capability::SendDtmf) => html! {
                    <div class="tones">
                        { keypad(&KeypadProps { on_key: on_tone, label: ctx.t(Text::Keypad).into(), disabled: false }) }
                        if !tones.is_empty() { <p class="sent">{ format!("{}: {}", ctx.t(Text::TonesSent), *tones) }</p> }
                    </div>
                },
                _ => match form_mode {
                    Some(mode) => transfer_form(&TransferFormProps {
                        ctx: &ctx,
                        call,
                        mode,
                        on_close: close.clone(),
                        dispatch: props.dispatch.clone(),
                        destination: &destination,
                        input: &destination_field,
                    }),
                    None => html! {},
                },
            } }
            if disposable {
                { disposition_section(&ctx, &DispositionSectionProps {
                    view: &props.dispositions,
                    target: DispoTarget::Call(Box::new(call.clone())),
                    entry_key: dispo_key,
                    live: !call.state.is_released(),
                    deadline_ms: call.wrap_up.as_ref().and_then(|w| w.deadline_ms),
                    start_open: call.in_wrap_up(),
                    form: &dispo_form,
                }) }
            }
            if disposable && call.in_wrap_up() {
                <button type="button" class="link dismiss-card" onclick={dismiss}>{ ctx.t(Text::Dismiss) }</button>
            }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::user_data_value;
    use crate::json::json;

    #[test]
    fn a_user_data_key_can_name_a_nested_value() {
        let data: crate::json::Map<String, crate::json::Value> = crate::json::from_value(json!({
            "AccountNumber": "A-1",
            "WWE_PARTY_5005": {"firstname": "Ava", "lastname": "Patel"},
            "a.b": "dotted key",
        }))
        .unwrap();
        assert_eq!(user_data_value(&data, "AccountNumber"), Some(&json!("A-1")));
        assert_eq!(user_data_value(&data, "WWE_PARTY_5005.firstname"), Some(&json!("Ava")));
        assert_eq!(user_data_value(&data, "WWE_PARTY_5005"), Some(&json!({"firstname": "Ava", "lastname": "Patel"})));
        assert_eq!(user_data_value(&data, "a.b"), Some(&json!("dotted key")), "a key with a dot is itself first");
        assert_eq!(user_data_value(&data, "WWE_PARTY_5005.middle"), None);
        assert_eq!(user_data_value(&data, "Nope.x"), None);
    }
}
