//! The session: one user's view of both services, manual actions and the auto-pair planner,
//! behind one pacer per service.

use std::fmt;

use crate::api::{
    ApiError, Op, Outcome, Reply, Request, RequestId, Service, Slot, classify_lenient,
    unavailable_retry_after,
};
use crate::backoff::{backoff, retry_wait};
use crate::lane::{InFlight, Job, Lane, Origin};
use crate::planner::{Mode, Planner, pair};
use crate::rng::Rng;
use crate::text::safe_text;
use crate::time::Millis;

/// Past a request's own timeout, how long the session waits for the shell's report before it
/// gives up by itself (a shell that lost track must not wedge a service forever).
const SELF_TIMEOUT_GRACE: Millis = Millis(1000);

/// An operation and its retries are abandoned past this: what it was for is stale by then.
const OPERATION_DEADLINE: Millis = Millis::from_secs(60);

/// Settings; every field has a sensible default.
///
/// [`crate::ApiIni::apply`] fills `retries` and `delay` from the user's file, keeping the 1 s
/// minimum; a `delay` below 1 s only comes from setting it here explicitly (tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Minimum time between two requests to one service, retries included (the rule: 1 s).
    pub delay: Millis,
    /// Attempts per operation, retries included (api.ini `retries`); 0 counts as 1.
    pub retries: u32,
    /// How many slots the page shows and its "first common free slots" list covers (20 by
    /// default). Not a limit on pairing: the planner pairs on the earliest common slot of the
    /// whole range the services list.
    pub window: u16,
    /// With `polite`, how often a held pair re-reads the free lists for a better one. Also how
    /// recent reads must be for [`Session::start`] to act on them at once.
    pub recheck: Millis,
    /// Re-read the free lists only every `recheck`. Off by default: while a better pair is
    /// possible, both free lists are read at every paced slot (the rule allows 60 a minute).
    pub polite: bool,
    /// While no better slot is free at both, hold the best better slot free at one service
    /// (beside the pair, for at most 20 s) and watch the other for it. Off by default: see
    /// `BENCHMARKS.md` / the core's figures for what it gains.
    pub spare_hold: bool,
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
            polite: false,
            spare_hold: false,
            request_timeout: Millis(10_000),
            seed: 0,
        }
    }
}

/// Whether the auto-pair planner is running.
///
/// `Off → Running` on [`Session::start`]; `Running → Done` when slot 1 is held at both;
/// `Running → Releasing → Off` on [`Session::stop`] (only a half-made pair is released, the
/// matched pair is kept), on [`Session::stop_and_release_all`] (everything is released), or
/// when a service refuses the key (401).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AutoState {
    /// Manual only.
    Off,
    /// Working towards (or upgrading) a matched pair.
    Running,
    /// Stopping: finishing what is in flight, then releasing every hold not kept (all of them
    /// after [`Session::stop_and_release_all`], all but the matched pair after [`Session::stop`]).
    Releasing,
    /// Holding slot 1 at both: nothing better exists.
    Done,
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
    /// The most recent failure, in plain words.
    pub last_error: Option<String>,
}

/// Something the user should hear about, stamped with the time it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// When it happened (the `now` of the input that caused it).
    pub at: Millis,
    /// What happened.
    pub kind: EventKind,
}

/// The kinds of [`Event`]; `Display` gives the plain-words line for the activity log.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// A slot was reserved at a service.
    Reserved {
        /// Where.
        service: Service,
        /// Which slot.
        slot: Slot,
    },
    /// A slot was released at a service.
    Released {
        /// Where.
        service: Service,
        /// Which slot.
        slot: Slot,
    },
    /// The same slot is now held at both services.
    PairSecured {
        /// The slot.
        slot: Slot,
    },
    /// A better pair is held; the old one is being released.
    PairUpgraded {
        /// The old pair.
        from: Slot,
        /// The new pair.
        to: Slot,
    },
    /// No slot is free at both services right now.
    NoCommonSlot,
    /// A list had entries that are not slot ids: they were skipped, the rest was used.
    SkippedIds {
        /// Where.
        service: Service,
        /// Which list.
        op: Op,
        /// How many entries were skipped.
        count: usize,
        /// The first of them, as safe text.
        example: String,
    },
    /// An operation failed for good (after retries, or at once for 4xx).
    Failed {
        /// Where.
        service: Service,
        /// What was asked.
        op: Op,
        /// Why it failed.
        error: ApiError,
    },
    /// The service refused the key; the session stops talking to it.
    ServiceStopped {
        /// Which service.
        service: Service,
        /// The 401, with the server's message.
        error: ApiError,
    },
    /// The auto-pair planner changed state.
    Auto(AutoState),
    /// [`Session::pair_on`] was refused: something else owns the holds right now.
    PairOnRefused {
        /// The slot clicked.
        slot: Slot,
        /// Why.
        reason: Busy,
    },
}

