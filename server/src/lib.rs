//! The hotelband emulator: the hotel and band reservation services in one process, the page's
//! static files, an allow-listed CORS proxy, and an admin API for tests and benchmarks.
//!
//! Routes: `/hotel/api/…` and `/band/api/…` (see `services`), `/admin/…` (see `admin`),
//! `GET /demo`, `/proxy/<absolute URL>` (see `proxy`), and the page (`dist`) at `/` with an
//! SPA fallback, its precompressed variants and cache headers (see `assets`). The API, `/demo`
//! and the proxy carry CORS headers for any origin.

mod admin;
mod assets;
mod config;
mod crowd;
mod faults;
mod history;
pub mod inspect;
mod pacing;
mod proxy;
mod reply;
mod rng;
mod services;
mod shared;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, Method, StatusCode, header};
use axum::routing::{any, get};
use tower_http::cors::{Any, CorsLayer};

pub use config::{
    Config, ConfigError, ConfigFile, Crowd, DEMO_USER, Faults, Pacing, PacingWire, Scripted,
    ServiceFile, User, UserEntry, random_token,
};
pub use state::Service;

use shared::Shared;

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

/// Validates `config`, binds `config.addr` and serves in a background task of the current
/// tokio runtime (crowds included).
pub async fn start(config: Config) -> std::io::Result<Running> {
    config
        .validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let router = app(&config);
    let task = tokio::spawn(async move {
        // `serve` only returns on a fatal listener error, and nobody is left to tell.
        let _ = axum::serve(listener, router).await;
    });
    Ok(Running { addr, task })
}

/// The whole emulator as a router, for `oneshot` tests without a socket. Crowds start only if
/// it is built inside a tokio runtime; they stop when the router (all its clones) is dropped.
pub fn app(config: &Config) -> Router {
    let shared = Arc::new(Shared::new(config));
    for service in Service::ALL {
        crowd::restart(&shared, service);
    }
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::DELETE,
            Method::PUT,
            Method::OPTIONS,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static("ratelimit"),
            HeaderName::from_static("ratelimit-policy"),
        ])
        .max_age(std::time::Duration::from_secs(600));
    let public = Router::new()
        .route("/demo", get(admin::demo_show))
        .route("/proxy/{*url}", any(proxy::proxy_forward))
        .with_state(shared.clone())
        .nest(
            "/hotel/api",
            services::router(shared.clone(), Service::Hotel),
        )
        .nest("/band/api", services::router(shared.clone(), Service::Band))
        .layer(cors);
    let router = Router::new()
        .merge(public)
        .nest("/admin", admin::router(shared));
    match &config.dist {
        // `fallback`, not `not_found_service`: client-side routes are pages, answered 200.
        Some(dist) => router.fallback_service(assets::service(dist)),
        None => {
            router.fallback(|| async { reply::error(StatusCode::NOT_FOUND, reply::NOT_PROCESSED) })
        }
    }
}
