//! GWS answers to requests: the statusCode table (0–20) and the HTTP-level failures
//! (401, 402, 403 CSRF, 5xx) as a typed `GwsError`, each with a sentence for the agent and
//! what to do next (principle 6). A success only means "accepted"; notifications follow.

use crate::gather::GatherText;
use crate::i18n::Text;
use crate::model::DispositionOutcome;

/// A request GWS accepted. `partial` is statusCode 7 (e.g. StartContactCenterSession on
/// some channels only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GwsAccepted {
    pub partial: bool,
}

/// Why GWS refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GwsError {
    /// 1
    MissingParameter,
    /// 2
    InvalidForState,
    /// 3
    Forbidden,
    /// 4
    InternalError,
    /// 5
    NoPermission,
    /// 6
    NotFound,
    /// 7 (reported as `GwsAccepted { partial: true }` by `parse_reply`)
    PartialSuccess,
    /// 8
    PasswordChangeRequired,
    /// 9
    ProcessingIncomplete,
    /// 10
    InvalidInput,
    /// 11
    ReadOnlyProperty,
    /// 12
    UnableToRetrieve,
    /// 13
    UnableToCreate,
    /// 14
    UnableToDelete,
    /// 15
    UnableToUpdate,
    /// 16
    UnableToAssign,
    /// 17
    UnableToUnassign,
    /// 18
    AlreadyExists,
    /// 19
    InUse,
    /// 20, or HTTP 401
    NotAuthenticated,
    /// HTTP 403 "Missing or invalid Csrf token" (stale token or lost JSESSIONID).
    CsrfRejected,
    /// HTTP 402: the server no longer knows this session.
    SessionExpired,
    /// No answer, a timeout, 429 or a 5xx.
    ServerUnavailable { http: u16 },
    /// A statusCode not in the table.
    UnknownStatus(i64),
    /// An HTTP status with no readable GWS answer.
    UnexpectedHttp(u16),
}

