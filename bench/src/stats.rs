//! Order statistics over a handful of runs.

use std::time::Duration;

/// The nearest-rank `q`-quantile (`q` in 0..=1) of `values`; `None` when empty.
///
/// Nearest-rank keeps every reported figure an observed value, which is honest with the few
/// runs a cell has: the p95 of 6 runs is simply the worst one.
#[must_use]
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The nearest-rank median (the lower middle for an even count).
#[must_use]
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// The nearest-rank 95th percentile: with fewer than 20 values, the largest.
#[must_use]
pub fn p95(values: &[f64]) -> Option<f64> {
    quantile(values, 0.95)
}

/// Seconds as a float, for the statistics.
#[must_use]
pub fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_picks_observed_values() {
        let values = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(median(&values), Some(3.0));
        assert_eq!(p95(&values), Some(5.0));
        assert_eq!(quantile(&values, 0.0), Some(1.0));
        assert_eq!(quantile(&values, 0.2), Some(1.0));
        assert_eq!(quantile(&values, 0.21), Some(2.0));
    }

    #[test]
    fn even_counts_take_the_lower_middle() {
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.0));
    }

    #[test]
    fn empty_has_no_quantile() {
        assert_eq!(median(&[]), None);
    }
}
