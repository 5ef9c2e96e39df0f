//! The best possible client under the same rules, replayed on a run's history: the yardstick
//! for openings (issue 18).
//!
//! The oracle keeps the services' rules: at most 2 holds per service, one request per `delay`
//! per service, make-before-break (the matched pair is released only once a better one is
//! held at both). It breaks none of them but sees every change of the services' state the
//! instant it happens, needs no reads, meets no faults and no latency: at each service, at its
//! earliest paced slot, it reserves the best slot free at both services right now (better than
//! its pair), or releases a hold it no longer keeps. It takes the client's place: the others'
//! holds are the history's, the client's own are left out.
//!
//! An opening of the client (see [`crate::openings`]) is then *holdable* when the oracle's pair
//! is that slot or better at some moment of `[start, start + within]`; the client's figure is
//! the share of those it held.

use std::collections::BTreeSet;

use crate::achievable::{Busy, Interval, busy_intervals};
use crate::admin::Change;
use crate::openings::Judged;
use crate::timeline::{PairTimeline, pair_at};

const SERVICES: [&str; 2] = ["hotel", "band"];

/// The openings judged for the client, next to what the oracle made of them.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Yardstick {
    /// Openings judged for the client.
    pub seen: usize,
    /// Of those, the ones the oracle held in time.
    pub holdable: usize,
    /// Of the holdable ones, the ones the client held in time.
    pub held: usize,
}

impl Yardstick {
    /// Adds another run's counts.
    #[must_use]
    pub fn plus(self, other: Yardstick) -> Yardstick {
        Yardstick {
            seen: self.seen + other.seen,
            holdable: self.holdable + other.holdable,
            held: self.held + other.held,
        }
    }

    /// The client's openings held as a share of the holdable ones, `None` without any.
    #[must_use]
    pub fn share(self) -> Option<f64> {
        (self.holdable > 0).then(|| self.held as f64 / self.holdable as f64)
    }
}

/// Judges the client's openings `judged` against the oracle's pair over `span`.
#[must_use]
pub fn yardstick(
    history: &[Change],
    client: &str,
    slots: u16,
    span: Interval,
    delay: u64,
    judged: &[Judged],
    within: u64,
) -> Yardstick {
    let oracle = pairs(history, client, slots, span, delay);
    let holdable: Vec<&Judged> = judged
        .iter()
        .filter(|opening| held_in(&oracle, opening.slot, opening.start, within))
        .collect();
    Yardstick {
        seen: judged.len(),
        holdable: holdable.len(),
        held: holdable.iter().filter(|j| j.held_at.is_some()).count(),
    }
}

/// Whether `pairs` is `slot` or better at some moment of `[start, start + within]`.
fn held_in(pairs: &[(u64, Option<u16>)], slot: u16, start: u64, within: u64) -> bool {
    let better = |pair: Option<u16>| pair.is_some_and(|pair| pair <= slot);
    better(pair_at(pairs, start))
        || pairs
            .iter()
            .any(|&(at, pair)| at > start && at <= start + within && better(pair))
}

/// The oracle's matched pair over `span`, in the client's place (see the module docs).
#[must_use]
pub fn pairs(
    history: &[Change],
    client: &str,
    slots: u16,
    (from, to): Interval,
    delay: u64,
) -> PairTimeline {
    let busy = busy_intervals(history, client);
    let mut oracle = Oracle {
        busy: &busy,
        slots,
        holds: [BTreeSet::new(), BTreeSet::new()],
        ready: [from; 2],
    };
    // It acts when the others change something and when its pacer allows.
    let mut wakes: BTreeSet<u64> = history
        .iter()
        .filter(|change| change.user != client)
        .map(|change| change.at_ms)
        .filter(|&at| at > from && at < to)
        .collect();
    wakes.insert(from);
    let mut pairs = PairTimeline::new();
    let mut last = None;
    while let Some(now) = wakes.pop_first() {
        for service in 0..2 {
            if oracle.ready[service] <= now && oracle.act(service, now) {
                oracle.ready[service] = now + delay;
                if oracle.ready[service] < to {
                    wakes.insert(oracle.ready[service]);
                }
            }
        }
        let pair = oracle.pair();
        if pair != last {
            pairs.push((now, pair));
            last = pair;
        }
    }
    pairs
}

