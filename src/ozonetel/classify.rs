//! Ozonetel answers read into a typed `OzonetelOutcome`. Ozonetel replies HTTP 200 with
//! the error in the body: `status` is Success / Fail / Error / "false" and the text sits
//! under `message` or `details`. Every row of seed 004's table has its own outcome, a
//! sentence for the agent, and whether a retry or a new token can help.

use crate::gather::GatherText;
use crate::json::Value;

use crate::model::DispositionOutcome;

/// What an Ozonetel answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OzonetelOutcome {
    /// Set during the call: applied when the call disconnects.
    Queued,
    Saved,
    /// Already disposed, disposed twice in ACW, or the wrap-up time ran out.
    AlreadyDisposed,
    TokenExpired,
    TokenMissing,
    TokenInvalid,
    /// The account is in Basic Auth mode ("Api Key Should Not be Null or Empty.").
    WrongAuthMode,
    UserNameMissing,
    InvalidUser,
    InvalidAction,
    InvalidAgent,
    /// "Invalid ucid" (no value) or "Invalid ucid(…)" (the value sent, often empty).
    InvalidUcid {
        ucid: Option<String>,
    },
    /// "Invalid ucid [9012171] or did [914071327663]".
    InvalidUcidOrDid {
        ucid: String,
        did: String,
    },
    EmptyDisposition,
    InvalidDisposition,
    PauseReasonRequired,
    /// A callback disposition sent without a valid `callBackTime` (the simulator's
    /// answer: "Provide callBackTime as YYYY-MM-DD HH:MM").
    CallbackTimeRequired,
    AgentNotOnCall,
    /// "Unable to Dispose . Please retry after some time." (or status "Error").
    Transient,
    /// Anything else; the text is kept for logs, never shown raw.
    Unknown(String),
}

impl OzonetelOutcome {
    /// What it means, for the agent: the catalog's sentence for its code.
    pub fn text(&self) -> crate::i18n::Text {
        crate::i18n::reason_text(self.code())
    }

    /// A stable reason code (kept in the outbox, turned into a sentence by the UI's catalog).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Queued => "oz:queued",
            Self::Saved => "oz:saved",
            Self::AlreadyDisposed => crate::model::outbox::REASON_DISPOSED_ELSEWHERE,
            Self::TokenExpired => "oz:token-expired",
            Self::TokenMissing => "oz:token-missing",
            Self::TokenInvalid => "oz:token-invalid",
            Self::WrongAuthMode => "oz:wrong-auth-mode",
            Self::UserNameMissing => "oz:username-missing",
            Self::InvalidUser => "oz:invalid-user",
            Self::InvalidAction => "oz:invalid-action",
            Self::InvalidAgent => "oz:invalid-agent",
            Self::InvalidUcid { .. } => "oz:invalid-ucid",
            Self::InvalidUcidOrDid { .. } => "oz:invalid-ucid-did",
            Self::EmptyDisposition => "oz:empty-disposition",
            Self::InvalidDisposition => "oz:invalid-disposition",
            Self::PauseReasonRequired => "oz:pause-reason",
            Self::CallbackTimeRequired => "oz:callback-time",
            Self::AgentNotOnCall => "oz:agent-not-on-call",
            Self::Transient => "oz:transient",
            Self::Unknown(_) => "oz:unknown",
        }
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Self::Queued | Self::Saved)
    }

    /// Whether sending the same request again (later) can help.
    pub fn retryable(&self) -> bool {
        matches!(self, Self::Transient | Self::Unknown(_)) || self.renew_token()
    }

    /// Whether it means "get a new token, then send again".
    pub fn renew_token(&self) -> bool {
        matches!(
            self,
            Self::TokenExpired | Self::TokenInvalid | Self::TokenMissing
        )
    }

    /// In vendor-neutral terms, for the disposition outbox.
    pub fn disposition_outcome(&self) -> DispositionOutcome {
        match self {
            Self::Queued => DispositionOutcome::Queued,
            Self::Saved => DispositionOutcome::Saved,
            Self::AlreadyDisposed => DispositionOutcome::AlreadyDisposed,
            o if o.renew_token() => DispositionOutcome::AuthExpired,
            o if o.retryable() => DispositionOutcome::Retryable(o.code().into()),
            o => DispositionOutcome::Rejected(o.code().into()),
        }
    }
}

