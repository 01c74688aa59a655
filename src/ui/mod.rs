//! The Yew interface: the App root, its components and the panel's reducer. It speaks
//! `model` types only; operations go through the AgentDesk in the context.

pub mod app;
pub mod components;
pub mod context;
/// The catalog lives at the crate's top (vendor adapters name their sentences too).
pub use crate::i18n;
pub mod state;

pub use app::{App, AppProps};
