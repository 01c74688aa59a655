//! ConnectionBanner: tells the agent when the link to the phone system is not healthy,
//! and offers the way back when it cannot recover by itself.

use crate::model::ConnectionStatus;
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use yew::prelude::*;

pub struct ConnectionBannerProps {
    pub status: ConnectionStatus,
}

/// The banner for the link's status (a view of the panel).
pub fn connection_banner(ctx: &DeskContext, props: &ConnectionBannerProps) -> Html {
    let reconnect = {
        let desk = ctx.desk.clone();
        Callback::from(move |_| desk.reconnect())
    };
    match &props.status {
        ConnectionStatus::Connected => html! {},
        ConnectionStatus::Connecting => html! {
            <div class="banner info" role="status" data-connection="connecting">{ ctx.t(Text::Connecting) }</div>
        },
        ConnectionStatus::Reconnecting { attempt, next_retry_ms } => html! {
            <div class="banner warn" role="status" data-connection="reconnecting" data-attempt={u64::from(*attempt).to_string()}>
                <span class="spinner" aria-hidden="true"></span>
                { ctx.t(Text::Reconnecting) }
                <small>{ format!(" · {} {} s", ctx.t(Text::NextTryIn), next_retry_ms.div_ceil(1000)) }</small>
            </div>
        },
        ConnectionStatus::Stopped { .. } => html! {
            <div class="banner error" role="alert" data-connection="stopped">
                { ctx.t(Text::Disconnected) }
                <button type="button" class="link" onclick={reconnect}>{ ctx.t(Text::Reconnect) }</button>
            </div>
        },
        ConnectionStatus::SessionNotKept => html! {
            <div class="banner error" role="alert" data-connection="session-not-kept">
                { ctx.t(Text::SessionNotKept) }
                <button type="button" class="link" onclick={reconnect.clone()}>{ ctx.t(Text::Reconnect) }</button>
            </div>
        },
        ConnectionStatus::SessionExpired => html! {
            <div class="banner error" role="alert" data-connection="session-expired">
                { ctx.t(Text::SessionEnded) }
                <button type="button" class="link" onclick={reconnect}>{ ctx.t(Text::SignInAgain) }</button>
            </div>
        },
    }
}
