//! Bayeux channel patterns: which subscription a received event belongs to.
//!
//! `/a/*` matches one more segment (`/a/b`, not `/a/b/c`); `/a/**` matches one or more
//! (`/a/b`, `/a/b/c`); anything else matches itself only.

/// True when `channel` falls under the subscription `pattern`.
pub fn matches(pattern: &str, channel: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix("/**") {
        rest_after(prefix, channel).is_some_and(|rest| !rest.is_empty())
    } else if let Some(prefix) = pattern.strip_suffix("/*") {
        rest_after(prefix, channel).is_some_and(|rest| !rest.is_empty() && !rest.bytes().any(|b| b == b'/'))
    } else {
        pattern == channel
    }
}

/// The part of `channel` after `prefix/`, if `channel` starts with it.
fn rest_after<'a>(prefix: &str, channel: &'a str) -> Option<&'a str> {
    channel.strip_prefix(prefix)?.strip_prefix('/')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn exact() {
        assert!(matches("/v2/me/calls", "/v2/me/calls"));
        assert!(!matches("/v2/me/calls", "/v2/me/calls/x"));
        assert!(!matches("/v2/me/calls", "/v2/me"));
    }

    #[test]
    fn one_segment_wildcard() {
        assert!(matches("/v2/me/*", "/v2/me/calls"));
        assert!(!matches("/v2/me/*", "/v2/me/calls/1"));
        assert!(!matches("/v2/me/*", "/v2/me"));
        assert!(!matches("/v2/me/*", "/v2/me/"));
        assert!(!matches("/v2/me/*", "/v2/meta/x"));
    }

    #[test]
    fn many_segment_wildcard() {
        assert!(matches("/v2/**", "/v2/me"));
        assert!(matches("/v2/**", "/v2/me/calls"));
        assert!(!matches("/v2/**", "/v2"));
        assert!(!matches("/v2/**", "/v20/me"));
        assert!(matches("/**", "/anything/at/all"));
        assert!(matches("/*", "/top"));
        assert!(!matches("/*", "/top/sub"));
    }
}
