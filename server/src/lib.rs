//! The hotelband emulator: the hotel and band reservation services in one process, the page's
//! static files, and an allow-listed CORS proxy.
//!
//! SKELETON: `Config`, `start` and `Running` are the contract with the e2e tests and the
//! benchmark driver; the services themselves are to be built by the foundation issue.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// Everything the emulator can be told at start.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The built page (`dist/`), served at `/` with an SPA fallback to `index.html`.
    pub dist: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            dist: None,
        }
    }
}

/// A running emulator; stops when dropped.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The address it listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `config.addr` and serves in a background task of the current tokio runtime.
pub async fn start(config: Config) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let router = app(&config);
    let task = tokio::spawn(async move {
        // An accept loop only ends on a fatal listener error; there is no one to report it to.
        let _ = axum::serve(listener, router).await;
    });
    Ok(Running { addr, task })
}

/// The whole emulator as a router, for `oneshot` tests without a socket.
pub fn app(config: &Config) -> Router {
    let router = Router::new();
    match &config.dist {
        Some(dist) => router.fallback_service(
            ServeDir::new(dist).not_found_service(ServeFile::new(dist.join("index.html"))),
        ),
        None => router,
    }
}
