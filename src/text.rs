//! Substring search and replace for the widget's short texts (vendor answers, URLs, codes),
//! byte by byte: the standard library's `&str` patterns bring its Two-Way searcher, a few
//! kilobytes of wasm for texts of a few hundred bytes. `char` patterns stay the standard
//! library's (they are small).

/// Where `needle` first starts in `hay` (a char boundary: UTF-8 never matches mid-character).
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `s` with every `from` replaced by `to`, left to right (`from` is never empty here; an
/// empty one leaves `s` as it is).
pub fn replace(s: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = find(rest, from).filter(|_| !from.is_empty()) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        out.push_str(to);
        rest = &after[from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: [&str; 8] = ["", "a", "queued", "Invalid Token or did", "tel:%2B91%2098", "aaa", "कॉल csrf कॉल", "~0~1~01"];
    const NEEDLES: [&str; 9] = ["", "a", "aa", "queued", " or did", "%2B", "csrf", "कॉल", "~1"];

    #[test]
    fn search_and_replace_agree_with_the_standard_library() {
        for hay in TEXTS {
            for needle in NEEDLES {
                assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} / {needle:?}");
                assert_eq!(contains(hay, needle), hay.contains(needle), "{hay:?} / {needle:?}");
                if !needle.is_empty() {
                    assert_eq!(replace(hay, needle, "+"), hay.replace(needle, "+"), "{hay:?} / {needle:?}");
                    assert_eq!(replace(hay, needle, ""), hay.replace(needle, ""), "{hay:?} / {needle:?}");
                }
            }
        }
        assert_eq!(replace("abc", "", "x"), "abc", "an empty pattern replaces nothing");
    }
}
