//! A stable sort for the widget's short lists (a handful of calls, a few dozen
//! dispositions): insertion sort, a few hundred bytes of wasm where each use of the
//! standard library's sort adds some 3 KB. Quadratic, so only for lists of tens.

/// Sorts `items` by `key`, keeping the order of equal items (like `slice::sort_by_key`).
pub fn by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::by_key;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed = 7u32;
        for len in 0..40 {
            let mut items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) as u8 % 5, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            by_key(&mut items, |p| p.0);
            assert_eq!(items, expected, "stable, by key");
        }
        let mut names = vec!["b", "a", "c"];
        by_key(&mut names, |n| std::cmp::Reverse(*n));
        assert_eq!(names, ["c", "b", "a"]);
    }
}
