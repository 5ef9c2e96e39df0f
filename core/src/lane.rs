//! One service as the session sees it: what we know (free list, holds), what is queued, what is
//! in flight, and its pacer.

use std::collections::{BTreeSet, VecDeque};

use crate::api::{ApiError, Op, RequestId, Service, Slot};
use crate::pacer::Pacer;
use crate::time::Millis;

/// Added to `delay` between two sends to one service, at least. The machine spaces the moments
/// it hands requests out; a shell puts them on the wire a few milliseconds later by varying
/// amounts (Chrome showed 996–999 ms gaps at a 1000 ms delay), and a service counts the gaps
/// between arrivals. Small beside the delay, large beside that jitter. The last round trip is
/// added too: the pacer counts from the last reply, so arrivals stay a delay apart.
pub const SEND_MARGIN: Millis = Millis(25);

/// A 429 adds `delay / 4` to the spacing: a few 429s find a limit up to twice the delay.
const PENALTY_STEP_DIVISOR: u64 = 4;
/// Each other reply gives back `delay / 50`: slow enough that 429s stay rare (one in ~12).
const PENALTY_DECAY_DIVISOR: u64 = 50;
/// The learnt spacing never exceeds 5 × `delay` in total.
const MAX_PENALTY_FACTOR: u64 = 4;

/// Who asked for a job: the planner's jobs are dropped when it stops, the user's are not.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A manual action or a refresh.
    Manual,
    /// The auto-pair planner.
    Planner,
}

/// A request waiting for its turn (or its backoff).
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub(crate) op: Op,
    pub(crate) origin: Origin,
    /// 1 for the first try.
    pub(crate) attempt: u32,
    /// Not sent before this time (backoff, `Retry-After`).
    pub(crate) not_before: Millis,
    /// When the operation was first queued: retries stop at the overall deadline.
    pub(crate) created: Millis,
    /// Set on a holds read that checks whether a manual write with an ambiguous outcome took
    /// effect: the write, its attempt, and the error that made it ambiguous.
    pub(crate) verify: Option<(Op, u32, ApiError)>,
}

impl Job {
    pub(crate) fn new(op: Op, origin: Origin, attempt: u32, not_before: Millis) -> Self {
        Job {
            op,
            origin,
            attempt,
            not_before,
            created: not_before,
            verify: None,
        }
    }
}

/// The request currently out at a service.
#[derive(Clone, Debug)]
pub(crate) struct InFlight {
    pub(crate) id: RequestId,
    pub(crate) job: Job,
    pub(crate) sent_at: Millis,
    /// The session gives up on its own here, in case the shell never reports.
    pub(crate) deadline: Millis,
}

/// Everything about one service.
#[derive(Clone, Debug)]
pub(crate) struct Lane {
    pub(crate) service: Service,
    pub(crate) queue: VecDeque<Job>,
    pub(crate) in_flight: Option<InFlight>,
    pub(crate) pacer: Pacer,
    /// Last free list read (ascending), when it arrived and when its request was sent.
    pub(crate) free: Vec<Slot>,
    pub(crate) free_at: Option<Millis>,
    pub(crate) free_sent_at: Option<Millis>,
    /// Our holds (ascending) as last known.
    pub(crate) holds: Vec<Slot>,
    /// True once a holds read confirmed `holds` and nothing ambiguous happened since.
    pub(crate) holds_known: bool,
    /// Not confirmed, but nothing suggests we hold more than our own replies said (a cold
    /// start): the planner may choose and reserve, never release, and reads the holds soon.
    pub(crate) holds_assumed: bool,
    /// The shell said this account may hold something here (e.g. remembered across a reload):
    /// the next start reads the holds before anything else.
    pub(crate) may_hold: bool,
    pub(crate) holds_at: Option<Millis>,
    /// A write ended ambiguously and its request may still reach the server late: the planner
    /// reads the holds again at this time.
    pub(crate) holds_due: Option<Millis>,
    /// Slots whose writes ended ambiguously at some point: a later 409 on them may mean "yours".
    pub(crate) uncertain: BTreeSet<Slot>,
    /// Slots whose write got a 5xx: the server answered, so nothing lands later, but a hostile
    /// proxy may have applied it first. Possibly held until a 200 or a holds read settles it.
    pub(crate) maybe_applied: BTreeSet<Slot>,
    /// The round trip of the last request, if it was answered: it sizes the send margin.
    pub(crate) last_rtt: Millis,
    /// Set by a 401: nothing more is sent.
    pub(crate) stopped: Option<ApiError>,
    /// The planner sends nothing here before this time (after failures).
    pub(crate) cooldown: Millis,
    /// Extra spacing learnt from 429s: the server wants more than `delay` (see [`Lane::gap`]).
    pub(crate) penalty: Millis,
}

