//! The Yew interface: the App root and its components. It speaks `model` types only.

pub mod i18n;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
pub use app::{App, AppProps};
