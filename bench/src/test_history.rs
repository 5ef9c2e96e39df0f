//! Admin histories written by hand for the unit tests of the judges (the oracle, the
//! openings): one applied change at a time.

use crate::admin::{Change, ChangeOp, ChangeReply};

/// `user`'s `op` on `slot` at `service`, applied at `at_ms` (its sequence number too, so a
/// history written in time order is in sequence order).
pub(crate) fn change(at_ms: u64, service: &str, user: &str, op: ChangeOp, slot: u16) -> Change {
    Change {
        seq: at_ms,
        at_ms,
        service: service.to_owned(),
        user: user.to_owned(),
        op,
        slot,
        reply: ChangeReply::Ok,
    }
}
