//! CallTimer: a self-contained ticking `mm:ss` that owns its interval, so the panel does
//! not re-render every second.

use gloo_timers::callback::Interval;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CallTimerProps {
    /// When the call started, on the `Date.now()` clock.
    pub since_ms: u64,
    /// Stop ticking (a held or ended call keeps its figure).
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

#[function_component(CallTimer)]
pub fn call_timer(props: &CallTimerProps) -> Html {
    let now = use_state(|| js_sys::Date::now() as u64);
    {
        let now = now.clone();
        use_effect_with(props.running, move |running| {
            let interval = running.then(|| Interval::new(1_000, move || now.set(js_sys::Date::now() as u64)));
            move || drop(interval)
        });
    }
    let seconds = now.saturating_sub(props.since_ms) / 1000;
    html! { <span class="timer" role="timer" aria-live="off">{ clock(seconds) }</span> }
}
