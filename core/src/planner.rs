//! The auto-pair planner: decides, per idle service, the next operation, from what is known.
//!
//! It is level-triggered: every decision is recomputed from the current knowledge (holds, free
//! lists, the target) rather than from a script of steps, so a reload, a lost reply or a manual
//! action in between cannot leave it in a stale step. The rules, in priority order, per service:
//! 1. holds in doubt (a refusal or a write in doubt made our view stale, the session may hold
//!    something unseen, a lost write is due for a check) → read them;
//! 2. a hold outside the keep set (the matched pair `p`, and the target while one is being made)
//!    → release it, the worst first — only once both services' holds are confirmed, so a hold
//!    that might be half of a pair is never released on a guess;
//! 3. a target not held here → reserve it, while fewer than 2 slots may be held here counting
//!    every write in doubt;
//! 4. holds never confirmed (a cold start acts on "nothing held") → read them, but only after
//!    the first free list and reserve: a cold pair costs 2 requests per service; and while a
//!    better slot is free at either service and the second hold is free, not before
//!    `Config::recheck` after the pair (the lists are worth more then);
//! 5. a scan is due and this service's free list predates it → read the free list.
//!
//! Scans look at the whole range the services list: the earliest slot free (or ours) at both
//! is the target, whatever the page's window, among the slots the user's constraints let improve
//! on the pair ([`Config::improves`]): never an avoided slot, any allowed slot over an avoided
//! pair, nothing once the pair is good enough (then, on confirmed holds, auto-pair is done). Unless `Config::polite`, a new scan starts as
//! soon as one ends while a better pair is possible, so the free lists are read at every paced
//! slot, and a choice is made on each new list with the other service's latest one, if that
//! is from its last paced slot (see `Planner::eager`).
//!
//! The keep set always contains `p` (the best pair held, an allowed one over an avoided one)
//! until a better pair is fully held, which is what makes an upgrade make-before-break.
//!
//! A click on a common slot ([`Mode::PairOn`]) is the same machine with the target chosen by the
//! user instead of a scan: rules 1–3 reserve it at both services, rule 2 releases holds outside
//! it (the old pair only once the clicked slot is held at both), and a refusal drops the
//! target, after which rule 2 releases the half that was granted, as a stop does.

use std::collections::BTreeSet;

use crate::api::{ApiError, Op, Service, Slot};
use crate::config::Config;
use crate::event::EventKind;
use crate::lane::Lane;
use crate::time::Millis;
use crate::view::AutoState;

/// What the planner is doing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Off,
    Running,
    /// Stopping: release what is not kept (everything when `release_all`), then `Off`.
    Cleanup {
        release_all: bool,
    },
    Done,
    /// Pairing on the slot the user clicked (`Planner::target`), then `Off`. Without a target
    /// (refused, failing, or stopped), releasing every hold but the matched pair, then `Off`.
    PairOn,
}

impl Mode {
    pub(crate) const fn auto_state(self) -> AutoState {
        match self {
            // A click is a manual action: auto-pair stays off (the view shows its target).
            Mode::Off | Mode::PairOn => AutoState::Off,
            Mode::Running => AutoState::Running,
            Mode::Cleanup { .. } => AutoState::Releasing,
            Mode::Done => AutoState::Done,
        }
    }
}

