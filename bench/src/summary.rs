//! Figures per cell and client, from the runs' results.

use std::time::Duration;

use crate::run::RunResult;
use crate::scenario::{ClientKind, FaultPreset};
use crate::stats::{median, p95, secs};

/// One cell of the matrix for one client.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The cell's faults.
    pub fault: FaultPreset,
    /// The cell's competitors per service.
    pub competitors: usize,
    /// The client.
    pub client: ClientKind,
    /// Runs in the cell.
    pub runs: usize,
    /// Runs ending with one slot held at both services.
    pub paired_at_end: usize,
    /// Runs where some slot was achievable.
    pub achievable: usize,
    /// Runs where some slot was achievable and the run ended with a matched pair.
    pub paired_when_achievable: usize,
    /// Time to first pair, seconds: median and p95 over the runs that paired.
    pub first_pair: Option<(f64, f64)>,
    /// Runs that held a pair at some point.
    pub ever_paired: usize,
    /// Time to the best achievable slot, seconds, median over the runs that got there.
    pub to_best: Option<f64>,
    /// Runs that held the best achievable slot at some point.
    pub reached_best: usize,
    /// Requests sent, median.
    pub requests: Option<f64>,
    /// Final slot: median, best, worst (over runs ending with a pair).
    pub final_slot: Option<(f64, u16, u16)>,
    /// Best achievable slot, median over runs with one.
    pub achievable_slot: Option<f64>,
    /// Runs ending on a slot at least as good as the best achievable.
    pub final_at_best: usize,
    /// Orphan holds at the end, summed over runs.
    pub orphans: usize,
    /// Runs ending with any orphan.
    pub runs_with_orphans: usize,
    /// Holds at the end besides the matched pair, summed.
    pub extra_holds: usize,
    /// Pacing violations, summed.
    pub violations: u64,
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
    /// Summarizes the runs of `client` in the cell (`fault`, `competitors`).
    #[must_use]
    pub fn of(
        results: &[RunResult],
        fault: FaultPreset,
        competitors: usize,
        client: ClientKind,
    ) -> Summary {
        let runs: Vec<&RunResult> = results
            .iter()
            .filter(|r| {
                r.client == client
                    && r.scenario.fault == fault
                    && r.scenario.competitors == competitors
            })
            .collect();
        let seconds = |pick: fn(&RunResult) -> Option<Duration>| -> Vec<f64> {
            runs.iter().filter_map(|r| pick(r)).map(secs).collect()
        };
        let first = seconds(|r| r.first_pair);
        let to_best = seconds(|r| r.time_to_best);
        let requests: Vec<f64> = runs.iter().map(|r| f64::from(r.requests)).collect();
        let finals: Vec<u16> = runs.iter().filter_map(|r| r.final_slot).collect();
        let finals_f: Vec<f64> = finals.iter().map(|&s| f64::from(s)).collect();
        let achievable: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.best_achievable)
            .map(f64::from)
            .collect();
        Summary {
            fault,
            competitors,
            client,
            runs: runs.len(),
            paired_at_end: runs.iter().filter(|r| r.final_slot.is_some()).count(),
            achievable: achievable.len(),
            paired_when_achievable: runs
                .iter()
                .filter(|r| r.best_achievable.is_some() && r.final_slot.is_some())
                .count(),
            first_pair: median(&first).zip(p95(&first)),
            ever_paired: first.len(),
            to_best: median(&to_best),
            reached_best: to_best.len(),
            requests: median(&requests),
            final_slot: median(&finals_f).map(|m| {
                let best = finals.iter().copied().min().unwrap_or_default();
                let worst = finals.iter().copied().max().unwrap_or_default();
                (m, best, worst)
            }),
            achievable_slot: median(&achievable),
            final_at_best: runs
                .iter()
                .filter(|r| match (r.final_slot, r.best_achievable) {
                    (Some(end), Some(best)) => end <= best,
                    _ => false,
                })
                .count(),
            orphans: runs.iter().map(|r| r.orphans).sum(),
            runs_with_orphans: runs.iter().filter(|r| r.orphans > 0).count(),
            extra_holds: runs.iter().map(|r| r.extra_holds).sum(),
            violations: runs.iter().map(|r| r.violations).sum(),
            lost_replies: runs.iter().map(|r| r.lost_replies).sum(),
            unsettled: runs.iter().filter(|r| !r.settled).count(),
            min_send_gap: runs.iter().filter_map(|r| r.trace.min_send_gap).min(),
            max_dispatch_lag: runs
                .iter()
                .map(|r| r.trace.max_dispatch_lag)
                .max()
                .unwrap_or_default(),
        }
    }
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
    /// Compares the final slots of ours and naive seed by seed in the cell.
    #[must_use]
    pub fn of(results: &[RunResult], fault: FaultPreset, competitors: usize) -> Duel {
        let mut duel = Duel::default();
        let in_cell = |client| {
            results.iter().filter(move |r: &&RunResult| {
                r.client == client
                    && r.scenario.fault == fault
                    && r.scenario.competitors == competitors
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::trace::Trace;

    fn result(client: ClientKind, seed: u64, first: Option<u64>, end: Option<u16>) -> RunResult {
        RunResult {
            client,
            scenario: Scenario {
                fault: FaultPreset::Mixed,
                competitors: 10,
                seed,
            },
            first_pair: first.map(Duration::from_millis),
            best_achievable: Some(1),
            time_to_best: None,
            requests: 10,
            final_slot: end,
            orphans: usize::from(end.is_none()),
            extra_holds: usize::from(end.is_none()),
            violations: 0,
            lost_replies: 0,
            settled: true,
            trace: Trace::default(),
        }
    }

    #[test]
    fn a_cell_counts_pairs_orphans_and_final_slots() {
        let results = [
            result(ClientKind::Ours, 1, Some(2_000), Some(1)),
            result(ClientKind::Ours, 2, Some(4_000), Some(3)),
            result(ClientKind::Ours, 3, None, None),
            result(ClientKind::Naive, 1, Some(3_000), Some(2)),
        ];
        let s = Summary::of(&results, FaultPreset::Mixed, 10, ClientKind::Ours);
        assert_eq!(s.runs, 3);
        assert_eq!(s.paired_at_end, 2);
        assert_eq!(s.paired_when_achievable, 2);
        assert_eq!(s.first_pair, Some((2.0, 4.0)));
        assert_eq!(s.final_slot, Some((1.0, 1, 3)));
        assert_eq!(s.final_at_best, 1);
        assert_eq!((s.orphans, s.runs_with_orphans), (1, 1));
        let empty = Summary::of(&results, FaultPreset::None, 10, ClientKind::Ours);
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
        let duel = Duel::of(&results, FaultPreset::Mixed, 10);
        assert_eq!(duel.ours_better, 2);
        assert_eq!(duel.same, 1);
        assert_eq!(duel.ours_worse, vec![3]);
    }
}
