//! The state machine's vocabulary: its settings, the events a driver feeds it, the
//! actions it asks for, and the requests those carry.

use crate::json::Value;

use super::message::BayeuxError;
use super::status::Status;

/// Tunables. [`Config::default`] matches the reference client.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long any request may take beyond what the server holds it (ms). Default 10 000.
    pub max_network_delay_ms: u64,
    /// Backoff added per consecutive failure (ms). Default 1 000.
    pub backoff_increment_ms: u64,
    /// Backoff ceiling (ms). Default 60 000.
    pub max_backoff_ms: u64,
    /// `advice.timeout` asked for in the handshake and assumed until the server says
    /// otherwise (ms). Default 60 000.
    pub default_timeout_ms: u64,
    /// `advice.interval` assumed until the server says otherwise (ms). Default 0.
    pub default_interval_ms: u64,
    /// `advice.maxInterval` assumed when the server gives none (ms). Default 10 000, the
    /// CometD servers' default.
    pub default_max_interval_ms: u64,
    /// Ask for the `ack` extension (used only if the server agrees). Default off.
    pub ack: bool,
    /// Stop after this many handshakes in a row whose session is unknown to the server by
    /// the first connect (the browser does not keep the server's session cookie: every
    /// request opens a new server session). Default 0: never stops (the GWS adapter sets 3).
    pub max_unkept_sessions: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_network_delay_ms: 10_000,
            backoff_increment_ms: 1_000,
            max_backoff_ms: 60_000,
            default_timeout_ms: 60_000,
            default_interval_ms: 0,
            default_max_interval_ms: 10_000,
            ack: false,
            max_unkept_sessions: 0,
        }
    }
}

/// Names one request, so a reply or failure is matched to it; replies to requests the
/// client no longer waits for are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId(pub u32);

/// Names one wake-up; a stale one is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerToken(pub u32);

/// What a request carries, which decides the URL it is posted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// `/meta/handshake`.
    Handshake,
    /// `/meta/connect` (the long poll).
    Connect,
    /// `/meta/disconnect`.
    Disconnect,
    /// Subscribe or unsubscribe.
    Other,
}

impl RequestKind {
    /// What to append to the Bayeux URL, as the reference client does
    /// (`appendMessageTypeToURL`): `/handshake`, `/connect`, `/disconnect`, or `/` for the
    /// rest. The trailing `/` matters: a server that sets its session cookie without a
    /// `Path` (cometd-nodejs-server does) scopes it to `<url>/`, so a request to `<url>`
    /// itself would go without the cookie and get `402::session_unknown`.
    pub fn url_suffix(self) -> &'static str {
        match self {
            RequestKind::Handshake => "/handshake",
            RequestKind::Connect => "/connect",
            RequestKind::Disconnect => "/disconnect",
            RequestKind::Other => "/",
        }
    }
}

/// A request to POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Report the outcome with this id.
    pub id: RequestId,
    /// What it carries.
    pub kind: RequestKind,
    /// The JSON body (an array of messages).
    pub body: String,
    /// Abort it and report [`TransportError::Timeout`] after this long (ms).
    pub timeout_ms: u64,
}

/// Why a request got no usable reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// No reply within the request's `timeout_ms`.
    Timeout,
    /// An HTTP status other than 2xx.
    Http(u16),
    /// The network failed (fetch rejected).
    Network,
}

/// What happened, as the driver reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Begin (handshake). Also restarts a stopped client.
    Start,
    /// A 2xx reply arrived for `request`.
    Response {
        /// The request it answers.
        request: RequestId,
        /// The body, as received (UTF-8 JSON; anything else reads as no reply).
        body: Vec<u8>,
    },
    /// `request` failed.
    Failed {
        /// The request that failed.
        request: RequestId,
        /// How.
        error: TransportError,
    },
    /// The wake-up asked for with this token is due.
    Timer(TimerToken),
    /// Follow a channel (wildcards `/*`, `/**` allowed). Kept across re-handshakes.
    Subscribe(String),
    /// Stop following a channel.
    Unsubscribe(String),
    /// Stop: abort everything, tell the server (`/meta/disconnect`) if there is a session.
    Stop,
    /// The browser says the network is back (`online`): a retry waiting out its backoff
    /// goes now instead.
    NetworkBack,
}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// POST this request.
    Send(Request),
    /// Abort this request; its outcome is no longer wanted.
    Abort(RequestId),
    /// Report [`Event::Timer`] with `token` after `after_ms` (always > 0). There is at most
    /// one wake-up: this one replaces any earlier one.
    Wake {
        /// Report it back with this token.
        token: TimerToken,
        /// Delay in ms.
        after_ms: u64,
    },
    /// Drop the pending wake-up.
    CancelWake,
    /// Tell the widget (the driver hands it on as it is).
    Report(ClientEvent),
}

/// What the client tells the widget (through `Action::Report`; the driver hands it on).
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// A notification on a subscribed channel, in arrival order.
    Message {
        /// The channel it was published on.
        channel: String,
        /// Its `data`.
        data: Value,
    },
    /// The connection status changed.
    Status(Status),
    /// A session is up with every subscription in place: read the current state now
    /// (`rehandshake: false`, the first time) or re-read it (`true`: events may have been
    /// missed while the session was down, or in a connect answer that was lost).
    Established {
        /// False for the first session; true for every later one, and once connects
        /// succeed again after one whose answer was lost or unreadable.
        rehandshake: bool,
    },
    /// The server refused a subscription (or the channel name is not valid).
    SubscribeFailed {
        /// The channel asked for.
        channel: String,
        /// The server's error, if any.
        error: Option<BayeuxError>,
    },
}
