//! Scenario: how often the free lists are read once a pair is held. By default, at every
//! paced slot while a better pair is possible (about 50 a minute per service); with
//! `Config::polite`, a scan per `recheck` (5 s), plus one after each refused reserve (a
//! refusal is answered from fresh lists). Both within the 1-per-second rule.

mod common;

use common::{Invariants, SEEDS, core_config, first_pair_at, lenient, seeds, sweep};
use hotelband_core::sim::{SimConfig, World};
use hotelband_core::{Config, Millis, Op, Outcome, Service};

/// Two consecutive free list reads at a service, and how many requests went between them.
type ReadPair = (Millis, Millis, usize);

/// Runs a minute on a calm world (a crowd holds slot 1 so a better pair stays possible);
/// returns, after the first pair, the pairs of consecutive free list reads at each service
/// (earlier, later, requests sent between them) and the times of refused reserves.
fn reads(seed: u64, config: Config) -> (Vec<String>, Vec<ReadPair>, Vec<Millis>) {
    let mut sim = lenient(SimConfig::calm(seed));
    sim.crowd.fill = 1;
    let mut world = World::new(sim, config);
    world.session.start(world.now);
    world.drain();
    let invariants = Invariants::default();
    world.run_until(Millis(60_000), |w| invariants.check(w));
    let Some(paired) = first_pair_at(&world) else {
        world.violations.push("no pair in a minute".to_owned());
        return (world.violations, Vec::new(), Vec::new());
    };
    let refusals = world
        .received
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                Outcome::Http {
                    status: 409 | 451,
                    ..
                }
            )
        })
        .map(|r| r.at)
        .collect();
    let mut pairs = Vec::new();
    for service in Service::ALL {
        // Consecutive free list reads, with how many other requests went between them.
        let mut last: Option<(Millis, usize)> = None;
        for sent in world.sent[service.index()].iter().filter(|s| s.at > paired) {
            match (sent.request.op, &mut last) {
                (Op::Available, Some((at, between))) => {
                    pairs.push((*at, sent.at, *between));
                    last = Some((sent.at, 0));
                }
                (Op::Available, None) => last = Some((sent.at, 0)),
                (_, Some((_, between))) => *between += 1,
                (_, None) => {}
            }
        }
    }
    (world.violations, pairs, refusals)
}

#[test]
fn by_default_both_free_lists_are_read_at_every_paced_slot() {
    sweep("eager rescans", seeds(SEEDS), |seed| {
        let (mut violations, pairs, _) = reads(seed, core_config(seed));
        // The next paced slot after the last: a delay and the margin (25 ms + a round trip).
        let slot = Millis(1000 + 25 + 2 * 120);
        for &(a, b, between) in &pairs {
            // Every paced slot between two reads went to another request (a reserve, a
            // release, a holds read): the lane never idles while it could read.
            let idle_slots = (b.saturating_sub(a).0 / slot.0).saturating_sub(1);
            if idle_slots > between as u64 {
                violations.push(format!(
                    "free list reads at {a} and {b} with {between} requests between"
                ));
            }
        }
        if pairs.len() < 40 {
            violations.push(format!("only {} free list reads", pairs.len()));
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
        let (mut violations, pairs, refusals) = reads(seed, config);
        // Scans start once per recheck; a read may wait a paced slot behind a write, so two
        // reads come at least a recheck less a paced slot (and a round trip) apart. Closer
        // ones only follow a refusal, which is answered from fresh lists (and the scan after
        // it is counted from then).
        let least = recheck.saturating_sub(Millis(1500));
        for (a, b, _) in &pairs {
            let explained = refusals
                .iter()
                .any(|r| a.saturating_sub(recheck) <= *r && r <= b);
            if b.saturating_sub(*a) < least && !explained {
                violations.push(format!("free list reads at {a} and {b}, recheck {recheck}"));
            }
        }
        if pairs.len() < 10 {
            violations.push(format!("only {} rescans in a minute", pairs.len()));
        }
        violations
    });
}
