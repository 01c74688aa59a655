//! Map: keys and values sorted by key in one vector — what `BTreeMap` offers the widget
//! (the same order, the same lookups by borrowed key, the last of a repeated key wins) for
//! a handful to a few hundred members: a JSON object's members, a call's userData, and the
//! desk's small maps and key sets (`Map<String, ()>`). A lookup is a binary search; an
//! insert shifts the members after it (a few hundred members stay well under a
//! millisecond). One vector type instead of B-trees and hash tables keeps their code,
//! instantiated per map type, out of the wasm.

use std::borrow::Borrow;
use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Map<K, V> {
    members: Vec<(K, V)>,
}

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Self { members: Vec::new() }
    }
}

impl<K: Ord, V> Map<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.members.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.members[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.members[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the value it replaces, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Members often arrive in order (our own writing, a sorted server): append then.
        if self.members.last().is_none_or(|(last, _)| *last < key) {
            self.members.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.members[i].1, value)),
            Err(i) => {
                self.members.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.members.remove(i).1)
    }

    /// The value of `key`, made by `make` and inserted first if the key is missing.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.members.insert(i, (key, make()));
                i
            }
        };
        &mut self.members[i].1
    }

    /// Keeps the members `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.members.retain_mut(|(k, v)| keep(k, v));
    }
}

/// `map[key]`, for a key known to be there (as `BTreeMap`'s: a missing key panics).
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for Map<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no such key in the map")
    }
}

impl<K, V> Map<K, V> {
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn clear(&mut self) {
        self.members.clear();
    }

    /// The members in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.members.iter().map(as_refs)
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.members.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> Keys<'_, K, V> {
        self.members.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> Values<'_, K, V> {
        self.members.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.members.iter_mut().map(|(_, v)| v)
    }
}

fn as_refs<K, V>(member: &(K, V)) -> (&K, &V) {
    (&member.0, &member.1)
}

/// The members of a map by reference, in key order.
pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
/// A map's keys, in order.
pub type Keys<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> &'a K>;
/// A map's values, in key order.
pub type Values<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> &'a V>;

impl<'a, K, V> IntoIterator for &'a Map<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K, V> IntoIterator for Map<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for Map<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Self::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord, V> Extend<(K, V)> for Map<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Map<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Tests compare hand-written output with serde's (a map serialises as `BTreeMap` does).
#[cfg(test)]
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for Map<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Tests read maps with serde's typed path too (`json::from_value`).
#[cfg(test)]
impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>> serde::Deserialize<'de> for Map<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: serde::Deserialize<'de> + Ord, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Members<K, V> {
            type Value = Map<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = Map::new();
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Members(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::Map;
    use std::collections::BTreeMap;

    #[test]
    fn orders_finds_replaces_and_removes_as_a_btreemap_does() {
        let keys = ["m", "b", "z", "a", "m", "q", "b", "", "zz", "a"];
        let (mut ours, mut std) = (Map::new(), BTreeMap::new());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(ours.insert(k.to_string(), i), std.insert(k.to_string(), i), "insert {k}");
        }
        assert_eq!(ours.iter().collect::<Vec<_>>(), std.iter().collect::<Vec<_>>());
        assert_eq!(ours.len(), std.len());
        for k in ["a", "b", "m", "nope", "", "zz"] {
            assert_eq!(ours.get(k), std.get(k), "get {k}");
            assert_eq!(ours.contains_key(k), std.contains_key(k));
        }
        *ours.get_mut("q").unwrap() += 100;
        *std.get_mut("q").unwrap() += 100;
        *ours.get_or_insert_with("c".to_string(), || 7) += 1;
        *std.entry("c".to_string()).or_insert_with(|| 7) += 1;
        *ours.get_or_insert_with("c".to_string(), || 7) += 1;
        *std.entry("c".to_string()).or_insert_with(|| 7) += 1;
        ours.retain(|k, _| k != "m");
        std.retain(|k, _| k != "m");
        let mut emptied = ours.clone();
        emptied.clear();
        assert!(emptied.is_empty());
        for k in ["z", "z", "a", "nope"] {
            assert_eq!(ours.remove(k), std.remove(k), "remove {k}");
        }
        assert_eq!(ours.clone().into_iter().collect::<Vec<_>>(), std.clone().into_iter().collect::<Vec<_>>());
        assert_eq!(ours.keys().collect::<Vec<_>>(), std.keys().collect::<Vec<_>>());
        assert_eq!(ours.values().collect::<Vec<_>>(), std.values().collect::<Vec<_>>());
        let collected: Map<String, usize> = std.clone().into_iter().rev().collect();
        assert_eq!(collected, ours);
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
    }

    #[test]
    fn a_large_object_in_reverse_order_is_kept_sorted() {
        // 20,000 members, last key first: each insert shifts every member.
        let mut map = Map::new();
        for i in (0..20_000u32).rev() {
            map.insert(format!("k{i:05}"), i);
        }
        assert_eq!(map.len(), 20_000);
        assert_eq!(map.iter().next(), Some((&"k00000".to_string(), &0)));
        assert_eq!(map.get("k12345"), Some(&12345));
    }
}