impl Lane {
    pub(crate) fn new(service: Service) -> Self {
        Lane {
            service,
            queue: VecDeque::new(),
            in_flight: None,
            pacer: Pacer::default(),
            free: Vec::new(),
            free_at: None,
            free_sent_at: None,
            holds: Vec::new(),
            holds_known: false,
            holds_assumed: false,
            may_hold: false,
            holds_at: None,
            holds_due: None,
            uncertain: BTreeSet::new(),
            maybe_applied: BTreeSet::new(),
            last_rtt: Millis::ZERO,
            stopped: None,
            cooldown: Millis::ZERO,
            penalty: Millis::ZERO,
        }
    }

    /// The spacing between two sends here: the configured delay, the send margin, and what
    /// 429s taught.
    pub(crate) fn gap(&self, delay: Millis) -> Millis {
        delay
            .saturating_add(self.margin())
            .saturating_add(self.penalty)
    }

    /// Added to `delay` after the last send so that arrivals, not just sends, stay `delay`
    /// apart, whatever the one-way times: the last request reached the service before its
    /// reply came back, and the next one cannot arrive before it is sent, so sending `delay`
    /// after that reply is exact. That is the last round trip, plus [`SEND_MARGIN`] for the
    /// shell's jitter. (An estimate from the spread of round trips left 4 % of arrival gaps in
    /// the simulation below the delay; on a local or nearby server the round trip is a few
    /// milliseconds, so exactness costs little.) A request that was never answered teaches
    /// nothing: it was most likely lost on the way.
    pub(crate) fn margin(&self) -> Millis {
        SEND_MARGIN.saturating_add(self.last_rtt)
    }

    /// A reply arrived `rtt` after its request was sent.
    pub(crate) fn on_round_trip(&mut self, rtt: Millis) {
        self.last_rtt = rtt;
    }

    /// A request ended without a reply.
    pub(crate) fn on_no_reply(&mut self) {
        self.last_rtt = Millis::ZERO;
    }

    /// Whether the planner may choose and reserve here: the holds are confirmed, or assumed
    /// on a cold start, and no lost request is due for a check.
    pub(crate) fn may_act(&self) -> bool {
        self.holds_known || self.holds_assumed
    }

    /// Our view is stale: read the holds before choosing, reserving or releasing here.
    pub(crate) fn forget_holds(&mut self) {
        self.holds_known = false;
        self.holds_assumed = false;
    }

    /// Whether nothing about our holds here is in doubt: confirmed, no write that may still
    /// land, none that may have been applied behind a 5xx.
    pub(crate) fn settled(&self) -> bool {
        self.holds_known && self.holds_due.is_none() && self.maybe_applied.is_empty()
    }

    /// Every slot we may hold here: known holds, writes in doubt, reserves queued or in flight.
    pub(crate) fn possible_holds(&self) -> BTreeSet<Slot> {
        let mut slots: BTreeSet<Slot> = self.holds.iter().copied().collect();
        slots.extend(self.uncertain.iter().copied());
        slots.extend(self.maybe_applied.iter().copied());
        slots.extend(self.pending_writes().filter_map(|op| match op {
            Op::Reserve(slot) => Some(slot),
            _ => None,
        }));
        slots
    }