/// Why [`Session::pair_on`] was refused.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Busy {
    /// Auto-pair is running, stopping or done: it owns the holds (stop it first).
    Auto,
    /// An earlier click is still pairing or cleaning up.
    Pairing,
    /// A service refused the key: nothing can be reserved there.
    Stopped(Service),
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKind::Reserved { service, slot } => {
                write!(f, "Reserved slot {slot} at the {service}")
            }
            EventKind::Released { service, slot } => {
                write!(f, "Released slot {slot} at the {service}")
            }
            EventKind::PairSecured { slot } => {
                write!(f, "Slot {slot} is now held at both the hotel and the band")
            }
            EventKind::PairUpgraded { from, to } => write!(
                f,
                "Upgraded to slot {to} at both services; releasing slot {from}"
            ),
            EventKind::NoCommonSlot => {
                f.write_str("No slot is free at both services right now; still watching")
            }
            EventKind::SkippedIds {
                service,
                op,
                count,
                example,
            } => write!(
                f,
                "{} at the {service}: skipped {count} entr{} that {} not a slot id ({example})",
                describe(*op),
                if *count == 1 { "y" } else { "ies" },
                if *count == 1 { "is" } else { "are" },
            ),
            EventKind::Failed { service, op, error } => {
                write!(f, "{} at the {service} failed: {error}", describe(*op))
            }
            EventKind::ServiceStopped { service, error } => write!(
                f,
                "The {service} refused the API key ({error}); check the key. Nothing more is sent to the {service}"
            ),
            EventKind::Auto(state) => f.write_str(match state {
                AutoState::Off => "Auto-pair is off",
                AutoState::Running => "Auto-pair started",
                AutoState::Releasing => "Auto-pair stopping: releasing holds",
                AutoState::Done => "Auto-pair done: slot 1 is held at both services",
            }),
            EventKind::PairOnRefused { slot, reason } => {
                write!(f, "Not pairing on slot {slot}: ")?;
                match reason {
                    Busy::Auto => {
                        f.write_str("auto-pair owns the holds while it runs; stop it first")
                    }
                    Busy::Pairing => {
                        f.write_str("the last click is still being paired or released")
                    }
                    Busy::Stopped(service) => {
                        write!(f, "the {service} refused the API key; check the key")
                    }
                }
            }
        }
    }
}

/// An operation in words, starting with a capital: "Reserving slot 5".
#[must_use]
pub fn describe(op: Op) -> String {
    match op {
        Op::Available => "Reading the free slots".to_owned(),
        Op::Holds => "Reading our holds".to_owned(),
        Op::Reserve(slot) => format!("Reserving slot {slot}"),
        Op::Cancel(slot) => format!("Releasing slot {slot}"),
    }
}

