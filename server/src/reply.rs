//! Response shapes shared by every route: the wire's JSON error body
//! `{"code": <status>, "message": "..."}` with the handout's texts, and JSON success bodies.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

/// 400.
pub(crate) const BAD_REQUEST: &str = "Bad request.";
/// 401.
pub(crate) const BAD_TOKEN: &str = "The API token was invalid or missing.";
/// 403.
pub(crate) const NO_SUCH_SLOT: &str = "SlotId does not exist.";
/// 404.
pub(crate) const NOT_PROCESSED: &str = "The request has not been processed.";
/// 405.
pub(crate) const METHOD_NOT_ALLOWED: &str = "Method not allowed.";
/// 409.
pub(crate) const NOT_AVAILABLE: &str = "Slot is not available.";
/// 429 (the emulator's own; the real services do not answer violations).
pub(crate) const TOO_FAST: &str =
    "Too many requests: at most one request per second per service; see Retry-After.";
/// 451.
pub(crate) const AT_LIMIT: &str = "The client already holds the maximum number of reservations.";
/// 500 (injected).
pub(crate) const SERVER_ERROR: &str = "Internal server error";
/// 503 (injected).
pub(crate) const UNAVAILABLE: &str = "Service unavailable";

/// Marks a response whose connection must be closed instead of answered (a lost reply). The
/// accept loop (`server.rs`) honours it; a `oneshot` caller sees the 503 it is attached to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// `{"code": status, "message": message}` with that status.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "code": status.as_u16(), "message": message }).to_string();
    json_with_status(status, body)
}

/// A 200 with a JSON body.
pub(crate) fn ok_json(body: impl Into<Bytes>) -> Response {
    json_with_status(StatusCode::OK, body.into())
}

fn json_with_status(status: StatusCode, body: impl Into<Bytes>) -> Response {
    let body: Bytes = body.into();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// `Retry-After: secs`.
pub(crate) fn with_retry_after(mut response: Response, secs: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}
