//! App: the widget's root component. Reads who the agent is, then shows the panel.

use crate::config::WidgetConfig;
use crate::net::{self, HttpRequest};
use crate::ui::i18n::{Lang, Text};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Rc<WidgetConfig>,
    pub lang: Lang,
}

/// Who is signed in, as read from `GET /api/v2/me`.
#[derive(Clone, PartialEq)]
enum Agent {
    Loading,
    Known { name: String, state: String },
    Unreachable(String),
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let agent = use_state(|| Agent::Loading);
    {
        let agent = agent.clone();
        let config = props.config.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                agent.set(read_agent(&config).await);
            });
        });
    }
    let lang = props.lang;
    let body = match &*agent {
        Agent::Loading => html! { <p class="status" role="status">{ Text::Connecting.in_(lang) }</p> },
        Agent::Known { name, state } => html! {
            <div class="agent" role="status">
                <span class="agent-name">{ name }</span>
                <span class="agent-state">{ state }</span>
            </div>
        },
        Agent::Unreachable(why) => html! {
            <p class="error" role="alert">{ Text::CannotReachServer.in_(lang) }<small>{ why }</small></p>
        },
    };
    html! { <section class="ccw" aria-label="Call panel">{ body }</section> }
}

async fn read_agent(config: &WidgetConfig) -> Agent {
    let mut req = HttpRequest::get(format!("{}/api/v2/me?subresources=*", config.gws_base()));
    if !config.username.is_empty() {
        req = req.header("Authorization", &net::basic_auth(&config.username, &config.password));
    }
    match net::send(req, None).await {
        Ok(reply) if reply.status == 200 => match serde_json::from_str::<serde_json::Value>(&reply.body) {
            Ok(me) => {
                let user = me.get("user").unwrap_or(&me);
                let text = |k: &str| user.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let name = format!("{} {}", text("firstName"), text("lastName")).trim().to_string();
                let state = user
                    .get("devices")
                    .and_then(|d| d.get(0))
                    .and_then(|d| d.pointer("/userState/state"))
                    .and_then(|s| s.as_str())
                    .unwrap_or("")
                    .to_string();
                Agent::Known { name, state }
            }
            Err(e) => Agent::Unreachable(e.to_string()),
        },
        Ok(reply) => Agent::Unreachable(format!("HTTP {}", reply.status)),
        Err(e) => Agent::Unreachable(format!("{e:?}")),
    }
}