/// One user's session with both services: the pacers, the retry rules, the known state, manual
/// actions and the auto-pair planner. No I/O: see the crate docs for the calling contract.
///
/// # Calling contract
/// - After any input (a command, [`Session::handle_response`], [`Session::handle_timeout`]),
///   drain [`Session::poll_request`] (send each request), drain [`Session::poll_event`], then
///   arm one timer for [`Session::poll_timeout`] and call [`Session::handle_timeout`] when it
///   fires. An early `handle_timeout` is a no-op.
/// - Every [`Request`] carries a timeout; when the shell aborts a request it reports
///   [`Outcome::Timeout`]. A reply for an id the session no longer waits for is ignored.
/// - Time never goes backwards: a `now` earlier than one already seen is treated as that one.
///
/// # Guarantees
/// - At most one request in flight per service, and at least `config.delay` plus a margin
///   sized from the spread of recent round trips between two sends to one service, retries and
///   manual actions included (they share one queue per service).
/// - Reads, and writes the server did not process (404, 429), are retried, honouring
///   `Retry-After` (on 429 and 503), up to `config.retries` attempts and within a minute of
///   the first: the planner's at the next paced slot (fresh lists are what it needs), manual
///   ones with exponential backoff and full jitter. Each 429 also widens that service's
///   spacing a little (given back slowly), so a server stricter than `delay` is met without a
///   storm of 429s.
/// - A planner write answered with a 5xx is sent again at the next paced slot (after any
///   `Retry-After`) while the planner still wants it: the server answered, so nothing lands
///   later. Until a 200 or a holds read settles it, its slot counts as possibly held.
/// - A write whose outcome is ambiguous (timeout, network error, unreadable 200, or a 5xx on a
///   manual write) is never sent again blindly: the holds are re-read first, and the write is
///   repeated only if it did not take effect.
/// - A request the shell gave up on may still reach the server later: for a while (one more
///   timeout) its slot is not chosen for a new pair, a hold that might pair with it is kept,
///   and the holds are read again afterwards before the planner calls anything done.
/// - The planner never has more than 2 slots held or possibly held per service (writes in
///   doubt and in flight count), releases only on both services' confirmed holds, and keeps
///   the matched pair until a better one is held at both (make-before-break).
/// - [`Session::pair_on`] (a click on a common slot) runs on the planner's rules with the
///   user's slot as the target: the same limits, no half pair left behind.
/// - Manual actions while the planner is off are plain operations. While it runs, the planner
///   owns the holds: a hold outside its plan (e.g. a manual reserve) is released.
#[derive(Debug)]
pub struct Session {
    now: Millis,
    config: Config,
    rng: Rng,
    next_id: u64,
    lanes: [Lane; 2],
    planner: Planner,
    events: std::collections::VecDeque<Event>,
    last_error: Option<String>,
}

impl Session {
    /// A session with nothing known yet; the planner is off.
    #[must_use]
    pub fn new(now: Millis, config: Config) -> Self {
        Session {
            now,
            rng: Rng::new(config.seed),
            config,
            next_id: 0,
            lanes: [Lane::new(Service::Hotel), Lane::new(Service::Band)],
            planner: Planner::new(),
            events: std::collections::VecDeque::new(),
            last_error: None,
        }
    }

    /// Replaces the settings; takes effect for the next request. A new window triggers a scan.
    pub fn set_config(&mut self, now: Millis, config: Config) {
        self.advance(now);
        if config.seed != self.config.seed {
            self.rng = Rng::new(config.seed);
        }
        let window_changed = config.window != self.config.window;
        self.config = config;
        if window_changed && self.planner.mode == Mode::Running {
            self.planner.next_scan = Some(self.now);
        }
        self.update();
    }

    /// The settings in force.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Re-reads holds and free lists at both services (skipping reads already queued).
    pub fn refresh(&mut self, now: Millis) {
        self.advance(now);
        for lane in &mut self.lanes {
            if lane.stopped.is_some() {
                continue;
            }
            for op in [Op::Holds, Op::Available] {
                if !lane.queue.iter().any(|job| job.op == op) {
                    lane.queue
                        .push_back(Job::new(op, Origin::Manual, 1, self.now));
                }
            }
        }
        self.update();
    }

    /// Manual: reserve `slot` at `service` (queued behind the pacer).
    pub fn reserve(&mut self, now: Millis, service: Service, slot: Slot) {
        self.manual(now, service, Op::Reserve(slot));
    }

    /// Manual: cancel our hold of `slot` at `service` (queued behind the pacer).
    pub fn cancel(&mut self, now: Millis, service: Service, slot: Slot) {
        self.manual(now, service, Op::Cancel(slot));
    }

    fn manual(&mut self, now: Millis, service: Service, op: Op) {
        self.advance(now);
        let lane = &mut self.lanes[service.index()];
        if let Some(error) = &lane.stopped {
            let error = error.clone();
            self.push_event(EventKind::Failed { service, op, error });
            return;
        }
        lane.queue
            .push_back(Job::new(op, Origin::Manual, 1, self.now));
        self.update();
    }