/// The text between the first ASCII `open` and the next `close` (by bytes: a `char`
/// pattern would bring the standard library's char searcher for these two calls).
fn between(s: &str, open: u8, close: u8) -> Option<&str> {
    let start = s.bytes().position(|b| b == open)? + 1;
    let len = s[start..].bytes().position(|b| b == close)?;
    Some(&s[start..start + len])
}

fn clip(s: &str) -> String {
    s.chars().take(200).gather_text()
}

/// Reads an Ozonetel body. Never panics, whatever the input.
pub fn classify(body: &str) -> OzonetelOutcome {
    let v: Value = match crate::json::parse(body) {
        Ok(v) => v,
        Err(_) => return OzonetelOutcome::Unknown(clip(body.trim())),
    };
    let field = |k: &str| match v.get(k) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    };
    let status = field("status").to_ascii_lowercase();
    let text = [field("message"), field("details")]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    classify_text(&status, &text)
}

fn classify_text(status: &str, text: &str) -> OzonetelOutcome {
    use OzonetelOutcome as O;
    let t = text.to_ascii_lowercase();
    let has = |p: &str| crate::text::contains(&t, p);
    if has("queued") && status != "fail" && status != "false" {
        O::Queued
    } else if has("already disposed") {
        O::AlreadyDisposed
    } else if has("saved successfully") || (status == "success" && !has("invalid")) {
        O::Saved
    } else if has("token expired") {
        O::TokenExpired
    } else if has("token should not be null") {
        O::TokenMissing
    } else if has("invalid token") {
        O::TokenInvalid
    } else if has("api key should not be null") {
        O::WrongAuthMode
    } else if has("username should not be null") || has("username is null") {
        O::UserNameMissing
    } else if has("invalid user") {
        O::InvalidUser
    } else if has("invalid action") {
        O::InvalidAction
    } else if has("invalid agent") {
        O::InvalidAgent
    } else if has("invalid ucid") && has(" or did") {
        let after_ucid = crate::text::find(&t, " or did").map_or("", |i| &text[i..]);
        O::InvalidUcidOrDid {
            ucid: between(text, b'[', b']').unwrap_or("").to_string(),
            did: between(after_ucid, b'[', b']').unwrap_or("").to_string(),
        }
    } else if has("invalid ucid") {
        O::InvalidUcid {
            ucid: between(text, b'(', b')').map(str::to_string),
        }
    } else if has("empty disposition") {
        O::EmptyDisposition
    } else if has("invalid disposition") {
        O::InvalidDisposition
    } else if has("pause reason") {
        O::PauseReasonRequired
    } else if has("callbacktime") || has("callback time") {
        O::CallbackTimeRequired
    } else if has("not on this call") {
        O::AgentNotOnCall
    } else if has("unable to dispose") || has("retry after") || status == "error" {
        O::Transient
    } else {
        O::Unknown(clip(text))
    }
}

/// Reads an answer with its HTTP status: a readable body wins (Ozonetel errors are
/// HTTP 200); otherwise no answer, 408, 429 and 5xx are transient, 401 a bad token.
pub fn classify_response(http: u16, body: &str) -> OzonetelOutcome {
    let readable = crate::json::parse(body).is_ok_and(|v| v.is_object());
    if readable && http != 0 {
        return classify(body);
    }
    match http {
        0 | 408 | 429 | 500..=599 => OzonetelOutcome::Transient,
        401 => OzonetelOutcome::TokenInvalid,
        _ => classify(body),
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
