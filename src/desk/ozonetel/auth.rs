//! The Ozonetel token as the browser gets it (principle 8: secrets stay on servers): from
//! the host page — a JS callback given with `setTokenProvider` (returns a Promise of the
//! token) or `tokenUrl` on the CRM's backend — or, for the simulator only, minted with
//! `apiKey` through generateToken. The token lives in memory only. `TokenPolicy` decides
//! when to renew: before the JWT's `exp`, at most 10 times an hour, and once more when
//! Ozonetel refuses it ("Token Expired" / "Invalid Token"), after which the request is
//! sent again.

use crate::cell::Borrowing;
use crate::config::OzonetelConfig;
use crate::net::{self, HttpRequest};
use crate::ozonetel::{self, AuthRetry, TokenAction, TokenPolicy};
use crate::json::Value;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// How long the host's callback or token URL may take.
const TOKEN_WAIT_MS: i32 = 15_000;

/// Reason codes (the UI's catalog turns them into sentences).
pub const NO_TOKEN: &str = "oz:no-token";
pub const TOKEN_REFUSED: &str = "oz:token-refused";
pub const OFFLINE: &str = "net:offline";

pub struct OzonetelAuth {
    base: String,
    user_name: String,
    token_url: String,
    api_key: String,
    provider: RefCell<Option<js_sys::Function>>,
    policy: RefCell<TokenPolicy>,
    token: RefCell<Option<String>>,
}

impl OzonetelAuth {
    pub fn new(config: &OzonetelConfig) -> Self {
        Self {
            base: config.base().to_string(),
            user_name: config.user_name.trim().to_string(),
            token_url: config.token_url.trim().to_string(),
            api_key: config.api_key.clone(),
            provider: RefCell::new(None),
            policy: RefCell::new(TokenPolicy::default()),
            token: RefCell::new(None),
        }
    }

    /// The host's token callback (`None` removes it). It takes precedence over `tokenUrl`.
    pub fn set_provider(&self, provider: Option<js_sys::Function>) {
        *self.provider.write() = provider;
    }

    /// Whether the page's config carries an API key (simulator mode; the panel warns).
    pub fn uses_api_key(&self) -> bool {
        !self.api_key.is_empty()
    }

    /// A token to send now, with its generation (for `on_rejected`); else a reason code.
    pub async fn token(&self) -> Result<(String, u32), String> {
        // A renewal started by another request: wait for it (bounded).
        for _ in 0..200 {
            let action = self.policy.write().poll(super::now_ms());
            match action {
                // Ready, or Ozonetel's 10-an-hour limit reached: what we have, if anything.
                TokenAction::Ready { .. } | TokenAction::RateLimited { .. } => return self.current(),
                TokenAction::Renew => {
                    match self.fetch().await {
                        Ok(t) => {
                            self.policy.write().on_token(&t, super::now_ms());
                            *self.token.write() = Some(t);
                        }
                        Err(code) => {
                            self.policy.write().on_renew_failed();
                            return Err(code);
                        }
                    }
                    return self.current();
                }
                TokenAction::Waiting => {
                    let _ = JsFuture::from(after_ms(100)).await;
                }
            }
        }
        Err(NO_TOKEN.into())
    }

    /// The token held now, with its generation; else `NO_TOKEN`.
    fn current(&self) -> Result<(String, u32), String> {
        match self.token.read().clone() {
            Some(t) => Ok((t, self.policy.read().generation())),
            None => Err(NO_TOKEN.into()),
        }
    }

    /// A request sent with token `generation` came back TokenExpired/Invalid/Missing.
    pub fn on_rejected(&self, generation: u32, already_resent: bool) -> AuthRetry {
        let retry = self.policy.write().on_rejected(generation, already_resent);
        if retry == AuthRetry::RenewAndResend {
            self.token.write().take();
        }
        retry
    }

