//! One service as the session sees it: what we know (free list, holds), what is queued, what is
//! in flight, and its pacer.

use std::collections::{BTreeSet, VecDeque};

use crate::api::{ApiError, Op, RequestId, Service, Slot};
use crate::holds::HoldsKnowledge;
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

/// Everything about one service. What a request's outcome teaches is applied here, by the
/// `learnt_*` methods and their kin, so each rule of our knowledge has one home.
#[derive(Clone, Debug)]
pub(crate) struct Lane {
    service: Service,
    queue: VecDeque<Job>,
    in_flight: Option<InFlight>,
    pacer: Pacer,
    /// Last free list read (ascending), when it arrived and when its request was sent.
    free: Vec<Slot>,
    free_at: Option<Millis>,
    free_sent_at: Option<Millis>,
    /// Our holds (ascending) as last known.
    holds: Vec<Slot>,
    /// How sure we are of `holds`: unknown, assumed, confirmed, or in doubt after a write that
    /// ended ambiguously.
    knowledge: HoldsKnowledge,
    /// The shell said this account may hold something here (e.g. remembered across a reload):
    /// the next start reads the holds before anything else.
    may_hold: bool,
    holds_at: Option<Millis>,
    /// Slots whose write got a 5xx: the server answered, so nothing lands later, but a hostile
    /// proxy may have applied it first. Possibly held until a 200 or a holds read settles it.
    maybe_applied: BTreeSet<Slot>,
    /// The round trip of the last request, if it was answered: it sizes the send margin.
    last_rtt: Millis,
    /// Set by a 401: nothing more is sent.
    stopped: Option<ApiError>,
    /// The planner sends nothing here before this time (after failures).
    cooldown: Millis,
    /// The part of `cooldown` the server asked for (`Retry-After`): the network coming back
    /// does not lift it.
    asked_until: Millis,
    /// Extra spacing learnt from 429s: the server wants more than `delay` (see [`Lane::gap`]).
    penalty: Millis,
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
            knowledge: HoldsKnowledge::Unknown,
            may_hold: false,
            holds_at: None,
            maybe_applied: BTreeSet::new(),
            last_rtt: Millis::ZERO,
            stopped: None,
            cooldown: Millis::ZERO,
            asked_until: Millis::ZERO,
            penalty: Millis::ZERO,
        }
    }

    pub(crate) fn service(&self) -> Service {
        self.service
    }

    /// The last free list read (ascending; never our own holds).
    pub(crate) fn free(&self) -> &[Slot] {
        &self.free
    }

    /// When the last free list arrived.
    pub(crate) fn free_at(&self) -> Option<Millis> {
        self.free_at
    }

    /// When the request of the last free list was sent.
    pub(crate) fn free_sent_at(&self) -> Option<Millis> {
        self.free_sent_at
    }

    /// Our holds as last known (ascending).
    pub(crate) fn holds(&self) -> &[Slot] {
        &self.holds
    }

    /// When the holds were last read.
    pub(crate) fn holds_at(&self) -> Option<Millis> {
        self.holds_at
    }

    /// Whether a holds read confirmed our holds and nothing ambiguous happened since.
    pub(crate) fn holds_known(&self) -> bool {
        self.knowledge.is_confirmed()
    }

    /// When a write that ended ambiguously can no longer land: the holds are read again then.
    pub(crate) fn holds_due(&self) -> Option<Millis> {
        self.knowledge.due()
    }

    /// Whether a write on `slot` ended ambiguously (a later 409 on it may mean "yours").
    pub(crate) fn is_uncertain(&self, slot: Slot) -> bool {
        self.knowledge.is_doubtful(slot)
    }

    /// Whether a write on `slot` got a 5xx that a hostile proxy may have applied first.
    pub(crate) fn maybe_applied(&self, slot: Slot) -> bool {
        self.maybe_applied.contains(&slot)
    }

    /// Slots whose write got a 5xx and that no 200 or holds read has settled yet.
    pub(crate) fn maybe_applied_slots(&self) -> impl Iterator<Item = Slot> + '_ {
        self.maybe_applied.iter().copied()
    }

    /// Slots whose state here is in doubt: a write that may still land, or one a 5xx may hide.
    pub(crate) fn doubts(&self) -> Vec<Slot> {
        self.knowledge
            .doubtful_slots()
            .chain(self.maybe_applied.iter().copied())
            .collect()
    }

    /// Why nothing more is sent here (a 401), if so.
    pub(crate) fn stopped(&self) -> Option<&ApiError> {
        self.stopped.as_ref()
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.is_some()
    }

    /// The planner sends nothing here before this time.
    pub(crate) fn cooldown(&self) -> Millis {
        self.cooldown
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

    /// The earliest time the pacer lets the next request go.
    pub(crate) fn ready_at(&self, delay: Millis) -> Millis {
        self.pacer.ready_at(self.gap(delay))
    }

    /// Whether the pacer lets a request go at `now`.
    pub(crate) fn paced(&self, now: Millis, delay: Millis) -> bool {
        self.pacer.delay(now, self.gap(delay)).is_none()
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
        self.knowledge.may_act()
    }

    /// Our view is stale: read the holds before choosing, reserving or releasing here.
    pub(crate) fn forget_holds(&mut self) {
        self.knowledge.forget();
    }

    /// Whether nothing about our holds here is in doubt: confirmed, no write that may still
    /// land, none that may have been applied behind a 5xx.
    pub(crate) fn settled(&self) -> bool {
        self.knowledge.is_settled() && self.maybe_applied.is_empty()
    }

    /// Every slot we may hold here: known holds, writes in doubt, reserves queued or in flight.
    pub(crate) fn possible_holds(&self) -> BTreeSet<Slot> {
        let mut slots: BTreeSet<Slot> = self.holds.iter().copied().collect();
        slots.extend(self.knowledge.doubtful_slots());
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

    /// A free list (sent at `sent_at`) arrived at `now`.
    pub(crate) fn learnt_free(&mut self, now: Millis, sent_at: Millis, slots: Vec<Slot>) {
        // A hold of ours never shows as free, whatever a stale reply says.
        self.free = slots
            .into_iter()
            .filter(|slot| !self.is_held(*slot))
            .collect();
        self.free_at = Some(now);
        self.free_sent_at = Some(sent_at);
    }

    /// Our holds (a read sent at `sent_at`) arrived at `now`.
    pub(crate) fn learnt_holds(&mut self, now: Millis, sent_at: Millis, slots: Vec<Slot>) {
        // Settles writes in doubt if it left once they could no longer land.
        self.knowledge.learnt(sent_at);
        for slot in &slots {
            self.mark_taken(*slot);
        }
        // The lane sends one request at a time, so this read left after every 5xx.
        self.maybe_applied.clear();
        self.may_hold = false;
        self.holds = slots;
        self.holds_at = Some(now);
    }

    /// A reserve of `slot` was granted (200).
    pub(crate) fn learnt_reserved(&mut self, slot: Slot) {
        self.maybe_applied.remove(&slot);
        if let Err(at) = self.holds.binary_search(&slot) {
            self.holds.insert(at, slot);
        }
        self.mark_taken(slot);
    }

    /// A cancel of `slot` was granted (200).
    pub(crate) fn learnt_released(&mut self, slot: Slot) {
        self.maybe_applied.remove(&slot);
        if let Ok(at) = self.holds.binary_search(&slot) {
            self.holds.remove(at);
        }
        // Released slots are free again, as far as we know.
        if let Err(at) = self.free.binary_search(&slot) {
            self.free.insert(at, slot);
        }
    }

    /// A reserve of `slot` was refused for good with 409: it is taken. On a slot we may hold
    /// (a write in doubt, or holds never read: a free list never lists our own holds) that may
    /// mean it is ours: read the holds once.
    pub(crate) fn reserve_refused(&mut self, slot: Slot) {
        self.mark_taken(slot);
        if self.knowledge.is_doubtful(slot)
            || self.maybe_applied.contains(&slot)
            || !self.knowledge.is_confirmed()
        {
            self.forget_holds();
        }
    }

    /// A write on `slot` got a 5xx: the server answered, so nothing lands later, but a hostile
    /// proxy may have applied it before failing.
    pub(crate) fn write_maybe_applied(&mut self, slot: Slot) {
        self.maybe_applied.insert(slot);
    }

    /// A write on `slot` ended ambiguously (no reply, or one we cannot read): it may still
    /// reach the server until `until`, when the holds are read again.
    pub(crate) fn write_in_doubt(&mut self, slot: Option<Slot>, until: Millis) {
        self.knowledge.write_in_doubt(slot, until);
    }

    /// The service refused our key (401): nothing more is sent.
    pub(crate) fn key_refused(&mut self, error: ApiError) {
        self.queue.clear();
        self.stopped = Some(error);
    }

    /// The planner sends nothing here before `until` (a backoff), nor before `asked` (what
    /// the server asked for).
    pub(crate) fn cool_down(&mut self, until: Millis, asked: Millis) {
        self.cooldown = until.max(asked);
        self.asked_until = asked;
    }

    /// The network is back: the backoff its failures built up is lifted; what the server
    /// asked for stays.
    pub(crate) fn network_back(&mut self) {
        self.cooldown = self.asked_until;
    }

    /// Nothing is sent here before `at` (another driver's last request must be a delay old).
    pub(crate) fn not_before(&mut self, at: Millis) {
        self.pacer.not_before(at);
    }

    /// The shell says this account may hold something here it has not seen.
    pub(crate) fn expect_holds(&mut self) {
        self.may_hold = true;
    }

    /// Whether the shell said this account may hold something here that no read has shown.
    pub(crate) fn expects_holds(&self) -> bool {
        self.may_hold
    }

    /// When the free list read now on its way was sent, if one is.
    pub(crate) fn free_read_in_flight(&self) -> Option<Millis> {
        self.in_flight
            .as_ref()
            .filter(|flight| flight.job.op == Op::Available)
            .map(|flight| flight.sent_at)
    }

    /// Auto-pair starts: lift a 401 stop and the cooldown, drop the planner's old jobs and the
    /// refresh's queued reads (the planner reads what it needs, in its own order), and unless
    /// our holds were confirmed recently (`holds_recent` of their read time) with nothing in
    /// doubt, read them before acting — first, if we may hold something unseen; after the
    /// first free list and reserve otherwise (a cold start assumes nothing is held).
    pub(crate) fn restart(&mut self, holds_recent: impl Fn(Option<Millis>) -> bool) {
        self.stopped = None;
        self.cooldown = Millis::ZERO;
        self.asked_until = Millis::ZERO;
        // Manual writes and the holds reads that check them stay.
        self.queue.retain(|job| {
            job.origin == Origin::Manual && (job.op.is_write() || job.verify.is_some())
        });
        // Settled means no write in doubt either.
        let confirmed = self.settled() && holds_recent(self.holds_at);
        if !confirmed {
            let may_hold =
                self.may_hold || !self.holds.is_empty() || !self.maybe_applied.is_empty();
            self.knowledge.restart(may_hold);
        }
    }

    /// Nothing queued and nothing in flight.
    pub(crate) fn is_idle(&self) -> bool {
        self.in_flight.is_none() && self.queue.is_empty()
    }

    pub(crate) fn is_held(&self, slot: Slot) -> bool {
        self.holds.binary_search(&slot).is_ok()
    }

    pub(crate) fn is_free(&self, slot: Slot) -> bool {
        self.free.binary_search(&slot).is_ok()
    }

    fn mark_taken(&mut self, slot: Slot) {
        if let Ok(at) = self.free.binary_search(&slot) {
            self.free.remove(at);
        }
    }

    /// Queues `job` behind the others.
    pub(crate) fn enqueue(&mut self, job: Job) {
        self.queue.push_back(job);
    }

    /// Queues `job` before the others (a retry, a check).
    pub(crate) fn enqueue_first(&mut self, job: Job) {
        self.queue.push_front(job);
    }

    /// Whether `op` is queued.
    pub(crate) fn is_queued(&self, op: Op) -> bool {
        self.queue.iter().any(|job| job.op == op)
    }

    /// The job to send next, if any is queued.
    pub(crate) fn next_queued(&self) -> Option<&Job> {
        self.queue.front()
    }

    /// Takes the job to send next.
    pub(crate) fn take_queued(&mut self) -> Option<Job> {
        self.queue.pop_front()
    }

    /// Drops the queued jobs.
    pub(crate) fn clear_queue(&mut self) {
        self.queue.clear();
    }

    /// Drops the planner's queued jobs; the user's stay.
    pub(crate) fn drop_planner_jobs(&mut self) {
        self.queue.retain(|job| job.origin == Origin::Manual);
    }

    /// The request out at the service, if any.
    pub(crate) fn in_flight(&self) -> Option<&InFlight> {
        self.in_flight.as_ref()
    }

    /// `flight` was handed to the shell at `now`.
    pub(crate) fn sent(&mut self, now: Millis, flight: InFlight) {
        self.pacer.on_send(now);
        self.in_flight = Some(flight);
    }

    /// Takes the request in flight if it is `id`.
    pub(crate) fn take_reply_for(&mut self, id: RequestId) -> Option<InFlight> {
        self.in_flight.take_if(|flight| flight.id == id)
    }

    /// Takes the request in flight if its own deadline has passed at `now`.
    pub(crate) fn take_expired(&mut self, now: Millis) -> Option<InFlight> {
        self.in_flight.take_if(|flight| flight.deadline <= now)
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
        lane.write_in_doubt(Some(slot(3)), Millis(10_000));
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
