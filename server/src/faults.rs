//! Fault dice. Every request rolls the same four values from its service's seeded stream on
//! arrival, whatever the configuration, so a run with the same seed and the same arrival order
//! draws the same faults.

use std::time::Duration;

use hotelband_core::Rng;

use crate::config::{Faults, Scripted};

/// A fault that replaces processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Before {
    /// 503 with `Retry-After`.
    Unavailable,
    /// 500.
    ServerError,
}

/// How an applied change loses its reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lost {
    /// A 503, as if the change had not been made.
    Unavailable,
    /// The reply is cut off: its head goes out, its body stops short and the connection closes.
    ///
    /// Not a connection closed before any response: browsers silently re-send a request whose
    /// reused keep-alive connection closes unanswered, which would turn one lost reply into a
    /// second, unpaced write that the client never asked for.
    Dropped,
}

/// The outcome of one request's dice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dice {
    pub(crate) before: Option<Before>,
    pub(crate) latency: Duration,
    /// Only applies to a reserve or cancel that was applied.
    pub(crate) lost: Option<Lost>,
}

/// Rolls the dice for one request.
pub(crate) fn roll(faults: &Faults, rng: &mut Rng) -> Dice {
    let before_die = rng.unit();
    let (lo, hi) = faults.latency_ms;
    let latency = Duration::from_millis(rng.between(lo, hi));
    let lost_die = rng.unit();
    let dropped = rng.next_u64() & 1 == 1;
    let before = if before_die < faults.p503 {
        Some(Before::Unavailable)
    } else if before_die < faults.p503 + faults.p500 {
        Some(Before::ServerError)
    } else {
        None
    };
    let lost = (lost_die < faults.p_lost).then_some(if dropped {
        Lost::Dropped
    } else {
        Lost::Unavailable
    });
    Dice {
        before,
        latency,
        lost,
    }
}

/// The dice of a write whose fate is scripted: the script decides the fault, the dice still
/// decide the latency.
pub(crate) fn scripted(dice: Dice, fate: Scripted) -> Dice {
    let (before, lost) = match fate {
        Scripted::Ok => (None, None),
        Scripted::Unavailable => (Some(Before::Unavailable), None),
        Scripted::ServerError => (Some(Before::ServerError), None),
        Scripted::LostUnavailable => (None, Some(Lost::Unavailable)),
        Scripted::LostDropped => (None, Some(Lost::Dropped)),
    };
    Dice {
        before,
        lost,
        ..dice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_by_default() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            let d = roll(&Faults::default(), &mut rng);
            assert_eq!(d.before, None);
            assert_eq!(d.lost, None);
            assert_eq!(d.latency, Duration::ZERO);
        }
    }

    #[test]
    fn rates_follow_probabilities_and_seed_replays() {
        let faults = Faults {
            p503: 0.2,
            p500: 0.1,
            p_lost: 0.5,
            latency_ms: (10, 20),
            ..Faults::default()
        };
        let mut rng = Rng::new(42);
        let dice: Vec<Dice> = (0..10_000).map(|_| roll(&faults, &mut rng)).collect();
        let n503 = dice
            .iter()
            .filter(|d| d.before == Some(Before::Unavailable))
            .count();
        let n500 = dice
            .iter()
            .filter(|d| d.before == Some(Before::ServerError))
            .count();
        let dropped = dice
            .iter()
            .filter(|d| d.lost == Some(Lost::Dropped))
            .count();
        let lost = dice.iter().filter(|d| d.lost.is_some()).count();
        assert!((1800..2200).contains(&n503), "{n503}");
        assert!((850..1150).contains(&n500), "{n500}");
        assert!((4700..5300).contains(&lost), "{lost}");
        assert!((2200..2800).contains(&dropped), "{dropped}");
        assert!(
            dice.iter()
                .all(|d| (10..=20).contains(&d.latency.as_millis()))
        );
        let mut again = Rng::new(42);
        let replay: Vec<Dice> = (0..10_000).map(|_| roll(&faults, &mut again)).collect();
        assert_eq!(dice, replay);
    }

    #[test]
    fn a_script_overrides_the_fault_and_keeps_the_latency() {
        let rolled = Dice {
            before: Some(Before::ServerError),
            latency: Duration::from_millis(7),
            lost: None,
        };
        let cases = [
            (Scripted::Ok, None, None),
            (Scripted::Unavailable, Some(Before::Unavailable), None),
            (Scripted::ServerError, Some(Before::ServerError), None),
            (Scripted::LostUnavailable, None, Some(Lost::Unavailable)),
            (Scripted::LostDropped, None, Some(Lost::Dropped)),
        ];
        for (fate, before, lost) in cases {
            let dice = scripted(rolled, fate);
            assert_eq!((dice.before, dice.lost), (before, lost), "{fate:?}");
            assert_eq!(dice.latency, rolled.latency, "{fate:?}");
        }
    }

    #[test]
    fn certain_faults() {
        let mut rng = Rng::new(3);
        let all = Faults {
            p503: 1.0,
            p_lost: 1.0,
            ..Faults::default()
        };
        for _ in 0..100 {
            let d = roll(&all, &mut rng);
            assert_eq!(d.before, Some(Before::Unavailable));
            assert!(d.lost.is_some());
        }
    }
}
