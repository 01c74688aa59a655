//! The Ozonetel token's life: reading a JWT's `exp`, and when to ask the host for a new
//! token — shortly before expiry, at most 10 times in any rolling hour (Ozonetel's limit;
//! each new token voids the old ones), and "renew once, then resend" when a request comes
//! back TokenExpired/TokenInvalid. Pure: the caller passes the clock and does the fetch.

/// Decodes base64url (with or without padding). `None` on any invalid character.
pub fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = crate::text::trim_end_byte(input, b'=').as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= sextet(*c)? << (18 - 6 * i);
        }
        let n = chunk.len() - 1;
        for i in 0..n {
            out.push((acc >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The `exp` claim (seconds since the epoch) of a JWT, without checking its signature.
pub fn jwt_exp(token: &str) -> Option<u64> {
    let payload = crate::text::parts(token.trim(), b'.').nth(1)?;
    let json = base64url_decode(payload)?;
    let v = crate::json::parse(core::str::from_utf8(&json).ok()?).ok()?;
    let exp = v.get("exp")?;
    exp.as_u64()
        .or_else(|| {
            exp.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        })
        .or_else(|| exp.as_str().and_then(|s| s.trim().parse().ok()))
}

/// A token's documented lifetime, used when it carries no readable `exp`.
pub const TOKEN_LIFETIME_MS: u64 = 60 * 60_000;
const HOUR_MS: u64 = 3_600_000;

/// What to do about the token now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenAction {
    /// The current token is good; renew it at `renew_at_ms`.
    Ready { renew_at_ms: u64 },
    /// Ask the host for a new token now (this renewal has been counted).
    Renew,
    /// A renewal is under way.
    Waiting,
    /// Too many renewals in the last hour; the next is allowed at `until_ms`.
    RateLimited { until_ms: u64 },
}

/// What to do with a request that came back TokenExpired / TokenInvalid / TokenMissing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthRetry {
    /// A newer token already exists: send again with it.
    Resend,
    /// Get a new token (see `poll`), then send again.
    RenewAndResend,
    /// This request was already resent once after a renewal: stop and report it.
    GiveUp,
}

/// The renewal policy state machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPolicy {
    pub renew_before_ms: u64,
    pub max_per_hour: usize,
    renewals: Vec<u64>,
    expires_at_ms: Option<u64>,
    /// How long before expiry the current token is renewed: `renew_before_ms`, or a fifth
    /// of the token's life when it is shorter (so short-lived tokens are not renewed in a
    /// loop).
    lead_ms: u64,
    renewing: bool,
    generation: u32,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        Self::new(5 * 60_000, 10)
    }
}

impl TokenPolicy {
    pub fn new(renew_before_ms: u64, max_per_hour: usize) -> Self {
        Self {
            renew_before_ms,
            max_per_hour,
            renewals: Vec::new(),
            expires_at_ms: None,
            lead_ms: renew_before_ms,
            renewing: false,
            generation: 0,
        }
    }

