//! The simulator's shared state (`Sim`), its settings, and the assembly of every router
//! behind one listener: GWS + Bayeux under /api/v2, Ozonetel under /ca_apis, the control
//! API under /sim, and the static demo files.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

use crate::auth::CookieSameSite;
use crate::tls::TlsOptions;
use crate::world::{GwsShape, Outcome, World};
use crate::{auth, bayeux, control, cors, faults, gws, ozonetel, serve};

/// Settings that tests may change at run time through `POST /sim/config`.
#[derive(Clone, Debug)]
pub struct Settings {
    pub csrf: bool,
    /// How long a /meta/connect is held without events.
    pub cometd_timeout_ms: u64,
    /// How long a CometD session lives without a connect.
    pub cometd_max_interval_ms: u64,
    /// Interval advised to extra sessions of one browser (multiple-clients).
    pub multiple_clients_interval_ms: u64,
    /// Ozonetel ACW wrap-up window after a call disconnects.
    pub wrapup_secs: u64,
    pub token_lifetime_secs: u64,
    pub tokens_per_hour: usize,
    /// How long a scripted external number takes to answer.
    pub answer_delay_ms: u64,
    /// The server-wide GWS shape: how unauthenticated requests are answered (401 in
    /// `doc`, 403 "Access denied" in `real`) and the shape every agent starts with.
    pub gws_shape: GwsShape,
    /// Whether the Bayeux server offers the ack extension to clients that ask for it.
    pub cometd_ack: bool,
    /// The `SameSite` attributes of the session cookies (`--cookie-samesite`).
    pub cookie_samesite: CookieSameSite,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            csrf: true,
            cometd_timeout_ms: 30_000,
            cometd_max_interval_ms: 10_000,
            multiple_clients_interval_ms: 2_000,
            wrapup_secs: 30,
            token_lifetime_secs: 3_600,
            tokens_per_hour: 10,
            answer_delay_ms: 1_000,
            gws_shape: GwsShape::Doc,
            cometd_ack: true,
            cookie_samesite: CookieSameSite::Lax,
        }
    }
}

/// Everything the command line decides.
#[derive(Clone, Debug)]
pub struct Options {
    pub listen: SocketAddr,
    pub static_dir: Option<PathBuf>,
    pub page_listen: Option<SocketAddr>,
    pub allow_origins: Vec<String>,
    pub allow_loopback_origins: bool,
    /// HTTPS on every listener (`--tls`), when set.
    pub tls: Option<TlsOptions>,
    pub settings: Settings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8765)),
            static_dir: None,
            page_listen: None,
            allow_origins: Vec::new(),
            allow_loopback_origins: false,
            tls: None,
            settings: Settings::default(),
        }
    }
}

/// Lock a mutex; a panic elsewhere while it was held does not stop the simulator.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub struct Sim {
    pub settings: Mutex<Settings>,
    pub world: Mutex<World>,
    pub sessions: Mutex<auth::HttpSessions>,
    pub hub: Mutex<bayeux::Hub>,
    pub ozonetel: Mutex<ozonetel::Ozonetel>,
    pub faults: Mutex<faults::Faults>,
    pub requests: Mutex<BTreeMap<String, u64>>,
    pub origins: cors::Origins,
}

impl Sim {
    pub fn new(settings: Settings, default_host: &str, origins: cors::Origins) -> Arc<Sim> {
        let answer_delay = Duration::from_millis(settings.answer_delay_ms);
        let mut world = World::new(default_host, answer_delay);
        if settings.gws_shape != GwsShape::Doc {
            for agent in 0..world.agents.len() {
                world.set_gws_shape(agent, settings.gws_shape, false);
            }
        }
        Arc::new(Sim {
            world: Mutex::new(world),
            settings: Mutex::new(settings),
            sessions: Mutex::new(auth::HttpSessions::default()),
            hub: Mutex::new(bayeux::Hub::default()),
            ozonetel: Mutex::new(ozonetel::Ozonetel::new()),
            faults: Mutex::new(faults::Faults::default()),
            requests: Mutex::new(BTreeMap::new()),
            origins,
        })
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Carry out a world change: publish its notices, arm its timers.
    pub fn dispatch(self: &Arc<Self>, out: Outcome) {
        {
            let mut hub = lock(&self.hub);
            for n in out.notices {
                hub.publish(&n.agent, n.channel, n.data);
            }
        }
        for timer in out.timers {
            let sim = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(timer.after).await;
                let out = lock(&sim.world).fire(timer.action);
                sim.dispatch(out);
            });
        }
    }

    /// Run a world change under the world lock, then publish what it produced (also when
    /// it fails: an outcome left empty publishes nothing).
    pub fn apply<T, E>(
        self: &Arc<Self>,
        change: impl FnOnce(&mut World, &mut Outcome) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut out = Outcome::default();
        let result = {
            let mut world = lock(&self.world);
            change(&mut world, &mut out)
        };
        self.dispatch(out);
        result
    }

    /// Forget one HTTP session and the CometD sessions bound to it.
    pub fn end_http_session(&self, session_id: &str) {
        lock(&self.sessions).remove(session_id);
        lock(&self.hub).expire_where(|s| s.http_session == session_id);
    }

    /// Forget every HTTP and CometD session (the restart fault).
    pub fn forget_all_sessions(&self) {
        lock(&self.sessions).clear();
        lock(&self.hub).expire_where(|_| true);
    }
}

/// Count every request by path, for `requests` in /sim/state.
async fn count_requests(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    {
        let mut requests = lock(&sim.requests);
        *requests.entry(req.uri().path().to_string()).or_insert(0) += 1;
    }
    next.run(req).await
}

/// The whole application for one listener.
pub fn router(sim: Arc<Sim>, static_dir: Option<PathBuf>, csp: String) -> Router {
    let vendor_apis = Router::new()
        .merge(gws::routes())
        .merge(bayeux::routes())
        .route_layer(middleware::from_fn_with_state(sim.clone(), auth::guard))
        .merge(ozonetel::routes())
        .route_layer(middleware::from_fn_with_state(sim.clone(), faults::gate));
    let app = Router::new().merge(vendor_apis).merge(control::routes());
    let app = match static_dir {
        Some(dir) => app.fallback_service(serve::static_files(dir, csp)),
        None => app.fallback(serve::not_found),
    };
    app.layer(middleware::from_fn_with_state(sim.clone(), cors::layer))
        .layer(middleware::from_fn_with_state(sim.clone(), count_requests))
        .with_state(sim)
}
