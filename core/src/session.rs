//! The session: one user's view of both services, manual actions and the auto-pair planner,
//! behind one pacer per service.
//!
//! SKELETON: the public types and signatures are the contract with the page, the native
//! driver and the simulation; bodies are to be filled by the core issue.

use std::fmt;

use crate::api::{ApiError, Op, Outcome, Request, RequestId, Service, Slot};
use crate::time::Millis;

/// Settings; every field has a sensible default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Minimum time between two requests to one service (the rule: 1 s). Lower only in tests.
    pub delay: Millis,
    /// Attempts per operation, retries included (api.ini `retries`).
    pub retries: u32,
    /// Only slots `1..=window` are candidates (first 20 by default, up to 200).
    pub window: u16,
    /// How often a held pair re-reads the free lists for a better one.
    pub recheck: Millis,
    /// How long the shell waits for a reply before it gives up (reports `Outcome::Timeout`).
    pub request_timeout: Millis,
    /// Seed of the jitter RNG.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            delay: Millis(1000),
            retries: 3,
            window: 20,
            recheck: Millis(5000),
            request_timeout: Millis(10_000),
            seed: 0,
        }
    }
}

/// Whether the auto-pair planner is running.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AutoState {
    /// Manual only.
    Off,
    /// Working towards (or upgrading) a matched pair.
    Running,
    /// Stopped by the user: finishing what is in flight, then releasing every hold.
    Releasing,
    /// Holding slot 1 at both: nothing better exists.
    Done,
}

/// What one service looks like from here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceView {
    /// The last free list read (ascending), and when it was read.
    pub free: Vec<Slot>,
    pub free_at: Option<Millis>,
    /// Our holds as last known (ascending), and when they were last confirmed.
    pub holds: Vec<Slot>,
    pub holds_at: Option<Millis>,
    /// Operations queued or in flight, in order.
    pub pending: Vec<Op>,
    /// Set when the service refused our key (401): nothing more is sent to it.
    pub stopped: Option<ApiError>,
}

/// A snapshot for the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// Indexed by [`Service::index`].
    pub services: [ServiceView; 2],
    /// The matched pair currently held, if any.
    pub pair: Option<Slot>,
    pub auto: AutoState,
    /// When the planner next re-reads the free lists.
    pub next_recheck: Option<Millis>,
    /// The most recent failure, in plain words.
    pub last_error: Option<String>,
}

/// Something the user should hear about, stamped with the time it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub at: Millis,
    pub kind: EventKind,
}

/// The kinds of [`Event`]; `Display` gives the plain-words line for the activity log.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// A slot was reserved at a service.
    Reserved { service: Service, slot: Slot },
    /// A slot was released at a service.
    Released { service: Service, slot: Slot },
    /// The same slot is now held at both services.
    PairSecured { slot: Slot },
    /// A better pair replaced the old one (which is released).
    PairUpgraded { from: Slot, to: Slot },
    /// No slot in the window is free at both services right now.
    NoCommonSlot,
    /// An operation failed for good (after retries, or at once for 4xx).
    Failed {
        service: Service,
        op: Op,
        error: ApiError,
    },
    /// The service refused the key; the session stops talking to it.
    ServiceStopped { service: Service, error: ApiError },
    /// The auto-pair planner changed state.
    Auto(AutoState),
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("core issue")
    }
}

/// One user's session with both services. See the crate docs for the calling contract.
#[derive(Debug)]
pub struct Session {
    _private: (),
}

impl Session {
    #[must_use]
    pub fn new(now: Millis, config: Config) -> Self {
        let _ = (now, config);
        todo!("core issue")
    }

    /// Replaces the settings; takes effect for the next request.
    pub fn set_config(&mut self, now: Millis, config: Config) {
        let _ = (now, config);
        todo!("core issue")
    }

    /// Re-reads holds and free lists at both services.
    pub fn refresh(&mut self, now: Millis) {
        let _ = now;
        todo!("core issue")
    }

    /// Manual: reserve `slot` at `service` (queued behind the pacer).
    pub fn reserve(&mut self, now: Millis, service: Service, slot: Slot) {
        let _ = (now, service, slot);
        todo!("core issue")
    }

    /// Manual: cancel our hold of `slot` at `service` (queued behind the pacer).
    pub fn cancel(&mut self, now: Millis, service: Service, slot: Slot) {
        let _ = (now, service, slot);
        todo!("core issue")
    }

    /// Starts the auto-pair planner: adopt current holds, then pair and keep upgrading.
    pub fn start(&mut self, now: Millis) {
        let _ = now;
        todo!("core issue")
    }

    /// Stops the planner; a half-made pair is still cleaned up so no orphan is left.
    pub fn stop(&mut self, now: Millis) {
        let _ = now;
        todo!("core issue")
    }

    /// Stops the planner and releases every hold at both services.
    pub fn stop_and_release_all(&mut self, now: Millis) {
        let _ = now;
        todo!("core issue")
    }

    /// Feeds the outcome of a request handed out by [`Session::poll_request`].
    pub fn handle_response(&mut self, now: Millis, id: RequestId, outcome: Outcome) {
        let _ = (now, id, outcome);
        todo!("core issue")
    }

    /// Tells the session the time has come; a no-op before [`Session::poll_timeout`].
    pub fn handle_timeout(&mut self, now: Millis) {
        let _ = now;
        todo!("core issue")
    }

    /// The next request to send now, if the pacer and the one-in-flight rule allow.
    #[must_use]
    pub fn poll_request(&mut self, now: Millis) -> Option<Request> {
        let _ = now;
        todo!("core issue")
    }

    /// The next event for the activity log.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        todo!("core issue")
    }

    /// When [`Session::handle_timeout`] should next be called.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Millis> {
        todo!("core issue")
    }

    /// A snapshot for the UI.
    #[must_use]
    pub fn view(&self) -> View {
        todo!("core issue")
    }
}
