//! Scenario: a server that answers 429 with `Retry-After: 3` when requests come closer than
//! 1.5 s, while the client is configured for 1 s: the next request to that service after each
//! 429 waits at least the 3 s asked (not just the 1 s delay), the client widens its own spacing,
//! and still ends with the earliest common pair.

mod common;

use common::{
    Invariants, SEEDS, check_arrivals, check_retry_after, expect_best_pair, lenient, seeds, settle,
    started, sweep,
};
use hotelband_core::Millis;
use hotelband_core::sim::SimConfig;

fn run(seed: u64) -> (Vec<String>, usize) {
    let mut sim = lenient(SimConfig::calm(seed));
    sim.min_gap = Some(Millis(1500));
    sim.rate_limit_retry_after = 3;
    let mut world = started(sim, seed);
    let invariants = Invariants::default();
    world.run_until(Millis(30_000), |w| invariants.check(w));
    let limited = world
        .received
        .iter()
        .filter(|r| matches!(r.outcome, hotelband_core::Outcome::Http { status: 429, .. }))
        .count();
    check_retry_after(&mut world);
    check_arrivals(&mut world);
    settle(&mut world, &invariants);
    expect_best_pair(&mut world);
    (world.violations, limited)
}

#[test]
fn honours_a_retry_after_longer_than_the_delay_and_still_pairs() {
    let limited = std::cell::Cell::new(0);
    sweep("rate limited", seeds(SEEDS), |seed| {
        let (violations, hits) = run(seed);
        limited.set(limited.get() + hits);
        violations
    });
    assert!(limited.get() > 0, "the scenario never hit a 429");
}
