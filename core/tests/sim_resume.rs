//! Scenario: the page reloads while holds exist (a matched pair, or half a pair, or two stray
//! holds). The planner adopts them: an adopted pair is never released before a better one is
//! held, strays are released, and the run ends with the best common pair.

mod common;

use common::{Invariants, core_config, expect_best_pair, report, seeds, settle};
use hotelband_core::sim::{SimConfig, US, World};
use hotelband_core::{Millis, Service, Slot};

fn slot(n: u16) -> Slot {
    Slot::new(n).expect("non-zero")
}

fn resume(seed: u64) -> Vec<String> {
    let mut world = World::new(SimConfig::hostile(seed), core_config(seed));
    // Before the reload: a pair at 12 (or 25, outside the window), strays elsewhere.
    let pair = if seed.is_multiple_of(2) {
        slot(12)
    } else {
        slot(25)
    };
    for service in Service::ALL {
        world.sim.set_holder(service, pair, Some(US));
    }
    let stray = slot(3 + u16::try_from(seed % 8).unwrap_or(0));
    let stray_at = if seed.is_multiple_of(3) {
        Service::Hotel
    } else {
        Service::Band
    };
    world.sim.set_holder(stray_at, stray, Some(US));
    world.session.start(world.now);
    world.drain();
    let invariants = Invariants::default();
    world.run_until(Millis(45_000), |w| invariants.check(w));
    settle(&mut world, &invariants);
    if world
        .sim
        .best_common(world.session.config().window, US)
        .is_some()
    {
        expect_best_pair(&mut world);
    } else {
        // Nothing better in the window: the adopted pair is kept, strays released.
        for service in Service::ALL {
            let held = world.sim.holds(service, US);
            if held != [pair] {
                world.violations.push(format!(
                    "no common slot in the window, yet the {service} holds {held:?}"
                ));
            }
        }
    }
    world.violations
}

#[test]
fn holds_from_before_a_reload_are_adopted() {
    let failures: Vec<_> = seeds(400)
        .map(|seed| (seed, resume(seed)))
        .filter(|(_, violations)| !violations.is_empty())
        .collect();
    report("resume", &failures);
}

/// Seeds where no common slot was left in the window: the adopted pair must be kept.
#[test]
fn regression_seeds() {
    let failures: Vec<_> = [2413, 3333]
        .into_iter()
        .map(|seed| (seed, resume(seed)))
        .filter(|(_, violations)| !violations.is_empty())
        .collect();
    report("resume regressions", &failures);
}
