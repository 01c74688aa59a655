//! crm-call-widget: a call panel and disposition picker for CRM pages, in WebAssembly.
//!
//! This file holds only the module map and the wasm entry points; everything else lives
//! in the modules below. The pure cores (`cometd`, `genesys`, `model`, `ozonetel`) never
//! touch the browser, so `cargo test` covers them natively.

pub mod cometd;
pub mod genesys;
pub mod model;
pub mod ozonetel;
