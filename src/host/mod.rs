//! The widget's side of the host page: its shadow root and styles, and (later) the events
//! it sends out and the host API it answers.

mod shadow;
pub use shadow::prepare_shadow_root;
