//! Scenario: the optional spare hold (`Config::spare_hold`, off by default): beside the pair, a
//! better slot held at one service while the other is watched. Against every fault kind and a
//! busy crowd: never a third hold from the client's own writes, the pair never released before
//! a better one is held, and a stop leaves one pair or nothing (the spare is released).

mod common;

use common::{Invariants, SEEDS, core_config, expect_no_orphan, lenient, seeds, settle, sweep};
use hotelband_core::sim::{SimConfig, World};
use hotelband_core::{Config, Millis};

fn run(seed: u64) -> Vec<String> {
    let config = Config {
        spare_hold: true,
        ..core_config(seed)
    };
    let mut world = World::new(lenient(SimConfig::hostile(seed)), config);
    let invariants = Invariants::default();
    world.session.start(world.now);
    world.drain();
    let stop = Millis(5_000 + (seed * 7919) % 40_000);
    world.run_until(stop, |w| invariants.check(w));
    world.session.stop(world.now);
    world.drain();
    world.run_until(stop.saturating_add(Millis(20_000)), |w| invariants.check(w));
    settle(&mut world, &invariants);
    expect_no_orphan(&mut world);
    world.violations
}

#[test]
fn a_spare_hold_breaks_no_rule_and_is_released_on_stop() {
    sweep("spare hold", seeds(SEEDS), run);
}
