//! The Bayeux long-polling client as a pure state machine: events in, actions out.
//!
//! It never touches I/O, timers or a clock: the driver passes the time (`now_ms`) with each
//! [`Event`] and carries out each [`Action`] (send a request, wake me later, deliver an
//! event). So every branch runs in native unit tests with plain numbers for time, in the
//! manner of `quinn-proto`.
//!
//! ```text
//! client.handle(now_ms, Event::Start);
//! while let Some(action) = client.poll_action() { /* carry it out */ }
//! ```
//!
//! Behaviour follows the reference CometD JavaScript client (see `COMETD.md`):
//! handshake → subscribe everything → connect (the first one with `advice:{timeout:0}`),
//! one outstanding connect at a time, `advice.reconnect` retry/handshake/none obeyed,
//! linear backoff on failures, request timeouts of `maxNetworkDelay` (+ `advice.timeout`
//! for a connect), re-handshake once unconnected for longer than
//! `timeout + interval + maxInterval`. Two deliberate differences:
//! - subscriptions are the client's own state: after every (re)handshake they are sent
//!   again, and [`ClientEvent::Established`] fires once the first connect has succeeded and
//!   every subscription is confirmed, so adapters re-read what they may have missed;
//! - the backoff resets only on a successful *connect* (the reference also resets it on a
//!   successful handshake), so a handshake-ok / connect-402 loop (e.g. cookies blocked)
//!   backs off instead of hammering the server — and on [`Event::NetworkBack`] (the
//!   browser's `online`), which also sends the waiting retry at once.
//!
//! Once the loop does not end — handshake after handshake whose session the server no
//! longer knows by the first connect, as when the browser drops the server's session
//! cookie — the client stops (`StopReason::SessionNotKept`) rather than open session
//! after session.
//!
//! And one addition: a connect whose answer was lost or unreadable may have carried events
//! the server will not send again, so once connects succeed again the client reports
//! [`ClientEvent::Established`] `{ rehandshake: true }` and the adapter re-reads state.

use crate::gather::Gather;
use std::collections::VecDeque;

use crate::json::{Map, Value};

use super::backoff::Backoff;
use super::channel;
use super::events::{Action, ClientEvent, Config, Event, Request, RequestId, RequestKind, TimerToken};
use super::message::{
    decode_batch, encode_batch, Advice, Message, Outgoing, OutgoingAdvice, Reconnect,
};
use super::status::{Status, StopReason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Handshaking,
    Session,
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Handshake,
    Connect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubState {
    /// Not yet sent in this session.
    Unsent,
    /// In the subscribe request in flight.
    Sending,
    /// The server said yes.
    Confirmed,
    /// The request failed or the reply was missing: try again after the next good connect.
    Deferred,
}

#[derive(Debug, Clone)]
struct Subscription {
    channel: String,
    state: SubState,
}

/// The non-connect request in flight: which message ids asked for which channels.
#[derive(Debug, Clone)]
struct OtherRequest {
    id: RequestId,
    subscribes: Vec<(String, String)>,
}

/// The advice in force: the newest server advice over the configured defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Effective {
    reconnect: Option<Reconnect>,
    interval: u64,
    timeout: u64,
    max_interval: u64,
    multiple_clients: bool,
}

impl Effective {
    /// The newest advice replaces the old one as a whole; absent fields take the defaults
    /// (as the reference client does).
    fn from(advice: &Advice, config: &Config) -> Effective {
        Effective {
            reconnect: advice.reconnect,
            interval: advice.interval_ms.unwrap_or(config.default_interval_ms),
            timeout: advice.timeout_ms.unwrap_or(config.default_timeout_ms),
            max_interval: advice
                .max_interval_ms
                .unwrap_or(config.default_max_interval_ms),
            multiple_clients: advice.multiple_clients,
        }
    }
}

/// The Bayeux client state machine. See the module docs.
#[derive(Debug)]
pub struct Client {
    config: Config,
    phase: Phase,
    status: Status,
    client_id: Option<String>,
    advice: Effective,
    backoff: Backoff,
    failures: u32,
    /// The last connect succeeded (else the next one asks `advice:{timeout:0}`).
    connected: bool,
    unconnected_since: Option<u64>,
    next_message_id: u64,
    next_request_id: u32,
    next_timer: u32,
    handshake_request: Option<RequestId>,
    connect_request: Option<RequestId>,
    other_request: Option<OtherRequest>,
    timer: Option<(TimerToken, Next)>,
    subscriptions: Vec<Subscription>,
    unsubscribes: Vec<String>,
    established_once: bool,
    /// After a handshake: `Some(rehandshake)` until [`ClientEvent::Established`] is issued.
    establish_pending: Option<bool>,
    ack_enabled: bool,
    ack_last: i64,
    /// Handshakes in a row whose session the server did not know by the first connect.
    unkept_sessions: u32,
    actions: VecDeque<Action>,
}

