//! The hotelband pairing strategy as a pure state machine.
//!
//! This crate contains no networking code, no timestamps from the OS, no async runtime and no
//! OS randomness: the caller tells it the time ([`Millis`]), carries its [`Request`]s to the
//! hotel and the band, and feeds each [`Outcome`] back. The same machine runs in the browser
//! (wasm32), in the native benchmark driver and in the seeded simulation tests.
//!
//! # Calling contract ([`Session`])
//! - After any input (a command, [`Session::handle_response`], [`Session::handle_timeout`]),
//!   drain [`Session::poll_request`] and [`Session::poll_event`], then arm one timer for
//!   [`Session::poll_timeout`] ([`Session::wake_reason`] gives that time with its [`Wake`]
//!   reason, for a log).
//! - Each [`Request`] has a timeout; when the shell aborts it, it reports [`Outcome::Timeout`].
//! - Time never goes backwards; a `now` earlier than a previous one is treated as that one.
//! - An early [`Session::handle_timeout`] is a no-op.
//!
//! With the `sim` feature, `sim` is a seeded in-memory model of both services (faults,
//! latency, a competing crowd) and `sim::World`, a driver running a [`Session`] against it on a
//! virtual clock, for tests and benchmarks. Examples: `trace` prints one run step by step,
//! `figures` the simulated first-pair and upgrade figures, `arrivals` how far apart our
//! requests reached the services.
//!
//! # A shell that reloads
//! A new [`Session`] knows nothing, so [`Session::start`] takes the cold path (free lists,
//! reserves, then holds). A shell that remembers this account held something (the last holds
//! it knew, kept in storage) calls [`Session::expect_holds`] first: those services' holds are
//! read before anything else, so a held pair is resumed in one round trip.

mod api;
mod avoid;
mod backoff;
mod config;
mod decimal;
mod event;
mod handover;
mod holds;
mod ini;
mod lane;
mod pacer;
mod planner;
mod quiet;
mod rng;
mod session;
#[cfg(feature = "sim")]
pub mod sim;
mod text;
mod time;
mod view;
mod wake;

pub use api::{
    ApiError, MAX_DELAY, MAX_RETRIES, MAX_WINDOW, MIN_DELAY, Op, Outcome, Reply, Request,
    RequestId, Service, Slot, SlotError, base_url, classify, classify_lenient, is_http_url,
    unavailable_retry_after,
};
pub use avoid::{AvoidError, AvoidSet};
pub use config::Config;
pub use decimal::{decimal_nanos, nanos_to_ms};
pub use event::{Event, EventKind, describe};
pub use handover::HANDOVER_MARGIN;
pub use ini::{ApiIni, IniError};
pub use lane::SEND_MARGIN;
pub use rng::Rng;
pub use session::Session;
pub use time::Millis;
pub use view::{AutoState, Busy, Failure, ServiceView, View};
pub use wake::Wake;
