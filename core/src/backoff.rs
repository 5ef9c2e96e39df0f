//! How long to wait before retrying: exponential backoff with full jitter.

use crate::rng::Rng;
use crate::time::Millis;

/// The exponent stops growing here: with the 1 s base the longest wait is 16 s, long enough to
/// ride out the services' random unavailability, short enough that the page never looks stuck.
pub(crate) const MAX_BACKOFF_EXPONENT: u32 = 4;

/// The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed: uniform in
/// `0..=base * 2^(attempt - 1)` ("full jitter"), the exponent capped by [`MAX_BACKOFF_EXPONENT`].
pub(crate) fn backoff(attempt: u32, base: Millis, rng: &mut Rng) -> Millis {
    let exponent = attempt.saturating_sub(1).min(MAX_BACKOFF_EXPONENT);
    let ceiling = base.0.saturating_mul(1 << exponent);
    Millis(rng.up_to(ceiling))
}

/// The wait before retrying: the jittered backoff, but never less than the server's `Retry-After`.
pub(crate) fn retry_wait(
    attempt: u32,
    base: Millis,
    retry_after: Option<Millis>,
    rng: &mut Rng,
) -> Millis {
    let jittered = backoff(attempt, base, rng);
    retry_after.map_or(jittered, |after| jittered.max(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps() {
        let mut rng = Rng::new(1);
        let base = Millis(1000);
        for attempt in 0..40_u32 {
            let cap = 1000 << attempt.saturating_sub(1).min(MAX_BACKOFF_EXPONENT);
            for _ in 0..50 {
                assert!(backoff(attempt, base, &mut rng).0 <= cap);
            }
        }
        // Full jitter reaches most of the range.
        let max = (0..500)
            .map(|_| backoff(3, base, &mut rng).0)
            .max()
            .unwrap_or(0);
        assert!(max > 3000, "{max}");
    }

    #[test]
    fn honours_retry_after_and_saturates() {
        let mut rng = Rng::new(2);
        for _ in 0..100 {
            let wait = retry_wait(1, Millis(10), Some(Millis(5000)), &mut rng);
            assert!(wait >= Millis(5000));
        }
    }

    #[test]
    fn a_ceiling_past_u64_saturates_instead_of_wrapping() {
        // 2^62 * 2^4 wraps to 0 in u64: a wrapping ceiling would make every wait 0.
        let mut rng = Rng::new(2);
        let base = Millis(1 << 62);
        let waits: Vec<Millis> = (0..64).map(|_| backoff(u32::MAX, base, &mut rng)).collect();
        assert!(waits.iter().any(|w| w.0 > base.0), "{waits:?}");
    }
}
