//! The session: one user's view of both services, manual actions and the auto-pair planner,
//! behind one pacer per service.

use std::collections::VecDeque;

use crate::api::{
    ApiError, Op, Outcome, Reply, Request, RequestId, Service, Slot, classify_lenient,
    unavailable_retry_after,
};
use crate::backoff::{backoff, retry_wait};
use crate::config::Config;
use crate::event::{Event, EventKind, describe};
use crate::lane::{InFlight, Job, Lane, Origin};
use crate::planner::{Mode, Planner, pair};
use crate::rng::Rng;
use crate::text::safe_text;
use crate::time::Millis;
use crate::view::{AutoState, Busy, Failure, ServiceView, View};
use crate::wake::Wake;

/// Past a request's own timeout, how long the session waits for the shell's report before it
/// gives up by itself (a shell that lost track must not wedge a service forever).
const SELF_TIMEOUT_GRACE: Millis = Millis(1000);

/// An operation and its retries are abandoned past this: what it was for is stale by then.
const OPERATION_DEADLINE: Millis = Millis::from_secs(60);

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
    events: VecDeque<Event>,
    last_error: Option<Failure>,
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
            events: VecDeque::new(),
            last_error: None,
        }
    }

    /// Replaces the settings; takes effect for the next request. A new window or new
    /// constraints trigger a scan; new constraints that the held pair no longer meets (its slot
    /// avoided, a better `good_enough`) take a done auto-pair back to running. A pair on a slot
    /// now avoided is kept until an allowed one is held (make-before-break).
    pub fn set_config(&mut self, now: Millis, config: Config) {
        self.advance(now);
        if config.seed != self.config.seed {
            self.rng = Rng::new(config.seed);
        }
        let rescan = config.window != self.config.window
            || config.avoid != self.config.avoid
            || config.good_enough != self.config.good_enough;
        self.config = config;
        if rescan {
            self.planner.rescan_at(self.now);
        }
        let unmet =
            pair(&self.lanes, &self.config).is_none_or(|pair| !self.config.is_good_enough(pair));
        if self.planner.mode() == Mode::Done && unmet {
            self.planner.start(self.now);
            self.push_event(EventKind::Auto(AutoState::Running));
        }
        self.update();
    }

    /// The settings in force.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Re-reads free lists and holds at both services (skipping reads already queued).
    ///
    /// The free list first: the tables need it, and a [`Session::start`] right after uses it
    /// (a cold pair then costs one read before the reserves). The holds first where this
    /// account may hold something unseen ([`Session::expect_holds`]), as a start would.
    pub fn refresh(&mut self, now: Millis) {
        self.advance(now);
        for lane in &mut self.lanes {
            if lane.is_stopped() {
                continue;
            }
            let order = if lane.expects_holds() {
                [Op::Holds, Op::Available]
            } else {
                [Op::Available, Op::Holds]
            };
            for op in order {
                if !lane.is_queued(op) {
                    lane.enqueue(Job::new(op, Origin::Manual, 1, self.now));
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
        if let Some(error) = lane.stopped() {
            let error = error.clone();
            self.push_event(EventKind::Failed { service, op, error });
            return;
        }
        lane.enqueue(Job::new(op, Origin::Manual, 1, self.now));
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
    ///   earlier click is under way, when a service refused the key, or when the slot is on
    ///   the avoid list (`Config::avoid`; the page leaves it out of the list). [`Session::start`]
    ///   takes a click over (auto-pair's rules then decide); [`Session::stop`] gives it up (the
    ///   half is released, a matched pair kept).
    pub fn pair_on(&mut self, now: Millis, slot: Slot) {
        self.advance(now);
        let stopped = self
            .lanes
            .iter()
            .find(|lane| lane.is_stopped())
            .map(Lane::service);
        let busy = match self.planner.mode() {
            Mode::Running | Mode::Cleanup { .. } | Mode::Done => Some(Busy::Auto),
            Mode::PairOn => Some(Busy::Pairing),
            Mode::Off => stopped
                .map(Busy::Stopped)
                .or((!self.config.allows(slot)).then_some(Busy::Avoided)),
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
        self.planner.mode() == Mode::PairOn
    }

    /// Starts the auto-pair planner: pair on the earliest common slot, adopt what is held,
    /// and keep upgrading. Also lifts a 401 stop (the user may have fixed the key).
    ///
    /// What it reads first depends on what is known. Holds and free lists read within
    /// `config.recheck` at both services: it reserves at once. A service where we may hold
    /// something (holds seen before, a write in doubt, [`Session::expect_holds`]): its holds
    /// are read first, so a held pair is resumed in one round trip. Otherwise (cold): the free
    /// lists first, the reserves, then the holds, to adopt what an earlier session left.
    ///
    /// A start while a [`Session::refresh`] is under way uses what it brings: a free list on
    /// its way counts as read now, and the refresh's queued reads give way to the planner's
    /// own (the same reads, in the order above), so nothing is read twice.
    pub fn start(&mut self, now: Millis) {
        self.advance(now);
        let recent = |at: Option<Millis>| {
            at.is_some_and(|at| self.now.saturating_sub(at) <= self.config.recheck)
        };
        // The scan is satisfied by lists sent since the oldest one still usable; a service
        // without one reads a new one, sent after that anyway.
        let mut free_since = self.now;
        for lane in &mut self.lanes {
            lane.restart(recent);
            let sent = if recent(lane.free_at()) {
                lane.free_sent_at()
            } else {
                lane.free_read_in_flight()
            };
            free_since = sent.map_or(free_since, |sent| free_since.min(sent));
        }
        self.planner.start(free_since);
        self.push_event(EventKind::Auto(AutoState::Running));
        self.update();
    }

    /// Tells the session that this account may hold something at `service` it has not seen
    /// (the shell remembers the last holds it knew, e.g. in storage across a reload): the next
    /// [`Session::start`] reads the holds there first. A holds read clears it.
    pub fn expect_holds(&mut self, service: Service) {
        self.lanes[service.index()].expect_holds();
    }

    /// The shell learnt that the network is back (the browser's `online` event): the backoff
    /// that failures built up while it was gone is lifted, so each service's next request goes
    /// at its next paced slot. Pacing, a server's `Retry-After` and the checks of writes in
    /// doubt are unchanged.
    pub fn network_back(&mut self, now: Millis) {
        self.advance(now);
        for lane in &mut self.lanes {
            lane.network_back();
        }
        self.update();
    }

    /// Sends nothing to `service` before `at`, e.g. while another driver's last request may
    /// still be on its way there (see [`Session::handover`]); later sends are paced as usual.
    pub fn not_before(&mut self, service: Service, at: Millis) {
        self.lanes[service.index()].not_before(at);
    }

    /// Stops the planner. The matched pair is kept; a half-made pair is still cleaned up so no
    /// orphan is left ([`AutoState::Releasing`] until then, then [`AutoState::Off`]).
    pub fn stop(&mut self, now: Millis) {
        self.advance(now);
        match self.planner.mode() {
            Mode::Running => {
                self.drop_planner_jobs();
                self.planner.cleanup(false);
                self.push_event(EventKind::Auto(AutoState::Releasing));
            }
            Mode::Done => {
                self.planner.turn_off();
                self.push_event(EventKind::Auto(AutoState::Off));
            }
            // The click is given up: its half is released, a matched pair kept.
            Mode::PairOn => {
                self.drop_planner_jobs();
                self.planner.drop_target();
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
            lane.clear_queue();
            lane.forget_holds();
        }
        self.planner.cleanup(true);
        self.push_event(EventKind::Auto(AutoState::Releasing));
        self.update();
    }

    /// Feeds the outcome of a request handed out by [`Session::poll_request`].
    pub fn handle_response(&mut self, now: Millis, id: RequestId, outcome: Outcome) {
        self.advance(now);
        // Unknown ids are replies the session already gave up on.
        let reply = self
            .lanes
            .iter_mut()
            .find_map(|lane| Some((lane.service(), lane.take_reply_for(id)?)));
        if let Some((service, flight)) = reply {
            self.complete(service, flight, &outcome);
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
        self.wake_reason().map(|(at, _)| at)
    }

    /// [`Session::poll_timeout`] with why it wakes then (the earliest reason, for a log).
    #[must_use]
    pub fn wake_reason(&self) -> Option<(Millis, Wake)> {
        let lanes = self
            .lanes
            .iter()
            .filter_map(|lane| self.lane_deadline(lane));
        let scan = self.planner.next_scan_wake().map(|at| (at, Wake::Scan));
        lanes.chain(scan).min_by_key(|&(at, _)| at)
    }

    /// A snapshot for the UI.
    #[must_use]
    pub fn view(&self) -> View {
        let service_view = |lane: &Lane| ServiceView {
            free: lane.free().to_vec(),
            free_at: lane.free_at(),
            holds: lane.holds().to_vec(),
            holds_at: lane.holds_at(),
            holds_known: lane.settled(),
            pending: lane.pending(),
            stopped: lane.stopped().cloned(),
        };
        let planner = &self.planner;
        View {
            services: [service_view(&self.lanes[0]), service_view(&self.lanes[1])],
            pair: pair(&self.lanes, &self.config),
            auto: planner.mode().auto_state(),
            target: planner.target(),
            next_recheck: planner.next_recheck(),
            last_error: self.last_error.clone(),
            avoid: self.config.avoid.clone(),
        }
    }

    /// Clamps the clock and expires requests the shell never reported.
    fn advance(&mut self, now: Millis) {
        self.now = self.now.max(now);
        for service in Service::ALL {
            if let Some(flight) = self.lanes[service.index()].take_expired(self.now) {
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
            lane.drop_planner_jobs();
        }
    }

    /// When this lane next has something to do (a deadline or a send), and what.
    fn lane_deadline(&self, lane: &Lane) -> Option<(Millis, Wake)> {
        let service = lane.service();
        if let Some(flight) = lane.in_flight() {
            return Some((flight.deadline, Wake::RequestExpired(service)));
        }
        if lane.is_stopped() {
            return None;
        }
        let paced = lane.ready_at(self.config.delay);
        if let Some(job) = lane.next_queued() {
            return Some((paced.max(job.not_before), Wake::Queued(service)));
        }
        let active = matches!(
            self.planner.mode(),
            Mode::Running | Mode::Cleanup { .. } | Mode::PairOn
        );
        let wanted = self
            .planner
            .next_op(self.now, service, &self.lanes, &self.config)
            .map(|_| (paced.max(lane.cooldown()), Wake::Planner(service)));
        let due = lane.holds_due().filter(|_| active).map(|due| {
            let at = due.max(paced).max(lane.cooldown());
            (at, Wake::HoldsCheck(service))
        });
        wanted.into_iter().chain(due).min_by_key(|&(at, _)| at)
    }

    fn try_send(&mut self, service: Service) -> Option<Request> {
        let now = self.now;
        let lane = &self.lanes[service.index()];
        if lane.in_flight().is_some() || lane.is_stopped() || !lane.paced(now, self.config.delay) {
            return None;
        }
        let job = match lane.next_queued() {
            Some(job) if job.not_before > now => return None,
            Some(_) => self.lanes[service.index()].take_queued()?,
            None if lane.cooldown() > now => return None,
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
        self.lanes[service.index()].sent(
            now,
            InFlight {
                id,
                job,
                sent_at: now,
                deadline: now
                    .saturating_add(self.config.request_timeout)
                    .saturating_add(SELF_TIMEOUT_GRACE),
            },
        );
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
            self.last_error = Some(self.failure(service, kind.to_string()));
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
            (Op::Available, Reply::Slots(slots)) => lane.learnt_free(now, sent_at, slots),
            (Op::Holds, Reply::Slots(slots)) => {
                lane.learnt_holds(now, sent_at, slots);
                if let Some((write, attempt, error)) = job.verify {
                    self.verified(service, write, attempt, error);
                }
            }
            (Op::Reserve(slot), Reply::Reserved(_)) => {
                lane.learnt_reserved(slot);
                self.push_event(EventKind::Reserved { service, slot });
            }
            (Op::Cancel(slot), Reply::Cancelled) => {
                lane.learnt_released(slot);
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
            Op::Reserve(slot) => lane.is_held(slot),
            Op::Cancel(slot) => !lane.is_held(slot),
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
            self.lanes[service.index()].enqueue_first(job);
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
        self.last_error =
            Some(self.failure(service, format!("{service}: {}: {error}", describe(op))));
        if let ApiError::InvalidToken(_) = error {
            self.lanes[service.index()].key_refused(error.clone());
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
            self.lanes[service.index()].enqueue_first(retry);
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
        let asked = now.saturating_add(retry_after.unwrap_or(Millis::ZERO));
        let backoff_until = now.saturating_add(backoff(retries, self.config.delay, &mut self.rng));
        let lane = &mut self.lanes[service.index()];
        // A refusal is information, not trouble: choose again at the next paced slot.
        let refused = matches!(
            error,
            ApiError::SlotUnavailable(_) | ApiError::ReservationLimit(_)
        );
        if !refused {
            lane.cool_down(backoff_until, asked);
        }
        match (op, &error) {
            (Op::Reserve(slot), ApiError::SlotUnavailable(_)) => lane.reserve_refused(slot),
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
            lane.write_maybe_applied(slot);
        }
        let asked = self.now.saturating_add(retry_after.unwrap_or(Millis::ZERO));
        lane.cool_down(asked, asked);
    }

    fn on_ambiguous_write(&mut self, service: Service, job: Job, error: ApiError) {
        let now = self.now;
        let wait = backoff(job.attempt, self.config.delay, &mut self.rng);
        let lane = &mut self.lanes[service.index()];
        let slot = match job.op {
            Op::Reserve(slot) | Op::Cancel(slot) => Some(slot),
            Op::Available | Op::Holds => None,
        };
        // A request we gave up on may still reach the server: look again once that is unlikely.
        lane.write_in_doubt(slot, now.saturating_add(self.config.request_timeout));
        match job.origin {
            Origin::Manual => {
                let check = Job {
                    verify: Some((job.op, job.attempt, error)),
                    ..Job::new(Op::Holds, Origin::Manual, 1, now.saturating_add(wait))
                };
                lane.enqueue_first(check);
            }
            Origin::Planner => {
                // The planner re-reads the holds (its rule 1) and decides again from them.
                lane.cool_down(now.saturating_add(wait), now);
                self.planner
                    .on_write_failed(now, service, job.op, &error, true, &self.config);
            }
        }
    }

    fn failure(&self, service: Service, text: String) -> Failure {
        Failure {
            service,
            at: self.now,
            text,
        }
    }

    fn fail(&mut self, service: Service, op: Op, error: ApiError) {
        let text = safe_text(&format!("{service}: {}: {error}", describe(op)));
        self.last_error = Some(self.failure(service, text));
        self.push_event(EventKind::Failed { service, op, error });
    }
}
