//! The page's files: `dist` with its build-time brotli and gzip variants (`x.br`, `x.gz` beside
//! `x`, made by `make dist`), an SPA fallback, and the cache headers that go with them.

use std::path::Path;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, any_service};
use tower_http::services::{ServeDir, ServeFile};

/// A file whose name carries its content hash never changes: cache it for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else (`index.html`, the SPA fallback) names the hashed files of the current
/// build, so it is revalidated on every load.
const REVALIDATE: &str = "no-cache";

/// Serves `dist`: the precompressed variant the browser accepts (`Content-Encoding` set by
/// `ServeDir`), `Vary: Accept-Encoding`, and `Cache-Control` by whether the name is hashed.
pub(crate) fn service(dist: &Path) -> MethodRouter {
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    any_service(files).layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status().is_redirection() {
        let headers = response.headers_mut();
        // The body depends on Accept-Encoding, so shared caches must key on it.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let policy = if immutable { IMMUTABLE } else { REVALIDATE };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Whether the last path segment is a trunk-hashed name: `stem-<hex hash>` then `.ext` or
/// `_bg.wasm` (`hotelband-1a2b3c4d5e6f7a8b_bg.wasm`, `main-1a2b3c4d5e6f7a8b.css`). Trunk
/// prints the 64-bit hash without leading zeros, so it is 12 to 16 hex digits.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((_, tail)) = name.rsplit_once('-') else {
        return false;
    };
    let hash = tail.split(['.', '_']).next().unwrap_or(tail);
    (12..=16).contains(&hash.len())
        && hash.len() < tail.len()
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn hashed_names_are_told_from_plain_ones() {
        assert!(is_hashed("/hotelband-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed("/hotelband-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed("/main-a2b3c4d5e6f7a8b.css"));
        assert!(is_hashed("/hotelband-1a2b3c4d5e6f7a8b_bg.wasm.br"));
        assert!(!is_hashed("/"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/robots.txt"));
        assert!(!is_hashed("/some/page"));
        assert!(!is_hashed("/hotelband-1a2b3c4d5e6f7a8b"), "no extension");
        assert!(!is_hashed("/my-page.html"));
        assert!(
            !is_hashed("/x-1A2B3C4D5E6F7A8B.js"),
            "trunk writes lowercase"
        );
        assert!(!is_hashed("/x-1a2b3c.js"), "too short to be a hash");
    }
}
