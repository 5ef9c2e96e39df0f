//! The hotelband emulator: the hotel and band reservation services in one process, the page's
//! static files, an allow-listed CORS proxy, and an admin API for tests and benchmarks.
//!
//! Routes: `/hotel/api/…` and `/band/api/…` (see `services`), `/admin/…` (see `admin`),
//! `GET /demo`, `/proxy/<absolute URL>` (see `proxy`), and the page (`dist`) at `/` with an
//! SPA fallback, its precompressed variants, cache headers and Content-Security-Policy (see
//! `assets`). The API, `/demo` and the proxy carry CORS headers for the emulator's own origin
//! only (any origin with `Config::cors_any_origin`).

mod admin;
mod assets;
mod config;
mod crowd;
mod csp;
mod faults;
mod head_limits;
mod history;
mod host_check;
pub mod inspect;
mod pacing;
mod proxy;
mod reply;
mod serve;
mod service;
mod services;
mod shared;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header, request};
use axum::middleware;
use axum::routing::{any, get};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

pub use config::{
    Config, ConfigError, ConfigFile, Crowd, DEMO_USER, Faults, Limits, MAX_CROWD, Pacing, Scripted,
    ServiceFile, User, UserEntry, random_token,
};
pub use service::Service;

use proxy::Proxy;
use shared::Shared;

/// A running emulator; stops when dropped.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Error>,
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

    /// Waits until the server stops by itself, which only a fatal listener error (or a panic
    /// of the accept loop) makes it do, and returns why.
    pub async fn failed(&mut self) -> std::io::Error {
        match (&mut self.task).await {
            Ok(error) => error,
            Err(join) => std::io::Error::other(join.to_string()),
        }
    }
}

impl Running {
    /// Stops as an ended process would: the listener and every open connection close (a
    /// request in flight gets no reply) and the state is gone. Returns once they are closed,
    /// so that a new emulator can listen on the same address at once.
    pub async fn stop(mut self) {
        self.task.abort();
        // The abort's `JoinError` is the expected outcome; the task has ended either way.
        let _ = (&mut self.task).await;
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
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    start_on(listener, config)
}

/// Like [`start`], on a listener bound already (`config.addr` is ignored). Needs a tokio
/// runtime.
pub fn start_on(listener: tokio::net::TcpListener, config: Config) -> std::io::Result<Running> {
    config
        .validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let addr = listener.local_addr()?;
    // The bound port, so that the proxy knows which upstream is itself.
    let router = app(&Config {
        addr,
        ..config.clone()
    });
    let task = tokio::spawn(serve::serve(listener, router, config.limits.clone()));
    Ok(Running { addr, task })
}

/// The whole emulator as a router, for `oneshot` tests without a socket. Crowds start only if
/// it is built inside a tokio runtime; they stop when the router (all its clones) is dropped.
pub fn app(config: &Config) -> Router {
    let shared = Arc::new(Shared::new(config));
    for service in Service::ALL {
        crowd::restart(&shared, service);
    }
    let origins = if config.cors_any_origin {
        AllowOrigin::any()
    } else {
        AllowOrigin::predicate(is_own_origin)
    };
    let cors = CorsLayer::new()
        .allow_origin(origins)
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
    let not_processed = || async { reply::error(StatusCode::NOT_FOUND, reply::NOT_PROCESSED) };
    let public = Router::new()
        .route("/demo", get(admin::demo_show))
        .route(
            "/proxy/{*url}",
            // The proxy shares nothing with the services but the port: its own state.
            // Each proxied request may buffer a body and a reply: a few at a time bound that
            // (one semaphore for every method).
            any(proxy::proxy_forward)
                .with_state(Arc::new(Proxy::new(config)))
                .layer(GlobalConcurrencyLimitLayer::new(
                    config.limits.proxy_concurrency,
                )),
        )
        // The APIs' own roots, with or without a slash, are API paths too (not the page).
        .route("/hotel/api", any(not_processed))
        .route("/hotel/api/", any(not_processed))
        .route("/band/api", any(not_processed))
        .route("/band/api/", any(not_processed))
        .with_state(shared.clone())
        .nest(
            "/hotel/api",
            services::router(shared.clone(), Service::Hotel),
        )
        .nest("/band/api", services::router(shared.clone(), Service::Band))
        .layer(cors);
    let admin_only = middleware::from_fn_with_state(shared.clone(), admin::admin_only);
    let router = Router::new()
        .merge(public)
        // `/admin` and `/admin/` are not inside the nest: they need the token all the same.
        .route(
            "/admin",
            any(admin::admin_missing).layer(admin_only.clone()),
        )
        .route("/admin/", any(admin::admin_missing).layer(admin_only))
        .nest("/admin", admin::router(shared));
    let router = match &config.dist {
        // `fallback`, not `not_found_service`: client-side routes are pages, answered 200.
        Some(dist) => router.fallback_service(assets::service(dist)),
        None => router.fallback(not_processed),
    };
    let router = router.layer(RequestBodyTimeoutLayer::new(config.limits.body_timeout));
    let router = if config.cors_any_origin {
        router
    } else {
        router.layer(middleware::from_fn(host_check::local_host_only))
    };
    router.layer(middleware::from_fn(head_limits::head_limits))
}

/// Whether `origin` is the emulator's own: the scheme and authority the request was sent to
/// (`Host`), as the page served from here has.
fn is_own_origin(origin: &HeaderValue, parts: &request::Parts) -> bool {
    let Some(host) = parts.headers.get(header::HOST) else {
        return false;
    };
    let origin = origin.as_bytes();
    origin.strip_prefix(b"http://") == Some(host.as_bytes())
}
