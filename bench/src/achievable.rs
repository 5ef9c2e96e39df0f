//! The best slot a client could have had, judged from the emulator's history.
//!
//! A slot counts as *achievable* when, during the run, it was free to the client at both
//! services at once for at least `min_free` without a break. "Free to the client" means held
//! by nobody else: a slot the client holds itself is free to it. `min_free` is what a client
//! needs to use the opening at all: see the free list, then land a reserve one paced request
//! later. The benchmark uses 2 x delay (the lower bound), so a slot that flickers free for a
//! few milliseconds between two crowd members is not held against the client.

use std::collections::HashMap;

use crate::admin::{Change, ChangeOp};

/// A half-open interval `[from, to)` of emulator milliseconds.
pub(crate) type Interval = (u64, u64);

/// Per (service, slot): when someone other than the client held it, in order.
pub(crate) type Busy<'a> = HashMap<(&'a str, u16), Vec<Interval>>;

/// The smallest slot in `1..=slots` that was free to `client` at both services for at least
/// `min_free` ms without a break inside `[from, to)` (emulator milliseconds).
#[must_use]
pub fn best_achievable(
    changes: &[Change],
    client: &str,
    slots: u16,
    (from, to): Interval,
    min_free: u64,
) -> Option<u16> {
    let busy = busy_intervals(changes, client);
    (1..=slots).find(|&slot| {
        free_at_both(&busy, slot, (from, to))
            .iter()
            .any(|(start, end)| end - start >= min_free.max(1))
    })
}

/// When `slot` was free to the client at both services at once inside `span`, in order.
pub(crate) fn free_at_both(busy: &Busy<'_>, slot: u16, span: Interval) -> Vec<Interval> {
    let empty = Vec::new();
    let [hotel, band] = ["hotel", "band"]
        .map(|service| free_within(busy.get(&(service, slot)).unwrap_or(&empty), span));
    intersect(&hotel, &band)
}

/// Per (service, slot): when someone other than `client` held it, in order.
pub(crate) fn busy_intervals<'a>(changes: &'a [Change], client: &str) -> Busy<'a> {
    let mut busy: Busy<'a> = HashMap::new();
    let mut since: HashMap<(&str, u16), u64> = HashMap::new();
    for change in changes.iter().filter(|change| change.user != client) {
        let key = (change.service.as_str(), change.slot);
        match change.op {
            ChangeOp::Reserve => {
                since.insert(key, change.at_ms);
            }
            ChangeOp::Release => {
                // A release without a recorded reserve means the history was truncated at
                // the front: the slot was held from the beginning.
                let start = since.remove(&key).unwrap_or(0);
                busy.entry(key).or_default().push((start, change.at_ms));
            }
        }
    }
    for (key, start) in since {
        busy.entry(key).or_default().push((start, u64::MAX));
    }
    for intervals in busy.values_mut() {
        intervals.sort_unstable();
    }
    busy
}

/// The complement of sorted `busy` intervals inside `span`.
fn free_within(busy: &[Interval], (from, to): Interval) -> Vec<Interval> {
    let mut free = Vec::new();
    let mut cursor = from;
    for &(start, end) in busy {
        if start > cursor {
            free.push((cursor, start.min(to)));
        }
        cursor = cursor.max(end);
        if cursor >= to {
            break;
        }
    }
    if cursor < to {
        free.push((cursor, to));
    }
    free.retain(|(start, end)| end > start);
    free
}

/// The stretches covered by both sorted, disjoint interval lists, in order.
fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let (mut i, mut j, mut both) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let start = a[i].0.max(b[j].0);
        let end = a[i].1.min(b[j].1);
        if end > start {
            both.push((start, end));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    both
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: u64, at_ms: u64, service: &str, user: &str, op: ChangeOp, slot: u16) -> Change {
        Change {
            seq,
            at_ms,
            service: service.to_owned(),
            user: user.to_owned(),
            op,
            slot,
            reply: crate::admin::ChangeReply::Ok,
        }
    }

    use ChangeOp::{Release, Reserve};

    #[test]
    fn nothing_happening_makes_slot_1_achievable() {
        assert_eq!(best_achievable(&[], "me", 20, (0, 10_000), 2_000), Some(1));
    }

    #[test]
    fn a_slot_busy_at_one_service_all_along_is_not_achievable() {
        let changes = [
            change(1, 0, "hotel", "crowd-hotel-0", Reserve, 1),
            change(2, 0, "band", "crowd-band-0", Reserve, 2),
        ];
        assert_eq!(
            best_achievable(&changes, "me", 20, (0, 10_000), 2_000),
            Some(3)
        );
    }

    #[test]
    fn openings_must_overlap_at_both_services_for_long_enough() {
        // Slot 1: free at the hotel over [3 s, 4 s) and at the band over [3.5 s, 10 s):
        // they overlap for 0.5 s only. Slot 2: free at both over [5 s, 8 s).
        let changes = [
            change(1, 0, "hotel", "h", Reserve, 1),
            change(2, 0, "band", "b", Reserve, 1),
            change(3, 0, "hotel", "h", Reserve, 2),
            change(4, 0, "band", "b", Reserve, 2),
            change(5, 3_000, "hotel", "h", Release, 1),
            change(6, 3_500, "band", "b", Release, 1),
            change(7, 4_000, "hotel", "x", Reserve, 1),
            change(8, 5_000, "hotel", "h", Release, 2),
            change(9, 5_000, "band", "b", Release, 2),
            change(10, 8_000, "band", "y", Reserve, 2),
        ];
        assert_eq!(
            best_achievable(&changes, "me", 20, (0, 10_000), 2_000),
            Some(2)
        );
        assert_eq!(
            best_achievable(&changes, "me", 20, (0, 10_000), 400),
            Some(1)
        );
        // Outside the run's span the opening does not count.
        assert_eq!(best_achievable(&changes, "me", 2, (0, 6_000), 2_000), None);
    }

    #[test]
    fn the_clients_own_holds_keep_a_slot_free_to_it() {
        let changes = [
            change(1, 100, "hotel", "me", Reserve, 1),
            change(2, 100, "band", "me", Reserve, 1),
        ];
        assert_eq!(
            best_achievable(&changes, "me", 20, (0, 10_000), 2_000),
            Some(1)
        );
    }

    #[test]
    fn the_slot_count_bounds_the_search() {
        let changes: Vec<Change> = (1..=3)
            .map(|slot| change(u64::from(slot), 0, "hotel", "c", Reserve, slot))
            .collect();
        assert_eq!(best_achievable(&changes, "me", 3, (0, 10_000), 2_000), None);
        assert_eq!(
            best_achievable(&changes, "me", 4, (0, 10_000), 2_000),
            Some(4)
        );
    }

    #[test]
    fn intersect_keeps_only_common_stretches() {
        assert_eq!(
            intersect(&[(0, 10), (20, 30)], &[(5, 25), (28, 40)]),
            vec![(5, 10), (20, 25), (28, 30)]
        );
        assert_eq!(intersect(&[(0, 10)], &[(10, 20)]), vec![]);
    }

    #[test]
    fn free_within_clips_to_the_span() {
        assert_eq!(
            free_within(&[(0, 10), (20, 30), (25, 40)], (5, 50)),
            vec![(10, 20), (40, 50)]
        );
        assert_eq!(free_within(&[(0, u64::MAX)], (5, 50)), vec![]);
        assert_eq!(free_within(&[], (5, 50)), vec![(5, 50)]);
    }
}
