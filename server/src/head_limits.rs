//! Request heads too long for the emulator answer a JSON error like every other refusal, so
//! that a client reads `{"code":414,…}` rather than hyper's empty body. The limits sit well below
//! hyper's own (64 KiB of URI, 256 headers, ~400 KiB of head), which stay as a last resort.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::reply;

/// Longest path and query: the API's are a few dozen bytes, a proxied URL a few hundred.
pub(crate) const MAX_URI: usize = 8 * 1024;
/// Most header fields: a browser sends about twenty.
pub(crate) const MAX_HEADERS: usize = 100;
/// Most bytes of header names and values (cookies of other local apps included).
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;

/// 414 or 431 with a JSON body when the head is over the limits.
pub(crate) async fn head_limits(request: Request, next: Next) -> Response {
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if uri > MAX_URI {
        return reply::error(
            StatusCode::URI_TOO_LONG,
            &format!("Request URI longer than {MAX_URI} bytes."),
        );
    }
    let headers = request.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return reply::error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            &format!("Request headers over {MAX_HEADERS} fields or {MAX_HEADER_BYTES} bytes."),
        );
    }
    next.run(request).await
}
