//! Openings: a slot better than the client's pair that is free to it at both services for at
//! least `min_free` without a break, from the emulator's history. The figure is the share of
//! openings the client turned into its pair within `within` — how quickly it upgrades.
//!
//! An opening starts when both are true: the slot is free at both (held by nobody else), and
//! the client holds a pair worse than it. It is *held* when the client's pair is that slot or
//! better at some moment of `(start, start + within]`. Openings too close to the end of the run
//! to be judged are left out; so are the moments before the first pair (time to first pair
//! covers those).

use crate::achievable::{Interval, busy_intervals, free_at_both};
use crate::admin::Change;
use crate::timeline::pair_at;

/// How many openings a run offered and how many the client held in time.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Openings {
    /// Openings judged.
    pub seen: usize,
    /// Of those, held within the limit.
    pub held: usize,
}

impl Openings {
    /// Adds another run's counts.
    #[must_use]
    pub fn plus(self, other: Openings) -> Openings {
        Openings {
            seen: self.seen + other.seen,
            held: self.held + other.held,
        }
    }

    /// The counts of `judged`.
    #[must_use]
    pub fn count(judged: &[Judged]) -> Openings {
        Openings {
            seen: judged.len(),
            held: judged.iter().filter(|j| j.held_at.is_some()).count(),
        }
    }

    /// `held / seen`, `None` without openings.
    #[must_use]
    pub fn share(self) -> Option<f64> {
        (self.seen > 0).then(|| self.held as f64 / self.seen as f64)
    }
}

/// How openings are judged, in emulator milliseconds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// The run, `[from, to)`.
    pub span: Interval,
    /// Least time free at both to be an opening at all.
    pub min_free: u64,
    /// How soon the client must hold it.
    pub within: u64,
}

/// One opening, judged (emulator milliseconds).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Judged {
    /// The slot.
    pub slot: u16,
    /// When it started: free at both, and our pair worse.
    pub start: u64,
    /// When it stopped being free at both.
    pub end: u64,
    /// When our pair first became that slot or better inside the limit, if it did.
    pub held_at: Option<u64>,
}

/// The openings of slots `1..=slots` for `client`, whose matched pair over time is `pairs`
/// (see [`crate::timeline::replay`]).
#[must_use]
pub fn openings(
    history: &[Change],
    client: &str,
    slots: u16,
    pairs: &[(u64, Option<u16>)],
    rules: Rules,
) -> Openings {
    Openings::count(&judge(history, client, slots, pairs, rules))
}

