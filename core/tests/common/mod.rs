//! Shared harness for the simulation tests: configs, per-step invariants, settling, the final check.
#![allow(dead_code, unreachable_pub)]

use hotelband_core::sim::{Faults, SimConfig, US, World};
use hotelband_core::{AutoState, Config, Millis, Op, Service, Slot};

/// The core's settings in the simulations: the real 1 s pacing and 5 s recheck.
pub fn core_config(seed: u64) -> Config {
    Config {
        delay: Millis(1000),
        retries: 3,
        window: 20,
        recheck: Millis(5000),
        request_timeout: Millis(10_000),
        seed,
    }
}

/// Seeds per sweep: `SIM_SEEDS` overrides (e.g. 20000 for a long soak).
pub fn seeds(default: u64) -> std::ops::Range<u64> {
    let n = std::env::var("SIM_SEEDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default);
    0..n
}

/// Invariants checked after every step of a run.
#[derive(Debug, Default)]
pub struct Invariants {
    /// Set once stop_and_release_all was called: releasing the pair is then the point.
    pub release_all: bool,
}

impl Invariants {
    pub fn check(&self, world: &mut World) {
        let now = world.now;
        for service in Service::ALL {
            let held = world.sim.holds(service, US);
            if held.len() > 2 {
                world
                    .violations
                    .push(format!("{now}: {} holds at the {service}", held.len()));
            }
            let view = world.session.view();
            if view.services[service.index()].holds.len() > 2 {
                world.violations.push(format!(
                    "{now}: the view shows more than 2 holds at the {service}"
                ));
            }
        }
        for applied in world.sim.take_applied() {
            let Op::Cancel(slot) = applied.op else {
                continue;
            };
            // Make-before-break: a matched slot is released only while another pair is held.
            if !self.release_all
                && applied.matched_before.contains(&slot)
                && applied.matched_before.len() < 2
            {
                world.violations.push(format!(
                    "{}: released the only pair {slot} at the {}",
                    applied.at, applied.service
                ));
            }
        }
    }
}

/// Turns faults and the crowd off and runs until the session is quiet and has had three recheck
/// periods to find the best pair (blocked slots expire meanwhile).
pub fn settle(world: &mut World, invariants: &Invariants) {
    world.sim.set_faults(Faults::default());
    world.sim.freeze_crowd();
    let recheck = world.session.config().recheck;
    let end = world
        .now
        .saturating_add(Millis(30_000))
        .saturating_add(recheck);
    world.run_until(end, |w| invariants.check(w));
    let give_up = world.now.saturating_add(Millis(120_000));
    while !world.is_quiet() && world.now < give_up {
        let next = world.now.saturating_add(Millis(1000));
        world.run_until(next, |w| invariants.check(w));
    }
    if !world.is_quiet() {
        world
            .violations
            .push(format!("{}: not quiet after settling", world.now));
    }
}

/// At quiescence, after the planner ran: exactly the best common pair, or nothing if none.
pub fn expect_best_pair(world: &mut World) {
    let window = world.session.config().window;
    let best = world.sim.best_common(window, US);
    let hotel = world.sim.holds(Service::Hotel, US);
    let band = world.sim.holds(Service::Band, US);
    let expected: Vec<Slot> = best.into_iter().collect();
    if hotel != expected || band != expected {
        world.violations.push(format!(
            "at quiescence: hotel {hotel:?}, band {band:?}, best common {best:?}, auto {:?}",
            world.session.view().auto
        ));
    }
}

/// At quiescence after `stop`: one matched pair or nothing, never an orphan.
pub fn expect_no_orphan(world: &mut World) {
    let hotel = world.sim.holds(Service::Hotel, US);
    let band = world.sim.holds(Service::Band, US);
    if hotel != band || hotel.len() > 1 {
        world.violations.push(format!(
            "orphans at quiescence: hotel {hotel:?}, band {band:?}"
        ));
    }
    if world.session.view().auto != AutoState::Off {
        world.violations.push(format!(
            "auto is {:?} after stopping",
            world.session.view().auto
        ));
    }
}

/// Fails the test with the seed and the violations, so the run can be replayed.
pub fn report(scenario: &str, failures: &[(u64, Vec<String>)]) {
    if failures.is_empty() {
        return;
    }
    let mut text = format!("{scenario}: {} failing seed(s)\n", failures.len());
    for (seed, violations) in failures.iter().take(5) {
        text.push_str(&format!("  seed {seed}:\n"));
        for violation in violations.iter().take(5) {
            text.push_str(&format!("    {violation}\n"));
        }
    }
    panic!("{text}");
}

/// A hostile world for `seed`, the planner started at time zero.
pub fn started(sim: SimConfig, seed: u64) -> World {
    let mut world = World::new(sim, core_config(seed));
    world.session.start(world.now);
    world.drain();
    world
}