impl Client {
    /// A client that does nothing until [`Event::Start`].
    pub fn new(config: Config) -> Client {
        let advice = Effective::from(&Advice::default(), &config);
        let backoff = Backoff::new(config.backoff_increment_ms, config.max_backoff_ms);
        Client {
            config,
            phase: Phase::Idle,
            status: Status::Connecting,
            client_id: None,
            advice,
            backoff,
            failures: 0,
            connected: false,
            unconnected_since: None,
            next_message_id: 0,
            next_request_id: 0,
            next_timer: 0,
            handshake_request: None,
            connect_request: None,
            other_request: None,
            timer: None,
            subscriptions: Vec::new(),
            unsubscribes: Vec::new(),
            established_once: false,
            establish_pending: None,
            ack_enabled: false,
            ack_last: -1,
            unkept_sessions: 0,
            actions: VecDeque::new(),
        }
    }

    /// Feeds one event at time `now_ms` (any monotonic-ish ms clock; wall time is best, as
    /// it keeps counting while a laptop sleeps). Then drain [`Client::poll_action`].
    pub fn handle(&mut self, now_ms: u64, event: Event) {
        match event {
            Event::Start => self.start(),
            Event::Response { request, body } => self.on_response(now_ms, request, &body),
            Event::Failed { request, .. } => self.on_failed(now_ms, request),
            Event::Timer(token) => self.on_timer(now_ms, token),
            Event::Subscribe(channel) => self.subscribe(channel),
            Event::Unsubscribe(channel) => self.unsubscribe(&channel),
            Event::Stop => self.stop(StopReason::Requested),
            Event::NetworkBack => self.network_back(now_ms),
        }
    }

    /// The next action to carry out, oldest first.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// The current status.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The session's `clientId`, while there is one.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// True once stopped (by [`Event::Stop`] or by the server's `reconnect: none`).
    pub fn is_stopped(&self) -> bool {
        self.phase == Phase::Stopped
    }

    /// The channels followed, in the order asked.
    pub fn subscriptions(&self) -> impl Iterator<Item = &str> {
        self.subscriptions.iter().map(|s| s.channel.as_str())
    }

    // ---- events ----

    fn start(&mut self) {
        if !matches!(self.phase, Phase::Idle | Phase::Stopped) {
            return;
        }
        self.backoff.reset();
        self.failures = 0;
        self.established_once = false;
        self.unconnected_since = None;
        // Always reported, so a UI hears where a (re)started client stands.
        self.status = Status::Connecting;
        self.actions.push_back(Action::Report(ClientEvent::Status(Status::Connecting)));
        self.handshake();
    }

    fn on_response(&mut self, now: u64, request: RequestId, body: &[u8]) {
        let Some(kind) = self.take_in_flight(request) else {
            return;
        };
        let messages = match decode_batch(body) {
            Ok(messages) if !messages.is_empty() => messages,
            // Unreadable or empty: as good as no reply at all.
            _ => return self.fail_request(now, kind),
        };
        self.unconnected_since = None;
        let mut reply = None;
        for message in messages {
            if let Some(advice) = &message.advice {
                self.advice = Effective::from(advice, &self.config);
            }
            match message.channel.as_str() {
                "/meta/handshake" if matches!(kind, InFlight::Handshake) => reply = Some(message),
                "/meta/connect" if matches!(kind, InFlight::Connect) => reply = Some(message),
                "/meta/subscribe" => self.on_subscribe_reply(message, &kind),
                _ if message.is_meta() => {} // unsubscribe/disconnect replies: nothing to do
                _ => self.deliver(message),
            }
        }
        match kind {
            InFlight::Handshake => self.on_handshake_reply(now, reply),
            InFlight::Connect => self.on_connect_reply(now, reply),
            InFlight::Other(done) => self.finish_other(done, true),
        }
    }

    fn on_failed(&mut self, now: u64, request: RequestId) {
        if let Some(kind) = self.take_in_flight(request) {
            self.fail_request(now, kind);
        }
    }