    /// Manual: pair on `slot` (a click on a common slot): reserve it at both services at once
    /// (each behind its pacer), then release every other hold, the old pair last
    /// (make-before-break), and go back to manual.
    ///
    /// - If either service refuses the slot (409 taken or blocked, 403 not a slot, or failures
    ///   past `config.retries`), the click is given up and the half granted at the other
    ///   service is released: no half pair is left behind; a matched pair held before is kept.
    ///   A 451 re-reads the holds and releases what is outside the plan, then tries again.
    /// - An ambiguous outcome (a timeout, a reply cut off) re-reads the holds before deciding,
    ///   and a release waits for both services' holds to be confirmed, as for auto-pair.
    /// - Never more than 2 holds per service: a reserve goes out only while fewer than 2 other
    ///   slots are held or possibly held there (writes in doubt and in flight count).
    /// - While a click is under way ([`Session::pairing`]), holds outside it (the clicked slot,
    ///   the old pair until the new one is held) are released, as auto-pair does.
    /// - Refused with [`EventKind::PairOnRefused`] (nothing sent) while auto-pair is not
    ///   [`AutoState::Off`] (it owns the holds; the page disables the list meanwhile), while an
    ///   earlier click is under way, or when a service refused the key. [`Session::start`]
    ///   takes a click over (auto-pair's rules then decide); [`Session::stop`] gives it up (the
    ///   half is released, a matched pair kept).
    pub fn pair_on(&mut self, now: Millis, slot: Slot) {
        self.advance(now);
        let stopped = self
            .lanes
            .iter()
            .find(|lane| lane.stopped.is_some())
            .map(|lane| lane.service);
        let busy = match self.planner.mode {
            Mode::Running | Mode::Cleanup { .. } | Mode::Done => Some(Busy::Auto),
            Mode::PairOn => Some(Busy::Pairing),
            Mode::Off => stopped.map(Busy::Stopped),
        };
        if let Some(reason) = busy {
            self.push_event(EventKind::PairOnRefused { slot, reason });
            return;
        }
        self.planner.pair_on(slot);
        self.update();
    }

    /// Whether a [`Session::pair_on`] is under way: reserving its slot, or releasing what it
    /// does not keep.
    #[must_use]
    pub fn pairing(&self) -> bool {
        self.planner.mode == Mode::PairOn
    }

    /// Starts the auto-pair planner: pair on the earliest common slot, adopt what is held,
    /// and keep upgrading. Also lifts a 401 stop (the user may have fixed the key).
    ///
    /// What it reads first depends on what is known. Holds and free lists read within
    /// `config.recheck` at both services: it reserves at once. A service where we may hold
    /// something (holds seen before, a write in doubt, [`Session::expect_holds`]): its holds
    /// are read first, so a held pair is resumed in one round trip. Otherwise (cold): the free
    /// lists first, the reserves, then the holds, to adopt what an earlier session left.
    pub fn start(&mut self, now: Millis) {
        self.advance(now);
        let recent = |at: Option<Millis>| {
            at.is_some_and(|at| self.now.saturating_sub(at) <= self.config.recheck)
        };
        let mut free_since = Some(self.now);
        for lane in &mut self.lanes {
            lane.stopped = None;
            lane.cooldown = Millis::ZERO;
            lane.queue.retain(|job| job.origin == Origin::Manual);
            let confirmed = lane.settled() && lane.uncertain.is_empty() && recent(lane.holds_at);
            if !confirmed {
                let may_hold = lane.may_hold
                    || !lane.holds.is_empty()
                    || !lane.uncertain.is_empty()
                    || !lane.maybe_applied.is_empty()
                    || lane.holds_due.is_some();
                lane.holds_known = false;
                lane.holds_assumed = !may_hold;
            }
            free_since = match (free_since, lane.free_sent_at) {
                (Some(since), Some(sent)) if recent(lane.free_at) => Some(since.min(sent)),
                _ => None,
            };
        }
        self.planner.start(free_since.unwrap_or(self.now));
        self.push_event(EventKind::Auto(AutoState::Running));
        self.update();
    }

