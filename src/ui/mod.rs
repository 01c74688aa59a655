//! The Yew interface: the App root, its components and the panel's reducer. It speaks
//! `model` types only; operations go through the AgentDesk in the context.

pub mod app;
pub mod components;
pub mod context;
/// The catalog lives at the crate's top (vendor adapters name their sentences too).
pub use crate::i18n;
pub mod state;

pub use app::{App, AppProps};

/// The body of a `use_effect_with` on a flag, boxed, returning what undoes it: every such
/// effect in the panel is one instantiation of Yew's effect hook, not one per closure.
pub type FlagEffect = Box<dyn FnOnce(&bool) -> Box<dyn FnOnce()>>;

/// Boxes an effect on a flag (see `FlagEffect`); `f` gets the flag and returns its undoing.
pub fn on_flag(f: impl FnOnce(bool) -> Box<dyn FnOnce()> + 'static) -> FlagEffect {
    Box::new(move |flag: &bool| f(*flag))
}

/// Nothing to undo, for `on_flag`.
pub fn nothing_to_undo() -> Box<dyn FnOnce()> {
    Box::new(|| ())
}

/// An element's class list from its parts (`None`s left out), for `~className={…}`: set
/// as the DOM property, a plain string, where yew's `class={…}` builds a `Classes` set
/// (an index set with hashing) on every render. An element that can take the place of
/// another of the same tag (two branches, a list whose members change) must get its class
/// the same way as the other: yew reuses the element and, going from `~className` to
/// `class=` or back, clears the one it no longer sees after setting the new one.
pub fn class_list(parts: &[Option<&str>]) -> wasm_bindgen::JsValue {
    wasm_bindgen::JsValue::from_str(&join_classes(parts))
}

fn join_classes(parts: &[Option<&str>]) -> String {
    let mut list = String::new();
    for part in parts.iter().flatten().filter(|p| !p.is_empty()) {
        if !list.is_empty() {
            list.push(' ');
        }
        list.push_str(part);
    }
    list
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_class_list_leaves_out_what_is_not_there() {
        assert_eq!(super::join_classes(&[Some("call-card"), None, Some("active"), Some(""), Some("wrap-up")]), "call-card active wrap-up");
        assert_eq!(super::join_classes(&[None, None]), "");
    }
}
