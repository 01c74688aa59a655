//! Keyed: values by string key (a call, an outbox entry) for the handful the desk tracks
//! at once, kept in arrival order and found by a linear search — for a few dozen short
//! keys as quick as hashing, and each map type costs the wasm a few lines instead of a
//! hash table's or a B-tree's whole machinery.

#[derive(Clone, Debug, PartialEq)]
pub struct Keyed<V> {
    items: Vec<(String, V)>,
}

/// Keys alone.
pub type KeySet = Keyed<()>;

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<V> Keyed<V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.items.iter().position(|(k, _)| k == key)
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.position(key).map(|i| &self.items[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.position(key).map(|i| &mut self.items[i].1)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets the value of `key`; the value it replaces, if any.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            None => {
                self.items.push((key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).map(|i| self.items.remove(i).1)
    }

    /// Keeps the entries `keep` says yes to, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut V) -> bool) {
        self.items.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|(k, _)| k.as_str())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }
}

impl KeySet {
    /// Adds `key`; false when it was there already.
    pub fn add(&mut self, key: String) -> bool {
        self.insert(key, ()).is_none()
    }
}

impl<V> FromIterator<(String, V)> for Keyed<V> {
    /// The last value of a key repeated wins, at the key's first place.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = Self::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl FromIterator<String> for KeySet {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        iter.into_iter().map(|k| (k, ())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_map_of_its_keys() {
        let mut m: Keyed<u32> = Keyed::new();
        assert!(m.is_empty() && m.get("a").is_none());
        assert_eq!(m.insert("a".into(), 1), None);
        assert_eq!(m.insert("b".into(), 2), None);
        assert_eq!(m.insert("a".into(), 3), Some(1), "a key's value is replaced, not added");
        assert_eq!((m.len(), m.get("a"), m.get("b")), (2, Some(&3), Some(&2)));
        *m.get_mut("b").unwrap() += 10;
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"], "arrival order");
        m.retain(|k, v| k == "b" && *v == 12);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(m.remove("b"), Some(12));
        assert_eq!(m.remove("b"), None);
        assert!(m.is_empty());
        m.insert("c".into(), 1);
        m.clear();
        assert!(m.is_empty());
        let from: Keyed<u32> = [("x".to_string(), 1), ("y".to_string(), 2), ("x".to_string(), 3)].into_iter().collect();
        assert_eq!((from.len(), from.get("x"), from.keys().next()), (2, Some(&3), Some("x")));
    }

    #[test]
    fn a_key_set_adds_each_key_once() {
        let mut s = KeySet::new();
        assert!(s.add("k".into()));
        assert!(!s.add("k".into()));
        assert!(s.contains("k") && !s.contains("K"));
        let from: KeySet = ["a", "b", "a"].map(String::from).into_iter().collect();
        assert_eq!(from.len(), 2);
    }
}
