//! DNS rebinding: a page at `http://evil.example:8080` whose name is then made to resolve to
//! 127.0.0.1 is, to the browser, of the same origin as the emulator, so CORS does not stop it
//! reading `/demo` or using the proxy. Such a request still names `evil.example` in its `Host`,
//! so only loopback names and IP literals are served (unless `Config::cors_any_origin`).

use std::net::IpAddr;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::reply;

/// 403 unless the `Host` is `localhost` or an IP address (with any port). A request without
/// `Host` (HTTP/1.0) comes from no browser page and is served.
pub(crate) async fn local_host_only(request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).map(|h| h.to_str());
    match host {
        None => next.run(request).await,
        Some(Ok(host)) if is_local_name(host) => next.run(request).await,
        Some(_) => reply::error(
            StatusCode::FORBIDDEN,
            "This emulator answers only to localhost or an IP address (start it with \
             --cors-any-origin to allow other names).",
        ),
    }
}

/// `localhost` or an IP literal, with or without a port.
fn is_local_name(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names() {
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "10.0.0.2",
        ] {
            assert!(is_local_name(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io:80",
            "[evil]:1",
        ] {
            assert!(!is_local_name(bad), "{bad}");
        }
    }
}
