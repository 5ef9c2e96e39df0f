//! The verdict on each target of issue 8, computed from the runs: one line each, met or missed
//! with the figure, or why this benchmark cannot judge it.

use crate::cells::{of_oracle, opt, share, times};
use crate::limits::{Limits, ratio};
use crate::matrix::Plan;
use crate::run::RunResult;
use crate::scenario::{Cell, ClientKind, Crowding, FaultPreset, Start};
use crate::summary::Summary;

/// Headroom the issue gives the warm start over one RTT, seconds.
const WARM_SLACK: f64 = 0.050;

/// One line per target, in the order.
#[must_use]
pub fn targets(
    plan: &Plan,
    results: &[RunResult],
    summaries: &[Summary],
    limits: Option<Limits>,
) -> Vec<String> {
    let find = |fault, crowd, client| {
        summaries.iter().find(|s| {
            s.cell
                == Cell {
                    fault,
                    crowd: Crowding::Competitors(crowd),
                }
                && s.client == client
        })
    };
    let cold_median = |s: &Summary| s.first_pair.map(|(m, _)| m);
    let mut lines = Vec::new();
    let quiet = find(FaultPreset::None, 0, ClientKind::Ours);

    // Warm start: the figure is the browser's; the bench gives the native driver's.
    let warm = quiet.and_then(|s| s.warm_first_pair).map(|(m, _)| m);
    let warm_limit = limits.map(|l| l.warm() + WARM_SLACK);
    lines.push(format!(
        "Warm start in the browser, quiet, median ≤ RTT + 50 ms: **not judged here** (the \
         browser test measures it). The native driver, through the same core API: median {} s \
         against {} s — {}.",
        opt(warm, 3),
        opt(warm_limit, 3),
        verdict(at_most(warm, warm_limit))
    ));

    let cold = quiet.and_then(cold_median);
    let cold_limit = limits.map(|l| l.cold() * 1.05);
    let quiet_cell = Cell {
        fault: FaultPreset::None,
        crowd: Crowding::Competitors(0),
    };
    let quiet_runs: Vec<&RunResult> = results
        .iter()
        .filter(|r| {
            r.client == ClientKind::Ours
                && r.scenario.cell == quiet_cell
                && r.scenario.start == Start::Cold
        })
        .collect();
    let four = quiet_runs
        .iter()
        .filter(|r| r.requests_to_pair == Some(4))
        .count();
    lines.push(format!(
        "Cold start, quiet: median ≤ 1.05 x (delay + RTT) and exactly 4 requests: {} — median {} \
         s against {} s ({} of the limit); {four} of {} runs paired on exactly 4 requests \
         (median {}).",
        verdict(at_most(cold, cold_limit) && four == quiet_runs.len() && four > 0),
        opt(cold, 3),
        opt(cold_limit, 3),
        times(ratio(cold, limits.map(Limits::cold))),
        quiet_runs.len(),
        opt(quiet.and_then(|s| s.requests_to_pair), 0),
    ));

    lines.push(
        "Resume after reload with a held pair, recognised within one round trip: **not judged \
         here** (the core's simulation and the browser test cover reloads; the bench starts \
         every run on an emulator where nobody holds anything for it)."
            .to_owned(),
    );

    let ours_503 = find(FaultPreset::Unavailable20, 0, ClientKind::Ours).and_then(cold_median);
    let naive_503 = find(FaultPreset::Unavailable20, 0, ClientKind::Naive).and_then(cold_median);
    let versus_naive = ratio(ours_503, naive_503);
    let versus_cold = ratio(ours_503, limits.map(Limits::cold));
    lines.push(format!(
        "503 at 20 % (no competitors): median ≤ 0.6 x naive's and ≤ 2 x the quiet cold limit: \
         {} — median {} s, {} naive's ({} s), {} the cold limit.",
        verdict(at_most(versus_naive, Some(0.6)) && at_most(versus_cold, Some(2.0))),
        opt(ours_503, 2),
        times(versus_naive),
        opt(naive_503, 2),
        times(versus_cold),
    ));

    let mut worse = Vec::new();
    let mut compared = 0;
    for cell in &plan.cells {
        let pick = |client| {
            summaries
                .iter()
                .find(|s| s.cell == *cell && s.client == client)
        };
        let (Some(ours), Some(naive)) = (pick(ClientKind::Ours), pick(ClientKind::Naive)) else {
            continue;
        };
        compared += 1;
        let slower = match (cold_median(ours), cold_median(naive)) {
            (Some(o), Some(n)) => o > n,
            (None, Some(_)) => true,
            _ => false,
        };
        let lower = match (ours.mean_final_slot, naive.mean_final_slot) {
            (Some(o), Some(n)) => o > n,
            (None, Some(_)) => true,
            _ => false,
        };
        if slower || lower {
            worse.push(format!(
                "{cell}: first pair {} vs {} s, mean final slot {} vs {}",
                opt(cold_median(ours), 2),
                opt(cold_median(naive), 2),
                opt(ours.mean_final_slot, 1),
                opt(naive.mean_final_slot, 1)
            ));
        }
    }
    lines.push(format!(
        "Never worse than naive in any cell (median time to first pair, mean final slot): {} — \
         worse in {} of {compared} cells{}",
        verdict(worse.is_empty() && compared > 0),
        worse.len(),
        if worse.is_empty() {
            ".".to_owned()
        } else {
            format!(": {}.", worse.join("; "))
        }
    ));

    let saturated: Vec<&RunResult> = results
        .iter()
        .filter(|r| r.client == ClientKind::Ours && r.scenario.cell.crowd == Crowding::Saturated)
        .collect();
    let paired = saturated.iter().filter(|r| r.final_slot.is_some()).count();
    let outside = saturated
        .iter()
        .filter(|r| r.final_slot.is_some_and(|slot| slot > plan.settings.window))
        .count();
    let earliest = saturated
        .iter()
        .filter(|r| match (r.final_slot, r.best_achievable) {
            (Some(end), Some(best)) => end <= best,
            _ => false,
        })
        .count();
    lines.push(if saturated.is_empty() {
        "Saturated window, 100 % of runs paired: **not judged** (no saturated cell in this run)."
            .to_owned()
    } else {
        format!(
            "Saturated window: 100 % of runs paired (on the earliest common slot outside the \
             window): {} — {paired} of {} runs ended paired, {outside} outside 1..={}, {earliest} \
             on the achievable slot or better.",
            verdict(paired == saturated.len()),
            saturated.len(),
            plan.settings.window
        )
    });

    for (crowd, wanted) in [(10, 0.95), (30, 0.80)] {
        let judged = find(FaultPreset::None, crowd, ClientKind::Ours);
        let others: Vec<String> = [FaultPreset::Unavailable20, FaultPreset::Mixed]
            .into_iter()
            .filter_map(|fault| {
                find(fault, crowd, ClientKind::Ours)
                    .map(|s| format!("{fault}: {}", share(s.openings)))
            })
            .collect();
        let got = judged.and_then(|s| s.openings.share());
        lines.push(format!(
            "Openings held within 2.5 s with {crowd} competitors ≥ {:.0} % (no faults): {} — {}; \
             with faults (for the record) {}.",
            wanted * 100.0,
            verdict(got.is_some_and(|got| got >= wanted)),
            judged.map_or("-".to_owned(), |s| share(s.openings)),
            if others.is_empty() {
                "-".to_owned()
            } else {
                others.join(", ")
            }
        ));
    }

    for crowd in [10, 30] {
        let judged = find(FaultPreset::None, crowd, ClientKind::Ours);
        let got = judged.and_then(|s| s.yardstick.share());
        lines.push(format!(
            "Openings held ≥ 95 % of the oracle's with {crowd} competitors (no faults): {} — {}.",
            verdict(got.is_some_and(|got| got >= 0.95)),
            judged.map_or("-".to_owned(), |s| of_oracle(s.yardstick)),
        ));
    }

    let ours: Vec<&RunResult> = results
        .iter()
        .filter(|r| r.client == ClientKind::Ours)
        .collect();
    let orphans: usize = ours.iter().map(|r| r.orphans).sum();
    let violations: u64 = ours.iter().map(|r| r.violations).sum();
    let breaches: usize = ours.iter().map(|r| r.breaches).sum();
    let max_holds = ours.iter().map(|r| r.max_holds).max().unwrap_or_default();
    lines.push(format!(
        "Always 0 orphans, 0 pacing violations, 0 make-before-break breaches, ≤ 2 holds: {} — \
         over {} runs (cold and warm): {orphans} orphans, {violations} violations, {breaches} \
         breaches, at most {max_holds} holds at one service.",
        verdict(orphans == 0 && violations == 0 && breaches == 0 && max_holds <= 2),
        ours.len()
    ));
    lines
}

