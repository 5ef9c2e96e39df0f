//! Every way a service request ends without a 200, and the wire reply of each.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;

use crate::pacing;
use crate::reply;
use crate::state::{Desk, Refusal};

/// Every way a request ends without a 200, as the wire states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// 401.
    BadToken,
    /// 429: `wait` left of the pacing interval `window`.
    TooFast { wait: Duration, window: Duration },
    /// 503 with `Retry-After: 1`, injected before processing or as a lost reply.
    Unavailable,
    /// 500, injected.
    ServerError,
    /// 502 with an HTML page, during an outage.
    BadGateway,
    /// 400 or 403: the id is malformed or names no slot.
    BadId(StatusCode, &'static str),
    /// 409 or 451.
    Write(Refusal),
}

impl Refused {
    fn status_and_message(self) -> (StatusCode, &'static str) {
        match self {
            Refused::BadToken => (StatusCode::UNAUTHORIZED, reply::BAD_TOKEN),
            Refused::TooFast { .. } => (StatusCode::TOO_MANY_REQUESTS, reply::TOO_FAST),
            Refused::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, reply::UNAVAILABLE),
            Refused::ServerError => (StatusCode::INTERNAL_SERVER_ERROR, reply::SERVER_ERROR),
            Refused::BadGateway => (StatusCode::BAD_GATEWAY, reply::BAD_GATEWAY_PAGE),
            Refused::BadId(status, message) => (status, message),
            Refused::Write(Refusal::NotAvailable) => (StatusCode::CONFLICT, reply::NOT_AVAILABLE),
            Refused::Write(Refusal::AtLimit) => {
                (StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS, reply::AT_LIMIT)
            }
        }
    }
}

/// Counts the refusal's status and answers with the wire's error body and headers.
pub(super) fn refuse(desk: &mut Desk, refused: Refused) -> Response {
    let (status, message) = refused.status_and_message();
    desk.counters.count_status(status.as_u16());
    if refused == Refused::BadGateway {
        return reply::html(status, message);
    }
    let response = reply::error(status, message);
    match refused {
        Refused::TooFast { wait, window } => rate_limited(response, wait, window),
        Refused::Unavailable => reply::with_retry_after(response, 1),
        _ => response,
    }
}

/// A 429's `Retry-After` and the IETF RateLimit draft's headers.
fn rate_limited(response: Response, wait: Duration, window: Duration) -> Response {
    let secs = pacing::retry_after_secs(wait);
    let window = pacing::retry_after_secs(window);
    let mut response = reply::with_retry_after(response, secs);
    let headers = response.headers_mut();
    if let Ok(v) = format!(r#""default";q=1;w={window}"#).parse() {
        headers.insert("ratelimit-policy", v);
    }
    if let Ok(v) = format!(r#""default";r=0;t={secs}"#).parse() {
        headers.insert("ratelimit", v);
    }
    response
}
