//! What the page remembers, per account, about its holds across a reload: the slots it last
//! knew it held or was reserving. A reload that finds any tells the core to read the holds
//! first ([`hotelband_core::Session::expect_holds`]), so a held pair resumes in one round trip.
//! Pure code, so it is tested natively.

use hotelband_core::{Op, ServiceView, Slot};

/// The slots to remember for one service, given what was remembered `before`: the confirmed
/// holds when they are known (else `before` and whatever is seen), plus every reserve queued or
/// in flight, since a reload may come before its reply and the write may still land.
pub(crate) fn to_remember(service: &ServiceView, before: &[u16]) -> Vec<u16> {
    let mut slots: Vec<Slot> = service.holds.clone();
    if !service.holds_known {
        slots.extend(before.iter().filter_map(|&n| Slot::new(n)));
    }
    slots.extend(service.pending.iter().filter_map(|op| match op {
        Op::Reserve(slot) => Some(*slot),
        _ => None,
    }));
    slots.sort_unstable();
    slots.dedup();
    slots.into_iter().map(Slot::get).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u16) -> Slot {
        Slot::new(n).unwrap()
    }

    #[test]
    fn confirmed_holds_replace_what_was_remembered() {
        let view = ServiceView {
            holds: vec![s(3)],
            holds_known: true,
            ..ServiceView::default()
        };
        assert_eq!(to_remember(&view, &[7, 9]), [3]);
        let empty = ServiceView {
            holds_known: true,
            ..ServiceView::default()
        };
        assert!(to_remember(&empty, &[7]).is_empty(), "known empty: forget");
    }

    #[test]
    fn unconfirmed_holds_keep_what_was_remembered() {
        let cold = ServiceView::default();
        assert_eq!(to_remember(&cold, &[7]), [7]);
    }

    #[test]
    fn a_reserve_under_way_is_remembered_until_the_holds_say_otherwise() {
        let view = ServiceView {
            holds: vec![s(5)],
            holds_known: true,
            pending: vec![Op::Available, Op::Reserve(s(2)), Op::Cancel(s(5))],
            ..ServiceView::default()
        };
        assert_eq!(to_remember(&view, &[]), [2, 5]);
    }
}
