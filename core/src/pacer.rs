//! Spacing of requests to one service: the rule is at most one request per `delay`, and none
//! before a time the shell names (another driver's last request, see `handover.rs`).

use crate::time::Millis;

/// Remembers the last send to one service and says when the next one may go.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pacer {
    last_send: Option<Millis>,
    /// Nothing is sent before this, whatever `last_send` says.
    not_before: Millis,
}

impl Pacer {
    /// `None` when a request may be sent at `now`, else the earliest time it may.
    pub(crate) fn delay(&self, now: Millis, delay: Millis) -> Option<Millis> {
        let ready = self.ready_at(delay);
        (ready > now).then_some(ready)
    }

    /// The earliest time the next request may be sent (zero before the first, unless told
    /// otherwise by [`Pacer::not_before`]).
    pub(crate) fn ready_at(&self, delay: Millis) -> Millis {
        self.last_send
            .map_or(Millis::ZERO, |last| last.saturating_add(delay))
            .max(self.not_before)
    }

    /// Sends nothing before `at` (the latest such time wins).
    pub(crate) fn not_before(&mut self, at: Millis) {
        self.not_before = self.not_before.max(at);
    }

    /// Records a send at `now`.
    pub(crate) fn on_send(&mut self, now: Millis) {
        self.last_send = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_sends_by_delay() {
        let delay = Millis(1000);
        let mut pacer = Pacer::default();
        assert_eq!(pacer.delay(Millis(0), delay), None);
        pacer.on_send(Millis(0));
        assert_eq!(pacer.delay(Millis(1), delay), Some(Millis(1000)));
        assert_eq!(pacer.delay(Millis(999), delay), Some(Millis(1000)));
        assert_eq!(pacer.delay(Millis(1000), delay), None);
        pacer.on_send(Millis(1500));
        assert_eq!(pacer.delay(Millis(2000), delay), Some(Millis(2500)));
    }

    #[test]
    fn an_earliest_time_holds_back_the_first_send_and_then_lapses() {
        let delay = Millis(1000);
        let mut pacer = Pacer::default();
        pacer.not_before(Millis(1300));
        pacer.not_before(Millis(700)); // an earlier one does not undo it
        assert_eq!(pacer.delay(Millis(0), delay), Some(Millis(1300)));
        assert_eq!(pacer.delay(Millis(1300), delay), None);
        pacer.on_send(Millis(1300));
        assert_eq!(pacer.delay(Millis(1400), delay), Some(Millis(2300)));
    }

    #[test]
    fn a_clock_going_backwards_or_saturating_does_not_panic() {
        let mut pacer = Pacer::default();
        pacer.on_send(Millis(u64::MAX - 1));
        assert_eq!(pacer.ready_at(Millis(1000)), Millis(u64::MAX));
        assert_eq!(pacer.delay(Millis(5), Millis(1000)), Some(Millis(u64::MAX)));
    }
}
