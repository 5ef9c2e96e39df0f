//! Scenario: the user changes the constraints while a pair is held (auto-pair running or done):
//! the pair's own slot becomes avoided, with a random avoid set and good-enough slot besides.
//! The avoided pair is kept until an allowed pair is held at both, then released
//! (make-before-break); a done auto-pair runs again. Every step: the rules of the
//! unconstrained runs, done only when good enough, no reserve of a slot avoided at the time.
//! At quiescence: one allowed pair, good enough or the earliest allowed common slot.

mod common;

use common::{
    Invariants, SEEDS, check_done, check_quiet_when_done, constrained_config, core_config,
    expect_best_allowed_pair, lenient, seeds, settle, sweep,
};
use hotelband_core::sim::{SimConfig, World};
use hotelband_core::{AutoState, Millis, Op};

fn run(seed: u64) -> Vec<String> {
    let mut world = World::new(lenient(SimConfig::calm(seed)), core_config(seed));
    let invariants = Invariants::default();
    world.session.start(world.now);
    world.drain();
    // 5 s to 25 s: early changes catch an upgrade under way, later ones a done auto-pair.
    let when = Millis(5000 + (seed * 7919) % 20_000);
    world.run_until(when, |w| invariants.check(w));
    let Some(held) = world.session.view().pair else {
        return vec![format!("no pair by {when}")];
    };
    let mut config = constrained_config(seed);
    config.avoid.insert_range(held, held);
    world.session.set_config(world.now, config.clone());
    world.drain();
    if world.session.view().auto == AutoState::Done {
        world
            .violations
            .push(format!("{when}: still done on avoided pair {held}"));
    }
    let changed = world.now;
    world.run_until(changed.saturating_add(Millis(30_000)), |w| {
        invariants.check(w);
        check_done(w);
    });
    settle(&mut world, &invariants);
    check_done(&mut world);
    check_quiet_when_done(&mut world);
    let late_avoided = world
        .sent
        .iter()
        .flatten()
        .filter(|sent| sent.at > changed)
        .filter_map(|sent| match sent.request.op {
            Op::Reserve(slot) if config.avoid.contains(slot) => Some(slot),
            _ => None,
        })
        .collect::<Vec<_>>();
    if !late_avoided.is_empty() {
        world.violations.push(format!(
            "reserved avoided slots {late_avoided:?} after the change (avoid {})",
            config.avoid
        ));
    }
    expect_best_allowed_pair(&mut world);
    world.violations
}

#[test]
fn a_pair_that_becomes_avoided_is_kept_until_an_allowed_one_is_held() {
    sweep("avoid change", seeds(SEEDS), run);
}
