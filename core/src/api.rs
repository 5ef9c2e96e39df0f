//! The wire: services, slots, requests, outcomes, and what each outcome means.
//!
//! [`classify`] turns whatever the shell observed into a [`Reply`] or an [`ApiError`] with the
//! course's names, deciding by the HTTP status only (never by the body).

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::text::safe_text;
use crate::time::Millis;

/// The services' rule: never more than one request per second to a service, retries included.
/// Every delay a user may choose (page, CLI, api.ini) is raised or refused below this.
pub const MIN_DELAY: Millis = Millis::from_secs(1);

/// The longest delay a user may choose (page, CLI, api.ini): beyond an hour it is a typo.
pub const MAX_DELAY: Millis = Millis::from_secs(3600);

/// The most attempts per operation, retries included, a user may choose (page, CLI, api.ini):
/// more only hammers a failing service.
pub const MAX_RETRIES: u32 = 10;

/// The largest window (slots `1..=N` shown and listed) a shell accepts: the course's services
/// have had 200 slots or more (see the API notes), so a bigger window only shows unknowns.
pub const MAX_WINDOW: u16 = 200;

/// A service's base URL as users write it (api.ini, the page's form): `http://` or `https://`
/// in any case, a host, no spaces or control characters. The scheme comes back in lower case
/// and trailing slashes are dropped, since paths are appended; `None` if it is not such a URL.
#[must_use]
pub fn base_url(text: &str) -> Option<String> {
    let (scheme, rest) = http_parts(text)?;
    Some(format!("{scheme}{}", rest.trim_end_matches('/')))
}

/// Whether `text` is an http(s) URL with a host, by the rules of [`base_url`] (a CORS proxy
/// prefix is kept as typed: its trailing slash may matter).
#[must_use]
pub fn is_http_url(text: &str) -> bool {
    http_parts(text).is_some()
}

/// The lower-case scheme and what follows it, if `text` is an http(s) URL with a host.
fn http_parts(text: &str) -> Option<(&'static str, &str)> {
    let split = text.find("://")?;
    let scheme = match text[..split].to_ascii_lowercase().as_str() {
        "http" => "http://",
        "https" => "https://",
        _ => return None,
    };
    let rest = &text[split + 3..];
    let valid = !rest.is_empty()
        && !rest.starts_with('/')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    valid.then_some((scheme, rest))
}

/// One of the two independent reservation services.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// The hotel (`[hotel]` in api.ini).
    Hotel,
    /// The band (`[band]` in api.ini).
    Band,
}

impl Service {
    /// Both services, hotel first.
    pub const ALL: [Service; 2] = [Service::Hotel, Service::Band];

    /// Lower-case name, as in api.ini sections and URLs: `hotel`, `band`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Service::Hotel => "hotel",
            Service::Band => "band",
        }
    }

    /// The service that is not `self`.
    #[must_use]
    pub const fn other(self) -> Service {
        match self {
            Service::Hotel => Service::Band,
            Service::Band => Service::Hotel,
        }
    }

    /// 0 for the hotel, 1 for the band: for `[T; 2]` tables.
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A slot number, 1 (the best) or more. The upper end is the server's business.
///
/// Read from JSON as the API writes an id, a string (`"56"`), or as a lenient server may, an
/// integer (`56`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "WireId")]
pub struct Slot(u16);

impl Slot {
    /// `None` for 0.
    #[must_use]
    pub const fn new(n: u16) -> Option<Slot> {
        if n == 0 { None } else { Some(Slot(n)) }
    }

    /// The slot number.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a text is not a slot number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SlotError {
    /// Nothing but whitespace.
    #[error("empty slot number")]
    Empty,
    /// Something other than decimal digits.
    #[error("`{0}` is not a slot number")]
    NotANumber(String),
    /// Slots start at 1.
    #[error("slot 0 does not exist (slots start at 1)")]
    Zero,
    /// More than this client can represent (65535).
    #[error("slot number `{0}` is too large")]
    TooLarge(String),
}

impl FromStr for Slot {
    type Err = SlotError;

    /// Decimal digits, surrounding whitespace allowed: `"56"`, `" 7 "`, `"007"`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = text.trim();
        if digits.is_empty() {
            return Err(SlotError::Empty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SlotError::NotANumber(safe_text(digits)));
        }
        let n: u16 = digits
            .parse()
            .map_err(|_| SlotError::TooLarge(safe_text(digits)))?;
        Slot::new(n).ok_or(SlotError::Zero)
    }
}

