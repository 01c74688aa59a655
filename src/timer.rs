//! Timers with their callbacks boxed: gloo's `Timeout` and `Interval` (and wasm-bindgen's
//! closure glue under them) are made once for the whole widget, not once per callback type.

use gloo_timers::callback::{Interval, Timeout};

/// Calls `f` once after `ms` milliseconds (cancelled when the `Timeout` is dropped).
pub fn after(ms: u32, f: impl FnOnce() + 'static) -> Timeout {
    let f: Box<dyn FnOnce()> = Box::new(f);
    Timeout::new(ms, f)
}

/// Calls `f` every `ms` milliseconds until the `Interval` is dropped.
pub fn every(ms: u32, f: impl FnMut() + 'static) -> Interval {
    let f: Box<dyn FnMut()> = Box::new(f);
    Interval::new(ms, f)
}
