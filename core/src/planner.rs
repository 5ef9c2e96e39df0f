//! The auto-pair planner: decides, per idle service, the next operation, from what is known.
//!
//! It is level-triggered: every decision is recomputed from the current knowledge (holds, free
//! lists, the target) rather than from a script of steps, so a reload, a lost reply or a manual
//! action in between cannot leave it in a stale step. The rules, in priority order, per service:
//! 1. holds unknown, or due for a re-read after an ambiguous write → read them;
//! 2. a hold outside the keep set (the matched pair `p`, and the target while one is being made)
//!    → release it, the worst first — only once the other service's holds are known, so a hold
//!    that might be half of a pair is never released on a guess;
//! 3. a target not held here → reserve it;
//! 4. a scan is due and this service's free list predates it → read the free list.
//!
//! The keep set always contains `p` until a better pair is fully held, which is what makes an
//! upgrade make-before-break.

use std::collections::BTreeSet;

use crate::api::{ApiError, Op, Service, Slot};
use crate::lane::Lane;
use crate::session::{AutoState, Config, EventKind};
use crate::time::Millis;

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
}

impl Mode {
    pub(crate) const fn auto_state(self) -> AutoState {
        match self {
            Mode::Off => AutoState::Off,
            Mode::Running => AutoState::Running,
            Mode::Cleanup { .. } => AutoState::Releasing,
            Mode::Done => AutoState::Done,
        }
    }
}

/// The planner's memory between decisions.
#[derive(Clone, Debug)]
pub(crate) struct Planner {
    pub(crate) mode: Mode,
    /// The better slot being reserved at both services.
    pub(crate) target: Option<Slot>,
    /// Failed or ambiguous attempts at the target, per service.
    pub(crate) tries: [u32; 2],
    /// Slots the services said do not exist (403).
    pub(crate) skip: BTreeSet<Slot>,
    /// `Some(started)` while a scan (both free lists read after `started`) is wanted.
    pub(crate) scan: Option<Millis>,
    /// When the next scan starts, while a pair is held or no common slot was found.
    pub(crate) next_scan: Option<Millis>,
    /// The pair last announced, to announce changes once.
    pub(crate) reported_pair: Option<Slot>,
    /// Whether "no common slot" was announced for the current dry spell.
    pub(crate) reported_no_common: bool,
}

impl Planner {
    pub(crate) fn new() -> Self {
        Planner {
            mode: Mode::Off,
            target: None,
            tries: [0; 2],
            skip: BTreeSet::new(),
            scan: None,
            next_scan: None,
            reported_pair: None,
            reported_no_common: false,
        }
    }

    /// Starts (or restarts) pairing: read holds, then scan.
    pub(crate) fn start(&mut self, now: Millis) {
        self.mode = Mode::Running;
        self.target = None;
        self.tries = [0; 2];
        self.scan = Some(now);
        self.next_scan = None;
        self.reported_no_common = false;
    }

    /// Enters cleanup (no new targets).
    pub(crate) fn cleanup(&mut self, release_all: bool) {
        self.mode = Mode::Cleanup { release_all };
        self.target = None;
        self.tries = [0; 2];
        self.scan = None;
        self.next_scan = None;
    }

    /// Slots that must not be released when the holds are `hotel` and `band`.
    fn keep_with(&self, hotel: &[Slot], band: &[Slot]) -> Vec<Slot> {
        let matched = hotel.iter().copied().find(|slot| band.contains(slot));
        match self.mode {
            Mode::Cleanup { release_all: true } => Vec::new(),
            Mode::Running => matched.into_iter().chain(self.target).collect(),
            // Off and Done make no decisions; Cleanup keeps the best matched pair.
            Mode::Off | Mode::Done | Mode::Cleanup { release_all: false } => {
                matched.into_iter().collect()
            }
        }
    }

    /// Whether every hold is one the plan keeps, whatever the pending writes do (a stopped
    /// service's holds are out of reach and do not count).
    pub(crate) fn all_kept(&self, lanes: &[Lane; 2]) -> bool {
        Service::ALL.iter().all(|&service| {
            let lane = &lanes[service.index()];
            lane.stopped.is_some()
                || lane
                    .holds
                    .iter()
                    .all(|slot| !self.releasable(service, *slot, lanes))
        })
    }

