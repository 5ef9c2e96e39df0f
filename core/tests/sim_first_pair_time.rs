//! Scenario: how fast the first pair comes, in simulated time, on a quiet world (no crowd, no
//! faults). Cold (nothing known): one free list read and one reserve per service, so exactly 4
//! requests, and a delay + send margin after the free list's reply, then a round trip. Warm (holds and free lists read just
//! before Start): the reserves go out at once, one round trip. The figures are printed by
//! `cargo run -p hotelband-core --features sim --example figures`.

mod common;

use common::{SEEDS, core_config, first_pair_at, requests_until, seeds, started};
use hotelband_core::sim::{SimConfig, US, World};
use hotelband_core::{Millis, Op, SEND_MARGIN};

fn quiet(seed: u64) -> SimConfig {
    let mut sim = SimConfig::calm(seed);
    sim.crowd.active = false;
    sim
}

/// The longest one-way trip in `quiet`.
fn max_one_way() -> u64 {
    quiet(0).latency.max.0
}

#[test]
fn a_cold_pair_takes_exactly_four_requests_and_one_paced_slot() {
    let delay = core_config(0).delay.0;
    for seed in seeds(SEEDS) {
        let mut world = started(quiet(seed), seed);
        world.run_until(Millis(10_000), |_| {});
        let at = first_pair_at(&world).unwrap_or_else(|| panic!("seed {seed}: no pair"));
        assert_eq!(requests_until(&world, at), 4, "seed {seed}");
        let ops: Vec<Op> = world
            .sent
            .iter()
            .flat_map(|sent| sent.iter().take(2).map(|s| s.request.op))
            .collect();
        assert!(
            matches!(
                ops[..],
                [Op::Available, Op::Reserve(_), Op::Available, Op::Reserve(_)]
            ),
            "seed {seed}: {ops:?}"
        );
        // The reserve waits for the pacer (a delay after the free list's reply, so that
        // arrivals stay a delay apart), then one round trip.
        let earliest = delay + SEND_MARGIN.0;
        assert!(
            at.0 > earliest,
            "seed {seed}: faster than the pacing allows: {at}"
        );
        assert!(at.0 <= earliest + 4 * max_one_way(), "seed {seed}: {at}");
        // The holds are read right after, to adopt what an earlier session left.
        for sent in &world.sent {
            assert_eq!(
                sent.get(2).map(|s| s.request.op),
                Some(Op::Holds),
                "seed {seed}"
            );
        }
        assert!(!world.sim.matched(US).is_empty(), "seed {seed}");
    }
}

#[test]
fn a_warm_start_reserves_at_once_and_pairs_in_one_round_trip() {
    for seed in seeds(SEEDS) {
        let mut world = World::new(quiet(seed), core_config(seed));
        world.session.refresh(world.now);
        world.drain();
        // The tables are on screen (both reads done, the pacer ready: by 2.53 s at the
        // longest round trips); Start a moment later, while the free lists (read first, from
        // 0 s) are within `recheck` (5 s).
        let click = Millis(2_600 + (seed * 37) % 2_400);
        world.run_until(click, |_| {});
        let before = world.requests();
        world.session.start(world.now);
        world.drain();
        world.run_until(click.saturating_add(Millis(5_000)), |_| {});
        let at = first_pair_at(&world).unwrap_or_else(|| panic!("seed {seed}: no pair"));
        assert!(
            at.saturating_sub(click).0 <= 2 * max_one_way(),
            "seed {seed}: the pair came {} after the click",
            at.saturating_sub(click)
        );
        // The first requests after the click are the reserves.
        for sent in &world.sent {
            let first = sent.iter().find(|s| s.at >= click).map(|s| s.request.op);
            assert!(
                matches!(first, Some(Op::Reserve(_))),
                "seed {seed}: {first:?}"
            );
        }
        assert_eq!(requests_until(&world, at), before + 2, "seed {seed}");
    }
}

#[test]
fn a_session_that_may_hold_reads_its_holds_first_and_resumes_in_one_round_trip() {
    for seed in seeds(SEEDS) {
        let mut world = World::new(quiet(seed), core_config(seed));
        let pair =
            hotelband_core::Slot::new(3 + u16::try_from(seed % 17).unwrap_or(0)).expect("non-zero");
        for service in hotelband_core::Service::ALL {
            world.sim.set_holder(service, pair, Some(US));
            world.session.expect_holds(service);
        }
        world.session.start(world.now);
        world.drain();
        world.run_until(Millis(5_000), |_| {});
        let at = first_pair_at(&world).unwrap_or_else(|| panic!("seed {seed}: no pair"));
        assert!(at.0 <= 2 * max_one_way(), "seed {seed}: recognised at {at}");
        for sent in &world.sent {
            assert_eq!(
                sent.first().map(|s| s.request.op),
                Some(Op::Holds),
                "seed {seed}"
            );
        }
    }
}
