//! Substring search and replace for the widget's short texts (vendor answers, URLs, codes),
//! byte by byte: the standard library's `&str` patterns bring its Two-Way searcher, a few
//! kilobytes of wasm for texts of a few hundred bytes. `char` patterns stay the standard
//! library's where they are small; splitting at an ASCII byte is done here too (`before`,
//! `parts`): `str::split` with a `char` brings the char searcher for every pattern type.

/// The part of `s` before the first of the ASCII bytes `stops` (all of `s` if none).
pub fn before<'a>(s: &'a str, stops: &[u8]) -> &'a str {
    // `any`, not `contains`: a byte slice's `contains` brings memchr.
    let end = s.bytes().position(|b| stops.iter().any(|stop| *stop == b)).unwrap_or(s.len());
    &s[..end]
}

/// `s` without the ASCII byte `byte` repeated at its end (`trim_end_matches` with a char).
pub fn trim_end_byte(s: &str, byte: u8) -> &str {
    let mut end = s.len();
    while end > 0 && s.as_bytes()[end - 1] == byte {
        end -= 1;
    }
    &s[..end]
}

/// The parts of `s` between the ASCII byte `sep`, as `str::split` with that character
/// gives them (an empty `s` is one empty part).
pub fn parts(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    core::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == sep) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

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
    #[test]
    fn splitting_at_a_byte_agrees_with_the_standard_library() {
        for s in ["", ".", "a", "a.b", ".a.", "127.0.0.1", "a..b", "ह.िं.दी", "x;ext=5", "a/b?c#d"] {
            for sep in [b'.', b';', b'/'] {
                let ours: Vec<&str> = super::parts(s, sep).collect();
                let std: Vec<&str> = s.split(sep as char).collect();
                assert_eq!(ours, std, "{s:?} at {:?}", sep as char);
                assert_eq!(super::before(s, &[sep]), s.split(sep as char).next().unwrap());
            }
            assert_eq!(super::before(s, b"/?#"), s.split(['/', '?', '#']).next().unwrap());
            for end in ["", "/", "//", "/a/", "x"] {
                let t = format!("{s}{end}");
                assert_eq!(super::trim_end_byte(&t, b'/'), t.trim_end_matches('/'));
            }
        }
    }

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