/// Every opening of slots `1..=slots` judged, for a closer look (see [`openings`]).
#[must_use]
pub fn judge(
    history: &[Change],
    client: &str,
    slots: u16,
    pairs: &[(u64, Option<u16>)],
    rules: Rules,
) -> Vec<Judged> {
    let busy = busy_intervals(history, client);
    let mut judged = Vec::new();
    for slot in 1..=slots {
        for (free_from, free_to) in free_at_both(&busy, slot, rules.span) {
            let worse = |at: u64| pair_at(pairs, at).is_some_and(|pair| pair > slot);
            // The first moment of the stretch at which the client's pair is worse: its start,
            // or a change of the pair inside it.
            let start = std::iter::once(free_from)
                .chain(
                    pairs
                        .iter()
                        .map(|&(at, _)| at)
                        .filter(|&at| at > free_from && at < free_to),
                )
                .find(|&at| worse(at));
            let Some(start) = start else { continue };
            if free_to - start < rules.min_free || start + rules.within > rules.span.1 {
                continue;
            }
            let held_at = pairs
                .iter()
                .find(|&&(at, pair)| {
                    at > start && at <= start + rules.within && pair.is_some_and(|p| p <= slot)
                })
                .map(|&(at, _)| at);
            judged.push(Judged {
                slot,
                start,
                end: free_to,
                held_at,
            });
        }
    }
    judged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::ChangeOp;
    use crate::test_history::change;
    use crate::timeline::replay;

    use ChangeOp::{Release, Reserve};

    const RULES: Rules = Rules {
        span: (0, 30_000),
        min_free: 2_000,
        within: 2_500,
    };

    /// The crowd holds slots 1..=4 at both from the start; the client pairs on 5 at 1 s.
    fn crowded_start() -> Vec<Change> {
        let mut history = Vec::new();
        for slot in 1..=4 {
            for service in ["hotel", "band"] {
                history.push(change(0, service, "crowd", Reserve, slot));
            }
        }
        history.push(change(900, "hotel", "me", Reserve, 5));
        history.push(change(1_000, "band", "me", Reserve, 5));
        history
    }

    fn judge(history: &[Change]) -> Openings {
        let pairs = replay(history, "me").pairs;
        openings(history, "me", 5, &pairs, RULES)
    }

    #[test]
    fn no_crowd_release_means_no_opening() {
        assert_eq!(judge(&crowded_start()), Openings::default());
    }

    #[test]
    fn an_opening_taken_in_time_is_held() {
        let mut history = crowded_start();
        // Slot 2 frees at both by 10 s; the client holds it at both at 12 s.
        history.push(change(9_500, "hotel", "crowd", Release, 2));
        history.push(change(10_000, "band", "crowd", Release, 2));
        history.push(change(11_000, "hotel", "me", Reserve, 2));
        history.push(change(12_000, "band", "me", Reserve, 2));
        assert_eq!(judge(&history), Openings { seen: 1, held: 1 });
    }

    #[test]
    fn an_opening_taken_late_or_never_is_missed() {
        let mut history = crowded_start();
        // Slot 2 frees at 10 s and the client holds it at 12.6 s: too late. Slot 3 frees at
        // 20 s, stays free, and is never taken.
        history.push(change(10_000, "hotel", "crowd", Release, 2));
        history.push(change(10_000, "band", "crowd", Release, 2));
        history.push(change(11_000, "hotel", "me", Reserve, 2));
        history.push(change(12_600, "band", "me", Reserve, 2));
        history.push(change(20_000, "hotel", "crowd", Release, 1));
        history.push(change(20_000, "band", "crowd", Release, 1));
        let found = judge(&history);
        assert_eq!(found, Openings { seen: 2, held: 0 });
        assert_eq!(found.share(), Some(0.0));
    }

    #[test]
    fn a_short_flicker_a_worse_slot_and_the_last_seconds_are_not_openings() {
        let mut history = crowded_start();
        // Slot 2: free at both for 1.5 s only. Slot 6 (worse than the pair) stays free.
        history.push(change(10_000, "hotel", "crowd", Release, 2));
        history.push(change(10_000, "band", "crowd", Release, 2));
        history.push(change(11_500, "hotel", "other", Reserve, 2));
        // Slot 3 frees 1 s before the end: cannot be judged within 2.5 s.
        history.push(change(29_000, "hotel", "crowd", Release, 3));
        history.push(change(29_000, "band", "crowd", Release, 3));
        let pairs = replay(&history, "me").pairs;
        assert_eq!(
            openings(&history, "me", 6, &pairs, RULES),
            Openings::default()
        );
    }

    #[test]
    fn a_free_slot_becomes_an_opening_when_the_client_pairs_worse() {
        // Slot 1 free all along, the client pairs on 2 at 1 s and moves to 1 at 3 s.
        let history = [
            change(900, "hotel", "me", Reserve, 2),
            change(1_000, "band", "me", Reserve, 2),
            change(2_000, "hotel", "me", Reserve, 1),
            change(3_000, "band", "me", Reserve, 1),
        ];
        let pairs = replay(&history, "me").pairs;
        assert_eq!(
            openings(&history, "me", 2, &pairs, RULES),
            Openings { seen: 1, held: 1 }
        );
    }

    #[test]
    fn shares_add_up_over_runs() {
        let total = Openings { seen: 3, held: 2 }.plus(Openings { seen: 1, held: 1 });
        assert_eq!(total, Openings { seen: 4, held: 3 });
        assert_eq!(total.share(), Some(0.75));
        assert_eq!(Openings::default().share(), None);
    }
}