    fn fail_request(&mut self, now: u64, kind: InFlight) {
        match kind {
            InFlight::Handshake => self.handshake_failed(now, None),
            InFlight::Connect => {
                // The server may have sent events in the answer that never arrived (a cut,
                // a timeout, a truncated body) and will not send them again: once a connect
                // succeeds, report Established { rehandshake: true } so state is re-read.
                if self.established_once && self.establish_pending.is_none() {
                    self.establish_pending = Some(true);
                }
                self.connect_failed(now)
            }
            InFlight::Other(done) => self.finish_other(done, false),
        }
    }

    /// The network is back: a retry (handshake or connect) waiting out its backoff goes
    /// now (after a long cut that wait is up to `max_backoff_ms`), and the backoff starts
    /// again from zero — the failures were the old network's — so the 402 that usually
    /// follows a long cut leads to a handshake within a second.
    fn network_back(&mut self, now: u64) {
        if self.failures == 0 || self.phase == Phase::Stopped {
            return; // nothing failed: an advised interval is not a backoff
        }
        if let Some((_, next)) = self.timer {
            self.backoff.reset();
            self.cancel_timer();
            self.set_status(Status::Reconnecting {
                attempt: self.failures,
                next_retry_in_ms: 0,
            });
            self.run(now, next);
        }
    }

    fn on_timer(&mut self, now: u64, token: TimerToken) {
        match self.timer {
            Some((pending, next)) if pending == token => {
                self.timer = None;
                self.run(now, next);
            }
            _ => {}
        }
    }

    fn subscribe(&mut self, channel: String) {
        if !channel.starts_with('/') || channel.len() < 2 || channel.starts_with("/meta/") {
            self.actions.push_back(Action::Report(ClientEvent::SubscribeFailed {
                channel,
                error: None,
            }));
            return;
        }
        if self.subscriptions.iter().any(|s| s.channel == channel) {
            return;
        }
        self.subscriptions.push(Subscription {
            channel,
            state: SubState::Unsent,
        });
        self.flush();
    }

    fn unsubscribe(&mut self, channel: &str) {
        let Some(index) = self.subscriptions.iter().position(|s| s.channel == channel) else {
            return;
        };
        let removed = self.subscriptions.remove(index);
        if removed.state != SubState::Unsent && self.phase == Phase::Session {
            self.unsubscribes.push(removed.channel);
            self.flush();
        }
        self.check_established();
    }

    // ---- handshake ----

    /// Sends a handshake now: the old session, its requests and its advice are dropped.
    fn handshake(&mut self) {
        self.drop_session();
        self.advice = Effective::from(&Advice::default(), &self.config);
        self.phase = Phase::Handshaking;
        let mut message = Outgoing::new(self.message_id(), "/meta/handshake");
        message.version = Some("1.0");
        message.minimum_version = Some("1.0");
        message.supported_connection_types = Some(["long-polling"]);
        message.advice = Some(OutgoingAdvice {
            timeout: self.advice.timeout,
            interval: Some(self.advice.interval),
        });
        if self.config.ack {
            message.ext = Some(ack_ext(Value::Bool(true)));
        }
        let timeout = self.config.max_network_delay_ms;
        self.handshake_request = Some(self.send(RequestKind::Handshake, &[message], timeout));
    }

    fn on_handshake_reply(&mut self, now: u64, reply: Option<Message>) {
        let Some(reply) = reply else {
            return self.handshake_failed(now, None);
        };
        let client_id = match (&reply.successful, &reply.client_id) {
            (Some(true), Some(id)) => id.clone(),
            _ => return self.handshake_failed(now, Some(reply)),
        };
        if self.advice.reconnect == Some(Reconnect::None) {
            return self.stop(StopReason::ServerRefused(reply.error));
        }
        if self.advice.reconnect == Some(Reconnect::Handshake) {
            // Meaningless on a successful handshake; kept, it would loop us back here.
            self.advice.reconnect = Some(Reconnect::Retry);
        }
        self.client_id = Some(client_id);
        self.phase = Phase::Session;
        self.ack_enabled =
            self.config.ack && ext_field(&reply.ext, "ack") == Some(&Value::Bool(true));
        self.establish_pending = Some(self.established_once);
        self.flush();
        let interval = self.advice.interval;
        self.schedule(now, Next::Connect, interval);
    }

