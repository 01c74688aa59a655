//! Keypad: the twelve phone keys, for DTMF tones on a call or digits in the dial field.
//! Keys are buttons (Tab/Enter/Space work) and the pad also takes typed digits.

use yew::prelude::*;

pub const KEYS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

pub struct KeypadProps {
    pub on_key: Callback<char>,
    pub label: AttrValue,
    pub disabled: bool,
}

/// The pad (a view inside the card or the dialer, not a component of its own).
pub fn keypad(props: &KeypadProps) -> Html {
    let onkeydown = {
        let on_key = props.on_key.clone();
        let disabled = props.disabled;
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let mut chars = key.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if !disabled && KEYS.contains(&c) && e.target() == e.current_target() {
                    e.prevent_default();
                    on_key.emit(c);
                }
            }
        })
    };
    html! {
        <div class="keypad" role="group" aria-label={props.label.clone()} tabindex="-1" {onkeydown}>
            { for KEYS.iter().map(|&k| {
                let on_key = props.on_key.clone();
                html! {
                    <button type="button" class="key" disabled={props.disabled}
                        aria-label={{ let mut label = format!("{} ", props.label); label.push(k); label }}
                        onclick={Callback::from(move |_| on_key.emit(k))}>{ k }</button>
                }
            }) }
        </div>
    }
}
