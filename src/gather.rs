//! Vecs built and thinned by plain loops. The standard library's `collect` into a `Vec`
//! specialises per iterator type (size hints, the first item taken apart, trusted-length
//! and general `extend`s), and `retain` per closure (with its panic guards): code repeated
//! in the wasm for every chain that collects and every list that drops items. A loop is a
//! few instructions at each use.

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

/// Keeps the items `keep` says yes to, in order (the panel's lists are a few items long).
pub fn keep<T>(items: &mut Vec<T>, mut keep: impl FnMut(&T) -> bool) {
    for item in std::mem::take(items) {
        if keep(&item) {
            items.push(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_and_keep_agree_with_collect_and_retain() {
        let words = ["call", "", "back", "later", ""];
        let gathered = words.iter().filter(|w| !w.is_empty()).gather();
        assert_eq!(gathered, words.iter().filter(|w| !w.is_empty()).collect::<Vec<_>>());
        for n in 0..8 {
            let mut ours: Vec<u32> = (0..n).collect();
            let mut std = ours.clone();
            keep(&mut ours, |x| x % 3 != 1);
            std.retain(|x| x % 3 != 1);
            assert_eq!(ours, std);
        }
    }
}
