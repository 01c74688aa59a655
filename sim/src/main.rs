//! The `ccsim` command: parse the flags, start the simulator, print where it listens.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use ccsim::auth::CookieSameSite;
use ccsim::tls::TlsOptions;
use ccsim::world::GwsShape;
use ccsim::{Options, Settings};

const USAGE: &str = "usage: ccsim [--listen 127.0.0.1:8765] [--static DIR] [--page-listen ADDR]
             [--allow-origin ORIGIN]... [--allow-loopback-origins]
             [--cometd-timeout-ms N] [--cometd-max-interval-ms N] [--wrapup-secs N]
             [--token-lifetime-secs N] [--answer-delay-ms N] [--no-csrf]
             [--gws-shape doc|real] [--no-cometd-ack]
             [--tls] [--tls-names NAME,NAME...] [--tls-cert FILE --tls-key FILE]
             [--tls-cert-out DIR] [--cookie-samesite lax|none|partitioned]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        settings: Settings::default(),
        ..Options::default()
    };
    let mut tls_wanted = false;
    let mut tls = TlsOptions::default();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let mut value = || -> Result<String, String> {
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: '{v}' is not a number"))
        };
        let address = |v: String| {
            v.parse::<SocketAddr>()
                .map_err(|_| format!("{flag}: '{v}' is not an address like 127.0.0.1:8765"))
        };
        match flag {
            "--listen" => opts.listen = address(value()?)?,
            "--page-listen" => opts.page_listen = Some(address(value()?)?),
            "--static" => opts.static_dir = Some(PathBuf::from(value()?)),
            "--allow-origin" => opts
                .allow_origins
                .push(value()?.trim_end_matches('/').to_string()),
            "--allow-loopback-origins" => opts.allow_loopback_origins = true,
            "--cometd-timeout-ms" => opts.settings.cometd_timeout_ms = number(value()?)?,
            "--cometd-max-interval-ms" => opts.settings.cometd_max_interval_ms = number(value()?)?,
            "--wrapup-secs" => opts.settings.wrapup_secs = number(value()?)?,
            "--token-lifetime-secs" => opts.settings.token_lifetime_secs = number(value()?)?,
            "--answer-delay-ms" => opts.settings.answer_delay_ms = number(value()?)?,
            "--no-csrf" => opts.settings.csrf = false,
            "--gws-shape" => {
                let v = value()?;
                opts.settings.gws_shape = GwsShape::parse(&v)
                    .ok_or_else(|| format!("{flag}: '{v}' is neither doc nor real"))?;
            }
            "--no-cometd-ack" => opts.settings.cometd_ack = false,
            "--tls" => tls_wanted = true,
            "--tls-names" => {
                tls.names = value()?
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect();
                if tls.names.is_empty() {
                    return Err(format!("{flag} needs at least one name"));
                }
            }
            "--tls-cert" => tls.cert = Some(PathBuf::from(value()?)),
            "--tls-key" => tls.key = Some(PathBuf::from(value()?)),
            "--tls-cert-out" => tls.cert_out = Some(PathBuf::from(value()?)),
            "--cookie-samesite" => {
                let v = value()?;
                opts.settings.cookie_samesite = CookieSameSite::parse(&v)
                    .ok_or_else(|| format!("{flag}: '{v}' is not lax, none or partitioned"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown flag '{other}'\n{USAGE}")),
        }
        i += 1;
    }
    if opts.page_listen.is_some() && opts.static_dir.is_none() {
        return Err("--page-listen needs --static DIR (the page to serve)".into());
    }
    let tls_given = !tls.names.is_empty()
        || tls.cert.is_some()
        || tls.key.is_some()
        || tls.cert_out.is_some();
    if tls_given && !tls_wanted {
        return Err("--tls-names, --tls-cert, --tls-key and --tls-cert-out need --tls".into());
    }
    if tls.cert.is_some() != tls.key.is_some() {
        return Err("--tls-cert and --tls-key go together".into());
    }
    if tls.cert.is_some() && !tls.names.is_empty() {
        return Err("--tls-names is for a generated certificate; not with --tls-cert".into());
    }
    if tls_wanted {
        opts.tls = Some(tls);
    }
    Ok(opts)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse(&args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let cookie_needs_tls = opts.settings.cookie_samesite != CookieSameSite::Lax;
    let running = match ccsim::start(opts).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ccsim: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    if running.tls.is_none() && cookie_needs_tls {
        eprintln!(
            "ccsim: warning: cookies with SameSite=None are Secure, which browsers keep only over HTTPS or on localhost (add --tls)"
        );
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "ccsim listening on {}", running.api_url());
    if let Some(page) = running.page_url() {
        let _ = writeln!(stdout, "ccsim page on {page}");
    }
    let _ = stdout.flush();
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
