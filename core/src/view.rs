//! What the session shows: a snapshot for the UI, the planner's state, why a click was refused.

use crate::api::{ApiError, Op, Service, Slot};
use crate::avoid::AvoidSet;
use crate::time::Millis;

/// Whether the auto-pair planner is running.
///
/// `Off → Running` on [`crate::Session::start`]; `Running → Done` when a pair good enough
/// ([`crate::Config::is_good_enough`]: slot 1 by default) is held at both (and back to `Running`
/// if new settings find it no longer good enough);
/// `Running → Releasing → Off` on [`crate::Session::stop`] (only a half-made pair is released, the
/// matched pair is kept), on [`crate::Session::stop_and_release_all`] (everything is released), or
/// when a service refuses the key (401).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AutoState {
    /// Manual only.
    Off,
    /// Working towards (or upgrading) a matched pair.
    Running,
    /// Stopping: finishing what is in flight, then releasing every hold not kept (all of them
    /// after [`crate::Session::stop_and_release_all`], all but the matched pair after [`crate::Session::stop`]).
    Releasing,
    /// Holding a good-enough pair at both (slot 1 by default): reads stop.
    Done,
}

impl AutoState {
    /// One lower-case word, as the page's `data-auto` and the CLI's output name it: `off`,
    /// `running`, `releasing`, `done`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            AutoState::Off => "off",
            AutoState::Running => "running",
            AutoState::Releasing => "releasing",
            AutoState::Done => "done",
        }
    }
}

/// What one service looks like from here.
///
/// The page derives a slot's state from it: *mine* = in `holds`; *free* = in `free`; *taken* =
/// not in `free` while `free_at` is set; *unknown* otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceView {
    /// The last free list read (ascending; our own holds are never in it).
    pub free: Vec<Slot>,
    /// When the free list arrived (`None`: never read).
    pub free_at: Option<Millis>,
    /// Our holds as last known (ascending).
    pub holds: Vec<Slot>,
    /// When the holds were last read (`None`: never read).
    pub holds_at: Option<Millis>,
    /// False while a write's outcome is unknown (a lost reply, a 5xx that a proxy may have
    /// hidden an applied write behind) or the holds were never read (a cold start): until the
    /// holds are re-read, and again until a request the shell gave up on can no longer land (a
    /// timeout later). Holds that might pair with such a write are kept meanwhile.
    pub holds_known: bool,
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
    /// The matched pair currently held (the smallest slot held at both), if any.
    pub pair: Option<Slot>,
    /// The planner's state.
    pub auto: AutoState,
    /// The slot the planner is reserving at both services (first pair or upgrade), if any.
    pub target: Option<Slot>,
    /// When the planner next re-reads the free lists.
    pub next_recheck: Option<Millis>,
    /// The most recent failure.
    pub last_error: Option<Failure>,
    /// The slots the planner avoids (`Config::avoid`): the page marks them and leaves them out
    /// of the common slots.
    pub avoid: AvoidSet,
}

/// A failure at one service: which, when, and what, in plain words. The service and the time
/// let a page tell a current failure from one a later reply of that service superseded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Where it happened.
    pub service: Service,
    /// When it was learnt.
    pub at: Millis,
    /// What happened, e.g. `band: Reserving slot 1: slot not available`.
    pub text: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why [`crate::Session::pair_on`] was refused.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Busy {
    /// Auto-pair is running, stopping or done: it owns the holds (stop it first).
    Auto,
    /// An earlier click is still pairing or cleaning up.
    Pairing,
    /// A service refused the key: nothing can be reserved there.
    Stopped(Service),
    /// The slot is on the avoid list (`Config::avoid`).
    Avoided,
}
