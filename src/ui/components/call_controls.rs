//! CallControls: the buttons of one call, exactly those its `capabilities` allow now
//! (principle 3). Each shows progress from the click until the call's next notification.

use crate::model::CallOperation;
use crate::model::{Call, CallState, Capability};
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use yew::prelude::*;

/// The part of a card a control opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardPanel {
    None,
    Keypad,
    Transfer,
    Conference,
}

impl CardPanel {
    /// Its name in the DOM (`data-op` of the control that opens it).
    pub fn name(self) -> &'static str {
        match self {
            CardPanel::None => "None",
            CardPanel::Keypad => "Keypad",
            CardPanel::Transfer => "Transfer",
            CardPanel::Conference => "Conference",
        }
    }
}

pub struct CallControlsProps {
    pub call: Call,
    /// The call's partner for CompleteTransfer/CompleteConference/SwapCalls/Merge.
    pub other: Option<Call>,
    /// Operation names in flight on this call.
    pub pending: Vec<&'static str>,
    pub open: CardPanel,
    pub on_open: Callback<CardPanel>,
}

/// The call's buttons (a view inside its card).
pub fn call_controls(ctx: &DeskContext, props: &CallControlsProps) -> Html {
    let call = &props.call;
    let busy = |op: &str| props.pending.contains(&op);

    let op_button = |text: Text, class: &'static str, op: CallOperation| -> Html {
        if !call.can(op.capability()) {
            return html! {};
        }
        let name = op.name();
        let pending = busy(name);
        // While it waits, the control stays focusable (a keyboard user keeps their place)
        // but says it is busy and ignores presses.
        let onclick = {
            let (desk, id) = (ctx.desk.clone(), call.id.clone());
            Callback::from(move |_| {
                if !pending {
                    desk.call_op(&id, op.clone())
                }
            })
        };
        html! {
            <button type="button" ~className={crate::ui::class_list(&[Some("op"), Some(class)])} data-op={name}
                aria-disabled={pending.then_some("true")} aria-busy={pending.to_string()} {onclick}>
                if pending { <span class="spinner" aria-hidden="true"></span> }
                { ctx.t(text) }
            </button>
        }
    };
    let toggle = |panel: CardPanel, text: Text, shown: bool| -> Html {
        if !shown {
            return html! {};
        }
        let open = props.open == panel;
        let on_open = props.on_open.clone();
        let onclick = Callback::from(move |_| on_open.emit(if open { CardPanel::None } else { panel }));
        html! {
            <button type="button" class="op toggle" aria-expanded={open.to_string()} data-op={panel.name()} {onclick}>
                { ctx.t(text) }
            </button>
        }
    };
    let other_uri = props.other.as_ref().map(|o| o.uri.clone());
    let with_other = |text: Text, make: fn(String) -> CallOperation| -> Html {
        match &other_uri {
            Some(uri) if !uri.is_empty() => op_button(text, "", make(uri.clone())),
            _ => html! {},
        }
    };

    html! {
        <div class="controls" role="group" aria-label={format!("{}: {}", ctx.t(Text::CallControls), call.title())}>
            { op_button(Text::Answer, "answer", CallOperation::Answer) }
            // A ringing call is declined with ClearCall where the server offers it (real GWS
            // servers list ClearCall, not Hangup, while a call rings).
            if call.state == CallState::Ringing && !call.can(Capability::Hangup) {
                { op_button(Text::Decline, "decline", CallOperation::ClearCall) }
            }
            { op_button(Text::Retrieve, "", CallOperation::Retrieve) }
            { op_button(Text::Hold, "", CallOperation::Hold) }
            { op_button(Text::Mute, "", CallOperation::MuteCall) }
            { op_button(Text::Unmute, "", CallOperation::UnmuteCall) }
            { toggle(CardPanel::Keypad, Text::Keypad, call.can(Capability::SendDtmf)) }
            { toggle(CardPanel::Transfer, Text::Transfer, call.can(Capability::SingleStepTransfer) || call.can(Capability::InitiateTransfer)) }
            { toggle(CardPanel::Conference, Text::Conference, call.can(Capability::SingleStepConference) || call.can(Capability::InitiateConference)) }
            { with_other(Text::CompleteTransfer, |uri| CallOperation::CompleteTransfer { consult_call_uri: Some(uri) }) }
            { with_other(Text::CompleteConference, |uri| CallOperation::CompleteConference { consult_call_uri: uri }) }
            { with_other(Text::SwapCalls, |uri| CallOperation::SwapCalls { other_call_uri: uri }) }
            { with_other(Text::MergeCalls, |uri| CallOperation::MergeWithOtherCall { other_call_uri: uri }) }
            { op_button(Text::Hangup, "hangup", CallOperation::Hangup) }
        </div>
    }
}