    /// Tells the session that this account may hold something at `service` it has not seen
    /// (the shell remembers the last holds it knew, e.g. in storage across a reload): the next
    /// [`Session::start`] reads the holds there first. A holds read clears it.
    pub fn expect_holds(&mut self, service: Service) {
        self.lanes[service.index()].may_hold = true;
    }

    /// Sends nothing to `service` before `at`, e.g. while another driver's last request may
    /// still be on its way there (see [`Session::handover`]); later sends are paced as usual.
    pub fn not_before(&mut self, service: Service, at: Millis) {
        self.lanes[service.index()].pacer.not_before(at);
    }

    /// Stops the planner. The matched pair is kept; a half-made pair is still cleaned up so no
    /// orphan is left ([`AutoState::Releasing`] until then, then [`AutoState::Off`]).
    pub fn stop(&mut self, now: Millis) {
        self.advance(now);
        match self.planner.mode {
            Mode::Running => {
                self.drop_planner_jobs();
                self.planner.cleanup(false);
                self.push_event(EventKind::Auto(AutoState::Releasing));
            }
            Mode::Done => {
                self.planner.mode = Mode::Off;
                self.push_event(EventKind::Auto(AutoState::Off));
            }
            // The click is given up: its half is released, a matched pair kept.
            Mode::PairOn => {
                self.drop_planner_jobs();
                self.planner.target = None;
            }
            Mode::Off | Mode::Cleanup { .. } => {}
        }
        self.update();
    }

    /// Stops the planner and releases every hold at both services (holds are re-read first, so
    /// holds from before a reload are released too).
    pub fn stop_and_release_all(&mut self, now: Millis) {
        self.advance(now);
        for lane in &mut self.lanes {
            lane.queue.clear();
            lane.forget_holds();
        }
        self.planner.cleanup(true);
        self.push_event(EventKind::Auto(AutoState::Releasing));
        self.update();
    }

    /// Feeds the outcome of a request handed out by [`Session::poll_request`].
    pub fn handle_response(&mut self, now: Millis, id: RequestId, outcome: Outcome) {
        self.advance(now);
        let lane = self.lanes.iter_mut().find(|lane| {
            lane.in_flight
                .as_ref()
                .is_some_and(|flight| flight.id == id)
        });
        // Unknown ids are replies the session already gave up on.
        if let Some(lane) = lane {
            let service = lane.service;
            if let Some(flight) = lane.in_flight.take() {
                self.complete(service, flight, &outcome);
            }
        }
        self.update();
    }

    /// Tells the session the time has come; a no-op before [`Session::poll_timeout`].
    pub fn handle_timeout(&mut self, now: Millis) {
        self.advance(now);
        self.update();
    }

    /// The next request to send now, if the pacer and the one-in-flight rule allow.
    #[must_use]
    pub fn poll_request(&mut self, now: Millis) -> Option<Request> {
        self.advance(now);
        self.update();
        Service::ALL
            .into_iter()
            .find_map(|service| self.try_send(service))
    }

