//! Response shapes shared by every route: the wire's JSON error body
//! `{"code": <status>, "message": "..."}` with the handout's texts, and JSON success bodies.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{StreamExt as _, stream};
use serde::{Serialize, Serializer};

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
/// 502 during an outage: not the API's JSON but the page a reverse proxy (here nginx's) sends
/// when the service behind it is down.
pub(crate) const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n\
<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// How long a cut-off reply waits between its first half and the cut, so that the head has
/// surely left before the connection is torn down.
const CUT_PAUSE: Duration = Duration::from_millis(20);

/// A slot as the wire names it, `{"id":"56"}` (the id a string, as the real services write
/// it), with a cancel's confirmation beside it.
#[derive(Serialize)]
struct WireSlot {
    #[serde(serialize_with = "as_text")]
    id: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

fn as_text<S: Serializer>(id: &u16, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

/// `value` as JSON text.
fn to_json(value: &impl Serialize) -> String {
    // Invariant: the wire shapes here (strings, numbers, lists) always serialise.
    serde_json::to_string(value).expect("wire shapes serialise")
}

/// A free or holds list: `[{"id":"1"},{"id":"3"}]`.
pub(crate) fn slot_list(slots: impl IntoIterator<Item = u16>) -> String {
    let slots: Vec<WireSlot> = slots
        .into_iter()
        .map(|id| WireSlot { id, message: None })
        .collect();
    to_json(&slots)
}

/// The 200 body of a reserve, `{"id":"56"}`, or of a cancel, with its `message`.
pub(crate) fn slot_body(id: u16, message: Option<String>) -> String {
    to_json(&WireSlot { id, message })
}

/// `{"code": status, "message": message}` with that status.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "code": status.as_u16(), "message": message }).to_string();
    json_with_status(status, body)
}

/// A lost reply: a 200 head announcing all of `body`, half of it, then a closed connection.
/// The client sees a response start and fail, as when a reply is lost on the way.
pub(crate) fn cut_off(body: String) -> Response {
    let full = Bytes::from(body);
    let announced = full.len();
    let half = full.slice(..announced / 2);
    let first = stream::iter([Ok::<_, std::io::Error>(half)]);
    let cut = stream::once(async {
        tokio::time::sleep(CUT_PAUSE).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "reply deliberately lost",
        ))
    });
    let mut response = Response::new(Body::from_stream(first.chain(cut)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(announced));
    response
}

/// An HTML page with `status`.
pub(crate) fn html(status: StatusCode, page: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))],
        page,
    )
        .into_response()
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
