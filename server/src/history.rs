//! The history of applied state changes (`GET /admin/history`), in the order they were applied,
//! so that a test can replay each slot as a register and check one holder at a time.
//!
//! Only applied changes are recorded (refused requests change nothing). A change whose reply
//! was then lost is recorded with `reply: "lost"`: the client saw a failure, the state moved.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::inspect::{Change, ChangeOp, ChangeReply};
use crate::service::Service;

/// Most entries kept; older ones are dropped first (a long benchmark would otherwise grow
/// without bound). `seq` keeps counting, so a gap shows that entries were dropped.
const CAPACITY: usize = 1_000_000;

/// One applied change as kept in memory: the name is shared, not copied, so that a snapshot
/// under the world's lock stays cheap. [`to_json`] turns it into the wire's [`Change`].
#[derive(Clone, Debug)]
pub(crate) struct Event {
    seq: u64,
    /// Milliseconds since the server started.
    at_ms: u64,
    service: Service,
    user: Arc<str>,
    op: ChangeOp,
    slot: u16,
    reply: ChangeReply,
}

impl Event {
    fn to_change(&self) -> Change {
        Change {
            seq: self.seq,
            at_ms: self.at_ms,
            service: self.service.name().to_owned(),
            user: self.user.to_string(),
            op: self.op,
            slot: self.slot,
            reply: self.reply,
        }
    }
}

/// The bounded log of changes.
#[derive(Debug, Default)]
pub(crate) struct History {
    events: VecDeque<Event>,
    last_seq: u64,
}

impl History {
    pub(crate) fn record(
        &mut self,
        at_ms: u64,
        service: Service,
        user: Arc<str>,
        op: ChangeOp,
        slot: u16,
        reply: ChangeReply,
    ) {
        if self.events.len() >= CAPACITY {
            self.events.pop_front();
        }
        self.last_seq += 1;
        self.events.push_back(Event {
            seq: self.last_seq,
            at_ms,
            service,
            user,
            op,
            slot,
            reply,
        });
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    pub(crate) fn clear(&mut self) {
        self.events.clear();
        self.last_seq = 0;
    }

    /// A copy of the events, cheap enough to take under the world's lock (names are `Arc`s).
    pub(crate) fn snapshot(&self) -> Vec<Event> {
        self.events.iter().cloned().collect()
    }

    /// The whole history as a JSON array.
    #[cfg(test)]
    pub(crate) fn to_json(&self) -> String {
        to_json(&self.snapshot())
    }
}

/// `events` as the wire's JSON array of [`Change`]s.
pub(crate) fn to_json(events: &[Event]) -> String {
    let changes: Vec<Change> = events.iter().map(Event::to_change).collect();
    // Serialising plain structs of strings and integers cannot fail.
    serde_json::to_string(&changes).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape() {
        let mut h = History::default();
        h.record(
            12,
            Service::Band,
            Arc::from("alice"),
            ChangeOp::Reserve,
            3,
            ChangeReply::Lost,
        );
        assert_eq!(
            h.to_json(),
            r#"[{"seq":1,"at_ms":12,"service":"band","user":"alice","op":"reserve","slot":3,"reply":"lost"}]"#
        );
        h.clear();
        h.record(
            13,
            Service::Hotel,
            Arc::from("bob"),
            ChangeOp::Release,
            4,
            ChangeReply::Ok,
        );
        assert!(h.to_json().starts_with(r#"[{"seq":1,"#));
    }
}
