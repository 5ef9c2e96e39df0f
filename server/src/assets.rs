//! The page's files: `dist` with its build-time brotli and gzip variants (`x.br`, `x.gz` beside
//! `x`, made by trunk's post-build hook), an SPA fallback, the cache headers that go with them,
//! and the page's Content-Security-Policy (see `csp`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, any_service};
use tower_http::services::{ServeDir, ServeFile};

use crate::csp;

/// A file whose name carries the hash of its bytes never changes: cache it for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else is revalidated on every load (a `304` while unchanged): `index.html` and the
/// SPA fallback, which name the current build's files, and the files whose names do not pin
/// their bytes.
const REVALIDATE: &str = "no-cache";

/// Serves `dist`: the precompressed variant the browser accepts (`Content-Encoding` set by
/// `ServeDir`), `Vary: Accept-Encoding`, `Cache-Control` by whether the name pins the bytes,
/// and on the page the Content-Security-Policy.
pub(crate) fn service(dist: &Path) -> MethodRouter {
    let index_path = dist.join("index.html");
    let index = ServeFile::new(&index_path)
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    any_service(files)
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn_with_state(
            Arc::new(index_path),
            security_policy,
        ))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = is_immutable(request.uri().path());
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

/// Sends the page (every HTML response: `index.html` and the SPA fallback) with the policy
/// for `index.html` as it is on disk now: read on every page load, so a `dist` rebuilt while
/// the emulator runs gets the hash of its own loader script. A page that cannot be read gets
/// the policy of a page without inline scripts, which blocks rather than allows.
async fn security_policy(
    State(index): State<Arc<PathBuf>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html {
        let html = tokio::fs::read_to_string(index.as_path())
            .await
            .unwrap_or_default();
        match HeaderValue::try_from(csp::policy(&html)) {
            Ok(policy) => {
                response
                    .headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            // Not reached: the policy is ASCII (fixed words and base64 hashes).
            Err(e) => tracing::error!(error = %e, "the page's security policy is not a header"),
        }
    }
    response
}

/// Whether `path` names a file whose name pins its bytes: a trunk-hashed name, except the
/// wasm and its JavaScript glue. Trunk 0.21 names those two by the hash of cargo's wasm, taken
/// before wasm-bindgen and wasm-opt make the bytes served (`hashed_wasm_base`), so another
/// wasm-opt version or level gives new bytes under the same name; a cached copy would then
/// fail the page's integrity check. Other files (the css) it names by the hash of what it
/// writes.
fn is_immutable(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let file = file
        .strip_suffix(".br")
        .or_else(|| file.strip_suffix(".gz"))
        .unwrap_or(file);
    is_hashed(file) && !file.ends_with("_bg.wasm") && !file.ends_with(".js")
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
    use super::{is_hashed, is_immutable};

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

    #[test]
    fn only_names_that_hash_the_bytes_served_are_immutable() {
        assert!(is_immutable("/main-a2b3c4d5e6f7a8b.css"));
        assert!(is_immutable("/main-a2b3c4d5e6f7a8b.css.br"));
        assert!(!is_immutable("/hotelband-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(!is_immutable("/hotelband-1a2b3c4d5e6f7a8b_bg.wasm.br"));
        assert!(!is_immutable("/hotelband-1a2b3c4d5e6f7a8b.js"));
        assert!(!is_immutable("/hotelband-1a2b3c4d5e6f7a8b.js.gz"));
        assert!(!is_immutable("/index.html"));
        assert!(!is_immutable("/robots.txt"));
    }
}
