//! The one-request-per-interval rule, measured on arrival, per user and service, before any
//! injected latency (so the emulator's own delay never makes a client look too fast).
//!
//! A request that arrives less than `min_interval - tolerance` after the previous *served*
//! request of the same user at the same service is a violation. With `enforce` it gets 429 and
//! does not reset the clock (a client hammering through 429s is not pushed further back than
//! its last served request); without `enforce` it is served, counted, and resets the clock.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::Pacing;

/// What the pacer says about one arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// In time; serve it.
    Paced,
    /// Too early by `wait`.
    TooEarly {
        /// Time left until `min_interval` after the previous served request.
        wait: Duration,
    },
}

/// Judges an arrival at `now` after the previous served arrival `last`. A clock that seems to
/// go backwards counts as no time elapsed.
pub(crate) fn judge(pacing: &Pacing, last: Option<Instant>, now: Instant) -> Verdict {
    let Some(last) = last else {
        return Verdict::Paced;
    };
    let elapsed = now.saturating_duration_since(last);
    if elapsed + pacing.tolerance >= pacing.min_interval {
        Verdict::Paced
    } else {
        Verdict::TooEarly {
            wait: pacing.min_interval - elapsed,
        }
    }
}

/// `Retry-After` in whole seconds, rounded up, at least 1 (the header has no fractions).
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_with_tolerance() {
        let pacing = Pacing::default();
        let t0 = Instant::now();
        assert_eq!(judge(&pacing, None, t0), Verdict::Paced);
        let at = |ms| t0 + Duration::from_millis(ms);
        assert_eq!(judge(&pacing, Some(t0), at(1000)), Verdict::Paced);
        assert_eq!(judge(&pacing, Some(t0), at(950)), Verdict::Paced);
        assert_eq!(
            judge(&pacing, Some(t0), at(100)),
            Verdict::TooEarly {
                wait: Duration::from_millis(900)
            }
        );
        // Backwards clock: no time elapsed, never a panic.
        assert!(matches!(
            judge(&pacing, Some(at(500)), t0),
            Verdict::TooEarly { .. }
        ));
        let off = Pacing {
            min_interval: Duration::ZERO,
            ..pacing
        };
        assert_eq!(judge(&off, Some(t0), t0), Verdict::Paced);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(900)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
