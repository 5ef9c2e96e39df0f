//! Figures per cell and client, from the runs' results.

use std::time::Duration;

use crate::openings::Openings;
use crate::oracle::Yardstick;
use crate::run::RunResult;
use crate::scenario::{Cell, ClientKind, Start};
use crate::stats::{median, p95, secs};

/// One cell of the matrix for one client. Times, slots, openings and rates are the cold runs
/// (warm runs give only their time to first pair); safety counts are over both.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The cell.
    pub cell: Cell,
    /// The client.
    pub client: ClientKind,
    /// Cold runs in the cell.
    pub runs: usize,
    /// Warm runs in the cell.
    pub warm_runs: usize,
    /// Runs ending with one slot held at both services.
    pub paired_at_end: usize,
    /// Runs where some slot was achievable.
    pub achievable: usize,
    /// Runs where some slot was achievable and the run ended with a matched pair.
    pub paired_when_achievable: usize,
    /// Time to first pair, cold, seconds: median and p95 over the runs that paired.
    pub first_pair: Option<(f64, f64)>,
    /// Runs that held a pair at some point.
    pub ever_paired: usize,
    /// Time to first pair, warm (from Start), seconds: median and p95.
    pub warm_first_pair: Option<(f64, f64)>,
    /// Warm runs that paired.
    pub warm_paired: usize,
    /// Requests from Start to the first pair, median (cold).
    pub requests_to_pair: Option<f64>,
    /// Time to the best achievable slot, seconds, median over the runs that got there.
    pub to_best: Option<f64>,
    /// Runs that held the best achievable slot at some point.
    pub reached_best: usize,
    /// Requests sent, median.
    pub requests: Option<f64>,
    /// Requests per minute (both services), median.
    pub requests_per_minute: Option<f64>,
    /// Final slot: median, best, worst (over runs ending with a pair).
    pub final_slot: Option<(f64, u16, u16)>,
    /// Final slot, mean over runs ending with a pair.
    pub mean_final_slot: Option<f64>,
    /// Best achievable slot, median over runs with one.
    pub achievable_slot: Option<f64>,
    /// Runs ending on a slot at least as good as the best achievable.
    pub final_at_best: usize,
    /// Openings offered and held in time, summed.
    pub openings: Openings,
    /// Those openings against the best possible client's, summed.
    pub yardstick: Yardstick,
    /// Orphan holds at the end, summed over runs.
    pub orphans: usize,
    /// Runs ending with any orphan.
    pub runs_with_orphans: usize,
    /// Holds at the end besides the matched pair, summed.
    pub extra_holds: usize,
    /// Pacing violations, summed.
    pub violations: u64,
    /// Times a pair was given up before a better one was held, summed.
    pub breaches: usize,
    /// The most holds at one service at once, any run.
    pub max_holds: usize,
    /// Lost replies met, summed.
    pub lost_replies: u64,
    /// Runs abandoned still busy after the grace period.
    pub unsettled: usize,
    /// The shortest gap between two sends to one service, any run, as the client saw it.
    pub min_send_gap: Option<Duration>,
    /// The longest wait from deciding a request to its task starting, any run.
    pub max_dispatch_lag: Duration,
}