impl GwsError {
    /// The error for a non-zero statusCode.
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::MissingParameter,
            2 => Self::InvalidForState,
            3 => Self::Forbidden,
            4 => Self::InternalError,
            5 => Self::NoPermission,
            6 => Self::NotFound,
            7 => Self::PartialSuccess,
            8 => Self::PasswordChangeRequired,
            9 => Self::ProcessingIncomplete,
            10 => Self::InvalidInput,
            11 => Self::ReadOnlyProperty,
            12 => Self::UnableToRetrieve,
            13 => Self::UnableToCreate,
            14 => Self::UnableToDelete,
            15 => Self::UnableToUpdate,
            16 => Self::UnableToAssign,
            17 => Self::UnableToUnassign,
            18 => Self::AlreadyExists,
            19 => Self::InUse,
            20 => Self::NotAuthenticated,
            other => Self::UnknownStatus(other),
        }
    }

    /// The GWS statusCode, when the error has one.
    pub fn code(&self) -> Option<i64> {
        (1..=20)
            .find(|c| Self::from_code(*c) == *self)
            .or(match self {
                Self::UnknownStatus(c) => Some(*c),
                _ => None,
            })
    }

    /// What happened, for the agent (a sentence of the catalog).
    pub fn message(&self) -> Text {
        match self {
            Self::MissingParameter => Text::GwsMissingParameter,
            Self::InvalidForState => Text::GwsInvalidForState,
            Self::Forbidden => Text::GwsForbidden,
            Self::InternalError => Text::GwsInternalError,
            Self::NoPermission => Text::GwsNoPermission,
            Self::NotFound => Text::GwsNotFound,
            Self::PartialSuccess => Text::GwsPartialSuccess,
            Self::PasswordChangeRequired => Text::GwsPasswordChange,
            Self::ProcessingIncomplete => Text::GwsProcessingIncomplete,
            Self::InvalidInput => Text::GwsInvalidInput,
            Self::ReadOnlyProperty => Text::GwsReadOnly,
            Self::UnableToRetrieve => Text::GwsUnableToRetrieve,
            Self::UnableToCreate => Text::GwsUnableToCreate,
            Self::UnableToDelete => Text::GwsUnableToDelete,
            Self::UnableToUpdate => Text::GwsUnableToUpdate,
            Self::UnableToAssign => Text::GwsUnableToAssign,
            Self::UnableToUnassign => Text::GwsUnableToUnassign,
            Self::AlreadyExists => Text::GwsAlreadyExists,
            Self::InUse => Text::GwsInUse,
            Self::NotAuthenticated => Text::GwsNotAuthenticated,
            Self::CsrfRejected => Text::GwsCsrfRejected,
            Self::SessionExpired => Text::GwsSessionExpired,
            Self::ServerUnavailable { .. } => Text::GwsUnavailable,
            Self::UnknownStatus(_) => Text::GwsUnknownStatus,
            Self::UnexpectedHttp(_) => Text::GwsUnexpectedHttp,
        }
    }

    /// What the agent (or the panel) does next (a sentence of the catalog).
    pub fn next_step(&self) -> Text {
        match self {
            Self::InvalidForState => Text::NextStateChanged,
            Self::MissingParameter | Self::InvalidInput => Text::NextCheckInput,
            Self::Forbidden | Self::NoPermission | Self::ReadOnlyProperty => Text::NextAskSupervisor,
            Self::NotFound => Text::NextRefreshing,
            Self::PartialSuccess => Text::NextCheckPanel,
            Self::PasswordChangeRequired => Text::NextChangePassword,
            Self::ProcessingIncomplete | Self::InUse => Text::NextWait,
            Self::InternalError
            | Self::UnableToRetrieve
            | Self::UnableToCreate
            | Self::UnableToDelete
            | Self::UnableToUpdate
            | Self::UnableToAssign
            | Self::UnableToUnassign => Text::NextTellSupervisor,
            Self::AlreadyExists => Text::NextNothing,
            Self::NotAuthenticated | Self::SessionExpired => Text::NextSignIn,
            Self::CsrfRejected => Text::NextRefreshSession,
            Self::ServerUnavailable { .. } => Text::NextRetrying,
            Self::UnknownStatus(_) | Self::UnexpectedHttp(_) => Text::NextUnknown,
        }
    }

    /// Whether the same request may work if sent again later unchanged.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            Self::InternalError
                | Self::ProcessingIncomplete
                | Self::UnableToRetrieve
                | Self::UnableToCreate
                | Self::UnableToDelete
                | Self::UnableToUpdate
                | Self::UnableToAssign
                | Self::UnableToUnassign
                | Self::InUse
                | Self::ServerUnavailable { .. }
                | Self::UnknownStatus(_)
                | Self::UnexpectedHttp(_)
        )
    }

    /// Whether the session (cookie, CSRF token) must be renewed before anything works.
    pub fn needs_session(&self) -> bool {
        matches!(
            self,
            Self::NotAuthenticated | Self::CsrfRejected | Self::SessionExpired
        )
    }

    /// A stable reason code for the disposition outbox: `gws:<statusCode>`, or
    /// `gws:unavailable` / `gws:http` / `gws:session` for answers without one.
    pub fn reason_code(&self) -> String {
        match self {
            Self::ServerUnavailable { .. } => "gws:unavailable".into(),
            Self::UnexpectedHttp(_) => "gws:http".into(),
            Self::CsrfRejected | Self::SessionExpired => "gws:session".into(),
            // Printed as a JSON number: through `u64`'s `Display`, the one integer printer
            // the widget carries (an `i64`'s own would be code of its own).
            other => format!("gws:{}", crate::json::Value::from(other.code().unwrap_or(0))),
        }
    }

    /// In vendor-neutral terms, for the disposition outbox.
    pub fn disposition_outcome(&self) -> DispositionOutcome {
        if self.needs_session() {
            DispositionOutcome::AuthExpired
        } else if self.retryable() {
            DispositionOutcome::Retryable(self.reason_code())
        } else {
            DispositionOutcome::Rejected(self.reason_code())
        }
    }
}

fn body_field(body: &str, key: &str) -> Option<crate::json::Value> {
    let mut v: crate::json::Value = crate::json::parse(body).ok()?;
    v.get_mut(key).map(crate::json::Value::take)
}

/// The statusCode in a GWS body, if one is readable (a number or a numeric string).
pub fn status_code(body: &str) -> Option<i64> {
    super::wire::status_code(&crate::json::parse(body).ok()?)
}

