//! ccsim — the contact-centre simulator: Genesys GWS v2 voice with a Bayeux long-polling
//! server, Ozonetel CloudAgent's token and disposition APIs, a control API to script it,
//! and the demo page served under a strict CSP. `start` runs it on Tokio.

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
}

/// The origins a browser uses for a listener (`localhost` too when it is loopback).
fn origins_of(addr: SocketAddr) -> Vec<String> {
    let mut origins = vec![format!("http://{addr}")];
    if addr.ip().is_loopback() {
        origins.push(format!("http://localhost:{}", addr.port()));
    }
    origins
}

/// Bind the listeners and serve in the background.
pub async fn start(opts: Options) -> io::Result<Running> {
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
    origins.list.extend(origins_of(api));
    if let Some(p) = page {
        origins.list.extend(origins_of(p));
    }
    let csp = serve::csp(&origins.csp_sources());
    let sim = Sim::new(opts.settings.clone(), &api.to_string(), origins);

    let app = app::router(sim.clone(), opts.static_dir.clone(), csp.clone());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(api_listener, app).await {
            eprintln!("ccsim: API listener stopped: {e}");
        }
    });
    if let (Some(listener), Some(dir)) = (page_listener, opts.static_dir.clone()) {
        let pages = serve::static_files(dir, csp);
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, pages).await {
                eprintln!("ccsim: page listener stopped: {e}");
            }
        });
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
    Ok(Running { api, page, sim })
}
