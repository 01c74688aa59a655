//! Notices: the errors the agent should read — what happened and what to do next — each
//! dismissable.

use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use crate::ui::state::{Notice, PanelAction};
use yew::prelude::*;

/// The notices, in the panel's language (a view of the panel, not a component of its own).
pub fn notices(ctx: &DeskContext, notices: &[Notice], dispatch: &Callback<PanelAction>) -> Html {
    if notices.is_empty() {
        return html! {};
    }
    html! {
        <div class="notices" role="alert">
          <ul>
            { for notices.iter().map(|n| {
                let dismiss = dispatch.reform({ let id = n.id; move |_| PanelAction::Dismiss(id) });
                html! {
                    <li key={n.id} class="notice">
                        <p><strong>{ &n.text }</strong>{ " " }<span>{ &n.next_step }</span></p>
                        <button type="button" class="icon" aria-label={ctx.t(Text::Dismiss)} title={ctx.t(Text::Dismiss)} onclick={dismiss}>{ "×" }</button>
                    </li>
                }
            }) }
          </ul>
        </div>
    }
}
