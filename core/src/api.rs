//! The wire: services, slots, requests, outcomes, and what each outcome means.
//!
//! SKELETON: the types and signatures here are the contract with the page, the native driver
//! and the simulation; the bodies are to be filled by the core issue.

use std::fmt;

use crate::time::Millis;

/// One of the two independent reservation services.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    Hotel,
    Band,
}

impl Service {
    pub const ALL: [Service; 2] = [Service::Hotel, Service::Band];

    /// Lower-case name, as in api.ini sections and URLs: `hotel`, `band`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Service::Hotel => "hotel",
            Service::Band => "band",
        }
    }

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
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(u16);

impl Slot {
    /// `None` for 0.
    #[must_use]
    pub const fn new(n: u16) -> Option<Slot> {
        if n == 0 { None } else { Some(Slot(n)) }
    }

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

// To fill: `FromStr for Slot` (rejects "", "0", "abc", "-1", overflow) and serde
// `Deserialize` accepting `"56"` or `56`, `Serialize` as a string.

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
    pub id: RequestId,
    pub service: Service,
    pub op: Op,
    /// 1 for the first try of an operation, 2 for its first retry, ...
    pub attempt: u32,
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
    Reserved(Slot),
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
        retry_after: Option<Millis>,
        message: String,
    },
    /// 5xx (and any other unexpected status).
    #[error("server error {status}: {message}")]
    Server { status: u16, message: String },
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

// To fill: `pub fn classify(op: Op, outcome: &Outcome) -> Result<Reply, ApiError>` and the
// message extraction (JSON `message`, else reason phrase, else a short safe body snippet).
