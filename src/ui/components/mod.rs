//! The panel's components, one file each.

pub mod agent_bar;
pub mod call_card;
pub mod call_controls;
pub mod call_timer;
pub mod connection_banner;
pub mod dialer;
pub mod disposition_dock;
pub mod disposition_picker;
pub mod keypad;
pub mod notices;
pub mod transfer_form;
