//! Scenario: no faults, a crowd taking and releasing early slots. Optimality: whenever a slot
//! `j` better than the held pair (or any slot, before the first pair) stays free at both
//! services for two whole recheck periods, the planner holds it (or better) by then — with a
//! margin for the reads and reserves themselves. Also every per-step invariant.

mod common;

use common::{Invariants, core_config, expect_best_pair, report, seeds, settle};
use hotelband_core::sim::{SimConfig, US, World};
use hotelband_core::{Millis, Service, Slot};

/// Time to act on a scan: a paced read and a paced reserve, each with a round trip.
const MARGIN: Millis = Millis(2 * (1000 + 2 * 120));

fn run(seed: u64) -> Vec<String> {
    let mut world = World::new(SimConfig::calm(seed), core_config(seed));
    let invariants = Invariants::default();
    let window = world.session.config().window;
    let limit = world
        .session
        .config()
        .recheck
        .saturating_add(world.session.config().recheck)
        .saturating_add(MARGIN);
    // For each slot of the window: since when it has been better than our pair and free at both.
    let mut since: Vec<Option<Millis>> = vec![None; usize::from(window) + 1];
    world.session.start(world.now);
    world.drain();
    world.run_until(Millis(90_000), |w| {
        invariants.check(w);
        let pair = w.sim.matched(US).first().copied();
        for n in 1..=window {
            let Some(slot) = Slot::new(n) else { continue };
            let better = pair.is_none_or(|pair| slot < pair);
            let open = better
                && Service::ALL
                    .iter()
                    .all(|&service| w.sim.available_to(service, slot, US));
            let entry = &mut since[usize::from(n)];
            match (*entry, open) {
                (None, true) => *entry = Some(w.now),
                (Some(start), true) if w.now.saturating_sub(start) > limit => {
                    w.violations.push(format!(
                        "{}: slot {slot} free at both since {start}, pair still {pair:?}",
                        w.now
                    ));
                    *entry = None;
                }
                (_, false) => *entry = None,
                _ => {}
            }
        }
    });
    settle(&mut world, &invariants);
    expect_best_pair(&mut world);
    world.violations
}

#[test]
fn a_better_slot_free_for_two_recheck_periods_ends_up_held() {
    let failures: Vec<_> = seeds(1000)
        .map(|seed| (seed, run(seed)))
        .filter(|(_, violations)| !violations.is_empty())
        .collect();
    report("optimality", &failures);
}
