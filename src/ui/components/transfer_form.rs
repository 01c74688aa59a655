//! TransferForm: where to transfer or conference a call, and how — at once (single step)
//! or after talking to the other party first (consult). Offers only what the call allows.

use crate::model::CallOperation;
use crate::model::{Call, Capability};
use crate::ui::components::dialer::dialable;
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use crate::ui::state::PanelAction;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Transfer,
    Conference,
}

pub struct TransferFormProps<'a> {
    pub ctx: &'a DeskContext,
    pub call: &'a Call,
    pub mode: Mode,
    pub on_close: Callback<()>,
    pub dispatch: Callback<PanelAction>,
    /// The number typed so far (the card keeps it while the form is open).
    pub destination: &'a UseStateHandle<String>,
    /// The number's field: the card focuses it when the form opens.
    pub input: &'a NodeRef,
}

/// The form (a view of the call card, which keeps its state: a component of its own cost
/// every agent Yew's lifecycle code once more).
pub fn transfer_form(props: &TransferFormProps) -> Html {
    let (ctx, destination, input) = (props.ctx, props.destination, props.input.clone());
    let (single_cap, consult_cap, label, single_text, form_name) = match props.mode {
        Mode::Transfer => (Capability::SingleStepTransfer, Capability::InitiateTransfer, Text::TransferTo, Text::TransferNow, Text::TransferForm),
        Mode::Conference => (Capability::SingleStepConference, Capability::InitiateConference, Text::ConferenceWith, Text::AddNow, Text::ConferenceForm),
    };
    let submit = |consult: bool| {
        let (ctx, destination, call_id, mode, on_close, dispatch) =
            (ctx.clone(), destination.clone(), props.call.id.clone(), props.mode, props.on_close.clone(), props.dispatch.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            let Some(number) = dialable(&destination).filter(|n| !n.is_empty()) else {
                dispatch.emit(PanelAction::Notify { text: ctx.t(Text::EnterNumber).into(), next_step: ctx.t(Text::OnlyDigits).into() });
                return;
            };
            let op = match (mode, consult) {
                (Mode::Transfer, false) => CallOperation::SingleStepTransfer { destination: number },
                (Mode::Transfer, true) => CallOperation::InitiateTransfer { destination: number, location: None, user_data: None },
                (Mode::Conference, false) => CallOperation::SingleStepConference { destination: number },
                (Mode::Conference, true) => CallOperation::InitiateConference { destination: number, location: None, user_data: None },
            };
            ctx.desk.call_op(&call_id, op);
            on_close.emit(());
        })
    };
    let oninput = {
        let destination = destination.clone();
        Callback::from(move |e: InputEvent| destination.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onkeydown = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    let cancel = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <form class="transfer-form" data-for={match props.mode { Mode::Transfer => "Transfer", Mode::Conference => "Conference" }} aria-label={ctx.t(form_name)} {onkeydown} onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label>
                <span>{ ctx.t(label) }</span>
                <input ref={input} type="tel" inputmode="tel" autocomplete="off" class="destination" value={(**destination).clone()} {oninput} />
            </label>
            <div class="form-actions">
                if props.call.can(single_cap.clone()) {
                    <button type="submit" class="primary" data-op={single_cap.name().to_string()} onclick={submit(false)}>{ ctx.t(single_text) }</button>
                }
                if props.call.can(consult_cap.clone()) {
                    <button type="button" data-op={consult_cap.name().to_string()} onclick={submit(true)}>{ ctx.t(Text::ConsultFirst) }</button>
                }
                <button type="button" class="link" onclick={cancel}>{ ctx.t(Text::Cancel) }</button>
            </div>
        </form>
    }
}
