//! Scenario: how often the free lists are read once a pair is held. By default, at every
//! paced slot while a better pair is possible (about 50 a minute per service); with
//! `Config::polite`, a scan per `recheck` (5 s), plus one after each refused reserve (a
//! refusal is answered from fresh lists). Both within the 1-per-second rule.

mod common;

use common::{Invariants, SEEDS, core_config, first_pair_at, lenient, seeds, sweep};
use hotelband_core::sim::{SimConfig, World};
use hotelband_core::{Config, Millis, Op, Outcome, Service};

/// Runs a minute on a calm world (a crowd keeps slot 1 busy so a better pair stays possible);
/// returns the gaps between free list reads at each service after the first pair, and the
/// number of refused reserves then.
fn read_gaps(seed: u64, config: Config) -> (Vec<String>, Vec<Millis>, usize) {
    let mut sim = lenient(SimConfig::calm(seed));
    // Slot 1 is never free: the planner always has a better pair to hope for.
    sim.crowd.fill = 1;
    let mut world = World::new(sim, config);
    world.session.start(world.now);
    world.drain();
    let invariants = Invariants::default();
    world.run_until(Millis(60_000), |w| invariants.check(w));
    let mut gaps = Vec::new();
    let mut refused = 0;
    if let Some(paired) = first_pair_at(&world) {
        refused = world
            .received
            .iter()
            .filter(|r| r.at > paired)
            .filter(|r| {
                matches!(
                    r.outcome,
                    Outcome::Http {
                        status: 409 | 451,
                        ..
                    }
                )
            })
            .count();
        for service in Service::ALL {
            let reads: Vec<Millis> = world.sent[service.index()]
                .iter()
                .filter(|s| s.at > paired && s.request.op == Op::Available)
                .map(|s| s.at)
                .collect();
            gaps.extend(reads.windows(2).map(|w| w[1].saturating_sub(w[0])));
        }
    } else {
        world.violations.push("no pair in a minute".to_owned());
    }
    (world.violations, gaps, refused)
}

#[test]
fn by_default_both_free_lists_are_read_at_every_paced_slot() {
    sweep("eager rescans", seeds(SEEDS), |seed| {
        let (mut violations, gaps, _) = read_gaps(seed, core_config(seed));
        let slow = gaps.iter().filter(|gap| gap.0 > 2_500).count();
        // Nearly every gap is one paced slot; a few make room for a reserve or a holds read.
        if gaps.len() < 40 || slow * 10 > gaps.len() {
            violations.push(format!("{} reads, {slow} gaps over 2.5 s", gaps.len()));
        }
        violations
    });
}

#[test]
fn polite_reads_the_free_lists_once_per_recheck() {
    sweep("polite rescans", seeds(SEEDS), |seed| {
        let config = Config {
            polite: true,
            ..core_config(seed)
        };
        let recheck = config.recheck;
        let (mut violations, gaps, refused) = read_gaps(seed, config);
        let early = gaps.iter().filter(|gap| **gap < recheck).count();
        // Each refusal brings a scan forward at both services, and the choice it makes (a
        // new target, made or dropped) may bring one more.
        if early > 4 * refused {
            violations.push(format!(
                "{early} free list reads closer than the recheck {recheck}, {refused} refusals"
            ));
        }
        if gaps.len() < 10 {
            violations.push(format!("only {} rescans in a minute", gaps.len()));
        }
        violations
    });
}
