//! The client's own holds over a run, replayed from the emulator's history: the matched pair
//! after each change, the most holds at one service, and every time a pair was given up before
//! a better one was held at both (a make-before-break breach).

use std::collections::BTreeSet;

use crate::admin::{Change, ChangeOp};

/// After each of the client's applied changes: when (emulator ms) and the best slot then held
/// at both services (`None` when no slot was).
pub type PairTimeline = Vec<(u64, Option<u16>)>;

/// What the client's holds came to over the run, per the emulator.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holds {
    /// The matched pair after each change.
    pub pairs: PairTimeline,
    /// The most holds the client had at one service at once.
    pub max_holds: usize,
    /// Changes after which the matched pair was worse than before (or gone): the old pair was
    /// released before a better one was held at both.
    pub breaches: usize,
}

/// Replays `user`'s changes in `history` (in order).
#[must_use]
pub fn replay(history: &[Change], user: &str) -> Holds {
    let mut held: [BTreeSet<u16>; 2] = [BTreeSet::new(), BTreeSet::new()];
    let mut holds = Holds::default();
    let mut matched: Option<u16> = None;
    for change in history.iter().filter(|change| change.user == user) {
        let side = &mut held[usize::from(change.service == "band")];
        match change.op {
            ChangeOp::Reserve => side.insert(change.slot),
            ChangeOp::Release => side.remove(&change.slot),
        };
        holds.max_holds = holds.max_holds.max(side.len());
        let now = held[0].intersection(&held[1]).next().copied();
        // No pair ranks below any pair.
        if let Some(before) = matched
            && now.is_none_or(|now| now > before)
        {
            holds.breaches += 1;
        }
        matched = now;
        holds.pairs.push((change.at_ms, now));
    }
    holds
}

/// The matched pair at emulator time `at` (after every change at or before it).
#[must_use]
pub fn pair_at(pairs: &[(u64, Option<u16>)], at: u64) -> Option<u16> {
    let after = pairs.partition_point(|&(when, _)| when <= at);
    after.checked_sub(1).and_then(|last| pairs[last].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::ChangeReply;

    pub(crate) fn change(at_ms: u64, service: &str, op: ChangeOp, slot: u16) -> Change {
        Change {
            seq: at_ms,
            at_ms,
            service: service.to_owned(),
            user: "me".to_owned(),
            op,
            slot,
            reply: ChangeReply::Ok,
        }
    }

    use ChangeOp::{Release, Reserve};

    #[test]
    fn the_timeline_follows_the_best_matched_slot_and_an_upgrade_is_no_breach() {
        let history = [
            change(10, "hotel", Reserve, 7),
            change(20, "band", Reserve, 7),
            change(30, "hotel", Reserve, 3),
            change(40, "band", Reserve, 3),
            change(50, "hotel", Release, 7),
            change(60, "band", Release, 7),
        ];
        let holds = replay(&history, "me");
        let best: Vec<Option<u16>> = holds.pairs.iter().map(|&(_, best)| best).collect();
        assert_eq!(best, [None, Some(7), Some(7), Some(3), Some(3), Some(3)]);
        assert_eq!(holds.pairs[1].0, 20);
        assert_eq!(holds.max_holds, 2);
        assert_eq!(holds.breaches, 0);
        assert_eq!(pair_at(&holds.pairs, 5), None);
        assert_eq!(pair_at(&holds.pairs, 20), Some(7));
        assert_eq!(pair_at(&holds.pairs, 45), Some(3));
    }

    #[test]
    fn releasing_the_pair_before_the_better_one_is_held_is_a_breach() {
        // The naive script's upgrade: release everything, then rebook.
        let history = [
            change(10, "hotel", Reserve, 7),
            change(20, "band", Reserve, 7),
            change(30, "hotel", Release, 7),
            change(40, "band", Release, 7),
            change(50, "hotel", Reserve, 3),
            change(60, "band", Reserve, 3),
            change(70, "hotel", Reserve, 9),
            change(80, "band", Reserve, 9),
            change(90, "hotel", Release, 3),
        ];
        let holds = replay(&history, "me");
        // 7 -> none at 30, and 3 -> 9 at 90.
        assert_eq!(holds.breaches, 2);
        assert_eq!(pair_at(&holds.pairs, 95), Some(9));
    }
}