    /// The next event for the activity log.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Session::handle_timeout`] should next be called.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Millis> {
        let lanes = self
            .lanes
            .iter()
            .filter_map(|lane| self.lane_deadline(lane));
        let scan = (self.planner.mode == Mode::Running
            && self.planner.target.is_none()
            && self.planner.scan.is_none())
        .then_some(self.planner.next_scan)
        .flatten();
        lanes.chain(scan).min()
    }

    /// A snapshot for the UI.
    #[must_use]
    pub fn view(&self) -> View {
        let service_view = |lane: &Lane| ServiceView {
            free: lane.free.clone(),
            free_at: lane.free_at,
            holds: lane.holds.clone(),
            holds_at: lane.holds_at,
            holds_known: lane.settled(),
            pending: lane.pending(),
            stopped: lane.stopped.clone(),
        };
        let planner = &self.planner;
        View {
            services: [service_view(&self.lanes[0]), service_view(&self.lanes[1])],
            pair: pair(&self.lanes),
            auto: planner.mode.auto_state(),
            target: planner.target,
            next_recheck: (planner.mode == Mode::Running && planner.scan.is_none())
                .then_some(planner.next_scan)
                .flatten(),
            last_error: self.last_error.clone(),
        }
    }

    /// Clamps the clock and expires requests the shell never reported.
    fn advance(&mut self, now: Millis) {
        self.now = self.now.max(now);
        for service in Service::ALL {
            let lane = &mut self.lanes[service.index()];
            let expired = lane
                .in_flight
                .as_ref()
                .is_some_and(|flight| flight.deadline <= self.now);
            if expired && let Some(flight) = lane.in_flight.take() {
                self.complete(service, flight, &Outcome::Timeout);
            }
        }
    }

    fn update(&mut self) {
        let mut kinds = Vec::new();
        self.planner
            .update(self.now, &self.lanes, &self.config, &mut kinds);
        for kind in kinds {
            self.push_event(kind);
        }
    }

    fn push_event(&mut self, kind: EventKind) {
        self.events.push_back(Event { at: self.now, kind });
    }

    fn drop_planner_jobs(&mut self) {
        for lane in &mut self.lanes {
            lane.queue.retain(|job| job.origin == Origin::Manual);
        }
    }

    /// When this lane next has something to do (a deadline or a send).
    fn lane_deadline(&self, lane: &Lane) -> Option<Millis> {
        if let Some(flight) = &lane.in_flight {
            return Some(flight.deadline);
        }
        if lane.stopped.is_some() {
            return None;
        }
        let paced = lane.pacer.ready_at(lane.gap(self.config.delay));
        if let Some(job) = lane.queue.front() {
            return Some(paced.max(job.not_before));
        }
        let active = matches!(
            self.planner.mode,
            Mode::Running | Mode::Cleanup { .. } | Mode::PairOn
        );
        let wanted = self
            .planner
            .next_op(self.now, lane.service, &self.lanes, &self.config)
            .map(|_| paced.max(lane.cooldown));
        let due = lane
            .holds_due
            .filter(|_| active)
            .map(|due| due.max(paced).max(lane.cooldown));
        wanted.into_iter().chain(due).min()
    }

    fn try_send(&mut self, service: Service) -> Option<Request> {
        let now = self.now;
        let lane = &self.lanes[service.index()];
        if lane.in_flight.is_some()
            || lane.stopped.is_some()
            || lane.pacer.delay(now, lane.gap(self.config.delay)).is_some()
        {
            return None;
        }
        let job = match lane.queue.front() {
            Some(job) if job.not_before > now => return None,
            Some(_) => self.lanes[service.index()].queue.pop_front()?,
            None if lane.cooldown > now => return None,
            None => {
                let op = self
                    .planner
                    .next_op(now, service, &self.lanes, &self.config)?;
                let attempt = self.planner.attempt(service, op);
                Job::new(op, Origin::Planner, attempt, now)
            }
        };
        let id = RequestId(self.next_id);
        self.next_id += 1;
        let request = Request {
            id,
            service,
            op: job.op,
            attempt: job.attempt,
            timeout: self.config.request_timeout,
        };
        let lane = &mut self.lanes[service.index()];
        lane.pacer.on_send(now);
        lane.in_flight = Some(InFlight {
            id,
            job,
            sent_at: now,
            deadline: now
                .saturating_add(self.config.request_timeout)
                .saturating_add(SELF_TIMEOUT_GRACE),
        });
        Some(request)
    }

    /// Applies what a request's outcome teaches and decides its follow-up.
    fn complete(&mut self, service: Service, flight: InFlight, outcome: &Outcome) {
        let InFlight { job, sent_at, .. } = flight;
        let (result, skipped) = classify_lenient(job.op, outcome);
        let lane = &mut self.lanes[service.index()];
        match outcome {
            Outcome::Http { .. } => lane.on_round_trip(self.now.saturating_sub(sent_at)),
            Outcome::Network(_) | Outcome::Timeout => lane.on_no_reply(),
        }
        match &result {
            Err(ApiError::RateLimited { .. }) => lane.on_rate_limited(self.config.delay),
            _ => lane.on_not_rate_limited(self.config.delay),
        }
        if let Some(example) = skipped.first() {
            let kind = EventKind::SkippedIds {
                service,
                op: job.op,
                count: skipped.len(),
                example: example.clone(),
            };
            self.last_error = Some(kind.to_string());
            self.push_event(kind);
        }
        match result {
            Ok(reply) => self.on_success(service, job, sent_at, reply),
            Err(error) => {
                let retry_after = error
                    .retry_after()
                    .or_else(|| unavailable_retry_after(outcome));
                self.on_failure(service, job, error, retry_after);
            }
        }
    }

    fn on_success(&mut self, service: Service, job: Job, sent_at: Millis, reply: Reply) {
        let now = self.now;
        let lane = &mut self.lanes[service.index()];
        match (job.op, reply) {
            (Op::Available, Reply::Slots(slots)) => {
                // A hold of ours never shows as free, whatever a stale reply says.
                lane.free = slots
                    .into_iter()
                    .filter(|slot| !lane.holds(*slot))
                    .collect();
                lane.free_at = Some(now);
                lane.free_sent_at = Some(sent_at);
            }
            (Op::Holds, Reply::Slots(slots)) => {
                if lane.holds_due.is_none_or(|due| sent_at >= due) {
                    // Past the window in which a lost write could still land: all settled.
                    lane.holds_due = None;
                    lane.uncertain.clear();
                }
                for slot in &slots {
                    lane.mark_taken(*slot);
                }
                // The lane sends one request at a time, so this read left after every 5xx.
                lane.maybe_applied.clear();
                lane.may_hold = false;
                lane.holds = slots;
                lane.holds_known = true;
                lane.holds_at = Some(now);
                if let Some((write, attempt, error)) = job.verify {
                    self.verified(service, write, attempt, error);
                }
            }
            (Op::Reserve(slot), Reply::Reserved(_)) => {
                lane.maybe_applied.remove(&slot);
                lane.add_hold(slot);
                self.push_event(EventKind::Reserved { service, slot });
            }
            (Op::Cancel(slot), Reply::Cancelled) => {
                lane.maybe_applied.remove(&slot);
                lane.remove_hold(slot);
                self.push_event(EventKind::Released { service, slot });
            }
            // `classify` answers each op with its own reply kind; anything else is ignored.
            _ => {}
        }
    }

    /// A holds read checked a manual write that ended ambiguously.
    fn verified(&mut self, service: Service, write: Op, attempt: u32, error: ApiError) {
        let lane = &self.lanes[service.index()];
        let took_effect = match write {
            Op::Reserve(slot) => lane.holds(slot),
            Op::Cancel(slot) => !lane.holds(slot),
            Op::Available | Op::Holds => true,
        };
        if took_effect {
            let kind = match write {
                Op::Reserve(slot) => EventKind::Reserved { service, slot },
                Op::Cancel(slot) => EventKind::Released { service, slot },
                Op::Available | Op::Holds => return,
            };
            self.push_event(kind);
        } else if attempt < self.config.retries {
            let wait = backoff(attempt, self.config.delay, &mut self.rng);
            let job = Job::new(
                write,
                Origin::Manual,
                attempt + 1,
                self.now.saturating_add(wait),
            );
            self.lanes[service.index()].queue.push_front(job);
        } else {
            self.fail(service, write, error);
        }
    }

    fn on_failure(
        &mut self,
        service: Service,
        job: Job,
        error: ApiError,
        retry_after: Option<Millis>,
    ) {
        let now = self.now;
        let op = job.op;
        self.last_error = Some(format!("{service}: {}: {error}", describe(op)));
        if let ApiError::InvalidToken(_) = error {
            let lane = &mut self.lanes[service.index()];
            lane.queue.clear();
            lane.stopped = Some(error.clone());
            self.push_event(EventKind::ServiceStopped { service, error });
            return;
        }
        if job.origin == Origin::Planner
            && op.is_write()
            && matches!(error, ApiError::Server { .. })
        {
            self.on_planner_write_answered(service, op, retry_after);
            return;
        }
        let retries = self.config.retries.max(1);
        let may_retry = job.attempt < retries;
        let safe_to_repeat = if op.is_write() {
            matches!(
                error,
                ApiError::NotProcessed(_) | ApiError::RateLimited { .. }
            )
        } else {
            error.is_transient()
        };
        let wait = if job.origin == Origin::Planner {
            // The planner's reads are worth most when fresh: the next paced slot, unless the
            // server asked for more.
            retry_after.unwrap_or(Millis::ZERO)
        } else {
            retry_wait(job.attempt, self.config.delay, retry_after, &mut self.rng)
        };
        let in_time = now.saturating_add(wait) <= job.created.saturating_add(OPERATION_DEADLINE);
        if safe_to_repeat && may_retry && in_time {
            let retry = Job {
                attempt: job.attempt + 1,
                not_before: now.saturating_add(wait),
                ..job
            };
            self.lanes[service.index()].queue.push_front(retry);
            return;
        }
        if op.is_write() && error.is_ambiguous_for_write() {
            self.on_ambiguous_write(service, job, error);
            return;
        }
        // A failure for good.
        if let Some((write, _, _)) = &job.verify {
            // The holds could not be read: the write's outcome stays unknown.
            self.push_event(EventKind::Failed {
                service,
                op: *write,
                error: error.clone(),
            });
        }
        let wait = backoff(retries, self.config.delay, &mut self.rng)
            .max(retry_after.unwrap_or(Millis::ZERO));
        let lane = &mut self.lanes[service.index()];
        // A refusal is information, not trouble: choose again at the next paced slot.
        let refused = matches!(
            error,
            ApiError::SlotUnavailable(_) | ApiError::ReservationLimit(_)
        );
        if !refused {
            lane.cooldown = now.saturating_add(wait);
        }
        match (op, &error) {
            (Op::Reserve(slot), ApiError::SlotUnavailable(_)) => {
                lane.mark_taken(slot);
                // A 409 on a slot we may hold (a write in doubt, or holds never read: a free
                // list never lists our own holds) may mean it is ours: read the holds once.
                if lane.uncertain.contains(&slot)
                    || lane.maybe_applied.contains(&slot)
                    || !lane.holds_known
                {
                    lane.forget_holds();
                }
            }
            (Op::Reserve(_), ApiError::ReservationLimit(_)) | (Op::Cancel(_), _) => {
                lane.forget_holds();
            }
            _ => {}
        }
        self.planner
            .on_write_failed(now, service, op, &error, false, &self.config);
        self.fail(service, op, error);
    }

    /// A planner write got a 5xx: the server answered, so nothing can land later. The planner
    /// sends it again at the next paced slot (after `Retry-After`, if any) while it still wants
    /// it; a 200 settles it, a 409 costs one holds read. Meanwhile the slot counts as possibly
    /// held (a hostile proxy may have applied it before failing).
    fn on_planner_write_answered(&mut self, service: Service, op: Op, retry_after: Option<Millis>) {
        let lane = &mut self.lanes[service.index()];
        if let Op::Reserve(slot) | Op::Cancel(slot) = op {
            lane.maybe_applied.insert(slot);
        }
        lane.cooldown = self.now.saturating_add(retry_after.unwrap_or(Millis::ZERO));
    }

    fn on_ambiguous_write(&mut self, service: Service, job: Job, error: ApiError) {
        let now = self.now;
        let wait = backoff(job.attempt, self.config.delay, &mut self.rng);
        let lane = &mut self.lanes[service.index()];
        lane.forget_holds();
        // A request we gave up on may still reach the server: look again once that is unlikely.
        lane.holds_due = Some(now.saturating_add(self.config.request_timeout));
        if let Op::Reserve(slot) | Op::Cancel(slot) = job.op {
            lane.uncertain.insert(slot);
        }
        match job.origin {
            Origin::Manual => {
                let check = Job {
                    verify: Some((job.op, job.attempt, error)),
                    ..Job::new(Op::Holds, Origin::Manual, 1, now.saturating_add(wait))
                };
                lane.queue.push_front(check);
            }
            Origin::Planner => {
                // The planner re-reads the holds (its rule 1) and decides again from them.
                lane.cooldown = now.saturating_add(wait);
                self.planner
                    .on_write_failed(now, service, job.op, &error, true, &self.config);
            }
        }
    }

    fn fail(&mut self, service: Service, op: Op, error: ApiError) {
        self.last_error = Some(safe_text(&format!("{service}: {}: {error}", describe(op))));
        self.push_event(EventKind::Failed { service, op, error });
    }
}
