//! Scenario: the user's constraints, drawn at random per seed (avoided slots among the crowd's
//! early ones, a good-enough slot), in a calm and in a hostile world. Every step: no reserve of
//! an avoided slot, done only on an allowed pair at good-enough or better (or with every
//! better slot avoided), and every rule of the unconstrained runs (≤ 2 holds, one request in
//! flight and `delay` between sends, make-before-break). While done: nothing is sent. At
//! quiescence: one allowed pair, good enough or the earliest allowed common slot.

mod common;

use common::{
    Invariants, SEEDS, check_arrivals, check_done, check_no_avoided_reserve, check_quiet_when_done,
    constrained_config, expect_best_allowed_pair, lenient, seeds, settle, sweep,
};
use hotelband_core::Millis;
use hotelband_core::sim::{SimConfig, World};

fn run(sim: SimConfig, seed: u64, every_request_answered: bool) -> Vec<String> {
    let mut world = World::new(sim, constrained_config(seed));
    let invariants = Invariants::default();
    world.session.start(world.now);
    world.drain();
    world.run_until(Millis(45_000), |w| {
        invariants.check(w);
        check_done(w);
    });
    check_quiet_when_done(&mut world);
    if every_request_answered {
        check_arrivals(&mut world);
    }
    settle(&mut world, &invariants);
    check_done(&mut world);
    check_quiet_when_done(&mut world);
    check_no_avoided_reserve(&mut world);
    expect_best_allowed_pair(&mut world);
    world.violations
}

#[test]
fn a_calm_world_never_reserves_an_avoided_slot_and_stops_when_good_enough() {
    sweep("constraints, calm", seeds(SEEDS), |seed| {
        run(lenient(SimConfig::calm(seed)), seed, true)
    });
}

#[test]
fn a_hostile_world_never_reserves_an_avoided_slot_and_stops_when_good_enough() {
    sweep("constraints, hostile", seeds(SEEDS), |seed| {
        run(SimConfig::hostile(seed), seed, false)
    });
}

/// The draw itself: over the sweep, both constraints take many values, so the runs above
/// cover avoided first slots, ranges and good-enough slots beyond 1.
#[test]
fn the_drawn_constraints_vary() {
    let configs: Vec<_> = (0..200).map(common::constrained_config).collect();
    let avoid_1 = configs
        .iter()
        .filter(|c| c.avoid.contains(common::slot(1)))
        .count();
    let beyond_1 = configs.iter().filter(|c| c.good_enough.get() > 1).count();
    let ranges = configs
        .iter()
        .filter(|c| c.avoid.ranges().any(|(from, to)| from < to))
        .count();
    assert!(
        avoid_1 > 20 && beyond_1 > 60 && ranges > 100,
        "{avoid_1} {beyond_1} {ranges}"
    );
}
