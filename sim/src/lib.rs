//! ccsim — the contact-centre simulator: Genesys GWS v2 voice with a Bayeux long-polling
//! server, Ozonetel CloudAgent's token and disposition APIs, a control API to script it,
//! and the demo page served under a strict CSP. `start` runs it on Tokio, over HTTP or (with
//! `--tls`) HTTPS.

pub mod app;
pub mod auth;
pub mod bayeux;
pub mod control;
pub mod cors;
pub mod faults;
pub mod gws;
pub mod ozonetel;
pub mod render;
pub mod serve;
pub mod tls;
pub mod world;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

pub use app::{Options, Settings, Sim};

/// A started simulator: where it listens and its state (for in-process tests).
pub struct Running {
    pub api: SocketAddr,
    pub page: Option<SocketAddr>,
    pub sim: Arc<Sim>,
    /// The certificate and key when the listeners speak HTTPS (`--tls`).
    pub tls: Option<tls::TlsIdentity>,
}

impl Running {
    /// `https` with `--tls`, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }
    /// The API's URL, as the "listening on" line prints it.
    pub fn api_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.api)
    }
    /// The page listener's URL (`--page-listen`).
    pub fn page_url(&self) -> Option<String> {
        self.page.map(|p| format!("{}://{p}", self.scheme()))
    }
}

/// The origins a browser uses for a listener: its address, `localhost` too when it is
/// loopback, and with HTTPS one per name of the certificate (`--tls-names`).
fn origins_of(addr: SocketAddr, scheme: &str, names: &[String]) -> Vec<String> {
    let mut origins = vec![format!("{scheme}://{addr}")];
    if addr.ip().is_loopback() {
        origins.push(format!("{scheme}://localhost:{}", addr.port()));
    }
    for name in names {
        let origin = match name.parse::<std::net::IpAddr>() {
            Ok(ip) => format!("{scheme}://{}", SocketAddr::new(ip, addr.port())),
            Err(_) => format!("{scheme}://{name}:{}", addr.port()),
        };
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    origins
}

/// Serve `app` on `listener` in the background, over HTTPS when `tls` is given.
fn spawn_listener(
    listener: TcpListener,
    app: axum::Router,
    tls: Option<&tls::TlsIdentity>,
    what: &'static str,
) {
    match tls {
        Some(identity) => {
            tokio::spawn(tls::serve(listener, app, identity.config.clone()));
        }
        None => {
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    eprintln!("ccsim: {what} listener stopped: {e}");
                }
            });
        }
    }
}

/// Bind the listeners and serve in the background.
pub async fn start(opts: Options) -> io::Result<Running> {
    let identity = match &opts.tls {
        Some(t) => Some(tls::TlsIdentity::from_options(t)?),
        None => None,
    };
    let (scheme, names) = match &opts.tls {
        Some(t) => ("https", t.names()),
        None => ("http", Vec::new()),
    };
    let api_listener = TcpListener::bind(opts.listen).await?;
    let api = api_listener.local_addr()?;
    let page_listener = match opts.page_listen {
        Some(addr) => Some(TcpListener::bind(addr).await?),
        None => None,
    };
    let page = match &page_listener {
        Some(l) => Some(l.local_addr()?),
        None => None,
    };

    let mut origins = cors::Origins {
        list: opts.allow_origins.clone(),
        loopback_any: opts.allow_loopback_origins,
    };
    origins.list.extend(origins_of(api, scheme, &names));
    if let Some(p) = page {
        origins.list.extend(origins_of(p, scheme, &names));
    }
    let csp = serve::csp(&origins.csp_sources());
    let sim = Sim::new(opts.settings.clone(), &api.to_string(), origins);
    for agent in app::lock(&sim.world).agents.iter_mut() {
        agent.scheme = scheme;
    }

    let app = app::router(sim.clone(), opts.static_dir.clone(), csp.clone());
    spawn_listener(api_listener, app, identity.as_ref(), "API");
    if let (Some(listener), Some(dir)) = (page_listener, opts.static_dir.clone()) {
        spawn_listener(listener, serve::static_files(dir, csp), identity.as_ref(), "page");
    }

    let sweeper = Arc::downgrade(&sim);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let Some(sim) = sweeper.upgrade() else { break };
            let max_interval = Duration::from_millis(sim.settings().cometd_max_interval_ms);
            app::lock(&sim.hub).sweep(max_interval);
        }
    });
    Ok(Running {
        api,
        page,
        sim,
        tls: identity,
    })
}