/// A slot id as it comes over the wire, before it is checked to be a slot.
#[derive(Deserialize)]
#[serde(untagged)]
enum WireId {
    Text(String),
    Number(u64),
}

impl TryFrom<WireId> for Slot {
    type Error = SlotError;

    fn try_from(id: WireId) -> Result<Slot, SlotError> {
        match id {
            WireId::Text(text) => text.parse(),
            WireId::Number(n) => {
                let n = u16::try_from(n).map_err(|_| SlotError::TooLarge(n.to_string()))?;
                Slot::new(n).ok_or(SlotError::Zero)
            }
        }
    }
}

/// Names one request so its outcome can be matched to it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// What a request asks of a service.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `GET {base}/reservation/available`
    Available,
    /// `GET {base}/reservation`
    Holds,
    /// `POST {base}/reservation/{id}`
    Reserve(Slot),
    /// `DELETE {base}/reservation/{id}`
    Cancel(Slot),
}

impl Op {
    /// The HTTP method: `GET`, `POST` or `DELETE`.
    #[must_use]
    pub const fn method(self) -> &'static str {
        match self {
            Op::Available | Op::Holds => "GET",
            Op::Reserve(_) => "POST",
            Op::Cancel(_) => "DELETE",
        }
    }

    /// The path to append to the service's base URL, e.g. `/reservation/56`.
    #[must_use]
    pub fn path(self) -> String {
        match self {
            Op::Available => "/reservation/available".to_owned(),
            Op::Holds => "/reservation".to_owned(),
            Op::Reserve(slot) | Op::Cancel(slot) => format!("/reservation/{slot}"),
        }
    }

    /// Reserve and cancel change server state; their failures may be ambiguous.
    #[must_use]
    pub const fn is_write(self) -> bool {
        matches!(self, Op::Reserve(_) | Op::Cancel(_))
    }
}

/// A request for the shell to send now: `op.method()` to `base + op.path()` with
/// `Authorization: Bearer <key>`, aborted after `timeout`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Echo it back in [`crate::Session::handle_response`].
    pub id: RequestId,
    /// Where to send it.
    pub service: Service,
    /// What to send.
    pub op: Op,
    /// 1 for the first try of an operation, 2 for its first retry, ...
    pub attempt: u32,
    /// Abort the request after this long and report [`Outcome::Timeout`].
    pub timeout: Millis,
}

/// What the shell observed for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A response arrived (any status).
    Http {
        status: u16,
        /// The reason phrase the shell has (`statusText`), possibly empty.
        reason: String,
        /// The raw `Retry-After` header, if any.
        retry_after: Option<String>,
        /// The body as text (JSON, HTML, anything).
        body: String,
    },
    /// No usable response: refused, reset, dropped, unreadable body. Safe text, no secrets.
    Network(String),
    /// No response before the request's timeout; the shell aborted it.
    Timeout,
}

/// A successful reply, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The free list or the holds list.
    Slots(Vec<Slot>),
    /// The slot is now ours.
    Reserved(Slot),
    /// The slot was released.
    Cancelled,
}

/// Every way a request can fail, with the course's names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 400: the request was malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401: the key is wrong or missing.
    #[error("the API key was rejected: {0}")]
    InvalidToken(String),
    /// 403: the slot does not exist.
    #[error("no such slot: {0}")]
    BadSlot(String),
    /// 404: the request was not processed; safe to retry.
    #[error("not processed: {0}")]
    NotProcessed(String),
    /// 409: the slot is not free (reserve) or not ours (cancel).
    #[error("slot not available: {0}")]
    SlotUnavailable(String),
    /// 451: already holding the maximum number of slots.
    #[error("reservation limit reached: {0}")]
    ReservationLimit(String),
    /// 429: too fast; wait at least `retry_after`.
    #[error("rate limited: {message}")]
    RateLimited {
        /// The parsed `Retry-After` (seconds), if the server sent one.
        retry_after: Option<Millis>,
        /// What the server said.
        message: String,
    },
    /// 5xx (and any other unexpected status).
    #[error("server error {status}: {message}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// What the server said.
        message: String,
    },
    /// No usable response.
    #[error("network error: {0}")]
    Network(String),
    /// No response in time.
    #[error("timed out")]
    Timeout,
    /// A 200 whose body is not what the API promises.
    #[error("unreadable reply: {0}")]
    Decode(String),
}

