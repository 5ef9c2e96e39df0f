//! How sure we are of our holds at one service: never read, assumed on a cold start, confirmed,
//! or in doubt because a write ended ambiguously and may still reach the server.

use std::collections::BTreeSet;

use crate::api::Slot;
use crate::time::Millis;

/// How sure we are of our holds at one service (the list itself lives in the lane).
///
/// A 5xx'd write is a different doubt (the server answered, so nothing lands later) and is
/// kept beside this, in the lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HoldsKnowledge {
    /// Never read, or something made our view stale (a refusal, a stop): read them before
    /// choosing, reserving or releasing.
    Unknown,
    /// Not read, but nothing suggests we hold more than our own replies said (a cold start):
    /// the planner may choose and reserve, never release, and reads them soon.
    Assumed,
    /// A holds read confirmed them and nothing ambiguous happened since.
    Known,
    /// Writes on `slots` ended ambiguously: their requests may still reach the server until
    /// `until`, when the holds are read again. Meanwhile a 409 on those slots may mean "yours"
    /// and they are not chosen for a new pair. `read`: the holds were read since the last
    /// ambiguous write (but that read left before `until`, so it does not settle the doubt).
    Doubtful {
        slots: BTreeSet<Slot>,
        until: Millis,
        read: bool,
    },
}

impl HoldsKnowledge {
    /// Whether a holds read confirmed them and nothing ambiguous happened since that read.
    pub(crate) fn is_confirmed(&self) -> bool {
        matches!(
            self,
            HoldsKnowledge::Known | HoldsKnowledge::Doubtful { read: true, .. }
        )
    }

    /// Whether the planner may choose and reserve: confirmed, or assumed on a cold start.
    pub(crate) fn may_act(&self) -> bool {
        self.is_confirmed() || *self == HoldsKnowledge::Assumed
    }

    /// Whether nothing is in doubt: confirmed and no write that may still land.
    pub(crate) fn is_settled(&self) -> bool {
        *self == HoldsKnowledge::Known
    }

    /// When a write in doubt can no longer land: the holds are read again then.
    pub(crate) fn due(&self) -> Option<Millis> {
        match self {
            HoldsKnowledge::Doubtful { until, .. } => Some(*until),
            _ => None,
        }
    }

    /// Whether a write on `slot` ended ambiguously and may still land.
    pub(crate) fn is_doubtful(&self, slot: Slot) -> bool {
        self.doubtful_slots().any(|doubtful| doubtful == slot)
    }

    /// The slots of the writes that may still land, ascending.
    pub(crate) fn doubtful_slots(&self) -> impl Iterator<Item = Slot> + '_ {
        let slots = match self {
            HoldsKnowledge::Doubtful { slots, .. } => Some(slots),
            _ => None,
        };
        slots.into_iter().flatten().copied()
    }

    /// Our view is stale: the holds must be read again (a doubt stays until it is settled).
    pub(crate) fn forget(&mut self) {
        match self {
            HoldsKnowledge::Doubtful { read, .. } => *read = false,
            _ => *self = HoldsKnowledge::Unknown,
        }
    }

    /// A write on `slot` (if it has one) ended ambiguously and may land until `until`.
    pub(crate) fn write_in_doubt(&mut self, slot: Option<Slot>, until: Millis) {
        let mut slots = match std::mem::replace(self, HoldsKnowledge::Unknown) {
            HoldsKnowledge::Doubtful { slots, .. } => slots,
            _ => BTreeSet::new(),
        };
        slots.extend(slot);
        *self = HoldsKnowledge::Doubtful {
            slots,
            until,
            read: false,
        };
    }

    /// A holds read sent at `sent_at` arrived: confirmed, and settled if it left once no write
    /// in doubt could still land.
    pub(crate) fn learnt(&mut self, sent_at: Millis) {
        match self {
            HoldsKnowledge::Doubtful { until, read, .. } if sent_at < *until => *read = true,
            _ => *self = HoldsKnowledge::Known,
        }
    }

    /// Auto-pair starts on holds not confirmed recently: read them before acting if we may
    /// hold something unseen (`may_hold`) or a write is in doubt; otherwise assume a cold start.
    pub(crate) fn restart(&mut self, may_hold: bool) {
        match self {
            HoldsKnowledge::Doubtful { read, .. } => *read = false,
            _ if may_hold => *self = HoldsKnowledge::Unknown,
            _ => *self = HoldsKnowledge::Assumed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(n: u16) -> Slot {
        Slot::new(n).expect("non-zero")
    }

    #[test]
    fn a_cold_start_may_act_but_a_stale_view_may_not() {
        let mut holds = HoldsKnowledge::Unknown;
        assert!(!holds.may_act());
        holds.restart(false);
        assert_eq!(holds, HoldsKnowledge::Assumed);
        assert!(holds.may_act() && !holds.is_confirmed() && !holds.is_settled());
        holds.forget();
        assert_eq!(holds, HoldsKnowledge::Unknown);
        holds.restart(true);
        assert_eq!(
            holds,
            HoldsKnowledge::Unknown,
            "a hint of holds: read first"
        );
        holds.learnt(Millis(5));
        assert!(holds.is_settled() && holds.may_act());
    }

    #[test]
    fn a_read_settles_a_doubt_only_once_the_write_can_no_longer_land() {
        let mut holds = HoldsKnowledge::Known;
        holds.write_in_doubt(Some(slot(4)), Millis(10_000));
        assert!(!holds.may_act() && holds.is_doubtful(slot(4)) && !holds.is_doubtful(slot(5)));
        assert_eq!(holds.due(), Some(Millis(10_000)));
        holds.learnt(Millis(9_999));
        assert!(holds.is_confirmed() && holds.may_act(), "read: act on it");
        assert!(!holds.is_settled(), "the write may still land");
        assert_eq!(holds.due(), Some(Millis(10_000)));
        holds.forget();
        assert!(
            !holds.is_confirmed() && holds.is_doubtful(slot(4)),
            "a doubt survives"
        );
        holds.learnt(Millis(10_000));
        assert_eq!(holds, HoldsKnowledge::Known);
        assert_eq!(holds.due(), None);
        assert_eq!(holds.doubtful_slots().count(), 0);
    }

    #[test]
    fn doubts_accumulate_and_the_latest_write_sets_the_time() {
        let mut holds = HoldsKnowledge::Assumed;
        holds.write_in_doubt(Some(slot(7)), Millis(10_000));
        holds.learnt(Millis(2_000));
        holds.write_in_doubt(Some(slot(3)), Millis(12_000));
        assert!(!holds.is_confirmed(), "a new doubt unconfirms the read");
        assert_eq!(
            holds.doubtful_slots().collect::<Vec<_>>(),
            [slot(3), slot(7)]
        );
        assert_eq!(holds.due(), Some(Millis(12_000)));
        holds.restart(false);
        assert!(!holds.may_act(), "a doubt is never assumed away");
        holds.learnt(Millis(11_000));
        assert!(holds.is_confirmed() && !holds.is_settled());
    }
}
