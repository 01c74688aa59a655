//! `gather`: an iterator's items in a `Vec` by a plain push loop. The standard library's
//! `collect` into a `Vec` specialises per iterator type (size hints, the first item taken
//! apart, trusted-length and general `extend`s): code repeated in the wasm for every chain
//! that collects. A loop is a few instructions at each use.

pub trait Gather: Iterator + Sized {
    /// The items, in order.
    fn gather(self) -> Vec<Self::Item> {
        let mut out = Vec::new();
        for item in self {
            out.push(item);
        }
        out
    }
}

impl<I: Iterator> Gather for I {}
