//! Scenario: a crowd holds slots 1..20 (the whole window) at both services and never gives them
//! back, while others churn above. The planner pairs anyway, on the earliest common slot of the
//! whole range, in every run, and ends on the earliest common pair.

mod common;

use common::{
    Invariants, SEEDS, check_arrivals, expect_best_pair, first_pair_at, lenient, seeds, settle,
    started, sweep,
};
use hotelband_core::Millis;
use hotelband_core::sim::SimConfig;

fn run(seed: u64) -> Vec<String> {
    let mut sim = SimConfig::calm(seed);
    sim.crowd.fill = 20;
    let mut world = started(lenient(sim), seed);
    let invariants = Invariants::default();
    world.run_until(Millis(30_000), |w| invariants.check(w));
    if first_pair_at(&world).is_none() {
        world.violations.push("no pair in 30 s".to_owned());
    }
    check_arrivals(&mut world);
    settle(&mut world, &invariants);
    expect_best_pair(&mut world);
    if world
        .sim
        .matched(hotelband_core::sim::US)
        .iter()
        .any(|slot| slot.get() <= 20)
    {
        world
            .violations
            .push("paired inside the crowd's slots".to_owned());
    }
    world.violations
}

#[test]
fn a_saturated_window_still_pairs_in_every_run() {
    sweep("saturated window", seeds(SEEDS), run);
}
