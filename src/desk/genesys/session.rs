//! GwsSession: the browser's HTTP session with Genesys Web Services — Basic credentials or
//! the existing cookie, the CSRF header captured from GET answers and sent on every POST,
//! refreshed once and retried on "Missing or invalid Csrf token".

use crate::cell::Borrowing;
use crate::genesys::{parse_reply, server_message, GwsAccepted, GwsError, GwsRequest};
use crate::net::{self, HttpRequest, NetError};
use std::cell::RefCell;
use web_sys::AbortController;

pub struct GwsSession {
    base: String,
    authorization: Option<String>,
    /// (header name, token) from the last GET answer that carried them.
    csrf: RefCell<Option<(String, String)>>,
    /// Aborts every request in flight when the widget is destroyed.
    cancel: AbortController,
}

/// The statusCode table's reading of a transport failure: "no answer" is HTTP 0.
fn unreachable(e: &NetError) -> GwsError {
    let _ = e;
    GwsError::ServerUnavailable { http: 0 }
}

impl GwsSession {
    pub fn new(base: &str, basic: Option<(&str, &str)>) -> Self {
        Self {
            base: crate::text::trim_end_byte(base, b'/').to_string(),
            authorization: basic.map(|(u, p)| net::basic_auth(u, p)),
            csrf: RefCell::new(None),
            cancel: AbortController::new().expect("AbortController exists in every supported browser"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Headers every request carries: Basic credentials (if configured) and the CSRF token.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(2);
        if let Some(auth) = &self.authorization {
            out.push(("Authorization".to_string(), auth.clone()));
        }
        if let Some((name, token)) = self.csrf.read().clone() {
            out.push((name, token));
        }
        out
    }

    fn request(&self, mut req: HttpRequest) -> HttpRequest {
        for (name, value) in self.headers() {
            req = req.header(&name, &value);
        }
        req
    }

    fn remember_csrf(&self, reply: &net::HttpReply) {
        if let Some(token) = reply.header("X-CSRF-TOKEN").filter(|t| !t.is_empty()) {
            let name = reply.header("X-CSRF-HEADER").filter(|n| !n.is_empty()).unwrap_or("X-CSRF-TOKEN");
            *self.csrf.write() = Some((name.to_string(), token.to_string()));
        }
    }

    /// GET `path`; the body of a statusCode-0 answer, else the reason.
    pub async fn get(&self, path: &str) -> Result<String, GwsError> {
        let req = self.request(HttpRequest::get(self.url(path)));
        let reply = net::send(req, Some(&self.cancel.signal())).await.map_err(|e| unreachable(&e))?;
        self.remember_csrf(&reply);
        parse_reply(reply.status, &reply.body).map(|_| reply.body)
    }

    /// POST an operation; on a CSRF refusal, reads a fresh token once and sends it again.
    pub async fn post(&self, op: &GwsRequest) -> Result<GwsAccepted, GwsError> {
        self.post_detailed(op).await.map_err(|(e, _)| e)
    }

    /// As `post`, and a refusal comes with the server's own message (`statusMessage`,
    /// empty when it gave none).
    pub async fn post_detailed(&self, op: &GwsRequest) -> Result<GwsAccepted, (GwsError, String)> {
        match self.post_once(op).await {
            Err((GwsError::CsrfRejected, _)) => {
                self.get("/api/v2/me").await.map_err(|e| (e, String::new()))?;
                self.post_once(op).await
            }
            other => other,
        }
    }

    async fn post_once(&self, op: &GwsRequest) -> Result<GwsAccepted, (GwsError, String)> {
        let req = self.request(HttpRequest::post_json(self.url(&op.path), op.body.to_string()));
        let reply = net::send(req, Some(&self.cancel.signal())).await.map_err(|e| (unreachable(&e), String::new()))?;
        parse_reply(reply.status, &reply.body).map_err(|e| (e, server_message(&reply.body).unwrap_or_default()))
    }

    /// Ends every request in flight (the widget is going away).
    pub fn close(&self) {
        self.cancel.abort();
    }
}
