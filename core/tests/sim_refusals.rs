//! Scenario: a busy crowd makes reserves fail with 409 (and, with holds left from before, 451).
//! A refusal is information: no cooldown, the next request to that service goes out at its
//! next paced slot. And a list with an entry that is not a slot id is used without it, the
//! skip reported.

mod common;

use common::{
    Invariants, SEEDS, check_arrivals, expect_best_pair, first_pair_at, lenient, seeds, settle,
    started, sweep,
};
use hotelband_core::sim::SimConfig;
use hotelband_core::{EventKind, Millis, Op, Outcome, SEND_MARGIN, Service};

/// The next paced slot after a reply, without 429s: `delay` plus the send margin (the pacer
/// counts from the reply, so that arrivals stay a delay apart).
const NEXT_SLOT: Millis = Millis(1000 + SEND_MARGIN.0);

fn busy(seed: u64) -> SimConfig {
    let mut sim = lenient(SimConfig::calm(seed));
    sim.crowd.interval_min = Millis(100);
    sim.crowd.interval_max = Millis(600);
    sim.crowd.focus = 12;
    sim
}

#[test]
fn after_a_refusal_the_next_request_goes_at_the_next_paced_slot() {
    let refusals = std::cell::Cell::new(0);
    sweep("refusals", seeds(SEEDS), |seed| {
        let mut world = started(busy(seed), seed);
        let invariants = Invariants::default();
        world.run_until(Millis(30_000), |w| invariants.check(w));
        check_arrivals(&mut world);
        let mut violations = world.violations.clone();
        for received in &world.received {
            let Outcome::Http { status, .. } = received.outcome else {
                continue;
            };
            if status != 409 && status != 451 {
                continue;
            }
            for service in Service::ALL {
                let sent = &world.sent[service.index()];
                let Some(at) = sent.iter().position(|s| s.request.id == received.id) else {
                    continue;
                };
                if !matches!(sent[at].request.op, Op::Reserve(_)) {
                    continue;
                }
                refusals.set(refusals.get() + 1);
                let due = received.at.saturating_add(NEXT_SLOT);
                match sent.get(at + 1) {
                    Some(next) if next.at > due => violations.push(format!(
                        "{}: {status} at the {service}, next request only at {}",
                        received.at, next.at
                    )),
                    None if world.now > due => violations.push(format!(
                        "{}: {status} at the {service}, nothing sent after",
                        received.at
                    )),
                    _ => {}
                }
            }
        }
        violations
    });
    assert!(refusals.get() > 0, "the crowd never refused a reserve");
}

#[test]
fn a_malformed_id_is_skipped_and_reported_and_the_rest_is_used() {
    let reported = std::cell::Cell::new(0);
    sweep("malformed ids", seeds(SEEDS), |seed| {
        let mut sim = lenient(SimConfig::calm(seed));
        sim.faults.malformed_id = 300;
        let mut world = started(sim, seed);
        let invariants = Invariants::default();
        world.run_until(Millis(10_000), |w| invariants.check(w));
        reported.set(
            reported.get()
                + world
                    .events
                    .iter()
                    .filter(|e| matches!(e.kind, EventKind::SkippedIds { .. }))
                    .count(),
        );
        if first_pair_at(&world).is_none() {
            world.violations.push("no pair in 10 s".to_owned());
        }
        settle(&mut world, &invariants);
        expect_best_pair(&mut world);
        world.violations
    });
    assert!(reported.get() > 0, "no skipped id was reported");
}
