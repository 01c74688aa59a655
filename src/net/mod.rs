//! Browser HTTP glue: one `fetch` with credentials, a timeout through AbortController,
//! and an answer reduced to what the vendor adapters read (status, a few headers, text).
//! Nothing here knows GWS or Ozonetel; their adapters build requests and read replies.

mod fetch;
pub use fetch::{offer_early, send};

/// One HTTP request as the adapters describe it.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Give up (abort the fetch) after this many milliseconds.
    pub timeout_ms: u32,
    /// Send cookies cross-origin (`credentials: include`, GWS needs it); otherwise
    /// `same-origin` (Ozonetel's token API needs no cookies).
    pub cookies: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl HttpRequest {
    pub fn get(url: impl Into<String>) -> Self {
        Self { method: Method::Get, url: url.into(), headers: Vec::new(), body: None, timeout_ms: 10_000, cookies: true }
    }

    pub fn post_json(url: impl Into<String>, body: String) -> Self {
        Self { method: Method::Post, body: Some(body), ..Self::get(url) }.header("Content-Type", "application/json")
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// No cookies to other origins (`credentials: same-origin`).
    pub fn without_cookies(mut self) -> Self {
        self.cookies = false;
        self
    }

    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }
}

/// What came back: the status, the headers the adapters ask for, and the body as text.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpReply {
    /// A header's value, matched without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A request the page's loader sent before the widget ran (see `offer_early`): its URL and
/// `Authorization` value, as the loader sent them.
pub struct EarlyRequest {
    pub url: String,
    pub authorization: Option<String>,
}

impl EarlyRequest {
    /// Whether `req` is this request: a GET of the same URL with the same credentials (and
    /// no other header: the first read carries no CSRF token yet).
    pub fn answers(&self, req: &HttpRequest) -> bool {
        let mut headers = req.headers.iter();
        let authorization = match headers.next() {
            Some((name, value)) if name.eq_ignore_ascii_case("Authorization") => Some(value),
            Some(_) => return false,
            None => None,
        };
        req.method == Method::Get
            && req.body.is_none()
            && headers.next().is_none()
            && req.url == self.url
            && authorization == self.authorization.as_ref()
    }
}

/// Why no answer arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// The network or the server could not be reached (offline, DNS, CORS refusal, reset):
    /// which step failed. The browser's own message stays in its console (nothing here
    /// reads it, and turning gloo's error into text would ship its formatting).
    Unreachable(&'static str),
    /// No answer within the request's timeout.
    TimedOut,
    /// The caller cancelled the request (the widget was destroyed).
    Cancelled,
}

/// The `Authorization` value for HTTP Basic.
pub fn basic_auth(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_matches_rfc7617_example() {
        assert_eq!(basic_auth("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn an_early_request_answers_only_the_same_get_with_the_same_credentials() {
        let url = "https://gws.example.com/api/v2/me?subresources=*";
        let basic = basic_auth("ava", "demo");
        let early = EarlyRequest { url: url.into(), authorization: Some(basic.clone()) };
        let get = HttpRequest::get(url).header("Authorization", &basic);
        assert!(early.answers(&get));
        assert!(!early.answers(&HttpRequest::get(url)), "without credentials");
        assert!(!early.answers(&HttpRequest::get(url).header("Authorization", &basic_auth("ava", "other"))));
        assert!(!early.answers(&HttpRequest::get("https://gws.example.com/api/v2/me").header("Authorization", &basic)));
        assert!(!early.answers(&get.clone().header("X-CSRF-TOKEN", "t")), "a later read, with its token");
        assert!(!early.answers(&HttpRequest::post_json(url, "{}".into()).header("Authorization", &basic)));
        // The existing session (no Basic credentials): the loader sent none either.
        let cookie = EarlyRequest { url: url.into(), authorization: None };
        assert!(cookie.answers(&HttpRequest::get(url)));
        assert!(!cookie.answers(&get));
    }

    #[test]
    fn reply_headers_match_case_insensitively() {
        let reply = HttpReply { status: 200, headers: vec![("x-csrf-token".into(), "t".into())], body: String::new() };
        assert_eq!(reply.header("X-CSRF-TOKEN"), Some("t"));
        assert_eq!(reply.header("missing"), None);
    }
}