    /// Whether our hold of `slot` at `service` (an idle lane) may be released: it is outside the
    /// keep set under every outcome of the other service's pending writes, so a hold that might
    /// be half of the pair is never released on a guess.
    fn releasable(&self, service: Service, slot: Slot, lanes: &[Lane; 2]) -> bool {
        let lane = &lanes[service.index()];
        let other = &lanes[service.other().index()];
        other_outcomes(other).iter().all(|other_holds| {
            let keep = match service {
                Service::Hotel => self.keep_with(&lane.holds, other_holds),
                Service::Band => self.keep_with(other_holds, &lane.holds),
            };
            !keep.contains(&slot)
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
        if lane.stopped.is_some() {
            return None;
        }
        if !lane.holds_known || lane.holds_due.is_some_and(|due| due <= now) {
            return Some(Op::Holds);
        }
        let other = &lanes[service.other().index()];
        let other_known = other.holds_known || other.stopped.is_some();
        let release_all = self.mode == Mode::Cleanup { release_all: true };
        if other_known || release_all {
            let worst = lane
                .holds
                .iter()
                .rev()
                .find(|slot| release_all || self.releasable(service, **slot, lanes));
            if let Some(&worst) = worst {
                return Some(Op::Cancel(worst));
            }
        }
        if self.mode != Mode::Running {
            return None;
        }
        if let Some(target) = self.target {
            let tries = self.tries[service.index()];
            if !lane.holds(target) && tries < config.retries.max(1) && lane.holds.len() < 2 {
                return Some(Op::Reserve(target));
            }
            return None;
        }
        match self.scan {
            Some(started) if !fresh(lane, started) => Some(Op::Available),
            _ => None,
        }
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
        if self.mode != Mode::Running {
            return;
        }
        let Op::Reserve(slot) = op else {
            return;
        };
        if self.target != Some(slot) {
            return;
        }
        let tries = &mut self.tries[service.index()];
        match error {
            // Taken or blocked, or not a slot at all: choose again from fresh lists now.
            ApiError::SlotUnavailable(_) | ApiError::BadSlot(_) | ApiError::BadRequest(_) => {
                if !matches!(error, ApiError::SlotUnavailable(_)) {
                    self.skip.insert(slot);
                }
                self.target = None;
                self.tries = [0; 2];
                self.scan = Some(now);
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
        let p = pair(lanes);
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
        if self.mode == Mode::Running && lanes.iter().any(|lane| lane.stopped.is_some()) {
            self.cleanup(false);
            events.push(EventKind::Auto(AutoState::Releasing));
        }
        match self.mode {
            Mode::Running => self.update_running(now, p, lanes, config, events),
            Mode::Cleanup { .. } => {
                let settled = lanes.iter().all(|lane| {
                    lane.stopped.is_some()
                        || (lane.is_idle() && lane.holds_known && lane.holds_due.is_none())
                });
                if settled && self.all_kept(lanes) {
                    self.mode = Mode::Off;
                    events.push(EventKind::Auto(AutoState::Off));
                }
            }
            Mode::Off | Mode::Done => {}
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
            if p.is_some_and(|p| p <= target) {
                // Held at both (or no longer better): the target is done.
                self.target = None;
                self.tries = [0; 2];
            } else if self.tries.iter().any(|&tries| tries >= retries) {
                // A service keeps failing: release the partial hold (rule 2) and retry later.
                self.target = None;
                self.tries = [0; 2];
                self.next_scan = Some(now.saturating_add(config.recheck));
            }
        }
        if self.target.is_some() {
            return;
        }
        match self.scan {
            None => {
                if self.next_scan.is_none_or(|at| at <= now) {
                    self.scan = Some(now);
                }
            }
            Some(started) => {
                let ready = lanes
                    .iter()
                    .all(|lane| lane.holds_known && fresh(lane, started));
                if ready {
                    self.scan = None;
                    let next = started
                        .saturating_add(config.recheck)
                        .max(now.saturating_add(config.delay));
                    self.next_scan = Some(next);
                    self.choose(p, lanes, config, events);
                }
            }
        }
        // Done only once no lost write can still land (`holds_due`), as nothing is read after.
        let done = p.is_some_and(|p| p.get() == 1)
            && self.target.is_none()
            && lanes
                .iter()
                .all(|lane| lane.is_idle() && lane.holds.len() == 1 && lane.holds_due.is_none());
        if done {
            self.mode = Mode::Done;
            self.scan = None;
            self.next_scan = None;
            events.push(EventKind::Auto(AutoState::Done));
        }
    }

    /// Picks the target from fresh lists: the smallest slot in the window, better than `p`,
    /// free or held at both services.
    fn choose(
        &mut self,
        p: Option<Slot>,
        lanes: &[Lane; 2],
        config: &Config,
        events: &mut Vec<EventKind>,
    ) {
        let window = config.window.clamp(1, MAX_WINDOW);
        let limit = p.map_or(window, |p| p.get().saturating_sub(1).min(window));
        let candidate = (1..=limit).filter_map(Slot::new).find(|&slot| {
            !self.skip.contains(&slot) && lanes.iter().all(|lane| eligible(lane, slot))
        });
        match candidate {
            Some(slot) => {
                self.target = Some(slot);
                self.tries = [0; 2];
                self.reported_no_common = false;
            }
            None if p.is_none() && !self.reported_no_common => {
                self.reported_no_common = true;
                events.push(EventKind::NoCommonSlot);
            }
            None => {}
        }
    }
}

/// The largest window: the assignment's lists show at most 200 slots.
pub(crate) const MAX_WINDOW: u16 = 200;

/// The matched pair: the smallest slot held at both services and not being released at either.
pub(crate) fn pair(lanes: &[Lane; 2]) -> Option<Slot> {
    let [hotel, band] = lanes;
    let releasing =
        |lane: &Lane, slot: Slot| lane.pending_writes().any(|op| op == Op::Cancel(slot));
    hotel
        .holds
        .iter()
        .copied()
        .find(|&slot| band.holds(slot) && !releasing(hotel, slot) && !releasing(band, slot))
}

/// The holds `lane` may end up with: as known, after each pending write alone, after all.
fn other_outcomes(lane: &Lane) -> Vec<Vec<Slot>> {
    let apply = |holds: &mut Vec<Slot>, op: Op| match op {
        Op::Reserve(slot) if !holds.contains(&slot) => holds.push(slot),
        Op::Cancel(slot) => holds.retain(|held| *held != slot),
        _ => {}
    };
    let mut outcomes = vec![lane.holds.clone()];
    let mut all = lane.holds.clone();
    for op in lane.pending_writes() {
        let mut one = lane.holds.clone();
        apply(&mut one, op);
        apply(&mut all, op);
        outcomes.push(one);
    }
    outcomes.push(all);
    if !lane.holds_known || lane.holds_due.is_some() {
        // Unknown holds (e.g. a 401 came before the re-read), or a lost request that may still
        // land: any slot written ambiguously there may be held, each alone too, so that a slot
        // that would be the pair counts as possibly held.
        for &slot in &lane.uncertain {
            let mut one = lane.holds.clone();
            apply(&mut one, Op::Reserve(slot));
            outcomes.push(one);
        }
        let mut maybe = lane.holds.clone();
        for &slot in &lane.uncertain {
            apply(&mut maybe, Op::Reserve(slot));
        }
        outcomes.push(maybe);
    }
    for holds in &mut outcomes {
        holds.sort_unstable();
    }
    outcomes
}

/// Whether `slot` can be part of a new pair at `lane`: held or free, and not a slot whose
/// release is pending or whose last write was ambiguous (a late request may still change it).
fn eligible(lane: &Lane, slot: Slot) -> bool {
    (lane.holds(slot) || lane.is_free(slot))
        && !lane.uncertain.contains(&slot)
        && !lane.pending_writes().any(|op| op == Op::Cancel(slot))
}

/// Whether `lane`'s free list was requested after `started`.
fn fresh(lane: &Lane, started: Millis) -> bool {
    lane.free_sent_at.is_some_and(|sent| sent >= started)
}
