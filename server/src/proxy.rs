//! The CORS proxy: `/proxy/<absolute URL>` forwards the method, the path and query, the
//! `Authorization` and `Content-Type` headers and the body to an allow-listed upstream, and
//! returns its status, body, `Content-Type`, `Retry-After` and RateLimit headers (the CORS
//! layer adds the rest). The loopback names are always allowed; any other host must be listed
//! (`--proxy-allow`), so the proxy is never an open relay. Redirects are not followed (a
//! redirect could leave the allow-list) and no system proxy is used.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::Response;
use url::Url;

use crate::reply;
use crate::shared::Shared;

/// Largest request body forwarded (the API sends none; this only bounds memory).
const MAX_BODY: usize = 1 << 20;
/// How long an upstream may take, end to end.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Hosts always allowed: the local emulators.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];
/// Upstream response headers passed back.
const PASSED_BACK: [HeaderName; 2] = [header::CONTENT_TYPE, header::RETRY_AFTER];
/// Request headers forwarded.
const FORWARDED: [HeaderName; 3] = [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT];

/// The allow-list and the HTTP client.
pub(crate) struct Proxy {
    /// Lowercased `host` or `host:port` entries.
    allow: Vec<String>,
    client: reqwest::Client,
}

impl Proxy {
    pub(crate) fn new(allow: &[String]) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .build()
            // rustls with bundled roots and no system configuration has nothing to fail on.
            .expect("building the proxy's HTTP client");
        Proxy {
            allow: allow
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
            client,
        }
    }

    /// Whether `url`'s host (or host:port) may be reached.
    fn allows(&self, url: &Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        if LOOPBACK.contains(&host.as_str()) {
            return true;
        }
        let with_port = url.port_or_known_default().map(|p| format!("{host}:{p}"));
        self.allow
            .iter()
            .any(|a| *a == host || Some(a) == with_port.as_ref())
    }
}

fn proxy_error(status: StatusCode, message: &str) -> Response {
    reply::error(status, &format!("proxy: {message}"))
}

/// `host[:port]` as shown in messages (never the path or query, which might carry secrets).
fn shown_host(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// The absolute URL after `/proxy/`, raw or percent-encoded as a whole.
fn target(request: &Request) -> Option<Url> {
    let raw = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())?
        .strip_prefix("/proxy/")?;
    let decoded;
    let text = if raw.contains("://") {
        raw
    } else {
        decoded = percent_decode(raw)?;
        &decoded
    };
    let url = Url::parse(text).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `ANY /proxy/{*url}`.
pub(crate) async fn proxy_forward(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let Some(url) = target(&request) else {
        return proxy_error(
            StatusCode::BAD_REQUEST,
            "expected /proxy/<absolute http(s) URL>",
        );
    };
    let proxy = &shared.proxy;
    if !proxy.allows(&url) {
        tracing::info!(host = %shown_host(&url), "proxy refused");
        return proxy_error(
            StatusCode::FORBIDDEN,
            &format!("host {} is not allowed", shown_host(&url)),
        );
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return proxy_error(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
    };
    let mut outgoing = proxy.client.request(parts.method.clone(), url.clone());
    for name in FORWARDED {
        if let Some(value) = parts.headers.get(&name) {
            outgoing = outgoing.header(name, value.clone());
        }
    }
    if !body.is_empty() {
        outgoing = outgoing.body(body);
    }
    let upstream = match outgoing.send().await {
        Ok(r) => r,
        Err(e) => return unreachable_reply(&url, &e),
    };
    let status = upstream.status();
    let mut headers = Vec::new();
    for name in PASSED_BACK.iter().chain(&[
        HeaderName::from_static("ratelimit"),
        HeaderName::from_static("ratelimit-policy"),
    ]) {
        if let Some(value) = upstream.headers().get(name) {
            headers.push((name.clone(), value.clone()));
        }
    }
    let body = match upstream.bytes().await {
        Ok(b) => b,
        Err(e) => return unreachable_reply(&url, &e),
    };
    tracing::debug!(host = %shown_host(&url), method = %parts.method, status = status.as_u16(), "proxied");
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().extend(headers);
    response
}

/// 502 naming the host and the kind of failure (never the URL's path or the headers).
fn unreachable_reply(url: &Url, error: &reqwest::Error) -> Response {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection refused or failed"
    } else {
        "the connection closed without a complete reply"
    };
    tracing::info!(host = %shown_host(url), kind, "proxy upstream failed");
    proxy_error(
        StatusCode::BAD_GATEWAY,
        &format!("cannot reach {}: {kind}", shown_host(url)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list() {
        let proxy = Proxy::new(&["Course.Example".to_owned(), "other.example:8443".to_owned()]);
        let ok = |u: &str| proxy.allows(&Url::parse(u).expect("url"));
        assert!(ok("http://127.0.0.1:9/x"));
        assert!(ok("http://localhost/x"));
        assert!(ok("http://[::1]:8080/x"));
        assert!(ok("https://course.example/hotel/api"));
        assert!(ok("https://other.example:8443/x"));
        assert!(!ok("https://other.example/x"));
        assert!(!ok("https://evil.example/x"));
        assert!(!ok("http://127.0.0.2/x"));
        assert!(!ok("https://course.example.evil.example/x"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("http%3A%2F%2Fa%2Fb").as_deref(),
            Some("http://a/b")
        );
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
    }
}