impl Summary {
    /// Summarizes the runs of `client` in `cell`.
    #[must_use]
    pub fn of(results: &[RunResult], cell: Cell, client: ClientKind) -> Summary {
        let all: Vec<&RunResult> = results
            .iter()
            .filter(|r| r.client == client && r.scenario.cell == cell)
            .collect();
        let (runs, warm): (Vec<&RunResult>, Vec<&RunResult>) =
            all.iter().partition(|r| r.scenario.start == Start::Cold);
        let seconds = |runs: &[&RunResult], pick: fn(&RunResult) -> Option<Duration>| {
            runs.iter()
                .filter_map(|r| pick(r))
                .map(secs)
                .collect::<Vec<f64>>()
        };
        let first = seconds(&runs, |r| r.first_pair);
        let warm_first = seconds(&warm, |r| r.first_pair);
        let to_best = seconds(&runs, |r| r.time_to_best);
        let requests: Vec<f64> = runs.iter().map(|r| f64::from(r.requests)).collect();
        let per_minute: Vec<f64> = runs.iter().map(|r| r.requests_per_minute).collect();
        let to_pair: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.requests_to_pair)
            .map(|n| n as f64)
            .collect();
        let finals: Vec<u16> = runs.iter().filter_map(|r| r.final_slot).collect();
        let finals_f: Vec<f64> = finals.iter().map(|&s| f64::from(s)).collect();
        let achievable: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.best_achievable)
            .map(f64::from)
            .collect();
        Summary {
            cell,
            client,
            runs: runs.len(),
            warm_runs: warm.len(),
            paired_at_end: runs.iter().filter(|r| r.final_slot.is_some()).count(),
            achievable: achievable.len(),
            paired_when_achievable: runs
                .iter()
                .filter(|r| r.best_achievable.is_some() && r.final_slot.is_some())
                .count(),
            first_pair: median(&first).zip(p95(&first)),
            ever_paired: first.len(),
            warm_first_pair: median(&warm_first).zip(p95(&warm_first)),
            warm_paired: warm_first.len(),
            requests_to_pair: median(&to_pair),
            to_best: median(&to_best),
            reached_best: to_best.len(),
            requests: median(&requests),
            requests_per_minute: median(&per_minute),
            final_slot: median(&finals_f).map(|m| {
                let best = finals.iter().copied().min().unwrap_or_default();
                let worst = finals.iter().copied().max().unwrap_or_default();
                (m, best, worst)
            }),
            mean_final_slot: mean(&finals_f),
            achievable_slot: median(&achievable),
            final_at_best: runs
                .iter()
                .filter(|r| match (r.final_slot, r.best_achievable) {
                    (Some(end), Some(best)) => end <= best,
                    _ => false,
                })
                .count(),
            openings: runs
                .iter()
                .fold(Openings::default(), |sum, r| sum.plus(r.openings)),
            yardstick: runs
                .iter()
                .fold(Yardstick::default(), |sum, r| sum.plus(r.yardstick)),
            orphans: all.iter().map(|r| r.orphans).sum(),
            runs_with_orphans: all.iter().filter(|r| r.orphans > 0).count(),
            extra_holds: all.iter().map(|r| r.extra_holds).sum(),
            violations: all.iter().map(|r| r.violations).sum(),
            breaches: all.iter().map(|r| r.breaches).sum(),
            max_holds: all.iter().map(|r| r.max_holds).max().unwrap_or_default(),
            lost_replies: all.iter().map(|r| r.lost_replies).sum(),
            unsettled: all.iter().filter(|r| !r.settled).count(),
            min_send_gap: all.iter().filter_map(|r| r.trace.min_send_gap).min(),
            max_dispatch_lag: all
                .iter()
                .map(|r| r.trace.max_dispatch_lag)
                .max()
                .unwrap_or_default(),
        }
    }
}

/// The arithmetic mean; `None` when empty.
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Ours against the naive script in the same seeded scenarios of one cell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Duel {
    /// Scenarios where ours ended on a better slot (or on a pair where naive had none).
    pub ours_better: usize,
    /// Same final slot (or neither paired).
    pub same: usize,
    /// Scenarios where ours ended worse: their seeds.
    pub ours_worse: Vec<u64>,
}

impl Duel {
    /// Compares the final slots of ours and naive seed by seed in the cell (cold runs).
    #[must_use]
    pub fn of(results: &[RunResult], cell: Cell) -> Duel {
        let mut duel = Duel::default();
        let in_cell = |client| {
            results.iter().filter(move |r: &&RunResult| {
                r.client == client && r.scenario.cell == cell && r.scenario.start == Start::Cold
            })
        };
        for ours in in_cell(ClientKind::Ours) {
            let Some(naive) = in_cell(ClientKind::Naive).find(|r| r.scenario == ours.scenario)
            else {
                continue;
            };
            // No pair ranks below any pair.
            let rank = |slot: Option<u16>| slot.unwrap_or(u16::MAX);
            match rank(ours.final_slot).cmp(&rank(naive.final_slot)) {
                std::cmp::Ordering::Less => duel.ours_better += 1,
                std::cmp::Ordering::Equal => duel.same += 1,
                std::cmp::Ordering::Greater => duel.ours_worse.push(ours.scenario.seed),
            }
        }
        duel
    }
}

