//! The widget's side of the host page: its shadow root and styles, the events it sends
//! out, and the link the host API uses to reach the running desk.

pub mod click_to_dial;
pub mod events;
mod link;
pub mod ringing_alert;
pub mod tabs;
mod shadow;
pub mod storage;
pub use link::HostLink;
pub use shadow::prepare_shadow_root;
