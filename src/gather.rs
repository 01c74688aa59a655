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

/// `gather` for items that may be missing: every item, or `None` if one is.
pub trait GatherAll<T>: Iterator<Item = Option<T>> + Sized {
    fn gather_all(self) -> Option<Vec<T>> {
        let mut out = Vec::new();
        for item in self {
            out.push(item?);
        }
        Some(out)
    }
}

impl<T, I: Iterator<Item = Option<T>>> GatherAll<T> for I {}

/// `gather` for characters: the text they make.
pub trait GatherText: Iterator<Item = char> + Sized {
    fn gather_text(self) -> String {
        let mut out = String::new();
        for c in self {
            out.push(c);
        }
        out
    }
}

impl<I: Iterator<Item = char>> GatherText for I {}

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
        let lengths = |words: &[&str]| words.iter().map(|w| (!w.is_empty()).then_some(w.len())).gather_all();
        assert_eq!(lengths(&["call", "back"]), Some(vec![4, 4]));
        assert_eq!(lengths(&["call", "", "back"]), None);
        assert_eq!("हिंदी call".chars().filter(|c| !c.is_whitespace()).gather_text(), "हिंदीcall");
        for n in 0..8 {
            let mut ours: Vec<u32> = (0..n).collect();
            let mut std = ours.clone();
            keep(&mut ours, |x| x % 3 != 1);
            std.retain(|x| x % 3 != 1);
            assert_eq!(ours, std);
        }
    }
}
