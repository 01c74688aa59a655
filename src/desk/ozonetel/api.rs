//! OzonetelApi: CloudAgent requests from the browser — a POST with the token from
//! `OzonetelAuth`, renewed once and sent again when Ozonetel refuses it. Shared by the
//! disposition sender and the Ozonetel telephony (manual dial).

use super::auth::{OzonetelAuth, OFFLINE, TOKEN_REFUSED};
use crate::config::OzonetelConfig;
use crate::net::{self, HttpRequest};
use crate::ozonetel::{classify_response, AuthRetry};
use crate::json::Value;

pub struct OzonetelApi {
    pub auth: OzonetelAuth,
    base: String,
}

/// An answer: its HTTP status and body (Ozonetel puts errors in the body).
pub struct OzReply {
    pub status: u16,
    pub body: String,
}

impl OzonetelApi {
    pub fn new(config: &OzonetelConfig) -> Self {
        Self { auth: OzonetelAuth::new(config), base: config.base().to_string() }
    }

    /// POSTs `body` to `path` with a token; when Ozonetel refuses the token, renews it
    /// once and sends again. The answer, or a reason code when none could be had.
    pub async fn post(&self, path: &str, body: &Value) -> Result<OzReply, String> {
        let url = format!("{}{path}", self.base);
        let mut resent = false;
        loop {
            let (token, generation) = self.auth.token().await?;
            let req = HttpRequest::post_json(url.clone(), body.to_string())
                .header("Authorization", &format!("Bearer {token}"))
                .without_cookies();
            let reply = net::send(req, None).await.map_err(|_| OFFLINE.to_string())?;
            if classify_response(reply.status, &reply.body).renew_token() {
                match self.auth.on_rejected(generation, resent) {
                    AuthRetry::GiveUp => return Err(TOKEN_REFUSED.into()),
                    AuthRetry::Resend | AuthRetry::RenewAndResend => {
                        resent = true;
                        continue;
                    }
                }
            }
            return Ok(OzReply { status: reply.status, body: reply.body });
        }
    }
}