    fn handshake_failed(&mut self, now: u64, reply: Option<Message>) {
        // A transport failure always means "handshake again"; a reply's advice may say more.
        let (action, error) = match reply {
            Some(reply) => (
                self.advice.reconnect.unwrap_or(Reconnect::Handshake),
                reply.error,
            ),
            None => (Reconnect::Handshake, None),
        };
        if action == Reconnect::None {
            return self.stop(StopReason::ServerRefused(error));
        }
        self.retry_later(now, Next::Handshake);
    }

    // ---- connect ----

    fn connect(&mut self) {
        if self.connect_request.is_some() {
            return; // one outstanding connect at a time
        }
        let mut message = Outgoing::new(self.message_id(), "/meta/connect");
        message.client_id = self.client_id.clone();
        message.connection_type = Some("long-polling");
        if !self.connected {
            // After a (re)handshake or a failure: ask the server to answer at once, so the
            // connection is known to be back without waiting a whole long poll.
            message.advice = Some(OutgoingAdvice {
                timeout: 0,
                interval: None,
            });
        }
        if self.ack_enabled {
            message.ext = Some(ack_ext(Value::from(self.ack_last)));
        }
        let timeout = self
            .advice
            .timeout
            .saturating_add(self.config.max_network_delay_ms);
        self.connect_request = Some(self.send(RequestKind::Connect, &[message], timeout));
    }

    fn on_connect_reply(&mut self, now: u64, reply: Option<Message>) {
        let Some(reply) = reply else {
            return self.connect_failed(now);
        };
        let action = self.advice.reconnect.unwrap_or(Reconnect::Retry);
        if reply.successful != Some(true) {
            if action == Reconnect::Handshake && !self.connected && self.establish_pending.is_some() {
                // A session the server had already forgotten by its first connect.
                self.unkept_sessions += 1;
                let limit = self.config.max_unkept_sessions;
                if limit > 0 && self.unkept_sessions >= limit {
                    return self.stop(StopReason::SessionNotKept);
                }
            }
            // Each way out below drops `connected` (`connect_failed` directly, the others
            // through `drop_session`).
            return match action {
                Reconnect::None => self.stop(StopReason::ServerRefused(reply.error)),
                Reconnect::Handshake => self.retry_later(now, Next::Handshake),
                Reconnect::Retry => self.connect_failed(now),
            };
        }
        self.connected = true;
        self.unkept_sessions = 0;
        self.unconnected_since = None;
        self.backoff.reset();
        self.failures = 0;
        if self.ack_enabled {
            if let Some(batch) = ext_field(&reply.ext, "ack").and_then(Value::as_i64) {
                self.ack_last = batch;
            }
        }
        self.set_status(Status::Connected {
            multiple_clients: self.advice.multiple_clients,
        });
        // The server answers again: subscriptions whose request failed get another try.
        for sub in &mut self.subscriptions {
            if sub.state == SubState::Deferred {
                sub.state = SubState::Unsent;
            }
        }
        self.flush();
        self.check_established();
        let interval = self.advice.interval;
        match action {
            Reconnect::Retry => self.schedule(now, Next::Connect, interval),
            Reconnect::Handshake => {
                self.drop_session();
                self.schedule(now, Next::Handshake, interval);
            }
            Reconnect::None => self.stop(StopReason::ServerRefused(reply.error)),
        }
    }

    /// A connect got no reply, or `successful:false` with `reconnect: retry`.
    fn connect_failed(&mut self, now: u64) {
        self.connected = false;
        let since = *self.unconnected_since.get_or_insert(now);
        let backoff = self.backoff.increase();
        // The server drops a session unseen for `timeout + interval + maxInterval`: by then
        // (counting the coming backoff) a connect would only earn a 402, so handshake.
        let unconnected = now.saturating_sub(since).saturating_add(backoff);
        let next = if unconnected > self.session_lifetime() {
            Next::Handshake
        } else {
            Next::Connect
        };
        self.schedule_retry(now, next, backoff);
    }

    fn session_lifetime(&self) -> u64 {
        self.advice
            .timeout
            .saturating_add(self.advice.interval)
            .saturating_add(self.advice.max_interval)
    }

    // ---- scheduling ----

    /// Counts a failure, backs off, and tries `next` after `interval + backoff`.
    fn retry_later(&mut self, now: u64, next: Next) {
        let backoff = self.backoff.increase();
        self.schedule_retry(now, next, backoff);
    }

