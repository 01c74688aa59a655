//! Bayeux/CometD long-polling client for GWS v2 notifications (`/api/v2/notifications`).
//!
//! Two layers, per the design's "pure cores, thin shells":
//! - [`client::Client`], a sans-IO state machine (handshake, subscriptions, long poll,
//!   advice, backoff, timeouts) that runs and is tested natively;
//! - `driver`, which runs it in the browser with `XMLHttpRequest` and timers and
//!   gives the rest of the widget a small handle: subscribe, unsubscribe, stop.
//!
//! Around them: [`events`] (what the machine takes and emits), [`message`] (the tolerant wire codec), [`channel`] (wildcard matching),
//! [`backoff`] and [`status`].

#![warn(missing_docs)]

pub mod backoff;
pub mod channel;
pub mod client;
pub mod events;
pub mod message;
pub mod status;

pub mod driver;

pub use client::Client;
pub use events::{
    Action, ClientEvent, Config, Event, Request, RequestId, RequestKind, TimerToken, TransportError,
};
pub use message::{Advice, BayeuxError, CodecError, Message, Reconnect};
pub use status::{Status, StopReason};

pub use driver::{CometdDriver, CometdHandle, DriverConfig};

#[cfg(test)]
mod client_tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz_tests;