    /// A 429: space requests a quarter of `delay` more, up to 4 × `delay` more.
    pub(crate) fn on_rate_limited(&mut self, delay: Millis) {
        let step = Millis(delay.0 / PENALTY_STEP_DIVISOR);
        self.penalty = self
            .penalty
            .saturating_add(step)
            .min(Millis(delay.0.saturating_mul(MAX_PENALTY_FACTOR)));
    }

    /// Any other reply: slowly give the extra spacing back, in case the limit was temporary.
    pub(crate) fn on_not_rate_limited(&mut self, delay: Millis) {
        self.penalty = self
            .penalty
            .saturating_sub(Millis(delay.0 / PENALTY_DECAY_DIVISOR));
    }

    /// Nothing queued and nothing in flight.
    pub(crate) fn is_idle(&self) -> bool {
        self.in_flight.is_none() && self.queue.is_empty()
    }

    pub(crate) fn holds(&self, slot: Slot) -> bool {
        self.holds.binary_search(&slot).is_ok()
    }

    pub(crate) fn is_free(&self, slot: Slot) -> bool {
        self.free.binary_search(&slot).is_ok()
    }

    pub(crate) fn add_hold(&mut self, slot: Slot) {
        if let Err(at) = self.holds.binary_search(&slot) {
            self.holds.insert(at, slot);
        }
        if let Ok(at) = self.free.binary_search(&slot) {
            self.free.remove(at);
        }
    }

    pub(crate) fn remove_hold(&mut self, slot: Slot) {
        if let Ok(at) = self.holds.binary_search(&slot) {
            self.holds.remove(at);
        }
        // Released slots are free again, as far as we know.
        if let Err(at) = self.free.binary_search(&slot) {
            self.free.insert(at, slot);
        }
    }

    pub(crate) fn mark_taken(&mut self, slot: Slot) {
        if let Ok(at) = self.free.binary_search(&slot) {
            self.free.remove(at);
        }
    }

    /// Writes queued or in flight: their effect on the holds is not known yet.
    pub(crate) fn pending_writes(&self) -> impl Iterator<Item = Op> + '_ {
        self.in_flight
            .iter()
            .map(|flight| &flight.job)
            .chain(self.queue.iter())
            .map(|job| job.op)
            .filter(|op| op.is_write())
    }

    /// Operations queued or in flight, in order.
    pub(crate) fn pending(&self) -> Vec<Op> {
        self.in_flight
            .iter()
            .map(|flight| &flight.job)
            .chain(self.queue.iter())
            .map(|job| job.op)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_is_the_last_round_trip_plus_the_send_margin() {
        let delay = Millis(1000);
        let mut lane = Lane::new(Service::Hotel);
        assert_eq!(lane.gap(delay), Millis(1025), "nothing answered yet");
        lane.on_round_trip(Millis(130));
        assert_eq!(lane.margin(), Millis(155));
        assert_eq!(lane.gap(delay), Millis(1155));
        lane.on_no_reply();
        assert_eq!(lane.margin(), SEND_MARGIN);
        lane.on_round_trip(Millis(u64::MAX));
        assert_eq!(lane.gap(delay), Millis(u64::MAX), "saturates");
    }

    #[test]
    fn possible_holds_count_every_write_in_doubt() {
        let slot = |n| Slot::new(n).expect("non-zero");
        let mut lane = Lane::new(Service::Band);
        lane.holds = vec![slot(7)];
        lane.uncertain.insert(slot(3));
        lane.maybe_applied.insert(slot(5));
        lane.queue.push_back(Job::new(
            Op::Reserve(slot(9)),
            Origin::Manual,
            1,
            Millis::ZERO,
        ));
        let possible: Vec<Slot> = lane.possible_holds().into_iter().collect();
        assert_eq!(possible, [slot(3), slot(5), slot(7), slot(9)]);
        assert!(!lane.settled());
    }
}
