//! AgentBar: who is signed in, on which extension, and their state — Ready, Not Ready
//! with a reason, or After Call Work — changed from one select.

use crate::model::AgentStateOperation;
use crate::model::{AgentIdentity, AgentState};
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use crate::ui::state::PanelAction;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

pub struct AgentBarProps {
    pub agent: AgentIdentity,
    pub state: AgentState,
    pub busy: bool,
    pub dispatch: Callback<PanelAction>,
    /// The telephony offers the agent's state here (Genesys); otherwise the bar names the
    /// agent only (Ozonetel: the state lives in the CloudAgent toolbar).
    pub with_state: bool,
}

/// The select's value for a state: `ready`, `acw`, `nr`, `nr:<reason>`, or `other`.
pub fn state_key(state: &AgentState) -> String {
    match state {
        AgentState::Ready => "ready".into(),
        AgentState::AfterCallWork => "acw".into(),
        AgentState::NotReady { reason: Some(r) } if !r.trim().is_empty() => format!("nr:{}", r.trim()),
        AgentState::NotReady { .. } => "nr".into(),
        _ => "other".into(),
    }
}

/// The operation a select value asks for.
pub fn operation_for(key: &str) -> Option<AgentStateOperation> {
    match key {
        "ready" => Some(AgentStateOperation::Ready),
        "acw" => Some(AgentStateOperation::AfterCallWork { wrap_up_time: None }),
        "nr" => Some(AgentStateOperation::NotReady { reason_code: None }),
        k => k.strip_prefix("nr:").map(|r| AgentStateOperation::NotReady { reason_code: Some(r.to_string()) }),
    }
}

fn state_class(state: &AgentState) -> &'static str {
    match state {
        AgentState::Ready => "ready",
        AgentState::NotReady { .. } => "not-ready",
        AgentState::AfterCallWork => "acw",
        _ => "other",
    }
}

/// The agent's bar (a view of the panel).
pub fn agent_bar(ctx: &DeskContext, props: &AgentBarProps) -> Html {
    let current = state_key(&props.state);
    let onchange = {
        let (ctx, dispatch, current) = (ctx.clone(), props.dispatch.clone(), current.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if select.value() == "logout" {
                // Sign out is an action, not a state: the select goes back to the state.
                select.set_value(&current);
                if !ctx.desk.sign_out() {
                    dispatch.emit(PanelAction::Notify {
                        text: ctx.t(Text::OtherTabsOpen).into(),
                        next_step: ctx.t(Text::CloseOtherTabs).into(),
                    });
                }
            } else if let Some(op) = operation_for(&select.value()) {
                ctx.desk.set_agent_state(op);
            }
        })
    };
    let mut reasons: Vec<String> = ctx.config.not_ready_reasons.clone();
    if let AgentState::NotReady { reason: Some(r) } = &props.state {
        if !r.trim().is_empty() && !reasons.iter().any(|x| x == r.trim()) {
            reasons.push(r.trim().to_string());
        }
    }
    let option = |value: String, label: String| {
        let selected = value == current;
        html! { <option value={value} {selected}>{ label }</option> }
    };
    if !props.with_state {
        return html! {
            <header class="agent-bar">
                <div class="who">
                    <span class="agent-name">{ props.agent.display_name.clone() }</span>
                    if props.agent.display_name != props.agent.user_id {
                        <span class="agent-dn">{ format!("{} {}", ctx.t(Text::AgentId), props.agent.user_id) }</span>
                    }
                </div>
            </header>
        };
    }
    html! {
        <header class="agent-bar">
            <span ~className={crate::ui::class_list(&[Some("presence"), Some(state_class(&props.state))])} aria-hidden="true"></span>
            <div class="who">
                if props.agent.display_name.is_empty() {
                    <span class="agent-name placeholder" aria-hidden="true"></span>
                } else {
                    <span class="agent-name">{ props.agent.display_name.clone() }</span>
                }
                if !props.agent.dn.is_empty() { <span class="agent-dn">{ format!("{} {}", ctx.t(Text::Extension), props.agent.dn) }</span> }
            </div>
            <label class="state-select">
                <span class="visually-hidden">{ ctx.t(Text::YourStatus) }</span>
                <select class="agent-state" {onchange} aria-busy={props.busy.to_string()}>
                    if current == "other" {
                        <option value="other" selected=true>{
                            match &props.state {
                                AgentState::LoggedOut => ctx.t(Text::LoggedOut).to_string(),
                                // Real servers say LoggedIn between the session's start and Ready.
                                AgentState::Other(s) if s.eq_ignore_ascii_case("LoggedIn") => ctx.t(Text::SignedInNotReady).to_string(),
                                other => other.label(),
                            }
                        }</option>
                    }
                    { option("ready".into(), ctx.t(Text::Ready).into()) }
                    { option("nr".into(), ctx.t(Text::NotReady).into()) }
                    { for reasons.iter().map(|r| option(format!("nr:{r}"), format!("{} – {r}", ctx.t(Text::NotReady)))) }
                    { option("acw".into(), ctx.t(Text::AfterCallWork).into()) }
                    <option value="logout">{ ctx.t(Text::SignOut) }</option>
                </select>
            </label>
            if props.busy { <span class="spinner state-busy" aria-hidden="true"></span> }
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_values_round_trip_to_operations() {
        for state in [
            AgentState::Ready,
            AgentState::AfterCallWork,
            AgentState::NotReady { reason: None },
            AgentState::NotReady { reason: Some("Lunch".into()) },
        ] {
            let key = state_key(&state);
            assert!(operation_for(&key).is_some(), "{key}");
        }
        assert_eq!(
            operation_for("nr:Lunch"),
            Some(AgentStateOperation::NotReady { reason_code: Some("Lunch".into()) })
        );
        assert_eq!(operation_for("other"), None);
    }
}
