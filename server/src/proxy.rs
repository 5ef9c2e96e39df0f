//! The CORS proxy: `/proxy/<absolute URL>` forwards the method, the path and query, the
//! `Authorization`, `Content-Type` and `Accept` headers and the body to an allow-listed upstream,
//! and returns its status, body, `Content-Type`, `Retry-After` and RateLimit headers (the CORS
//! layer adds the rest).
//!
//! Upstreams: this emulator's own `/hotel/api` and `/band/api`, and the hosts (or `host:port`)
//! listed with `--proxy-allow`; every other local port only with `--proxy-any-local`. So the
//! proxy is never an open relay, and a page cannot use it to read other local services.
//! Loops are refused twice over: its own `/proxy` is not an upstream, and every hop adds a
//! `Via` entry, so a chain through other emulators stops after [`MAX_HOPS`]. Redirects are not
//! followed (a redirect could leave the allow-list), no system proxy is used, URLs with
//! `user:password@` are refused (they would become a second `Authorization` upstream), and the
//! upstream's reply is read up to a cap.
//!
//! `upstreams.rs` decides which upstreams may be reached, `target.rs` reads the URL after
//! `/proxy/`; this file forwards.

mod target;
mod upstreams;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::Response;
use url::Url;

use crate::config::Config;
use crate::reply;
use crate::shared::duplicate_authorization;

use target::{BadTarget, shown_host};
use upstreams::{Upstreams, Verdict};

/// Largest request body forwarded (the API sends none; this only bounds memory).
const MAX_BODY: usize = 1 << 20;
/// How long an upstream may take, end to end.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Hotelband proxies a request may already have passed: a page's proxy in front of another
/// emulator's proxy is the longest chain anyone needs.
pub(crate) const MAX_HOPS: usize = 2;
/// This proxy's `Via` entry (RFC 9110 §7.6.3), counted to bound the hops.
const VIA_ENTRY: &str = "1.1 hotelband";
/// Upstream response headers passed back.
const PASSED_BACK: [HeaderName; 2] = [header::CONTENT_TYPE, header::RETRY_AFTER];
/// Request headers forwarded.
const FORWARDED: [HeaderName; 3] = [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT];

/// The proxy's own state: which upstreams it may reach, and the HTTP client.
pub(crate) struct Proxy {
    upstreams: Upstreams,
    max_reply: usize,
    client: reqwest::Client,
}

impl Proxy {
    pub(crate) fn new(config: &Config) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .build()
            // rustls with bundled roots and no system configuration has nothing to fail on.
            .expect("building the proxy's HTTP client");
        Proxy {
            upstreams: Upstreams::new(config),
            max_reply: config.limits.proxy_max_reply,
            client,
        }
    }
}

/// How many hotelband proxies the request has passed (their `Via` entries).
fn hops(headers: &HeaderMap) -> usize {
    headers
        .get_all(header::VIA)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter(|entry| entry.trim().eq_ignore_ascii_case(VIA_ENTRY))
        .count()
}

fn proxy_error(status: StatusCode, message: &str) -> Response {
    reply::error(status, &format!("proxy: {message}"))
}

/// `ANY /proxy/{*url}`.
pub(crate) async fn proxy_forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let url = match target::target(&request) {
        Ok(url) => url,
        Err(BadTarget::NotAUrl) => {
            return proxy_error(
                StatusCode::BAD_REQUEST,
                "expected /proxy/<absolute http(s) URL>",
            );
        }
        Err(BadTarget::UserInfo) => {
            return proxy_error(
                StatusCode::BAD_REQUEST,
                "URLs with user:password@ are refused; send the key in Authorization",
            );
        }
    };
    if duplicate_authorization(request.headers()) {
        return proxy_error(
            StatusCode::UNAUTHORIZED,
            "more than one Authorization header",
        );
    }
    let hops = hops(request.headers());
    if hops >= MAX_HOPS {
        tracing::info!(host = %shown_host(&url), hops, "proxy hop limit");
        return proxy_error(
            StatusCode::LOOP_DETECTED,
            &format!("more than {MAX_HOPS} proxy hops (a loop?)"),
        );
    }
    match proxy.upstreams.judge(&url) {
        Verdict::Allowed => {}
        Verdict::NotAllowed => {
            tracing::info!(host = %shown_host(&url), "proxy refused");
            return proxy_error(
                StatusCode::FORBIDDEN,
                &format!("host {} is not allowed", shown_host(&url)),
            );
        }
        Verdict::Loop => {
            tracing::info!("proxy loop refused");
            return proxy_error(
                StatusCode::LOOP_DETECTED,
                "this emulator's own /proxy is not an upstream (a loop)",
            );
        }
        Verdict::OwnNonService => {
            return proxy_error(
                StatusCode::FORBIDDEN,
                "only this emulator's /hotel/api and /band/api can be reached through its proxy",
            );
        }
    }
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(e) if is_timeout(&e) => {
            return proxy_error(StatusCode::REQUEST_TIMEOUT, "request body too slow");
        }
        Err(_) => return proxy_error(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
    };
    let mut outgoing = proxy.client.request(parts.method.clone(), url.clone());
    for name in FORWARDED {
        if let Some(value) = parts.headers.get(&name) {
            outgoing = outgoing.header(name, value.clone());
        }
    }
    // Ours plus those it came with, so that the next hotelband proxy counts them all.
    let via = vec![VIA_ENTRY; hops + 1].join(", ");
    outgoing = outgoing.header(header::VIA, via);
    if !body.is_empty() {
        outgoing = outgoing.body(body);
    }
    let mut upstream = match outgoing.send().await {
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
    let too_large = || {
        tracing::info!(host = %shown_host(&url), cap = proxy.max_reply, "proxy reply too large");
        proxy_error(
            StatusCode::BAD_GATEWAY,
            &format!(
                "the reply of {} is larger than {} bytes",
                shown_host(&url),
                proxy.max_reply
            ),
        )
    };
    // Announced lengths are checked before reading; chunked replies while reading.
    if upstream
        .content_length()
        .is_some_and(|n| n > proxy.max_reply as u64)
    {
        return too_large();
    }
    let mut body = Vec::new();
    loop {
        match upstream.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > proxy.max_reply {
                    return too_large();
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return unreachable_reply(&url, &e),
        }
    }
    tracing::debug!(host = %shown_host(&url), method = %parts.method, status = status.as_u16(), "proxied");
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().extend(headers);
    response
}

/// Whether reading a body failed on the body timeout (`RequestBodyTimeoutLayer` in `lib.rs`).
fn is_timeout(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = e.source();
    }
    false
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
    use axum::http::HeaderValue;

    #[test]
    fn hops_count_only_hotelband_entries() {
        let mut headers = HeaderMap::new();
        assert_eq!(hops(&headers), 0);
        headers.append(
            header::VIA,
            HeaderValue::from_static("1.1 hotelband, 1.0 squid"),
        );
        headers.append(header::VIA, HeaderValue::from_static("1.1 HotelBand"));
        assert_eq!(hops(&headers), 2);
    }
}
