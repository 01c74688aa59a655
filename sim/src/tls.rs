//! HTTPS for every listener (`--tls`): a certificate made at start-up for the names given
//! (rcgen, self-signed) or read from PEM files, served with rustls through tokio-rustls
//! and hyper's HTTP/1.1 connection — the same application as plain HTTP, only wrapped.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// The names a generated certificate is made for when `--tls-names` is not given.
pub const DEFAULT_NAMES: &[&str] = &["localhost", "127.0.0.1"];

/// What the command line says about HTTPS.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// Names (DNS names or IP addresses) for the generated certificate; also the host
    /// names whose origins the CORS allowlist takes for the simulator's own listeners.
    pub names: Vec<String>,
    /// A certificate chain and its key in PEM, instead of a generated certificate.
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// Write the certificate and key in use as `cert.pem` and `key.pem` into this folder.
    pub cert_out: Option<PathBuf>,
}

impl TlsOptions {
    /// The names to use: the given ones, else `localhost` and `127.0.0.1`.
    pub fn names(&self) -> Vec<String> {
        if self.names.is_empty() {
            DEFAULT_NAMES.iter().map(|s| s.to_string()).collect()
        } else {
            self.names.clone()
        }
    }
}

/// The certificate and key in use, in PEM, and the rustls configuration made from them.
#[derive(Clone)]
pub struct TlsIdentity {
    pub cert_pem: String,
    pub key_pem: String,
    pub config: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity").finish_non_exhaustive()
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl TlsIdentity {
    /// From the options: read the PEM files, or make a self-signed certificate; then write
    /// it out when `cert_out` asks for it.
    pub fn from_options(opts: &TlsOptions) -> io::Result<TlsIdentity> {
        let identity = match (&opts.cert, &opts.key) {
            (Some(cert), Some(key)) => {
                let read = |p: &Path| {
                    std::fs::read_to_string(p)
                        .map_err(|e| invalid(format!("cannot read {}: {e}", p.display())))
                };
                TlsIdentity::from_pem(read(cert)?, read(key)?)?
            }
            (None, None) => TlsIdentity::generate(&opts.names())?,
            _ => return Err(invalid("--tls-cert and --tls-key go together".into())),
        };
        if let Some(dir) = &opts.cert_out {
            identity.write_pem(dir)?;
        }
        Ok(identity)
    }

    /// A self-signed certificate for `names` (an IP address becomes an IP SAN).
    pub fn generate(names: &[String]) -> io::Result<TlsIdentity> {
        let made = rcgen::generate_simple_self_signed(names.to_vec())
            .map_err(|e| invalid(format!("cannot make a certificate for {names:?}: {e}")))?;
        TlsIdentity::from_pem(made.cert.pem(), made.signing_key.serialize_pem())
    }

    /// From a PEM certificate chain (leaf first) and a PEM private key.
    pub fn from_pem(cert_pem: String, key_pem: String) -> io::Result<TlsIdentity> {
        let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("the certificate is not PEM: {e}")))?;
        if chain.is_empty() {
            return Err(invalid("no certificate in the certificate file".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
            .map_err(|e| invalid(format!("the key is not a PEM private key: {e}")))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| invalid(format!("the certificate and key do not fit: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsIdentity {
            cert_pem,
            key_pem,
            config: Arc::new(config),
        })
    }

    /// `DIR/cert.pem` and `DIR/key.pem` (the folder is made if needed).
    pub fn write_pem(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("cert.pem"), &self.cert_pem)?;
        std::fs::write(dir.join("key.pem"), &self.key_pem)?;
        Ok(())
    }
}

/// Serve `app` over HTTPS on `listener` until the process ends. A connection whose TLS
/// handshake fails (a client that does not trust the certificate) is dropped quietly.
pub async fn serve(listener: TcpListener, app: Router, config: Arc<rustls::ServerConfig>) {
    let acceptor = TlsAcceptor::from(config);
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                eprintln!("ccsim: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp));
            let Ok(Ok(stream)) = handshake.await else {
                return;
            };
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
