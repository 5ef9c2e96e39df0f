//! The physical limits the times are held against, and the ratios.
//!
//! Cold, the least any client can do is one read and one write per service, paced: the first
//! write leaves one delay after the read, and its reply takes a round trip, so delay + RTT. Warm
//! (the free lists already known), the least is one round trip.

use crate::run::RunResult;
use crate::scenario::{Cell, Crowding, FaultPreset};
use crate::stats::{median, secs};

/// The pacing delay and the round trip of this machine, seconds.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Limits {
    /// The least gap between two requests to one service.
    pub delay: f64,
    /// The median round trip of a request on a quiet emulator.
    pub rtt: f64,
}

impl Limits {
    /// Delay + RTT.
    #[must_use]
    pub fn cold(self) -> f64 {
        self.delay + self.rtt
    }

    /// One RTT.
    #[must_use]
    pub fn warm(self) -> f64 {
        self.rtt
    }

    /// The limits with the RTT measured from the runs of the quiet cell (no faults, nobody
    /// else: a fault's latency is not the machine's). `None` without such runs.
    #[must_use]
    pub fn measure(delay: f64, results: &[RunResult]) -> Option<Limits> {
        let quiet = Cell {
            fault: FaultPreset::None,
            crowd: Crowding::Competitors(0),
        };
        let trips: Vec<f64> = results
            .iter()
            .filter(|r| r.scenario.cell == quiet)
            .flat_map(|r| r.trace.round_trips.iter().copied().map(secs))
            .collect();
        median(&trips).map(|rtt| Limits { delay, rtt })
    }
}

/// `value / limit`; `None` when either is missing or the limit is not positive.
#[must_use]
pub fn ratio(value: Option<f64>, limit: Option<f64>) -> Option<f64> {
    match (value, limit) {
        (Some(value), Some(limit)) if limit > 0.0 => Some(value / limit),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_add_one_delay_cold() {
        let limits = Limits {
            delay: 1.0,
            rtt: 0.03,
        };
        assert!((limits.cold() - 1.03).abs() < 1e-9);
        assert!((limits.warm() - 0.03).abs() < 1e-9);
    }

    #[test]
    fn ratios_need_both_figures_and_a_positive_limit() {
        assert_eq!(ratio(Some(2.06), Some(1.03)), Some(2.0));
        assert_eq!(ratio(Some(0.5), Some(2.0)), Some(0.25));
        assert_eq!(ratio(None, Some(1.0)), None);
        assert_eq!(ratio(Some(1.0), None), None);
        assert_eq!(ratio(Some(1.0), Some(0.0)), None);
    }

    #[test]
    fn without_quiet_runs_nothing_is_measured() {
        assert_eq!(Limits::measure(1.0, &[]), None);
    }

    #[test]
    fn the_rtt_is_the_median_round_trip_of_the_quiet_cell_only() {
        use crate::scenario::{ClientKind, Start};
        use crate::summary::fixtures::{MIXED_10, result_in};
        use std::time::Duration;

        let quiet = Cell {
            fault: FaultPreset::None,
            crowd: Crowding::Competitors(0),
        };
        let mut ours = result_in(
            quiet,
            Start::Cold,
            ClientKind::Ours,
            1,
            Some(1_000),
            Some(1),
        );
        ours.trace.round_trips = [10, 40, 20].map(Duration::from_millis).to_vec();
        let mut naive = result_in(quiet, Start::Warm, ClientKind::Naive, 1, Some(900), Some(1));
        naive.trace.round_trips = vec![Duration::from_millis(30)];
        // A fault's latency is not the machine's round trip.
        let mut mixed = result_in(MIXED_10, Start::Cold, ClientKind::Ours, 1, None, None);
        mixed.trace.round_trips = vec![Duration::from_secs(2); 9];
        let limits = Limits::measure(1.0, &[ours, naive, mixed]).expect("quiet runs");
        // 10, 20, 30, 40 ms: the lower middle.
        assert!((limits.rtt - 0.020).abs() < 1e-9, "{limits:?}");
        assert!((limits.cold() - 1.020).abs() < 1e-9);
    }
}
