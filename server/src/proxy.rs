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

/// Largest request body forwarded (the API sends none; this only bounds memory).
const MAX_BODY: usize = 1 << 20;
/// How long an upstream may take, end to end.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Hosts of this machine: their ports need listing, or `--proxy-any-local`.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];
/// Paths of this emulator that its proxy may reach: the services, nothing else.
const OWN_SERVICES: [&str; 2] = ["/hotel/api", "/band/api"];
/// Hotelband proxies a request may already have passed: a page's proxy in front of another
/// emulator's proxy is the longest chain anyone needs.
pub(crate) const MAX_HOPS: usize = 2;
/// This proxy's `Via` entry (RFC 9110 §7.6.3), counted to bound the hops.
const VIA_ENTRY: &str = "1.1 hotelband";
/// Upstream response headers passed back.
const PASSED_BACK: [HeaderName; 2] = [header::CONTENT_TYPE, header::RETRY_AFTER];
/// Request headers forwarded.
const FORWARDED: [HeaderName; 3] = [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT];

/// The proxy's own state: the allow-list and the HTTP client.
pub(crate) struct Proxy {
    /// Lowercased `host` or `host:port` entries.
    allow: Vec<String>,
    /// Every loopback port is allowed (`--proxy-any-local`).
    any_local: bool,
    /// The port this emulator listens on (none for a router without a socket).
    own_port: Option<u16>,
    max_reply: usize,
    client: reqwest::Client,
}

/// Whether an upstream may be reached.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Allowed,
    /// Not listed: 403.
    NotAllowed,
    /// This emulator's own `/proxy`: 508.
    Loop,
    /// This emulator, but not one of its services: 403.
    OwnNonService,
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
            allow: config
                .proxy_allow
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
            any_local: config.proxy_any_local,
            own_port: Some(config.addr.port()).filter(|&p| p != 0),
            max_reply: config.limits.proxy_max_reply,
            client,
        }
    }

    /// Whether `url` may be reached.
    fn judge(&self, url: &Url) -> Verdict {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return Verdict::NotAllowed;
        };
        let port = url.port_or_known_default();
        let with_port = port.map(|p| format!("{host}:{p}"));
        if LOOPBACK.contains(&host.as_str()) {
            if port.is_some() && port == self.own_port {
                let path = url.path();
                let under = |base: &str| {
                    path.strip_prefix(base)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                };
                return if OWN_SERVICES.into_iter().any(under) {
                    Verdict::Allowed
                } else if under("/proxy") {
                    Verdict::Loop
                } else {
                    Verdict::OwnNonService
                };
            }
            if self.any_local {
                return Verdict::Allowed;
            }
        }
        let listed = self.allow.iter().any(|a| {
            (*a == host && !LOOPBACK.contains(&a.as_str())) || Some(a) == with_port.as_ref()
        });
        if listed {
            Verdict::Allowed
        } else {
            Verdict::NotAllowed
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

/// `host[:port]` as shown in messages (never the path or query, which might carry secrets).
fn shown_host(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// Why the text after `/proxy/` is not a target.
#[derive(Debug, PartialEq, Eq)]
enum BadTarget {
    /// Not an absolute http(s) URL.
    NotAUrl,
    /// `user:password@host`.
    UserInfo,
}

/// The absolute URL after `/proxy/` (raw or percent-encoded as a whole), without userinfo.
fn target(request: &Request) -> Result<Url, BadTarget> {
    let url = parse_target(request).ok_or(BadTarget::NotAUrl)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BadTarget::UserInfo);
    }
    Ok(url)
}

fn parse_target(request: &Request) -> Option<Url> {
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

/// `s` with its `%XX` escapes decoded; `None` if one is malformed (`%zz`, a `%` at the end),
/// which `percent_decode_str` alone would keep as text, or if the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let well_formed = s.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    Some(decoded.into_owned())
}

/// `ANY /proxy/{*url}`.
pub(crate) async fn proxy_forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let url = match target(&request) {
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
    match proxy.judge(&url) {
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

    fn proxy(allow: &[&str], any_local: bool) -> Proxy {
        Proxy::new(&Config {
            addr: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            proxy_allow: allow.iter().map(|&h| h.to_owned()).collect(),
            proxy_any_local: any_local,
            ..Config::default()
        })
    }

    #[test]
    fn own_services_only_and_never_own_proxy() {
        for any_local in [false, true] {
            let proxy = proxy(&["localhost", "127.0.0.1:8080"], any_local);
            let judge = |u: &str| proxy.judge(&Url::parse(u).expect("url"));
            for own in [
                "127.0.0.1:8080",
                "localhost:8080",
                "[::1]:8080",
                "127.1:8080",
            ] {
                assert_eq!(
                    judge(&format!("http://{own}/hotel/api/reservation")),
                    Verdict::Allowed
                );
                assert_eq!(judge(&format!("http://{own}/band/api")), Verdict::Allowed);
                assert_eq!(
                    judge(&format!("http://{own}/proxy/http://a/")),
                    Verdict::Loop
                );
                assert_eq!(
                    judge(&format!("http://{own}/hotel/api/../../proxy/x")),
                    Verdict::Loop
                );
                assert_eq!(
                    judge(&format!("http://{own}/admin/state")),
                    Verdict::OwnNonService
                );
                assert_eq!(
                    judge(&format!("http://{own}/hotel/apix")),
                    Verdict::OwnNonService
                );
                assert_eq!(judge(&format!("http://{own}/demo")), Verdict::OwnNonService);
            }
            // Other local ports: only with the flag, or listed with their port.
            let other = if any_local {
                Verdict::Allowed
            } else {
                Verdict::NotAllowed
            };
            assert_eq!(judge("http://127.0.0.1:9/x"), other);
            assert_eq!(
                judge("http://localhost/x"),
                other,
                "a bare loopback name lists no port"
            );
        }
        let listed = proxy(&["127.0.0.1:9"], false);
        assert_eq!(
            listed.judge(&Url::parse("http://127.0.0.1:9/x").expect("url")),
            Verdict::Allowed
        );
    }

    #[test]
    fn allow_list() {
        let proxy = proxy(&["Course.Example", "other.example:8443"], false);
        let ok = |u: &str| proxy.judge(&Url::parse(u).expect("url")) == Verdict::Allowed;
        assert!(!ok("http://127.0.0.1:9/x"));
        assert!(!ok("http://localhost/x"));
        assert!(!ok("http://[::1]:8081/x"));
        assert!(ok("https://course.example/hotel/api"));
        assert!(ok("https://other.example:8443/x"));
        assert!(!ok("https://other.example/x"));
        assert!(!ok("https://evil.example/x"));
        assert!(!ok("http://127.0.0.2/x"));
        assert!(!ok("https://course.example.evil.example/x"));
    }

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

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("http%3A%2F%2Fa%2Fb").as_deref(),
            Some("http://a/b")
        );
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("a%"), None);
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
        assert_eq!(percent_decode("plain").as_deref(), Some("plain"));
    }
}
