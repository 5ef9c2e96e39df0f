//! Scenario: the page reloads while holds exist: an adopted pair, two stray holds at one
//! service, or a half-made upgrade (the pair plus a better slot at one service only). With the
//! shell's hint that the account may hold something ([`Session::expect_holds`]), the holds are
//! read first and the client's own writes never make a third hold (the model's limit is off);
//! without it (holds the page never saw), the cold path learns from the 451. Either way the
//! adopted pair is never released before a better one is held, strays are released, and the
//! run ends with the earliest common pair.
//!
//! [`Session::expect_holds`]: hotelband_core::Session::expect_holds

mod common;

use common::{
    Invariants, SEEDS, core_config, expect_best_pair, lenient, seeds, settle, slot, sweep,
};
use hotelband_core::sim::{SimConfig, US, World};
use hotelband_core::{Millis, Service};

#[derive(Copy, Clone, Debug)]
enum Before {
    /// A matched pair at 12 (or 25, outside the window).
    AdoptedPair,
    /// Two holds at one service, none at the other.
    TwoStrays,
    /// The pair, and a better slot held at one service only.
    HalfUpgrade,
}

fn resume(seed: u64, before: Before, hint: bool) -> Vec<String> {
    let sim = SimConfig::hostile(seed);
    let sim = if hint { lenient(sim) } else { sim };
    let mut world = World::new(sim, core_config(seed));
    let pair = if seed.is_multiple_of(2) {
        slot(12)
    } else {
        slot(25)
    };
    let offset = u16::try_from(seed % 8).unwrap_or(0);
    let one_side = if seed.is_multiple_of(3) {
        Service::Hotel
    } else {
        Service::Band
    };
    match before {
        Before::AdoptedPair => {
            for service in Service::ALL {
                world.sim.set_holder(service, pair, Some(US));
            }
        }
        Before::TwoStrays => {
            world.sim.set_holder(one_side, slot(3 + offset), Some(US));
            world.sim.set_holder(one_side, slot(40 + offset), Some(US));
        }
        Before::HalfUpgrade => {
            for service in Service::ALL {
                world.sim.set_holder(service, pair, Some(US));
            }
            world.sim.set_holder(one_side, slot(3 + offset), Some(US));
        }
    }
    if hint {
        for service in Service::ALL {
            world.session.expect_holds(service);
        }
    }
    world.session.start(world.now);
    world.drain();
    let invariants = Invariants {
        unseen_holds: !hint,
        ..Invariants::default()
    };
    world.run_until(Millis(20_000), |w| invariants.check(w));
    settle(&mut world, &invariants);
    expect_best_pair(&mut world);
    world.violations
}

#[test]
fn an_adopted_pair_is_kept_until_a_better_one_is_held() {
    sweep("resume, adopted pair", seeds(SEEDS), |seed| {
        resume(seed, Before::AdoptedPair, true)
    });
}

#[test]
fn two_stray_holds_are_released() {
    sweep("resume, two strays", seeds(SEEDS), |seed| {
        resume(seed, Before::TwoStrays, true)
    });
}

#[test]
fn a_half_made_upgrade_is_finished_or_undone() {
    sweep("resume, half-made upgrade", seeds(SEEDS), |seed| {
        resume(seed, Before::HalfUpgrade, true)
    });
}

/// Holds the page never saw (another device): the cold path, corrected by 409s and 451s.
#[test]
fn unseen_holds_are_found_and_sorted_out() {
    sweep("resume without the hint", seeds(SEEDS), |seed| {
        let before = [Before::AdoptedPair, Before::TwoStrays, Before::HalfUpgrade]
            [usize::try_from(seed % 3).unwrap_or(0)];
        resume(seed, before, false)
    });
}

/// Seeds where no common slot was left in the window: the adopted pair must be kept.
#[test]
fn regression_seeds() {
    sweep("resume regressions", [2413, 3333], |seed| {
        resume(seed, Before::AdoptedPair, true)
    });
    // Settled on a stale free list once (the harness called it calm too early).
    sweep("resume regressions, unseen", [2621], |seed| {
        resume(seed, Before::HalfUpgrade, false)
    });
}
