//! Clock: a self-contained ticking `m:ss` that owns its interval, so the panel does not
//! re-render every second — a call's time so far (the call timer), or the wrap-up time left
//! ("Wrap-up ends in m:ss", then "Wrap-up time is over"). One component for both: each
//! component type costs every agent its own copy of Yew's lifecycle code.

use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    /// The desk, the language, the configuration (see `CallCardProps::ctx`).
    pub ctx: DeskContext,
    /// On the `Date.now()` clock: when the call started, or when its wrap-up window closes
    /// (`countdown`).
    pub at_ms: u64,
    /// Count down to `at_ms` (the wrap-up countdown) instead of up from it.
    #[prop_or_default]
    pub countdown: bool,
    /// Stop ticking (a held call keeps its figure).
    #[prop_or(true)]
    pub running: bool,
}

/// `m:ss`, or `h:mm:ss` past an hour.
pub fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[function_component(Clock)]
pub fn clock_view(props: &ClockProps) -> Html {
    let ctx = props.ctx.clone();
    // The time is read at each render; a running clock renders again every second.
    let now = js_sys::Date::now() as u64;
    let over = props.countdown && now >= props.at_ms;
    {
        let tick = use_force_update();
        use_effect_with(props.running && !over, crate::ui::on_flag(move |ticking| {
            let interval = ticking.then(|| crate::timer::every(1_000, move || tick.force_update()));
            Box::new(move || drop(interval))
        }));
    }
    if !props.countdown {
        let seconds = now.saturating_sub(props.at_ms) / 1000;
        return html! { <span class="timer" role="timer" aria-live="off">{ clock(seconds) }</span> };
    }
    if over {
        // The same span as below, so its class comes the same way (see `class_list`).
        html! { <span ~className={crate::ui::class_list(&[Some("countdown over")])} role="timer">{ ctx.t(Text::WrapUpOver) }</span> }
    } else {
        let left = props.at_ms.saturating_sub(now).div_ceil(1000);
        html! {
            <span ~className={crate::ui::class_list(&[Some("countdown"), (left <= 10).then_some("soon")])} role="timer" aria-live="off">
                { ctx.t(Text::WrapUpEndsIn) }{ " " }<strong>{ clock(left) }</strong>
            </span>
        }
    }
}