    /// A new token: from the host's callback; else `GET tokenUrl` (with the CRM's cookies:
    /// `{"token": …}` or the token as text); else, the simulator's way, generateToken with
    /// the API key from the page's config. One request await for both URLs (each await is
    /// code of its own in the state machine every Ozonetel request carries).
    async fn fetch(&self) -> Result<String, String> {
        let provider = self.provider.read().clone();
        if let Some(f) = provider {
            return from_provider(&f).await;
        }
        let by_url = !self.token_url.is_empty();
        let req = if by_url {
            HttpRequest::get(self.token_url.clone()).timeout_ms(TOKEN_WAIT_MS as u32)
        } else if !self.api_key.is_empty() {
            let body = ozonetel::generate_token_body(&self.user_name).map_err(|_| "oz:username-missing".to_string())?;
            HttpRequest::post_json(format!("{}{}", self.base, ozonetel::GENERATE_TOKEN_PATH), body.to_string())
                .header("apiKey", &self.api_key)
                .without_cookies()
        } else {
            return Err(NO_TOKEN.into());
        };
        let reply = net::send(req, None).await.map_err(|_| OFFLINE.to_string())?;
        if !by_url {
            return ozonetel::parse_token(&reply.body).map_err(|o| match o.code() {
                "oz:unknown" => NO_TOKEN.to_string(),
                code => code.to_string(),
            });
        }
        if !(200..300).contains(&reply.status) {
            return Err(NO_TOKEN.into());
        }
        token_from_text(&reply.body).ok_or_else(|| NO_TOKEN.into())
    }
}

/// A token from an answer body: a JSON string, `{"token": …}`, or bare text.
pub fn token_from_text(body: &str) -> Option<String> {
    let body = body.trim();
    match crate::json::parse(body) {
        Ok(Value::String(s)) => Some(s),
        Ok(Value::Object(o)) => o.get("token").and_then(Value::as_str).map(str::to_string),
        Ok(_) => None,
        Err(_) => Some(body.to_string()),
    }
    .and_then(|t| clean_token(&t))
}

/// A token as given, trimmed; `None` when it cannot be one (empty, spaced, markup).
fn clean_token(t: &str) -> Option<String> {
    let t = t.trim();
    (!t.is_empty() && !t.chars().any(char::is_whitespace) && !t.starts_with('<')).then(|| t.to_string())
}

/// A promise that resolves (to `undefined`) after `ms`: the host callback's deadline, and the
/// pause while another request renews the token (one JS timer for both; gloo's
/// `TimeoutFuture` would bring a channel of its own into the builds that record at Ozonetel).
fn after_ms(ms: i32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    })
}

/// Calls the host's callback and waits (bounded) for its token: a string, `{token}`, or a
/// Promise of either. What went wrong stays in the console for the CRM's developer.
async fn from_provider(f: &js_sys::Function) -> Result<String, String> {
    // A throw is a failed answer: the race below waits on one promise either way.
    let answer = f.call0(&JsValue::NULL).unwrap_or_else(|e| js_sys::Promise::reject(&e).into());
    let race = js_sys::Promise::race(&js_sys::Array::of2(&answer, &after_ms(TOKEN_WAIT_MS)));
    let value = JsFuture::from(race).await.unwrap_or_else(|e| {
        web_sys::console::warn_2(&JsValue::from_str("crm-call-widget: the token provider failed"), &e);
        JsValue::UNDEFINED
    });
    let text = value.as_string().or_else(|| js_sys::Reflect::get(&value, &JsValue::from_str("token")).ok()?.as_string());
    text.and_then(|t| clean_token(&t)).ok_or_else(|| NO_TOKEN.into())
}

#[cfg(test)]
mod tests {
    use super::token_from_text;

    #[test]
    fn tokens_are_read_from_json_or_text() {
        assert_eq!(token_from_text(r#"{"token":"a.b.c"}"#).as_deref(), Some("a.b.c"));
        assert_eq!(token_from_text(r#""a.b.c""#).as_deref(), Some("a.b.c"));
        assert_eq!(token_from_text(" a.b.c\n").as_deref(), Some("a.b.c"));
        assert_eq!(token_from_text(r#"{"status":"false","message":"Invalid"}"#), None);
        assert_eq!(token_from_text("<html>login</html>"), None);
        assert_eq!(token_from_text("not a token"), None);
        assert_eq!(token_from_text(""), None);
    }
}