    fn schedule_retry(&mut self, now: u64, next: Next, backoff: u64) {
        if next == Next::Handshake {
            self.drop_session();
        }
        self.failures = self.failures.saturating_add(1);
        let delay = self.advice.interval.saturating_add(backoff);
        self.set_status(Status::Reconnecting {
            attempt: self.failures,
            next_retry_in_ms: delay,
        });
        self.schedule(now, next, delay);
    }

    /// Runs `next` after `delay_ms`; at once (no timer) when the delay is 0.
    fn schedule(&mut self, now: u64, next: Next, delay_ms: u64) {
        self.cancel_timer();
        if delay_ms == 0 {
            self.run(now, next);
        } else {
            self.next_timer = self.next_timer.wrapping_add(1);
            let token = TimerToken(self.next_timer);
            self.timer = Some((token, next));
            self.actions.push_back(Action::Wake {
                token,
                after_ms: delay_ms,
            });
        }
    }

    fn run(&mut self, now: u64, next: Next) {
        match next {
            Next::Handshake => self.handshake(),
            Next::Connect if self.phase == Phase::Session => {
                // A timer that fired very late (a sleeping laptop, a throttled tab) finds
                // the session already expired on the server: handshake instead.
                let expired = self
                    .unconnected_since
                    .is_some_and(|since| now.saturating_sub(since) > self.session_lifetime());
                if expired {
                    self.handshake();
                } else {
                    self.connect();
                }
            }
            Next::Connect => {}
        }
    }

    fn cancel_timer(&mut self) {
        if self.timer.take().is_some() {
            self.actions.push_back(Action::CancelWake);
        }
    }

    // ---- subscriptions ----

    /// Sends every unsent subscription and queued unsubscription in one request, if the
    /// session is up and no other non-connect request is in flight.
    fn flush(&mut self) {
        if self.phase != Phase::Session || self.other_request.is_some() {
            return;
        }
        let Some(client_id) = &self.client_id else {
            return;
        };
        let mut messages = Vec::new();
        let mut subscribes = Vec::new();
        let mut next_id = self.next_message_id;
        for sub in self
            .subscriptions
            .iter_mut()
            .filter(|s| s.state == SubState::Unsent)
        {
            sub.state = SubState::Sending;
            next_id += 1;
            let mut message = Outgoing::new(next_id.to_string(), "/meta/subscribe");
            message.client_id = Some(client_id.clone());
            message.subscription = Some(sub.channel.clone());
            subscribes.push((message.id.clone(), sub.channel.clone()));
            messages.push(message);
        }
        for channel in self.unsubscribes.drain(..) {
            next_id += 1;
            let mut message = Outgoing::new(next_id.to_string(), "/meta/unsubscribe");
            message.client_id = Some(client_id.clone());
            message.subscription = Some(channel);
            messages.push(message);
        }
        self.next_message_id = next_id;
        if messages.is_empty() {
            return;
        }
        let timeout = self.config.max_network_delay_ms;
        let id = self.send(RequestKind::Other, &messages, timeout);
        self.other_request = Some(OtherRequest { id, subscribes });
    }

    fn on_subscribe_reply(&mut self, reply: Message, kind: &InFlight) {
        let channels = if reply.subscription.is_empty() {
            // Some servers omit `subscription` on failures: find the channel by id.
            let by_id = match (kind, &reply.id) {
                (InFlight::Other(done), Some(id)) => done
                    .subscribes
                    .iter()
                    .find(|(sent, _)| sent == id)
                    .map(|(_, ch)| ch.clone()),
                _ => None,
            };
            by_id.into_iter().gather()
        } else {
            reply.subscription.clone()
        };
        let session_lost = reply
            .advice
            .is_some_and(|a| a.reconnect == Some(Reconnect::Handshake));
        for channel in channels {
            let Some(index) = self.subscriptions.iter().position(|s| s.channel == channel) else {
                continue; // unsubscribed meanwhile
            };
            if reply.successful == Some(true) {
                self.subscriptions[index].state = SubState::Confirmed;
            } else if session_lost {
                // Not a refusal: the session is gone; it is sent again after the handshake.
                self.subscriptions[index].state = SubState::Deferred;
            } else {
                self.subscriptions.remove(index);
                self.actions.push_back(Action::Report(ClientEvent::SubscribeFailed {
                    channel,
                    error: reply.error.clone(),
                }));
            }
        }
    }