/// The planner's memory between decisions.
#[derive(Clone, Debug)]
pub(crate) struct Planner {
    mode: Mode,
    /// The better slot being reserved at both services.
    target: Option<Slot>,
    /// With `Config::spare_hold`: a better slot held (or being reserved) at one service only,
    /// while the other is watched for it, until the deadline.
    spare: Option<(Service, Slot, Millis)>,
    /// No new spare before this time (after one expired), so a spare never becomes a habit.
    spare_after: Millis,
    /// Failed or ambiguous attempts at the target, per service.
    tries: [u32; 2],
    /// Slots the services said do not exist (403).
    skip: BTreeSet<Slot>,
    /// `Some(started)` while a scan (both free lists read after `started`) is wanted.
    scan: Option<Millis>,
    /// When the next scan starts, while a pair is held or no common slot was found.
    next_scan: Option<Millis>,
    /// When the newest free list the last finished scan used was sent. The next scan wants
    /// lists sent after it: with replies within a millisecond, lists sent in the millisecond
    /// a scan starts would otherwise satisfy it at once, again and again, and a session that
    /// only wakes when asked would never ask.
    scanned: Option<Millis>,
    /// When the free lists the last choice used were sent, per service: without
    /// `Config::polite`, a list newer than these is a reason to choose again (see
    /// [`Planner::eager`]).
    used: [Option<Millis>; 2],
    /// When the last pair was made after none: a cold start's holds read waits at most
    /// `Config::recheck` from then (see rule 4).
    paired_at: Option<Millis>,
    /// The pair last announced, to announce changes once.
    reported_pair: Option<Slot>,
    /// Whether "no common slot" was announced for the current dry spell.
    reported_no_common: bool,
}

