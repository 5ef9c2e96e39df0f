//! The history of applied state changes (`GET /admin/history`), in the order they were applied,
//! so that a test can replay each slot as a register and check one holder at a time.
//!
//! Only applied changes are recorded (refused requests change nothing). A change whose reply
//! was then lost is recorded with `reply: "lost"`: the client saw a failure, the state moved.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

use crate::state::Service;

/// Most entries kept; older ones are dropped first (a long benchmark would otherwise grow
/// without bound). `seq` keeps counting, so a gap shows that entries were dropped.
const CAPACITY: usize = 1_000_000;

/// What a change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Op {
    /// The slot went from free to the user.
    Reserve,
    /// The slot went from the user to free.
    Release,
}

/// What the client was told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Reply {
    /// 200 (or, for the crowd, nothing to tell).
    Ok,
    /// The change was applied, then the client got a 503 or a reply cut off mid-body.
    Lost,
}

/// One applied change.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Event {
    pub(crate) seq: u64,
    /// Milliseconds since the server started.
    pub(crate) at_ms: u64,
    pub(crate) service: &'static str,
    pub(crate) user: Arc<str>,
    pub(crate) op: Op,
    pub(crate) slot: u16,
    pub(crate) reply: Reply,
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
        op: Op,
        slot: u16,
        reply: Reply,
    ) {
        if self.events.len() >= CAPACITY {
            self.events.pop_front();
        }
        self.last_seq += 1;
        self.events.push_back(Event {
            seq: self.last_seq,
            at_ms,
            service: service.name(),
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

/// `events` as a JSON array.
pub(crate) fn to_json(events: &[Event]) -> String {
    // Serialising plain structs of strings and integers cannot fail.
    serde_json::to_string(events).unwrap_or_else(|_| "[]".to_owned())
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
            Op::Reserve,
            3,
            Reply::Lost,
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
            Op::Release,
            4,
            Reply::Ok,
        );
        assert!(h.to_json().starts_with(r#"[{"seq":1,"#));
    }
}
