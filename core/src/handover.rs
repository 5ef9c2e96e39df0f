//! Taking over from another driver of the same account (the page before a reload, another tab):
//! its last request may have reached a service only just now, so the new session sends nothing
//! before that request's time plus the delay, and a margin for its network jitter.

use crate::api::Service;
use crate::session::Session;
use crate::time::Millis;

/// The previous driver's last send is known only from when it left (a wall-clock time in
/// storage), not from when it arrived: its request may have been slower on the wire than ours.
/// This much more covers that jitter.
pub const HANDOVER_MARGIN: Millis = Millis(300);

impl Session {
    /// This session takes over the account from another driver whose last request to either
    /// service went out `since_last_send` ago (`None`: none did): both services wait until
    /// `delay + HANDOVER_MARGIN` after that send before the first request here.
    pub fn handover(&mut self, now: Millis, since_last_send: Option<Millis>) {
        let Some(since) = since_last_send else {
            return;
        };
        let wait = self
            .config()
            .delay
            .saturating_add(HANDOVER_MARGIN)
            .saturating_sub(since);
        for service in Service::ALL {
            self.not_before(service, now.saturating_add(wait));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// Requests the session hands out at `now`.
    fn sends(session: &mut Session, now: Millis) -> usize {
        std::iter::from_fn(|| session.poll_request(now)).count()
    }

    #[test]
    fn the_first_requests_wait_out_the_previous_drivers_delay_and_margin() {
        let start = Millis(50_000);
        let mut session = Session::new(start, Config::default());
        // The other tab sent 400 ms ago: 1000 + 300 - 400 = 900 ms to go.
        session.handover(start, Some(Millis(400)));
        session.refresh(start);
        let due = start.saturating_add(Millis(900));
        assert_eq!(sends(&mut session, start), 0);
        assert_eq!(session.poll_timeout(), Some(due));
        assert_eq!(sends(&mut session, Millis(due.0 - 1)), 0);
        assert_eq!(sends(&mut session, due), 2, "one read per service");
    }

    #[test]
    fn an_old_or_absent_last_send_costs_nothing() {
        for since in [None, Some(Millis(1300)), Some(Millis(60_000))] {
            let mut session = Session::new(Millis(5000), Config::default());
            session.handover(Millis(5000), since);
            session.refresh(Millis(5000));
            assert_eq!(sends(&mut session, Millis(5000)), 2, "{since:?}");
        }
    }

    #[test]
    fn the_wait_follows_the_configured_delay() {
        let config = Config {
            delay: Millis(2500),
            ..Config::default()
        };
        let mut session = Session::new(Millis(0), config);
        session.handover(Millis(0), Some(Millis(0)));
        session.start(Millis(0));
        assert_eq!(sends(&mut session, Millis(2799)), 0);
        assert!(sends(&mut session, Millis(2800)) > 0);
    }
}