    fn finish_other(&mut self, done: OtherRequest, answered: bool) {
        for (_, channel) in &done.subscribes {
            if let Some(sub) = self
                .subscriptions
                .iter_mut()
                .find(|s| &s.channel == channel)
            {
                if sub.state == SubState::Sending {
                    sub.state = SubState::Deferred;
                }
            }
        }
        if answered {
            self.flush();
        }
        self.check_established();
    }

    fn check_established(&mut self) {
        let Some(rehandshake) = self.establish_pending else {
            return;
        };
        if self.phase == Phase::Session
            && self.connected
            && self
                .subscriptions
                .iter()
                .all(|s| s.state == SubState::Confirmed)
        {
            self.establish_pending = None;
            self.established_once = true;
            self.actions.push_back(Action::Report(ClientEvent::Established { rehandshake }));
        }
    }

    fn deliver(&mut self, message: Message) {
        let Some(data) = message.data else { return };
        if self
            .subscriptions
            .iter()
            .any(|s| channel::matches(&s.channel, &message.channel))
        {
            self.actions.push_back(Action::Report(ClientEvent::Message {
                channel: message.channel,
                data,
            }));
        }
    }

    // ---- stop ----

    fn stop(&mut self, reason: StopReason) {
        if self.phase == Phase::Stopped {
            return;
        }
        let client_id = self.client_id.clone();
        self.drop_session();
        if let (Some(client_id), StopReason::Requested) = (client_id, &reason) {
            // A courtesy to the server; its reply is not awaited.
            let mut message = Outgoing::new(self.message_id(), "/meta/disconnect");
            message.client_id = Some(client_id);
            let timeout = self.config.max_network_delay_ms;
            self.send(RequestKind::Disconnect, &[message], timeout);
        }
        self.phase = Phase::Stopped;
        self.set_status(Status::Stopped { reason });
    }

    // ---- plumbing ----

    /// Ends the session: aborts its requests and wake-up, forgets its clientId, marks every
    /// subscription unsent (a new session must subscribe again).
    fn drop_session(&mut self) {
        for id in [self.handshake_request.take(), self.connect_request.take()]
            .into_iter()
            .flatten()
        {
            self.actions.push_back(Action::Abort(id));
        }
        if let Some(other) = self.other_request.take() {
            self.actions.push_back(Action::Abort(other.id));
        }
        self.cancel_timer();
        self.client_id = None;
        self.connected = false;
        self.establish_pending = None;
        self.ack_enabled = false;
        self.ack_last = -1;
        self.unsubscribes.clear();
        for sub in &mut self.subscriptions {
            sub.state = SubState::Unsent;
        }
        if self.phase == Phase::Session {
            self.phase = Phase::Handshaking;
        }
    }

    fn take_in_flight(&mut self, request: RequestId) -> Option<InFlight> {
        if self.handshake_request == Some(request) {
            self.handshake_request = None;
            Some(InFlight::Handshake)
        } else if self.connect_request == Some(request) {
            self.connect_request = None;
            Some(InFlight::Connect)
        } else if self.other_request.as_ref().is_some_and(|o| o.id == request) {
            self.other_request.take().map(InFlight::Other)
        } else {
            None
        }
    }

    fn send(&mut self, kind: RequestKind, messages: &[Outgoing], timeout_ms: u64) -> RequestId {
        self.next_request_id = self.next_request_id.wrapping_add(1);
        let id = RequestId(self.next_request_id);
        let body = encode_batch(messages);
        self.actions.push_back(Action::Send(Request {
            id,
            kind,
            body,
            timeout_ms,
        }));
        id
    }

    fn message_id(&mut self) -> String {
        self.next_message_id += 1;
        self.next_message_id.to_string()
    }

    fn set_status(&mut self, status: Status) {
        if self.status != status {
            self.status = status.clone();
            self.actions.push_back(Action::Report(ClientEvent::Status(status)));
        }
    }
}

/// Which of the client's requests a reply or failure belongs to.
#[derive(Debug)]
enum InFlight {
    Handshake,
    Connect,
    Other(OtherRequest),
}

fn ack_ext(value: Value) -> Value {
    let mut ext = Map::new();
    ext.insert("ack".into(), value);
    Value::Object(ext)
}

fn ext_field<'a>(ext: &'a Option<Value>, name: &str) -> Option<&'a Value> {
    ext.as_ref()?.get(name)
}