    /// Which token the next request uses; hand it back to `on_rejected`.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    pub fn expires_at_ms(&self) -> Option<u64> {
        self.expires_at_ms
    }

    /// A new token arrived (from the host). The token itself is not kept here.
    pub fn on_token(&mut self, token: &str, now_ms: u64) {
        let exp = jwt_exp(token)
            .map(|s| s.saturating_mul(1000))
            .unwrap_or(now_ms.saturating_add(TOKEN_LIFETIME_MS));
        self.expires_at_ms = Some(exp);
        self.lead_ms = self.renew_before_ms.min(exp.saturating_sub(now_ms) / 5);
        self.renewing = false;
        self.generation = self.generation.wrapping_add(1);
    }

    /// The host could not give a token; `poll` decides when to ask again.
    pub fn on_renew_failed(&mut self) {
        self.renewing = false;
    }

    /// What to do now.
    pub fn poll(&mut self, now_ms: u64) -> TokenAction {
        if self.renewing {
            return TokenAction::Waiting;
        }
        if let Some(exp) = self.expires_at_ms {
            let renew_at = exp.saturating_sub(self.lead_ms);
            if now_ms < renew_at {
                return TokenAction::Ready {
                    renew_at_ms: renew_at,
                };
            }
        }
        crate::gather::keep(&mut self.renewals, |t| now_ms.saturating_sub(*t) < HOUR_MS);
        if self.renewals.len() >= self.max_per_hour {
            let oldest = self.renewals.iter().copied().min().unwrap_or(now_ms);
            return TokenAction::RateLimited {
                until_ms: oldest.saturating_add(HOUR_MS),
            };
        }
        self.renewals.push(now_ms);
        self.renewing = true;
        TokenAction::Renew
    }

    /// A request sent with token `used_generation` was refused for its token.
    /// `already_resent` is true when that request was itself a resend after a renewal.
    pub fn on_rejected(&mut self, used_generation: u32, already_resent: bool) -> AuthRetry {
        if already_resent {
            return AuthRetry::GiveUp;
        }
        if used_generation != self.generation || self.renewing {
            return AuthRetry::Resend;
        }
        self.expires_at_ms = None;
        AuthRetry::RenewAndResend
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64url(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
            for i in 0..=chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(payload.as_bytes())
        )
    }

    #[test]
    fn decoder_matches_known_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_decode(enc).unwrap(), plain.as_bytes());
            assert_eq!(b64url(plain.as_bytes()), enc);
        }
        assert_eq!(base64url_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64url_decode("_-8").unwrap(), vec![0xff, 0xef]);
        assert!(base64url_decode("Z").is_none());
        assert!(base64url_decode("Zm9v!").is_none());
    }

    #[test]
    fn exp_is_read() {
        assert_eq!(
            jwt_exp(&jwt(r#"{"sub":"agent","exp":1735689600}"#)),
            Some(1_735_689_600)
        );
        assert_eq!(
            jwt_exp(&jwt(r#"{"exp":1735689600.5}"#)),
            Some(1_735_689_600)
        );
        assert_eq!(jwt_exp(&jwt(r#"{"sub":"x"}"#)), None);
        // The payload is the second part, with or without a signature after it.
        let full = jwt(r#"{"exp":7}"#);
        assert_eq!(jwt_exp(full.trim_end_matches(".sig")), Some(7));
        assert_eq!(jwt_exp(&format!(" {full}\n")), Some(7));
        assert_eq!(jwt_exp("not-a-jwt"), None);
        assert_eq!(jwt_exp("a.%%%.c"), None);
        assert_eq!(jwt_exp(""), None);
    }

    #[test]
    fn renews_before_expiry() {
        let mut p = TokenPolicy::default();
        assert_eq!(p.poll(0), TokenAction::Renew);
        assert_eq!(p.poll(1), TokenAction::Waiting);
        p.on_token(&jwt(r#"{"exp":3600}"#), 1_000);
        assert_eq!(p.expires_at_ms(), Some(3_600_000));
        assert_eq!(
            p.poll(2_000),
            TokenAction::Ready {
                renew_at_ms: 3_300_000
            }
        );
        assert_eq!(p.poll(3_300_000), TokenAction::Renew);
    }

    #[test]
    fn a_short_lived_token_is_renewed_near_its_end_not_at_once() {
        let mut p = TokenPolicy::default();
        p.poll(0);
        // 20 s of life: renewed 4 s before the end, not immediately (5 min lead).
        p.on_token(&jwt(r#"{"exp":20}"#), 0);
        assert_eq!(p.poll(1_000), TokenAction::Ready { renew_at_ms: 16_000 });
        assert_eq!(p.poll(16_000), TokenAction::Renew);
        // An already expired token is renewed now.
        p.on_token(&jwt(r#"{"exp":10}"#), 30_000);
        assert_eq!(p.poll(30_001), TokenAction::Renew);
    }

    #[test]
    fn a_token_without_exp_lives_an_hour() {
        let mut p = TokenPolicy::default();
        p.poll(0);
        p.on_token("opaque", 10_000);
        assert_eq!(p.expires_at_ms(), Some(10_000 + TOKEN_LIFETIME_MS));
    }

    #[test]
    fn at_most_ten_per_rolling_hour() {
        let mut p = TokenPolicy::default();
        for i in 0..10u64 {
            assert_eq!(p.poll(i * 1_000), TokenAction::Renew, "renewal {i}");
            p.on_renew_failed();
        }
        assert_eq!(
            p.poll(20_000),
            TokenAction::RateLimited { until_ms: HOUR_MS }
        );
        assert_eq!(p.poll(HOUR_MS), TokenAction::Renew);
    }

    #[test]
    fn renew_once_and_resend() {
        let mut p = TokenPolicy::default();
        p.poll(0);
        p.on_token(&jwt(r#"{"exp":3600}"#), 0);
        let g = p.generation();
        assert_eq!(p.on_rejected(g, false), AuthRetry::RenewAndResend);
        assert_eq!(p.poll(1_000), TokenAction::Renew);
        // Another request that used the old token just waits for the renewal.
        assert_eq!(p.on_rejected(g, false), AuthRetry::Resend);
        p.on_token(&jwt(r#"{"exp":7200}"#), 2_000);
        assert_ne!(p.generation(), g);
        assert_eq!(p.on_rejected(g, false), AuthRetry::Resend);
        // The resend is refused again: stop.
        assert_eq!(p.on_rejected(p.generation(), true), AuthRetry::GiveUp);
    }
}
