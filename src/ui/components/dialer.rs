//! Dialer: a number field, an optional keypad and a Call button. Enter dials.

use crate::ui::components::keypad::{keypad, KeypadProps};
use crate::ui::context::DeskContext;
use crate::ui::i18n::Text;
use crate::ui::state::PanelAction;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The digits of what the agent typed: `+`, digits, `*` and `#`; spaces, dashes, dots and
/// brackets are dropped. `None` if anything else is in it.
pub fn dialable(text: &str) -> Option<String> {
    let mut out = String::new();
    for (i, c) in text.trim().chars().enumerate() {
        match c {
            '0'..='9' | '*' | '#' => out.push(c),
            '+' if i == 0 => out.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    Some(out)
}

pub struct DialerProps<'a> {
    pub busy: bool,
    pub dispatch: Callback<PanelAction>,
    /// What the agent typed (the panel keeps it: see `App`).
    pub number: &'a UseStateHandle<String>,
    /// Whether the keypad shows.
    pub show_pad: &'a UseStateHandle<bool>,
    /// The number's field (the keypad puts the caret back in it).
    pub input: &'a NodeRef,
}

/// The dialer (a view of the panel, which keeps its state: a component of its own cost
/// every agent Yew's lifecycle code once more).
pub fn dialer(ctx: &DeskContext, props: &DialerProps) -> Html {
    let (number, show_pad, input) = (props.number, props.show_pad, props.input.clone());

    let dial = {
        let (number, ctx, dispatch, busy) = (number.clone(), ctx.clone(), props.dispatch.clone(), props.busy);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            match dialable(&number) {
                Some(n) if !n.is_empty() => {
                    ctx.desk.dial(&n, None);
                    number.set(String::new());
                }
                Some(_) => dispatch.emit(PanelAction::Notify { text: ctx.t(Text::EnterNumber).into(), next_step: String::new() }),
                None => dispatch.emit(PanelAction::Notify { text: ctx.t(Text::OnlyDigits).into(), next_step: String::new() }),
            }
        })
    };
    let oninput = {
        let number = number.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            number.set(el.value());
        })
    };
    let on_key = {
        let (number, input) = (number.clone(), input.clone());
        Callback::from(move |k: char| {
            let mut typed = (*number).clone();
            typed.push(k);
            number.set(typed);
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        })
    };
    let toggle_pad = {
        let show_pad = show_pad.clone();
        Callback::from(move |_| show_pad.set(!*show_pad))
    };
    html! {
        <form class="dialer" onsubmit={dial} aria-label={ctx.t(Text::Call)}>
            <div class="dial-row">
                <input ref={input} type="tel" inputmode="tel" autocomplete="off" class="dial-input"
                    placeholder={ctx.t(Text::NumberToDial)} aria-label={ctx.t(Text::NumberToDial)}
                    value={(**number).clone()} {oninput} />
                <button type="button" class="icon" aria-pressed={(**show_pad).to_string()} aria-label={ctx.t(Text::Keypad)} title={ctx.t(Text::Keypad)} onclick={toggle_pad}>{ keypad_icon() }</button>
                <button type="submit" class="primary call" aria-disabled={props.busy.then_some("true")} aria-busy={props.busy.to_string()}>
                    { if props.busy { ctx.t(Text::Working) } else { ctx.t(Text::Call) } }
                </button>
            </div>
            if **show_pad { { keypad(&KeypadProps { on_key, label: ctx.t(Text::Keypad).into(), disabled: false }) } }
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::dialable;

    #[test]
    fn dialable_keeps_digits_and_drops_punctuation() {
        assert_eq!(dialable(" +1 (555) 121-2 "), Some("+15551212".into()));
        assert_eq!(dialable("5001#"), Some("5001#".into()));
        assert_eq!(dialable("55a1"), None);
        assert_eq!(dialable("1+2"), None);
        assert_eq!(dialable("  "), Some(String::new()));
    }
}

/// Nine dots: the keypad icon.
fn keypad_icon() -> Html {
    html! {
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
            <circle cx="3" cy="3" r="1.6"/><circle cx="8" cy="3" r="1.6"/><circle cx="13" cy="3" r="1.6"/>
            <circle cx="3" cy="8" r="1.6"/><circle cx="8" cy="8" r="1.6"/><circle cx="13" cy="8" r="1.6"/>
            <circle cx="3" cy="13" r="1.6"/><circle cx="8" cy="13" r="1.6"/><circle cx="13" cy="13" r="1.6"/>
        </svg>
    }
}