/// The server's `statusMessage` exactly as sent, for logs. (What the agent sees beside the
/// statusCode's sentence is `server_message`: trimmed and bounded.)
pub fn status_message(body: &str) -> Option<String> {
    match body_field(body, "statusMessage")? {
        crate::json::Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// The longest server message `server_message` keeps, in characters.
pub const SERVER_MESSAGE_MAX: usize = 200;

/// The server's own words about a refusal (`statusMessage` of an error body, e.g.
/// "Device '5001' is not registered."), trimmed and cut to `SERVER_MESSAGE_MAX` characters
/// (ending in "…" when cut). `None` when the body is not JSON or `statusMessage` is absent,
/// empty or not a string. Plain text kept as the server wrote it: whoever shows it escapes it.
pub fn server_message(body: &str) -> Option<String> {
    let v: crate::json::Value = crate::json::parse(body).ok()?;
    let message = v.get("statusMessage")?.as_str()?.trim();
    if message.is_empty() {
        return None;
    }
    if message.chars().count() <= SERVER_MESSAGE_MAX {
        return Some(message.to_string());
    }
    let cut: String = message.chars().take(SERVER_MESSAGE_MAX - 1).gather_text();
    Some(format!("{}…", cut.trim_end()))
}

/// The text of a failure for the agent: the statusCode's sentence, followed by the
/// server's message in brackets when there is one.
pub fn failure_text(sentence: &str, server_message: &str) -> String {
    let server_message = server_message.trim();
    if server_message.is_empty() {
        sentence.to_string()
    } else {
        format!("{sentence} ({server_message})")
    }
}

/// Reads a GWS answer: the HTTP status (0 = no answer at all) and the body.
pub fn parse_reply(http: u16, body: &str) -> Result<GwsAccepted, GwsError> {
    let code = status_code(body);
    match http {
        401 => return Err(GwsError::NotAuthenticated),
        402 => return Err(GwsError::SessionExpired),
        403 => {
            return Err(match code {
                Some(c) if c != 0 && !crate::text::contains(&body.to_ascii_lowercase(), "csrf") => {
                    GwsError::from_code(c)
                }
                _ if crate::text::contains(&body.to_ascii_lowercase(), "csrf") || code.is_none() => {
                    GwsError::CsrfRejected
                }
                _ => GwsError::Forbidden,
            })
        }
        0 | 408 | 429 | 500..=599 => {
            return Err(match code {
                Some(c) if c != 0 => GwsError::from_code(c),
                _ => GwsError::ServerUnavailable { http },
            })
        }
        _ => {}
    }
    match code {
        Some(0) => Ok(GwsAccepted { partial: false }),
        Some(7) => Ok(GwsAccepted { partial: true }),
        Some(c) => Err(GwsError::from_code(c)),
        None if (200..300).contains(&http) => Ok(GwsAccepted { partial: false }),
        None if http == 404 => Err(GwsError::NotFound),
        None => Err(GwsError::UnexpectedHttp(http)),
    }
}

/// A SetCallDisposition answer in vendor-neutral terms. GWS only ever says "accepted":
/// for a released call no notification follows, so acceptance is the definite answer.
pub fn disposition_outcome(reply: &Result<GwsAccepted, GwsError>) -> DispositionOutcome {
    match reply {
        Ok(_) => DispositionOutcome::Saved,
        Err(e) => e.disposition_outcome(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_message_and_a_next_step() {
        // Distinct catalog sentences: distinct in every language (the catalog's own test
        // checks each is translated).
        let mut seen: Vec<&str> = Vec::new();
        for code in 1..=20 {
            let e = GwsError::from_code(code);
            assert_eq!(e.code(), Some(code), "{e:?}");
            assert!(
                !seen.contains(&e.message().in_(crate::i18n::Lang::En)),
                "code {code} repeats a message"
            );
            seen.push(e.message().in_(crate::i18n::Lang::En));
            assert!(e.next_step().in_(crate::i18n::Lang::En).ends_with('.'));
        }
        for e in [
            GwsError::CsrfRejected,
            GwsError::SessionExpired,
            GwsError::ServerUnavailable { http: 503 },
            GwsError::UnknownStatus(99),
            GwsError::UnexpectedHttp(418),
        ] {
            assert!(!seen.contains(&e.message().in_(crate::i18n::Lang::En)), "{e:?} repeats a message");
            seen.push(e.message().in_(crate::i18n::Lang::En));
        }
        assert_eq!(GwsError::from_code(99), GwsError::UnknownStatus(99));
        assert_eq!(GwsError::UnknownStatus(99).code(), Some(99));
        assert_eq!(GwsError::CsrfRejected.code(), None);
    }

    #[test]
    fn the_state_sentence() {
        let e = GwsError::from_code(2);
        assert_eq!(
            e.message().in_(crate::i18n::Lang::En),
            "That action isn't available for this call right now."
        );
        assert_eq!(
            e.next_step().in_(crate::i18n::Lang::En),
            "The call's state changed — the panel shows what you can do now."
        );
    }

    #[test]
    fn replies() {
        assert_eq!(
            parse_reply(200, r#"{"statusCode":0}"#),
            Ok(GwsAccepted { partial: false })
        );
        assert_eq!(
            parse_reply(200, r#"{"statusCode":7}"#),
            Ok(GwsAccepted { partial: true })
        );
        assert_eq!(
            parse_reply(200, r#"{"statusCode":"2","statusMessage":"Invalid state"}"#),
            Err(GwsError::InvalidForState)
        );
        assert_eq!(
            status_message(r#"{"statusCode":2,"statusMessage":"Invalid state"}"#).as_deref(),
            Some("Invalid state")
        );
        assert_eq!(parse_reply(200, ""), Ok(GwsAccepted { partial: false }));
        assert_eq!(parse_reply(401, ""), Err(GwsError::NotAuthenticated));
        assert_eq!(parse_reply(402, ""), Err(GwsError::SessionExpired));
        assert_eq!(
            parse_reply(403, "Missing or invalid Csrf token"),
            Err(GwsError::CsrfRejected)
        );
        assert_eq!(
            parse_reply(403, r#"{"message":"Missing or invalid Csrf token"}"#),
            Err(GwsError::CsrfRejected)
        );
        assert_eq!(
            parse_reply(403, r#"{"statusCode":5}"#),
            Err(GwsError::NoPermission)
        );
        assert_eq!(
            parse_reply(403, r#"{"statusCode":0}"#),
            Err(GwsError::Forbidden)
        );
        assert_eq!(
            parse_reply(503, "<html>"),
            Err(GwsError::ServerUnavailable { http: 503 })
        );
        assert_eq!(
            parse_reply(500, r#"{"statusCode":4}"#),
            Err(GwsError::InternalError)
        );
        assert_eq!(
            parse_reply(0, ""),
            Err(GwsError::ServerUnavailable { http: 0 })
        );
        assert_eq!(parse_reply(404, "nope"), Err(GwsError::NotFound));
        assert_eq!(
            parse_reply(418, "teapot"),
            Err(GwsError::UnexpectedHttp(418))
        );
        assert_eq!(
            parse_reply(400, r#"{"statusCode":1}"#),
            Err(GwsError::MissingParameter)
        );
    }

    #[test]
    fn real_servers_error_answers_keep_their_status_code() {
        // GWS 8.5.202.96 as captured: an unauthenticated GET, and a T-Server failure.
        let denied = parse_reply(403, r#"{"statusCode":20,"statusMessage":"Access denied"}"#);
        assert_eq!(denied, Err(GwsError::NotAuthenticated));
        let denied = denied.unwrap_err();
        assert_eq!(denied.code(), Some(20));
        assert!(denied.needs_session());
        assert_eq!(
            denied.message().in_(crate::i18n::Lang::En),
            "You're signed out of the phone system."
        );
        assert_eq!(denied.disposition_outcome(), DispositionOutcome::AuthExpired);

        let failed = parse_reply(
            500,
            r#"{"statusCode":4,"statusMessage":"Device '5001' is not registered."}"#,
        );
        assert_eq!(failed, Err(GwsError::InternalError));
        let failed = failed.unwrap_err();
        assert_eq!(failed.code(), Some(4));
        assert!(!failed.needs_session());
        assert!(failed.retryable());
        // Other 5xx statuses with a statusCode keep it too; without one it is "unavailable".
        assert_eq!(parse_reply(502, r#"{"statusCode":20}"#), Err(GwsError::NotAuthenticated));
        assert_eq!(
            parse_reply(500, r#"{"statusMessage":"Device '5001' is not registered."}"#),
            Err(GwsError::ServerUnavailable { http: 500 })
        );
        // A numeric string is read the same.
        assert_eq!(parse_reply(403, r#"{"statusCode":"20"}"#), Err(GwsError::NotAuthenticated));
    }

    #[test]
    fn the_servers_own_message() {
        let m = |body: &str| server_message(body);
        assert_eq!(
            m(r#"{"statusCode":4,"statusMessage":"Device '5001' is not registered."}"#).as_deref(),
            Some("Device '5001' is not registered.")
        );
        assert_eq!(m(r#"{"statusCode":20,"statusMessage":"  Access denied \n"}"#).as_deref(), Some("Access denied"));
        // Absent, empty, blank, not a string, not JSON, not an object: nothing.
        for body in [
            r#"{"statusCode":4}"#,
            r#"{"statusCode":4,"statusMessage":""}"#,
            r#"{"statusCode":4,"statusMessage":" \t "}"#,
            r#"{"statusCode":4,"statusMessage":null}"#,
            r#"{"statusCode":4,"statusMessage":42}"#,
            r#"{"statusCode":4,"statusMessage":{"text":"x"}}"#,
            r#"{"statusCode":4,"statusMessage":["x"]}"#,
            r#"["statusMessage"]"#,
            r#""statusMessage""#,
            "<html><body>Device is not registered</body></html>",
            "",
        ] {
            assert_eq!(m(body), None, "{body}");
        }
        // Hostile text stays exactly as given: the UI shows it as text, never as markup.
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "a & b \"quoted\" 'single' &amp;",
            "\u{202e}gnp.exe",
            "line one\nline two",
            "{{template}} ${x} %s \u{0}",
        ] {
            let body = crate::json::json!({"statusCode": 4, "statusMessage": hostile}).to_string();
            assert_eq!(m(&body).as_deref(), Some(hostile), "{hostile}");
        }
        // At most SERVER_MESSAGE_MAX characters (not bytes), cut with an ellipsis.
        let exact = "x".repeat(SERVER_MESSAGE_MAX);
        let body = crate::json::json!({"statusMessage": exact}).to_string();
        assert_eq!(m(&body).as_deref(), Some(exact.as_str()));
        let long = "é".repeat(SERVER_MESSAGE_MAX + 1);
        let body = crate::json::json!({"statusMessage": long}).to_string();
        let cut = m(&body).unwrap();
        assert_eq!(cut.chars().count(), SERVER_MESSAGE_MAX);
        assert!(cut.ends_with('…'));
        assert!(cut.starts_with("éé"));
        let huge = "🙂".repeat(10_000);
        let body = crate::json::json!({"statusMessage": huge}).to_string();
        assert_eq!(m(&body).unwrap().chars().count(), SERVER_MESSAGE_MAX);
    }

    #[test]
    fn failure_text_adds_the_servers_message() {
        let sentence = GwsError::InternalError.message().in_(crate::i18n::Lang::En);
        assert_eq!(
            failure_text(sentence, "Device '5001' is not registered."),
            "The phone system had an internal error. (Device '5001' is not registered.)"
        );
        assert_eq!(failure_text(sentence, ""), sentence);
        assert_eq!(failure_text(sentence, "  "), sentence);
        assert_eq!(
            failure_text("S.", "<b>x</b>"),
            "S. (<b>x</b>)",
            "plain text, the UI escapes it"
        );
    }

    #[test]
    fn disposition_outcomes() {
        assert_eq!(
            disposition_outcome(&Ok(GwsAccepted { partial: false })),
            DispositionOutcome::Saved
        );
        assert_eq!(
            disposition_outcome(&Err(GwsError::CsrfRejected)),
            DispositionOutcome::AuthExpired
        );
        assert_eq!(
            disposition_outcome(&Err(GwsError::from_code(20))),
            DispositionOutcome::AuthExpired
        );
        assert!(matches!(
            disposition_outcome(&Err(GwsError::from_code(4))),
            DispositionOutcome::Retryable(_)
        ));
        assert!(matches!(
            disposition_outcome(&Err(GwsError::from_code(6))),
            DispositionOutcome::Rejected(_)
        ));
        assert!(matches!(
            disposition_outcome(&Err(GwsError::ServerUnavailable { http: 502 })),
            DispositionOutcome::Retryable(_)
        ));
        assert_eq!(
            disposition_outcome(&Err(GwsError::from_code(6))),
            DispositionOutcome::Rejected("gws:6".into())
        );
        assert_eq!(
            GwsError::ServerUnavailable { http: 0 }.disposition_outcome(),
            DispositionOutcome::Retryable("gws:unavailable".into())
        );
        assert_eq!(GwsError::SessionExpired.reason_code(), "gws:session");
    }
}