impl ApiError {
    /// Failures after which the same request may simply be sent again (for a read, or for a
    /// write the server says it did not process).
    #[must_use]
    pub const fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::NotProcessed(_)
                | ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::Network(_)
                | ApiError::Timeout
                | ApiError::Decode(_)
        )
    }

    /// After a write, failures that leave unknown whether the server applied it.
    #[must_use]
    pub const fn is_ambiguous_for_write(&self) -> bool {
        matches!(
            self,
            ApiError::Server { .. }
                | ApiError::Network(_)
                | ApiError::Timeout
                | ApiError::Decode(_)
        )
    }

    /// The `Retry-After` the server asked for, if any.
    #[must_use]
    pub const fn retry_after(&self) -> Option<Millis> {
        match self {
            ApiError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The longest `Retry-After` honoured; a bigger value is a misconfigured server, not a plan.
const MAX_RETRY_AFTER: Millis = Millis::from_secs(300);

/// Classifies what the shell observed for `op` by HTTP status, decoding 200 bodies.
///
/// Never panics, whatever the body; error messages are short, one line and free of secrets
/// (see [`ApiError`]).
pub fn classify(op: Op, outcome: &Outcome) -> Result<Reply, ApiError> {
    classify_lenient(op, outcome).0
}

/// As [`classify`], but a list with a few entries that are not slot ids keeps its good
/// entries: those skipped are returned beside, as safe text, to be reported. A body that is
/// not a JSON array of objects is still an error.
pub fn classify_lenient(op: Op, outcome: &Outcome) -> (Result<Reply, ApiError>, Vec<String>) {
    if let (Op::Available | Op::Holds, Outcome::Http { status, body, .. }) = (op, outcome)
        && (200..300).contains(status)
    {
        return match decode_list(body) {
            Ok((slots, skipped)) => (Ok(Reply::Slots(slots)), skipped),
            Err(error) => (Err(error), Vec::new()),
        };
    }
    (classify_strict(op, outcome), Vec::new())
}

/// The `Retry-After` of a 503 (RFC 9110 lets a 503 carry one), as delay-seconds.
#[must_use]
pub fn unavailable_retry_after(outcome: &Outcome) -> Option<Millis> {
    match outcome {
        Outcome::Http {
            status: 503,
            retry_after: Some(raw),
            ..
        } => parse_retry_after(raw),
        _ => None,
    }
}

/// A reserve's reply, and each entry of a free or holds list: `{"id":"56"}`, other members
/// ignored.
#[derive(Deserialize)]
struct WireSlot {
    id: Slot,
}

/// An error body: `{"code":409,"message":"..."}`; only the message is read.
#[derive(Deserialize)]
struct WireError {
    message: String,
}

/// A JSON object read as a `T`. Wire types are read from objects only: serde would also read a
/// struct from a list of its fields (`["56"]`), which no server means.
fn from_object<T: DeserializeOwned>(object: &Value) -> Option<T> {
    object.as_object()?;
    T::deserialize(object).ok()
}

/// A free or holds list: the slots (ascending, deduplicated) and the entries skipped.
fn decode_list(body: &str) -> Result<(Vec<Slot>, Vec<String>), ApiError> {
    let entries: Vec<Map<String, Value>> = decode(body, LIST)?;
    let mut slots = Vec::with_capacity(entries.len());
    // One bad entry does not spoil the list: it is skipped and reported.
    let mut skipped = Vec::new();
    for entry in entries.into_iter().map(Value::Object) {
        match from_object(&entry) {
            Some(WireSlot { id }) => slots.push(id),
            None => skipped.push(safe_text(&entry.to_string())),
        }
    }
    slots.sort_unstable();
    slots.dedup();
    Ok((slots, skipped))
}

/// What a free or holds list is, for a message.
const LIST: &str = "a list of objects with an id";
/// What a reserve's reply is, for a message.
const RESERVED: &str = "an object with a slot id";

/// `body` read as a `T`, or why not, in words: not JSON at all (see [`decode_error`]), or JSON
/// of another shape than the `expected` one.
fn decode<T: DeserializeOwned>(body: &str, expected: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| {
        if serde_json::from_str::<Value>(body).is_ok() {
            unexpected(expected, body)
        } else {
            decode_error(body)
        }
    })
}

/// A JSON body of another shape than the `expected` one.
fn unexpected(expected: &str, body: &str) -> ApiError {
    ApiError::Decode(safe_text(&format!(
        "unexpected JSON: {expected} was expected: {body}"
    )))
}

fn classify_strict(op: Op, outcome: &Outcome) -> Result<Reply, ApiError> {
    let (status, reason, retry_after, body) = match outcome {
        Outcome::Http {
            status,
            reason,
            retry_after,
            body,
        } => (*status, reason, retry_after, body),
        Outcome::Network(text) => return Err(ApiError::Network(safe_text(text))),
        Outcome::Timeout => return Err(ApiError::Timeout),
    };
    if (200..300).contains(&status) {
        return decode_success(op, body);
    }
    let message = error_message(status, reason, body);
    Err(match status {
        400 => ApiError::BadRequest(message),
        401 => ApiError::InvalidToken(message),
        403 => ApiError::BadSlot(message),
        404 => ApiError::NotProcessed(message),
        409 => ApiError::SlotUnavailable(message),
        451 => ApiError::ReservationLimit(message),
        429 => ApiError::RateLimited {
            retry_after: retry_after.as_deref().and_then(parse_retry_after),
            message,
        },
        _ => ApiError::Server { status, message },
    })
}

fn decode_success(op: Op, body: &str) -> Result<Reply, ApiError> {
    match op {
        Op::Available | Op::Holds => decode_list(body).map(|(slots, _)| Reply::Slots(slots)),
        Op::Reserve(slot) => {
            let reply: Value = decode(body, RESERVED)?;
            let WireSlot { id } = from_object(&reply).ok_or_else(|| unexpected(RESERVED, body))?;
            if id == slot {
                Ok(Reply::Reserved(slot))
            } else {
                Err(ApiError::Decode(format!(
                    "asked for slot {slot}, the reply names slot {id}"
                )))
            }
        }
        // The body only confirms in words; the status is what counts.
        Op::Cancel(_) => Ok(Reply::Cancelled),
    }
}

/// Why a 200's body that is not JSON at all is not what the API promises, in words that point
/// at the likely cause: an HTML page usually means the base URL names a web site, not the API.
fn decode_error(body: &str) -> ApiError {
    let why = if body.trim_start().starts_with('<') {
        format!(
            "an HTML page, not the API's JSON (is the URL right?): {}",
            safe_text(body)
        )
    } else {
        format!("not JSON: {}", safe_text(body))
    };
    ApiError::Decode(crate::text::truncate(&why, crate::text::MAX_MESSAGE_CHARS))
}

/// The JSON body's `message`, else the reason phrase, else a snippet of the body, else the status.
fn error_message(status: u16, reason: &str, body: &str) -> String {
    let from_json = serde_json::from_str(body)
        .ok()
        .and_then(|body| from_object::<WireError>(&body))
        .map(|error| safe_text(&error.message))
        .filter(|text| !text.is_empty());
    from_json
        .or_else(|| Some(safe_text(reason)).filter(|text| !text.is_empty()))
        .or_else(|| Some(safe_text(body)).filter(|text| !text.is_empty()))
        .unwrap_or_else(|| format!("HTTP {status}"))
}

/// `Retry-After` as delay-seconds (RFC 9110); an HTTP date is not worth a clock here.
fn parse_retry_after(raw: &str) -> Option<Millis> {
    let secs: u64 = raw.trim().parse().ok()?;
    Some(Millis::from_secs(secs).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, reason: &str, body: &str) -> Outcome {
        Outcome::Http {
            status,
            reason: reason.to_owned(),
            retry_after: None,
            body: body.to_owned(),
        }
    }

    fn slot(n: u16) -> Slot {
        Slot::new(n).expect("test slots are non-zero")
    }

    #[test]
    fn base_urls_take_any_case_of_scheme_and_drop_trailing_slashes() {
        assert_eq!(
            base_url("HTTPS://Example.test/api/").as_deref(),
            Some("https://Example.test/api")
        );
        assert_eq!(base_url("Http://h:8080").as_deref(), Some("http://h:8080"));
        for bad in [
            "",
            "example.test/api",
            "ftp://example.test",
            "https://",
            "https:///api",
            "https://exa mple.test",
            "https://example.test/\napi",
            "httpx://example.test",
        ] {
            assert_eq!(base_url(bad), None, "{bad:?}");
            assert!(!is_http_url(bad), "{bad:?}");
        }
        assert!(is_http_url("HTTP://proxy.test/?"));
    }

    #[test]
    fn slot_parsing() {
        assert_eq!("56".parse::<Slot>(), Ok(slot(56)));
        assert_eq!(" 7 ".parse::<Slot>(), Ok(slot(7)));
        assert_eq!("".parse::<Slot>(), Err(SlotError::Empty));
        assert_eq!("0".parse::<Slot>(), Err(SlotError::Zero));
        assert!(matches!(
            "abc".parse::<Slot>(),
            Err(SlotError::NotANumber(_))
        ));
        assert!(matches!(
            "-1".parse::<Slot>(),
            Err(SlotError::NotANumber(_))
        ));
        assert!(matches!(
            "+1".parse::<Slot>(),
            Err(SlotError::NotANumber(_))
        ));
        assert!(matches!(
            "65536".parse::<Slot>(),
            Err(SlotError::TooLarge(_))
        ));
    }

    #[test]
    fn ids_are_strings_or_integers_from_1() {
        let id = |text: &str| serde_json::from_str::<Slot>(text).ok();
        assert_eq!(id(r#""10""#), Some(slot(10)));
        assert_eq!(id(r#"" 7 ""#), Some(slot(7)));
        assert_eq!(id("15"), Some(slot(15)));
        for bad in [
            "0", r#""0""#, "-3", "1.5", "1e2", "65536", r#""n/a""#, "null", "[1]", "{}",
        ] {
            assert_eq!(id(bad), None, "{bad}");
        }
    }

    #[test]
    fn classifies_successes() {
        let list = http(200, "OK", r#"[{"id":"17"},{"id":"10"},{"id":"15"}]"#);
        assert_eq!(
            classify(Op::Available, &list),
            Ok(Reply::Slots(vec![slot(10), slot(15), slot(17)]))
        );
        assert_eq!(
            classify(Op::Holds, &http(200, "OK", "[]")),
            Ok(Reply::Slots(vec![]))
        );
        assert_eq!(
            classify(Op::Reserve(slot(56)), &http(200, "OK", r#"{"id":"56"}"#)),
            Ok(Reply::Reserved(slot(56)))
        );
        assert!(matches!(
            classify(Op::Reserve(slot(56)), &http(200, "OK", r#"{"id":"57"}"#)),
            Err(ApiError::Decode(_))
        ));
        assert_eq!(
            classify(Op::Cancel(slot(5)), &http(200, "OK", r#"{"message":"ok"}"#)),
            Ok(Reply::Cancelled)
        );
        assert!(matches!(
            classify(Op::Holds, &http(200, "OK", "<html>oops</html>")),
            Err(ApiError::Decode(why)) if why.starts_with("an HTML page") && why.ends_with("oops")
        ));
        assert!(matches!(
            classify(Op::Holds, &http(200, "OK", "Welcome!")),
            Err(ApiError::Decode(why)) if why == "not JSON: Welcome!"
        ));
        assert!(matches!(
            classify(Op::Holds, &http(200, "OK", r#"{"id":"1"}"#)),
            Err(ApiError::Decode(why)) if why.starts_with("unexpected JSON")
        ));
        // A list of an object's fields is not that object.
        for (op, body) in [
            (Op::Holds, r#"[["1"]]"#),
            (Op::Reserve(slot(56)), r#"["56"]"#),
        ] {
            assert!(
                matches!(
                    classify(op, &http(200, "OK", body)),
                    Err(ApiError::Decode(why)) if why.starts_with("unexpected JSON")
                ),
                "{body}"
            );
        }
    }

    #[test]
    fn classifies_errors_by_status_with_the_best_message() {
        let json = |code: u16, msg: &str| format!(r#"{{"code":{code},"message":"{msg}"}}"#);
        type Is = fn(&ApiError) -> bool;
        let cases: [(u16, Is); 7] = [
            (400, |e| matches!(e, ApiError::BadRequest(_))),
            (401, |e| matches!(e, ApiError::InvalidToken(_))),
            (403, |e| matches!(e, ApiError::BadSlot(_))),
            (404, |e| matches!(e, ApiError::NotProcessed(_))),
            (409, |e| matches!(e, ApiError::SlotUnavailable(_))),
            (451, |e| matches!(e, ApiError::ReservationLimit(_))),
            (503, |e| matches!(e, ApiError::Server { status: 503, .. })),
        ];
        for (status, is) in cases {
            let error = classify(Op::Holds, &http(status, "X", &json(status, "the text")))
                .expect_err("non-200 is an error");
            assert!(is(&error), "{status}: {error:?}");
            assert!(error.to_string().contains("the text"), "{error}");
        }
        let html = "<html><body><h1>Bad Gateway</h1></body></html>";
        let error = classify(Op::Available, &http(502, "", html)).expect_err("502");
        assert_eq!(
            error,
            ApiError::Server {
                status: 502,
                message: "Bad Gateway".into()
            }
        );
        let error = classify(
            Op::Available,
            &http(500, "Internal Server Error", "<p>x</p>"),
        );
        assert_eq!(
            error,
            Err(ApiError::Server {
                status: 500,
                message: "Internal Server Error".into()
            })
        );
        assert_eq!(
            classify(Op::Holds, &http(500, "Oops", r#"["the text"]"#)),
            Err(ApiError::Server {
                status: 500,
                message: "Oops".into()
            })
        );
        assert_eq!(
            classify(Op::Holds, &http(503, "", "")),
            Err(ApiError::Server {
                status: 503,
                message: "HTTP 503".into()
            })
        );
    }

    #[test]
    fn rate_limit_reads_retry_after() {
        let outcome = Outcome::Http {
            status: 429,
            reason: "Too Many Requests".into(),
            retry_after: Some(" 2 ".into()),
            body: String::new(),
        };
        assert_eq!(
            classify(Op::Holds, &outcome),
            Err(ApiError::RateLimited {
                retry_after: Some(Millis(2000)),
                message: "Too Many Requests".into()
            })
        );
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("999999"), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn a_malformed_id_is_skipped_and_reported_not_the_whole_list() {
        let list = http(
            200,
            "OK",
            r#"[{"id":"n/a"},{"id":"12"},{"id":0},{"id":"550"}]"#,
        );
        let (reply, skipped) = classify_lenient(Op::Available, &list);
        assert_eq!(reply, Ok(Reply::Slots(vec![slot(12), slot(550)])));
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped[0].contains("n/a"), "{skipped:?}");
        // A well-formed list skips nothing; a list that is not of objects is still an error.
        assert_eq!(
            classify_lenient(Op::Holds, &http(200, "OK", r#"[{"id":"3"}]"#)),
            (Ok(Reply::Slots(vec![slot(3)])), Vec::new())
        );
        assert!(matches!(
            classify_lenient(Op::Available, &http(200, "OK", r#"["3", "4"]"#)).0,
            Err(ApiError::Decode(why)) if why.starts_with("unexpected JSON")
        ));
        assert!(matches!(
            classify(Op::Available, &list),
            Ok(Reply::Slots(slots)) if slots.len() == 2
        ));
    }

    #[test]
    fn a_503_may_carry_retry_after() {
        let with = |status: u16, raw: Option<&str>| Outcome::Http {
            status,
            reason: String::new(),
            retry_after: raw.map(str::to_owned),
            body: String::new(),
        };
        assert_eq!(
            unavailable_retry_after(&with(503, Some("2"))),
            Some(Millis(2000))
        );
        assert_eq!(unavailable_retry_after(&with(503, None)), None);
        assert_eq!(unavailable_retry_after(&with(500, Some("2"))), None);
        assert_eq!(unavailable_retry_after(&Outcome::Timeout), None);
    }

    #[test]
    fn network_and_timeout() {
        assert_eq!(
            classify(Op::Holds, &Outcome::Timeout),
            Err(ApiError::Timeout)
        );
        assert_eq!(
            classify(Op::Holds, &Outcome::Network("connection refused".into())),
            Err(ApiError::Network("connection refused".into()))
        );
        assert!(ApiError::Timeout.is_ambiguous_for_write());
        assert!(!ApiError::NotProcessed(String::new()).is_ambiguous_for_write());
    }
}
