//! The connection status a UI can show, and why a client stopped.

use super::message::BayeuxError;

/// Where the notification channel stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// First handshake and connect under way; nothing has failed yet.
    Connecting,
    /// The last `/meta/connect` succeeded: events flow.
    Connected {
        /// The server saw several sessions of this browser (e.g. several CRM tabs) and now
        /// polls this one at an interval instead of holding the connect: events arrive late.
        multiple_clients: bool,
    },
    /// Something failed; the client is retrying on its own.
    Reconnecting {
        /// Consecutive failures since the last successful connect (1 for the first).
        attempt: u32,
        /// How long until the next try, from the moment this status was issued.
        next_retry_in_ms: u64,
    },
    /// The client gave up or was told to stop; it does nothing more until started again.
    Stopped {
        /// Why.
        reason: StopReason,
    },
}

/// Why a client stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// The application asked it to stop.
    Requested,
    /// The server advised `reconnect: none` (on a handshake or a connect reply); the error
    /// it gave, if any.
    ServerRefused(Option<BayeuxError>),
    /// Session after session was unknown to the server by its first connect: the browser
    /// is not keeping the server's session (its cookie), so trying again only opens more.
    SessionNotKept,
}