/// Hand-built results for the unit tests of the figures.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::scenario::{Crowding, FaultPreset, Scenario};
    use crate::trace::Trace;

    pub(crate) const MIXED_10: Cell = Cell {
        fault: FaultPreset::Mixed,
        crowd: Crowding::Competitors(10),
    };

    /// A cold run in [`MIXED_10`].
    pub(crate) fn result(
        client: ClientKind,
        seed: u64,
        first: Option<u64>,
        end: Option<u16>,
    ) -> RunResult {
        result_in(MIXED_10, Start::Cold, client, seed, first, end)
    }

    pub(crate) fn result_in(
        cell: Cell,
        start: Start,
        client: ClientKind,
        seed: u64,
        first: Option<u64>,
        end: Option<u16>,
    ) -> RunResult {
        RunResult {
            client,
            scenario: Scenario { cell, start, seed },
            first_pair: first.map(Duration::from_millis),
            best_achievable: Some(1),
            time_to_best: None,
            requests: 10,
            requests_to_pair: first.map(|_| 4),
            requests_per_minute: 20.0,
            openings: Openings::default(),
            yardstick: Yardstick::default(),
            breaches: 0,
            max_holds: 2,
            final_slot: end,
            orphans: usize::from(end.is_none()),
            extra_holds: usize::from(end.is_none()),
            violations: 0,
            lost_replies: 0,
            settled: true,
            trace: Trace::default(),
            detail: crate::run::Detail::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{MIXED_10, result, result_in};
    use super::*;
    use crate::scenario::{Crowding, FaultPreset};

    #[test]
    fn a_cell_counts_pairs_orphans_and_final_slots() {
        let mut with_openings = result(ClientKind::Ours, 2, Some(4_000), Some(3));
        with_openings.openings = Openings { seen: 4, held: 3 };
        let results = [
            result(ClientKind::Ours, 1, Some(2_000), Some(1)),
            with_openings,
            result(ClientKind::Ours, 3, None, None),
            result(ClientKind::Naive, 1, Some(3_000), Some(2)),
            result_in(
                MIXED_10,
                Start::Warm,
                ClientKind::Ours,
                1,
                Some(30),
                Some(2),
            ),
        ];
        let s = Summary::of(&results, MIXED_10, ClientKind::Ours);
        assert_eq!((s.runs, s.warm_runs), (3, 1));
        assert_eq!(s.paired_at_end, 2);
        assert_eq!(s.paired_when_achievable, 2);
        assert_eq!(s.first_pair, Some((2.0, 4.0)));
        assert_eq!(s.warm_first_pair, Some((0.03, 0.03)));
        assert_eq!(s.final_slot, Some((1.0, 1, 3)));
        assert_eq!(s.mean_final_slot, Some(2.0));
        assert_eq!(s.final_at_best, 1);
        assert_eq!(s.openings, Openings { seen: 4, held: 3 });
        assert_eq!((s.orphans, s.runs_with_orphans), (1, 1));
        let quiet = Cell {
            fault: FaultPreset::None,
            crowd: Crowding::Competitors(10),
        };
        let empty = Summary::of(&results, quiet, ClientKind::Ours);
        assert_eq!((empty.runs, empty.first_pair), (0, None));
    }

    #[test]
    fn the_duel_compares_seed_by_seed_and_ranks_no_pair_last() {
        let results = [
            result(ClientKind::Ours, 1, Some(2_000), Some(1)),
            result(ClientKind::Naive, 1, Some(3_000), Some(2)),
            result(ClientKind::Ours, 2, Some(2_000), Some(4)),
            result(ClientKind::Naive, 2, Some(3_000), Some(4)),
            result(ClientKind::Ours, 3, None, None),
            result(ClientKind::Naive, 3, Some(3_000), Some(9)),
            result(ClientKind::Ours, 4, Some(2_000), Some(5)),
            result(ClientKind::Naive, 4, None, None),
        ];
        let duel = Duel::of(&results, MIXED_10);
        assert_eq!(duel.ours_better, 2);
        assert_eq!(duel.same, 1);
        assert_eq!(duel.ours_worse, vec![3]);
    }
}
