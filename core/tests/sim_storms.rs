//! Scenario: 5xx storms (40 % 503, some with `Retry-After: 2`, 10 % 500, 5 % 500 after the
//! write was applied) and, separately, lost replies and lost requests. A 5xx'd reserve is sent
//! again at the next paced slot (after the `Retry-After`); a write whose reply was lost is
//! never repeated before the holds are read. Every step: the client's writes never hold or
//! may land more than 2 per service, pacing, make-before-break. At quiescence: the earliest
//! common pair.

mod common;

use common::{
    Invariants, SEEDS, check_arrivals, check_retry_after, expect_best_pair, lenient, seeds, settle,
    started, sweep,
};
use hotelband_core::Millis;
use hotelband_core::sim::{Faults, SimConfig};

fn run(seed: u64, faults: Faults, every_request_answered: bool) -> Vec<String> {
    let mut sim = lenient(SimConfig::calm(seed));
    sim.faults = faults;
    let mut world = started(sim, seed);
    let invariants = Invariants::default();
    world.run_until(Millis(30_000), |w| invariants.check(w));
    check_retry_after(&mut world);
    if every_request_answered {
        check_arrivals(&mut world);
    }
    settle(&mut world, &invariants);
    expect_best_pair(&mut world);
    world.violations
}

#[test]
fn a_5xx_storm_breaks_no_rule_and_ends_with_the_best_pair() {
    sweep("5xx storm", seeds(SEEDS), |seed| {
        let faults = Faults {
            unavailable: 400,
            server_error: 100,
            applied_then_error: 50,
            html_errors: 300,
            retry_after_503: seed.is_multiple_of(2).then_some(2),
            ..Faults::default()
        };
        run(seed, faults, true)
    });
}

#[test]
fn lost_replies_and_requests_break_no_rule_and_end_with_the_best_pair() {
    sweep("lost replies", seeds(SEEDS), |seed| {
        let faults = Faults {
            lost_reply: 150,
            lost_request: 100,
            unavailable: 100,
            ..Faults::default()
        };
        run(seed, faults, false)
    });
}