impl Planner {
    pub(crate) fn new() -> Self {
        Planner {
            mode: Mode::Off,
            target: None,
            spare: None,
            spare_after: Millis::ZERO,
            tries: [0; 2],
            skip: BTreeSet::new(),
            scan: None,
            next_scan: None,
            scanned: None,
            used: [None; 2],
            paired_at: None,
            reported_pair: None,
            reported_no_common: false,
        }
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// The slot being reserved at both services (first pair, upgrade, or a click), if any.
    pub(crate) fn target(&self) -> Option<Slot> {
        self.target
    }

    /// When auto-pair next re-reads the free lists, while it waits to.
    pub(crate) fn next_recheck(&self) -> Option<Millis> {
        (self.mode == Mode::Running && self.scan.is_none())
            .then_some(self.next_scan)
            .flatten()
    }

    /// When the planner must be woken to start the next scan (none while it has a target).
    pub(crate) fn next_scan_wake(&self) -> Option<Millis> {
        (self.mode == Mode::Running && self.target.is_none() && self.scan.is_none())
            .then_some(self.next_scan)
            .flatten()
    }

    /// Brings the next scan forward to `now` (a new window), if auto-pair runs.
    pub(crate) fn rescan_at(&mut self, now: Millis) {
        if self.mode == Mode::Running {
            self.next_scan = Some(now);
        }
    }

    /// Auto-pair is done and stopped: nothing left to release.
    pub(crate) fn turn_off(&mut self) {
        self.mode = Mode::Off;
    }

    /// Gives the target up (a stopped click): rule 2 then releases its half.
    pub(crate) fn drop_target(&mut self) {
        self.target = None;
    }

    /// Starts (or restarts) pairing with a scan that free lists read since `scan_from` satisfy.
    pub(crate) fn start(&mut self, scan_from: Millis) {
        self.mode = Mode::Running;
        self.target = None;
        self.spare = None;
        self.tries = [0; 2];
        self.scan = Some(scan_from);
        self.next_scan = None;
        self.scanned = None;
        self.used = [None; 2];
        self.reported_no_common = false;
    }

    /// Starts a scan at `now` that only lists sent since then, and after those the last scan
    /// used, satisfy (see `scanned`).
    fn begin_scan(&mut self, now: Millis) {
        let after_last = self
            .scanned
            .map_or(now, |sent| sent.saturating_add(Millis(1)));
        self.scan = Some(now.max(after_last));
    }

    /// Pairs on `slot`, chosen by the user (see [`Mode::PairOn`]).
    pub(crate) fn pair_on(&mut self, slot: Slot) {
        self.mode = Mode::PairOn;
        self.target = Some(slot);
        self.spare = None;
        self.tries = [0; 2];
        self.scan = None;
        self.next_scan = None;
    }

    /// Enters cleanup (no new targets).
    pub(crate) fn cleanup(&mut self, release_all: bool) {
        self.mode = Mode::Cleanup { release_all };
        self.target = None;
        self.spare = None;
        self.tries = [0; 2];
        self.scan = None;
        self.next_scan = None;
    }

    /// Slots that must not be released when the holds are `hotel` and `band`.
    fn keep_with(&self, hotel: &[Slot], band: &[Slot], config: &Config) -> Vec<Slot> {
        let matched = config.best_pair(hotel.iter().copied().filter(|slot| band.contains(slot)));
        match self.mode {
            Mode::Cleanup { release_all: true } => Vec::new(),
            Mode::Running => matched
                .into_iter()
                .chain(self.target)
                .chain(self.spare.map(|(_, slot, _)| slot))
                .collect(),
            // The clicked slot; the old pair too until the clicked one is held at both.
            Mode::PairOn => match self.target {
                Some(target) if hotel.contains(&target) && band.contains(&target) => vec![target],
                target => matched.into_iter().chain(target).collect(),
            },
            // Off and Done make no decisions; Cleanup keeps the best matched pair.
            Mode::Off | Mode::Done | Mode::Cleanup { release_all: false } => {
                matched.into_iter().collect()
            }
        }
    }

    /// Whether every hold is one the plan keeps, whatever the pending writes do (a stopped
    /// service's holds are out of reach and do not count).
    pub(crate) fn all_kept(&self, lanes: &[Lane; 2], config: &Config) -> bool {
        Service::ALL.iter().all(|&service| {
            let lane = &lanes[service.index()];
            lane.is_stopped()
                || lane
                    .holds()
                    .iter()
                    .all(|slot| !self.releasable(service, *slot, lanes, config))
        })
    }

    /// Whether our hold of `slot` at `service` (an idle lane) may be released: it is outside the
    /// keep set under every outcome of the other service's pending writes, so a hold that might
    /// be half of the pair is never released on a guess.
    fn releasable(&self, service: Service, slot: Slot, lanes: &[Lane; 2], config: &Config) -> bool {
        let lane = &lanes[service.index()];
        let other = &lanes[service.other().index()];
        let others = other_outcomes(other);
        let own = with_doubts(lane.holds().to_vec(), &lane.doubts());
        own.iter().all(|own_holds| {
            others.iter().all(|other_holds| {
                let keep = match service {
                    Service::Hotel => self.keep_with(own_holds, other_holds, config),
                    Service::Band => self.keep_with(other_holds, own_holds, config),
                };
                !keep.contains(&slot)
            })
        })
    }

    /// The next operation the planner wants at `service`, assuming the lane is idle and allowed
    /// to send. Pure: it only reads.
    pub(crate) fn next_op(
        &self,
        now: Millis,
        service: Service,
        lanes: &[Lane; 2],
        config: &Config,
    ) -> Option<Op> {
        if matches!(self.mode, Mode::Off | Mode::Done) {
            return None;
        }
        let lane = &lanes[service.index()];
        if lane.is_stopped() {
            return None;
        }
        // A click with its target reserves as auto-pair does (rules 1–3); without, it cleans up.
        let running =
            self.mode == Mode::Running || (self.mode == Mode::PairOn && self.target.is_some());
        let due = lane.holds_due().is_some_and(|due| due <= now);
        // Rule 1 (cleanup only ends on confirmed holds, so it reads them whatever the start).
        if due || !lane.may_act() || (!running && !lane.holds_known()) {
            return Some(Op::Holds);
        }
        let other = &lanes[service.other().index()];
        let other_known = other.holds_known() || other.is_stopped();
        let release_all = self.mode == Mode::Cleanup { release_all: true };
        // Rule 2.
        if lane.holds_known() && (other_known || release_all) {
            let worst = lane
                .holds()
                .iter()
                .rev()
                .find(|slot| release_all || self.releasable(service, **slot, lanes, config));
            if let Some(&worst) = worst {
                return Some(Op::Cancel(worst));
            }
        }
        // A 5xx'd write the planner will not send again (rule 2 would have, rule 3 will for the
        // target and the spare): settle it.
        let resent = |slot: Slot| {
            Some(slot) == self.target
                || self
                    .spare
                    .is_some_and(|(at, spare, _)| at == service && spare == slot)
        };
        if lane.maybe_applied_slots().any(|slot| !resent(slot)) {
            return Some(Op::Holds);
        }
        if !running {
            return None;
        }
        // Rule 3.
        if let Some(target) = self.target {
            let tries = self.tries[service.index()];
            if !lane.is_held(target) && tries < config.retries.max(1) {
                let mut others = lane.possible_holds();
                others.remove(&target);
                if others.len() < 2 {
                    return Some(Op::Reserve(target));
                }
                // Two may be held: find out which, unless a lost write may still land (rule 1
                // reads once it cannot) or rule 2 is waiting for the other service.
                if lane.maybe_applied_slots().next().is_some() {
                    return Some(Op::Holds);
                }
            }
            return (!lane.holds_known()).then_some(Op::Holds);
        }
        // Rule 3, for a spare: reserve it beside the pair, never a third.
        if let Some((at, spare, _)) = self.spare
            && at == service
            && !lane.is_held(spare)
        {
            let mut others = lane.possible_holds();
            others.remove(&spare);
            if others.len() < 2 {
                return Some(Op::Reserve(spare));
            }
        }
        let scanning = self.scan.is_some_and(|started| !fresh(lane, started));
        // Rule 4: a cold start reads the free lists first, and the holds once they are needed
        // or nothing better is in sight: right after a cold pair the next lists are worth
        // more while a better slot is free at either service, but a release (the old pair,
        // once an upgrade fills the second hold) needs confirmed holds, and so does "done",
        // so the read waits at most `recheck` after the pair.
        let p = pair(lanes, config);
        let better_free = |lane: &Lane| {
            p.is_some_and(|p| lane.free().iter().any(|&s| config.improves(s, Some(p))))
        };
        let room = lane.possible_holds().len() < 2;
        let just_paired = self
            .paired_at
            .is_some_and(|at| now < at.saturating_add(config.recheck));
        let defer_holds =
            scanning && (p.is_none() || (room && just_paired && lanes.iter().any(better_free)));
        if !lane.holds_known() && !defer_holds {
            return Some(Op::Holds);
        }
        // Rule 5.
        scanning.then_some(Op::Available)
    }

    /// Attempt number for a planner reserve at `service` (retries after ambiguity count).
    pub(crate) fn attempt(&self, service: Service, op: Op) -> u32 {
        match op {
            Op::Reserve(_) => self.tries[service.index()].saturating_add(1),
            _ => 1,
        }
    }

    /// A write at `service` failed for good, or ended ambiguously (`ambiguous`).
    pub(crate) fn on_write_failed(
        &mut self,
        now: Millis,
        service: Service,
        op: Op,
        error: &ApiError,
        ambiguous: bool,
        config: &Config,
    ) {
        if !matches!(self.mode, Mode::Running | Mode::PairOn) {
            return;
        }
        let Op::Reserve(slot) = op else {
            return;
        };
        if let Some((at, spare, _)) = self.spare
            && at == service
            && spare == slot
            && !ambiguous
            && !matches!(error, ApiError::Server { .. })
        {
            // The spare was refused: let it go (rule 2 releases what may have landed).
            self.spare = None;
            self.spare_after = now.saturating_add(SPARE_LIFETIME);
            return;
        }
        if self.target != Some(slot) {
            return;
        }
        let tries = &mut self.tries[service.index()];
        match error {
            // A click on a slot that is not to be had: give it up (rule 2 releases the half).
            ApiError::SlotUnavailable(_) | ApiError::BadSlot(_) | ApiError::BadRequest(_)
                if self.mode == Mode::PairOn =>
            {
                self.target = None;
                self.tries = [0; 2];
            }
            // Taken or blocked, or not a slot at all: choose again from fresh lists now.
            ApiError::SlotUnavailable(_) | ApiError::BadSlot(_) | ApiError::BadRequest(_) => {
                if !matches!(error, ApiError::SlotUnavailable(_)) {
                    self.skip.insert(slot);
                }
                self.target = None;
                self.tries = [0; 2];
                self.begin_scan(now);
            }
            // Our view was stale; the holds re-read lets rule 2 release the worst extra hold.
            ApiError::ReservationLimit(_) => *tries = tries.saturating_add(1),
            _ if ambiguous => *tries = tries.saturating_add(1),
            // Transient failures exhausted the lane's retries: give up this target for a while.
            _ => {
                *tries = config.retries.max(1);
            }
        }
    }

    /// Moves the plan forward after any change; pushes events for the log.
    pub(crate) fn update(
        &mut self,
        now: Millis,
        lanes: &[Lane; 2],
        config: &Config,
        events: &mut Vec<EventKind>,
    ) {
        let p = pair(lanes, config);
        if p.is_some() && self.reported_pair.is_none() {
            self.paired_at = Some(now);
        }
        if p != self.reported_pair {
            match (self.reported_pair, p) {
                (Some(from), Some(to)) if to < from => {
                    events.push(EventKind::PairUpgraded { from, to })
                }
                (_, Some(slot)) => events.push(EventKind::PairSecured { slot }),
                (_, None) => {}
            }
            self.reported_pair = p;
        }
        if self.mode == Mode::Running && lanes.iter().any(|lane| lane.is_stopped()) {
            self.cleanup(false);
            events.push(EventKind::Auto(AutoState::Releasing));
        }
        if self.mode == Mode::PairOn && lanes.iter().any(|lane| lane.is_stopped()) {
            // A service refused the key: the click cannot be completed there.
            self.target = None;
        }
        match self.mode {
            Mode::Running => self.update_running(now, p, lanes, config, events),
            Mode::PairOn => self.update_pair_on(lanes, config),
            Mode::Cleanup { .. } => {
                let settled = lanes
                    .iter()
                    .all(|lane| lane.is_stopped() || (lane.is_idle() && lane.settled()));
                if settled && self.all_kept(lanes, config) {
                    self.mode = Mode::Off;
                    events.push(EventKind::Auto(AutoState::Off));
                }
            }
            Mode::Off | Mode::Done => {}
        }
    }

    /// A click ends when its slot is held at both (or it was given up) and every other hold is
    /// released, on confirmed holds with no write in doubt.
    fn update_pair_on(&mut self, lanes: &[Lane; 2], config: &Config) {
        if self
            .tries
            .iter()
            .any(|&tries| tries >= config.retries.max(1))
        {
            // A service keeps failing: give the click up (rule 2 releases the half).
            self.target = None;
            self.tries = [0; 2];
        }
        let paired_or_dropped = self
            .target
            .is_none_or(|target| lanes.iter().all(|lane| lane.is_held(target)));
        let settled = lanes
            .iter()
            .all(|lane| lane.is_stopped() || (lane.is_idle() && lane.settled()));
        if paired_or_dropped && settled && self.all_kept(lanes, config) {
            self.mode = Mode::Off;
            self.target = None;
        }
    }

    fn update_running(
        &mut self,
        now: Millis,
        p: Option<Slot>,
        lanes: &[Lane; 2],
        config: &Config,
        events: &mut Vec<EventKind>,
    ) {
        if let Some(target) = self.target {
            let retries = config.retries.max(1);
            if !config.improves(target, p) {
                // Held at both (or no longer better, or avoided since): the target is done.
                self.target = None;
                self.tries = [0; 2];
            } else if self.tries.iter().any(|&tries| tries >= retries) {
                // A service keeps failing: release the partial hold (rule 2), choose again.
                self.target = None;
                self.tries = [0; 2];
                self.next_scan = Some(now.saturating_add(rescan_after(config)));
            }
        }
        if let Some((_, spare, until)) = self.spare
            && (until <= now
                || p.is_none_or(|p| !config.improves(spare, Some(p)))
                || self.target == Some(spare))
        {
            // Expired, or it became (part of) the pair or not worth it: no longer a spare.
            self.spare = None;
            self.spare_after = now.saturating_add(SPARE_LIFETIME);
        }
        if self.target.is_some() {
            return;
        }
        match self.scan {
            None => {
                if self.next_scan.is_none_or(|at| at <= now) {
                    self.begin_scan(now);
                }
            }
            Some(started) => {
                let ready = lanes
                    .iter()
                    .all(|lane| lane.may_act() && fresh(lane, started))
                    || (!config.polite && self.eager(now, lanes, config));
                if ready {
                    self.scan = None;
                    self.scanned = lanes.iter().filter_map(|lane| lane.free_sent_at()).max();
                    self.used = [lanes[0].free_sent_at(), lanes[1].free_sent_at()];
                    let next = if config.polite {
                        started
                            .saturating_add(config.recheck)
                            .max(now.saturating_add(config.delay))
                    } else {
                        now
                    };
                    self.next_scan = Some(next);
                    self.choose(now, p, lanes, config, events);
                }
            }
        }
        // Done only on confirmed holds and once no write in doubt can still change them, as
        // nothing is read after.
        let done = p.is_some_and(|p| config.is_good_enough(p))
            && self.target.is_none()
            && lanes
                .iter()
                .all(|lane| lane.is_idle() && lane.holds().len() == 1 && lane.settled());
        if done {
            self.mode = Mode::Done;
            self.scan = None;
            self.next_scan = None;
            events.push(EventKind::Auto(AutoState::Done));
        }
    }

    /// Whether to choose now, on a list the last choice did not use and the other service's
    /// latest list, without waiting for both to be read after the scan started. The lanes
    /// send at about the same moments, so a scan that waits for both can finish on one list
    /// from the slot before and then wait a whole slot for the other's next one; choosing on
    /// each new list costs nothing, as the reserves wait for the next paced slot anyway.
    /// Stale lists are not used: each must be from the service's last paced slot at most, and
    /// none may be on its way (it is a round trip away, and newer).
    fn eager(&self, now: Millis, lanes: &[Lane; 2], config: &Config) -> bool {
        let recent = |lane: &Lane| {
            lane.free_sent_at().is_some_and(|sent| {
                now.saturating_sub(sent) < config.delay.saturating_add(config.delay)
            })
        };
        let reading = |lane: &Lane| {
            lane.in_flight()
                .is_some_and(|flight| flight.job.op == Op::Available)
        };
        let new_list = lanes
            .iter()
            .zip(self.used)
            .any(|(lane, used)| lane.free_sent_at() > used);
        new_list
            && lanes
                .iter()
                .all(|lane| lane.may_act() && recent(lane) && !reading(lane))
    }

    /// Picks the target from fresh lists: the smallest slot of the whole range that improves
    /// on `p` (allowed, see [`Config::improves`]), free or held at both services.
    fn choose(
        &mut self,
        now: Millis,
        p: Option<Slot>,
        lanes: &[Lane; 2],
        config: &Config,
        events: &mut Vec<EventKind>,
    ) {
        let [hotel, band] = lanes;
        let mut seen: Vec<Slot> = hotel.free().iter().chain(hotel.holds()).copied().collect();
        seen.sort_unstable();
        let candidate = seen
            .into_iter()
            .filter(|&slot| config.improves(slot, p))
            .find(|slot| {
                !self.skip.contains(slot) && eligible(hotel, *slot) && eligible(band, *slot)
            });
        match candidate {
            Some(slot) => {
                // A spare elsewhere would block the target's reserve (2 holds): let it go.
                if self.spare.is_some_and(|(_, spare, _)| spare != slot) {
                    self.spare = None;
                }
                self.target = Some(slot);
                self.tries = [0; 2];
                self.reported_no_common = false;
            }
            None if config.spare_hold
                && p.is_some()
                && self.spare.is_none()
                && self.spare_after <= now =>
            {
                self.spare = self.spare_candidate(now, p, lanes, config);
            }
            None if p.is_none() && !self.reported_no_common => {
                self.reported_no_common = true;
                events.push(EventKind::NoCommonSlot);
            }
            None => {}
        }
    }
}

impl Planner {
    /// The best slot improving on `p` free at one service only (not held there), to hold as a
    /// spare while the other is watched.
    fn spare_candidate(
        &self,
        now: Millis,
        p: Option<Slot>,
        lanes: &[Lane; 2],
        config: &Config,
    ) -> Option<(Service, Slot, Millis)> {
        let p = p?;
        Service::ALL
            .into_iter()
            .filter_map(|service| {
                let lane = &lanes[service.index()];
                lane.free()
                    .iter()
                    .copied()
                    .filter(|&slot| config.improves(slot, Some(p)))
                    .find(|&slot| {
                        !self.skip.contains(&slot)
                            && !lane.is_uncertain(slot)
                            && !lane.maybe_applied(slot)
                    })
                    .map(|slot| (service, slot, now.saturating_add(SPARE_LIFETIME)))
            })
            .min_by_key(|&(_, slot, _)| slot)
    }
}

/// How long a spare is held while the other service is watched for the same slot.
const SPARE_LIFETIME: Millis = Millis::from_secs(20);

/// How soon a new scan may start after one ends or a target is dropped.
fn rescan_after(config: &Config) -> Millis {
    if config.polite {
        config.recheck
    } else {
        Millis::ZERO
    }
}

/// The matched pair: the best slot (see [`Config::best_pair`]) held at both services and not
/// being released at either.
pub(crate) fn pair(lanes: &[Lane; 2], config: &Config) -> Option<Slot> {
    let [hotel, band] = lanes;
    let releasing =
        |lane: &Lane, slot: Slot| lane.pending_writes().any(|op| op == Op::Cancel(slot));
    let in_doubt = |lane: &Lane, slot: Slot| lane.maybe_applied(slot);
    config.best_pair(hotel.holds().iter().copied().filter(|&slot| {
        band.is_held(slot)
            && !releasing(hotel, slot)
            && !releasing(band, slot)
            && !in_doubt(hotel, slot)
            && !in_doubt(band, slot)
    }))
}

/// The holds `lane` may end up with: as known, after each pending write alone, after all.
fn other_outcomes(lane: &Lane) -> Vec<Vec<Slot>> {
    let apply = |holds: &mut Vec<Slot>, op: Op| match op {
        Op::Reserve(slot) if !holds.contains(&slot) => holds.push(slot),
        Op::Cancel(slot) => holds.retain(|held| *held != slot),
        _ => {}
    };
    let mut outcomes = vec![lane.holds().to_vec()];
    let mut all = lane.holds().to_vec();
    for op in lane.pending_writes() {
        let mut one = lane.holds().to_vec();
        apply(&mut one, op);
        apply(&mut all, op);
        outcomes.push(one);
    }
    outcomes.push(all);
    let mut outcomes: Vec<Vec<Slot>> = outcomes
        .into_iter()
        .flat_map(|holds| with_doubts(holds, &lane.doubts()))
        .collect();
    for holds in &mut outcomes {
        holds.sort_unstable();
    }
    outcomes
}

/// `holds` as known, and with each slot in doubt flipped (a reserve that landed, a cancel that
/// did), alone and all together: so a slot that would be the pair counts as held, and one
/// that may be gone does not count as the pair.
fn with_doubts(holds: Vec<Slot>, doubts: &[Slot]) -> Vec<Vec<Slot>> {
    let flip = |holds: &mut Vec<Slot>, slot: Slot| {
        if let Some(at) = holds.iter().position(|&held| held == slot) {
            holds.remove(at);
        } else {
            holds.push(slot);
            holds.sort_unstable();
        }
    };
    let mut variants = vec![holds.clone()];
    if doubts.is_empty() {
        return variants;
    }
    let mut all = holds.clone();
    for &slot in doubts {
        let mut one = holds.clone();
        flip(&mut one, slot);
        flip(&mut all, slot);
        variants.push(one);
    }
    variants.push(all);
    variants
}

/// Whether `slot` can be part of a new pair at `lane`: held or free, and not a slot whose
/// release is pending or whose last write was ambiguous (a late request may still change it).
fn eligible(lane: &Lane, slot: Slot) -> bool {
    (lane.is_held(slot) || lane.is_free(slot))
        && !lane.is_uncertain(slot)
        && !lane.maybe_applied(slot)
        && !lane.pending_writes().any(|op| op == Op::Cancel(slot))
}

/// Whether `lane`'s free list was requested after `started`.
fn fresh(lane: &Lane, started: Millis) -> bool {
    lane.free_sent_at().is_some_and(|sent| sent >= started)
}
