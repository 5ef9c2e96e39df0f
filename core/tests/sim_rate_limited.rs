//! Scenario: a server that answers 429 + `Retry-After: 1` when requests come closer than 1.5 s,
//! while the client is configured for 1 s: the client honours `Retry-After`, keeps its own
//! pacing, and still ends with the best pair.

mod common;

use common::{Invariants, expect_best_pair, report, seeds, settle, started};
use hotelband_core::sim::SimConfig;
use hotelband_core::{ApiError, Millis, Op};

fn run(seed: u64) -> (Vec<String>, usize) {
    let mut sim = SimConfig::calm(seed);
    sim.min_gap = Some(Millis(1500));
    let mut world = started(sim, seed);
    let invariants = Invariants::default();
    let mut limited = 0;
    let mut last_error = None;
    world.run_until(Millis(60_000), |w| {
        invariants.check(w);
        let error = w.session.view().last_error;
        if error != last_error {
            if error.as_deref().is_some_and(|e| e.contains("rate limited")) {
                limited += 1;
            }
            last_error = error;
        }
    });
    // After a 429 the next request to that service waits at least the Retry-After (1 s).
    settle(&mut world, &invariants);
    expect_best_pair(&mut world);
    (world.violations, limited)
}

#[test]
fn honours_retry_after_and_still_pairs() {
    let mut limited_total = 0;
    let failures: Vec<_> = seeds(200)
        .map(|seed| {
            let (violations, limited) = run(seed);
            limited_total += limited;
            (seed, violations)
        })
        .filter(|(_, violations)| !violations.is_empty())
        .collect();
    report("rate limited", &failures);
    assert!(limited_total > 0, "the scenario never hit a 429");
    let error = ApiError::RateLimited {
        retry_after: Some(Millis(1000)),
        message: String::new(),
    };
    assert_eq!(error.retry_after(), Some(Millis(1000)));
    assert!(Op::Holds.method() == "GET");
}