/// Both known and `value <= limit`.
fn at_most(value: Option<f64>, limit: Option<f64>) -> bool {
    matches!((value, limit), (Some(value), Some(limit)) if value <= limit)
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**missed**" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Settings;
    use crate::summary::fixtures::result_in;

    const QUIET: Cell = Cell {
        fault: FaultPreset::None,
        crowd: Crowding::Competitors(0),
    };
    const SATURATED: Cell = Cell {
        fault: FaultPreset::None,
        crowd: Crowding::Saturated,
    };
    const LIMITS: Limits = Limits {
        delay: 1.0,
        rtt: 0.02,
    };

    fn verdicts(results: &[RunResult]) -> Vec<String> {
        let plan = Plan {
            cells: vec![QUIET, SATURATED],
            starts: Start::ALL.to_vec(),
            seeds: vec![1, 2],
            clients: ClientKind::ALL.to_vec(),
            settings: Settings::default(),
            jobs: 1,
        };
        let summaries: Vec<Summary> = plan
            .cells
            .iter()
            .flat_map(|&cell| ClientKind::ALL.map(|client| Summary::of(results, cell, client)))
            .collect();
        targets(&plan, results, &summaries, Some(LIMITS))
    }

    fn line<'a>(lines: &'a [String], starting: &str) -> &'a str {
        lines
            .iter()
            .find(|line| line.starts_with(starting))
            .unwrap_or_else(|| panic!("no line {starting:?} in {lines:#?}"))
    }

    #[test]
    fn the_quiet_cold_target_needs_the_time_and_exactly_four_requests() {
        use ClientKind::{Naive, Ours};
        // 1.05 x 1.02 s = 1.071 s.
        let fast = [
            result_in(QUIET, Start::Cold, Ours, 1, Some(1_030), Some(1)),
            result_in(QUIET, Start::Cold, Ours, 2, Some(1_070), Some(1)),
            result_in(QUIET, Start::Cold, Naive, 1, Some(3_000), Some(1)),
        ];
        let lines = verdicts(&fast);
        assert!(
            line(&lines, "Cold start, quiet").contains("**met**"),
            "{lines:#?}"
        );
        assert!(
            line(&lines, "Never worse").contains("**met**"),
            "{lines:#?}"
        );

        let mut five = fast.clone();
        five[0].requests_to_pair = Some(5);
        let lines = verdicts(&five);
        assert!(
            line(&lines, "Cold start, quiet").contains("**missed**"),
            "{lines:#?}"
        );

        let mut slow = fast.clone();
        slow[0].first_pair = Some(std::time::Duration::from_millis(1_100));
        slow[1].first_pair = Some(std::time::Duration::from_millis(1_100));
        let lines = verdicts(&slow);
        assert!(
            line(&lines, "Cold start, quiet").contains("**missed**"),
            "{lines:#?}"
        );
    }

    #[test]
    fn the_saturated_target_counts_runs_without_a_pair_and_safety_counts_every_run() {
        use ClientKind::Ours;
        let mut results = vec![
            result_in(SATURATED, Start::Cold, Ours, 1, Some(2_000), Some(23)),
            result_in(SATURATED, Start::Cold, Ours, 2, None, None),
        ];
        let lines = verdicts(&results);
        let saturated = line(&lines, "Saturated window");
        assert!(saturated.contains("**missed**"), "{saturated}");
        assert!(
            saturated.contains("1 of 2 runs ended paired, 1 outside"),
            "{saturated}"
        );
        // The unpaired run's orphan (see the fixture) breaks the safety target.
        assert!(line(&lines, "Always").contains("**missed**"), "{lines:#?}");

        results[1] = result_in(SATURATED, Start::Warm, Ours, 2, Some(500), Some(21));
        results[1].breaches = 1;
        let lines = verdicts(&results);
        assert!(
            line(&lines, "Saturated window").contains("**met**"),
            "{lines:#?}"
        );
        let always = line(&lines, "Always");
        assert!(
            always.contains("**missed**") && always.contains("1 breaches"),
            "{always}"
        );
        results[1].breaches = 0;
        assert!(line(&verdicts(&results), "Always").contains("**met**"));
    }

    #[test]
    fn a_missing_figure_never_meets_a_target() {
        assert!(at_most(Some(1.0), Some(1.0)));
        assert!(!at_most(Some(1.01), Some(1.0)));
        assert!(!at_most(None, Some(1.0)));
        assert!(!at_most(Some(1.0), None));
    }
}
