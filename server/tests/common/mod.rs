//! Shared helpers: the emulator as a router driven with `oneshot` ([`App`]) or a real one on
//! 127.0.0.1:0, with known users and a fast pacing rule.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, header};
use hotelband_server::inspect::{Change, first_conflict};
use hotelband_server::{Config, Pacing, Running, User, app};
use reqwest::{Client, Method, Response};
use serde_json::Value;
use tower::ServiceExt as _;

pub const ADMIN: &str = "admin-token-for-tests";

/// `user-<i>` has token `token-<i>`.
pub fn token(i: usize) -> String {
    format!("token-{i}")
}

/// A config with `users` users, no pacing interval (tests not about pacing), no faults.
pub fn config(users: usize) -> Config {
    Config {
        users: (0..users)
            .map(|i| User::new(format!("user-{i}"), token(i)))
            .collect(),
        admin_token: ADMIN.to_owned(),
        pacing: Pacing {
            min_interval: Duration::ZERO,
            ..Pacing::default()
        },
        seed: 7,
        ..Config::default()
    }
}

/// The emulator without a socket: `app()` driven with `oneshot`, one router for all requests
/// so that they share its state.
#[derive(Clone)]
pub struct App(axum::Router);

/// What a `oneshot` request got back.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

impl App {
    pub fn new(config: &Config) -> Self {
        App(app(config))
    }

    /// Sends `request` (a `Host` the emulator serves is added) and decodes the JSON reply.
    pub async fn send(&self, mut request: Request<Body>) -> Answer {
        request
            .headers_mut()
            .insert(header::HOST, "127.0.0.1:8080".parse().expect("host"));
        let response = self.0.clone().oneshot(request).await.expect("infallible");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&bytes)));
        Answer {
            status,
            headers,
            json,
        }
    }

    /// `METHOD /{service}/api{path}` as user `user`.
    pub async fn call(&self, method: Method, service: &str, path: &str, user: usize) -> Answer {
        self.send(
            Request::builder()
                .method(method)
                .uri(format!("/{service}/api{path}"))
                .header(header::AUTHORIZATION, format!("Bearer {}", token(user)))
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// `METHOD /admin/{path}` with the admin token and a raw JSON body.
    pub async fn admin(&self, method: Method, path: &str, body: &str) -> Answer {
        self.send(
            Request::builder()
                .method(method)
                .uri(format!("/admin/{path}"))
                .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_owned()))
                .expect("request"),
        )
        .await
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        let answer = self.admin(Method::GET, path, "").await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.json);
        answer.json
    }

    pub async fn admin_put(&self, path: &str, body: Value) -> Value {
        let answer = self.admin(Method::PUT, path, &body.to_string()).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.json);
        answer.json
    }
}

pub async fn start(config: Config) -> Running {
    hotelband_server::start(config)
        .await
        .expect("emulator starts")
}

/// A real emulator (one user) that also serves the page's files from `dist`.
pub async fn start_serving(dist: &std::path::Path) -> Running {
    let mut cfg = config(1);
    cfg.dist = Some(dist.to_owned());
    start(cfg).await
}

pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// `METHOD {url}/{service}/api{path}` as user `user`.
pub async fn call(
    client: &Client,
    server: &Running,
    method: Method,
    service: &str,
    path: &str,
    user: usize,
) -> Response {
    client
        .request(method, format!("{}/{service}/api{path}", server.url()))
        .bearer_auth(token(user))
        .send()
        .await
        .expect("request completes")
}

/// The status of `METHOD url` as user `user`.
pub async fn status_of(client: &Client, method: Method, url: &str, user: usize) -> u16 {
    client
        .request(method, url)
        .bearer_auth(token(user))
        .send()
        .await
        .expect("request completes")
        .status()
        .as_u16()
}

/// Status and JSON body.
pub async fn status_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    (status, json)
}

pub async fn admin_get(client: &Client, server: &Running, path: &str) -> Value {
    let response = client
        .get(format!("{}/admin/{path}", server.url()))
        .bearer_auth(ADMIN)
        .send()
        .await
        .expect("admin request");
    assert_eq!(response.status(), 200);
    response.json().await.expect("admin json")
}

pub async fn admin_put(client: &Client, server: &Running, path: &str, body: Value) -> Value {
    let response = client
        .put(format!("{}/admin/{path}", server.url()))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .expect("admin request");
    assert_eq!(response.status(), 200);
    response.json().await.expect("admin json")
}

/// Ids of a `[{"id":"…"}]` list.
pub fn ids(list: &Value) -> Vec<u64> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|o| {
            o["id"]
                .as_str()
                .expect("ids are strings")
                .parse()
                .expect("decimal")
        })
        .collect()
}

/// Replays a history with the inspection client's checker (order, one holder per slot,
/// releases by the holder, at most `max_holds` per user and service); panics on the first
/// conflict. Returns the number of events checked.
pub fn check_history(history: &Value, max_holds: usize) -> usize {
    let changes: Vec<Change> = serde_json::from_value(history.clone()).expect("history decodes");
    if let Some(conflict) = first_conflict(&changes, max_holds) {
        panic!("history conflict: {conflict}");
    }
    changes.len()
}

/// Open file descriptors of this process (server and test client share it).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

/// A raw connection to `server` that has sent `bytes`.
pub async fn raw(server: &Running, bytes: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt as _;
    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connects");
    stream.write_all(bytes).await.expect("sends");
    stream
}

/// Everything the server sends until it closes the connection, or `None` if it is still open
/// after `within`.
pub async fn read_until_closed(
    stream: &mut tokio::net::TcpStream,
    within: Duration,
) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt as _;
    let mut all = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => all.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read).await.ok()?;
    Some(all)
}