struct Oracle<'a> {
    busy: &'a Busy<'a>,
    slots: u16,
    holds: [BTreeSet<u16>; 2],
    /// Its earliest paced slot, per service.
    ready: [u64; 2],
}

impl Oracle<'_> {
    /// The smallest slot held at both services.
    fn pair(&self) -> Option<u16> {
        self.holds[0].intersection(&self.holds[1]).next().copied()
    }

    /// Whether `slot` is ours or held by nobody at `service` at `now`.
    fn free_to_us(&self, service: usize, slot: u16, now: u64) -> bool {
        self.holds[service].contains(&slot)
            || self
                .busy
                .get(&(SERVICES[service], slot))
                .is_none_or(|busy| !busy.iter().any(|&(s, e)| s <= now && now < e))
    }

    /// Sends its one request at `service` at `now`, if it wants one; whether it did.
    fn act(&mut self, service: usize, now: u64) -> bool {
        let pair = self.pair();
        let target = (1..=self.slots)
            .take_while(|&slot| pair.is_none_or(|pair| slot < pair))
            .find(|&slot| self.free_to_us(0, slot, now) && self.free_to_us(1, slot, now));
        let keep = |slot: u16| Some(slot) == pair || Some(slot) == target;
        let holds = &mut self.holds[service];
        let release = holds.iter().rev().copied().find(|&slot| !keep(slot));
        match target {
            Some(target) if !holds.contains(&target) && holds.len() < 2 => {
                holds.insert(target);
                true
            }
            // A hold outside the pair and the target: make room, or tidy up.
            _ => release.is_some_and(|slot| holds.remove(&slot)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::ChangeOp;
    use crate::test_history::change;

    use ChangeOp::{Release, Reserve};

    #[test]
    fn it_pairs_at_once_and_upgrades_the_instant_a_better_slot_frees() {
        let mut history = Vec::new();
        for slot in 1..=2 {
            for service in SERVICES {
                history.push(change(0, service, "crowd", Reserve, slot));
            }
        }
        history.push(change(5_000, "hotel", "crowd", Release, 1));
        history.push(change(5_400, "band", "crowd", Release, 1));
        let pairs = pairs(&history, "me", 4, (100, 20_000), 1_000);
        assert_eq!(pairs, [(100, Some(3)), (5_400, Some(1))]);
    }

    #[test]
    fn the_pacer_bounds_it() {
        // Slot 1 frees at both 500 ms after the first pair: the reserves wait for the next
        // paced slot (1.1 s), and the old pair goes one delay later.
        let mut history = Vec::new();
        for service in SERVICES {
            history.push(change(0, service, "crowd", Reserve, 1));
            history.push(change(600, service, "crowd", Release, 1));
        }
        let pairs = pairs(&history, "me", 4, (100, 20_000), 1_000);
        assert_eq!(pairs, [(100, Some(2)), (1_100, Some(1))]);
    }

    #[test]
    fn a_slot_never_free_at_both_at_once_is_never_reserved() {
        // Slot 1 frees at the hotel over [2 s, 2.2 s) and at the band from 2.5 s.
        let mut history = Vec::new();
        for service in SERVICES {
            history.push(change(0, service, "crowd", Reserve, 1));
        }
        history.push(change(2_000, "hotel", "crowd", Release, 1));
        history.push(change(2_200, "hotel", "other", Reserve, 1));
        history.push(change(2_500, "band", "crowd", Release, 1));
        let pairs = pairs(&history, "me", 2, (0, 10_000), 1_000);
        assert_eq!(pairs, [(0, Some(2))]);
    }

    #[test]
    fn an_opening_is_holdable_when_the_oracle_holds_it_or_better_in_time() {
        let pairs = [(0, Some(3)), (5_000, Some(1))];
        assert!(held_in(&pairs, 2, 4_000, 2_500), "upgraded past it in time");
        assert!(!held_in(&pairs, 2, 1_000, 2_500), "too late");
        assert!(held_in(&pairs, 3, 1_000, 2_500), "held already");
    }

    #[test]
    fn shares_are_of_the_holdable_openings() {
        let one = Yardstick {
            seen: 3,
            holdable: 2,
            held: 1,
        };
        assert_eq!(one.share(), Some(0.5));
        assert_eq!(
            one.plus(one),
            Yardstick {
                seen: 6,
                holdable: 4,
                held: 2
            }
        );
        assert_eq!(Yardstick::default().share(), None);
    }
}
