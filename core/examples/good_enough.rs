//! Prints what `Config::good_enough` saves (simulated; not a test): in the crowded cell of
//! `figures` (a fast crowd on slots 1..15), the requests per minute sent to both services
//! after the first pair, with the default (slot 1) and with good-enough 10, and after auto-pair
//! is done.
//!
//! `cargo run --release -p hotelband-core --features sim --example good_enough -- [SEEDS]`

#[path = "shared/seeds.rs"]
mod seeds;

use hotelband_core::sim::{SimConfig, World};
use hotelband_core::{AutoState, Config, EventKind, Millis, Slot};
use seeds::seeds_from_args;

/// How long each run lasts.
const RUN: Millis = Millis::from_secs(90);

/// The crowded cell of `figures`.
fn crowded(seed: u64) -> SimConfig {
    let mut sim = SimConfig::calm(seed);
    sim.crowd.interval_min = Millis(100);
    sim.crowd.interval_max = Millis(500);
    sim.crowd.focus = 15;
    sim
}

/// Requests after the first pair and after done, and the minutes they span, summed over runs.
#[derive(Default)]
struct Tally {
    after_pair: usize,
    pair_minutes: f64,
    after_done: usize,
    done_minutes: f64,
    done_runs: u64,
}

impl Tally {
    fn per_minute(count: usize, minutes: f64) -> f64 {
        count as f64 / minutes.max(f64::EPSILON)
    }
}

fn tally(seeds: u64, good_enough: u16) -> Tally {
    let mut tally = Tally::default();
    for seed in 0..seeds {
        let config = Config {
            seed,
            good_enough: Slot::new(good_enough).expect("non-zero"),
            ..Config::default()
        };
        let mut world = World::new(crowded(seed), config);
        world.session.start(world.now);
        world.drain();
        world.run_until(RUN, |_| {});
        let first = |wanted: fn(&EventKind) -> bool| {
            world
                .events
                .iter()
                .find(|event| wanted(&event.kind))
                .map(|event| event.at)
        };
        let sent_after = |at: Millis| {
            world
                .sent
                .iter()
                .flatten()
                .filter(|sent| sent.at > at)
                .count()
        };
        let minutes = |at: Millis| RUN.saturating_sub(at).0 as f64 / 60_000.0;
        if let Some(paired) = first(|kind| matches!(kind, EventKind::PairSecured { .. })) {
            tally.after_pair += sent_after(paired);
            tally.pair_minutes += minutes(paired);
        }
        if let Some(done) = first(|kind| *kind == EventKind::Auto(AutoState::Done)) {
            tally.after_done += sent_after(done);
            tally.done_minutes += minutes(done);
            tally.done_runs += 1;
        }
    }
    tally
}

fn main() {
    let seeds = seeds_from_args(300);
    println!("seeds: {seeds}; crowded (fast crowd on slots 1..15), 90 s runs, delay 1000 ms");
    for good_enough in [1, 10] {
        let t = tally(seeds, good_enough);
        println!(
            "good-enough {good_enough}: {:.1} requests/min after the first pair; done in {}/{seeds} runs, {:.1} requests/min after done",
            Tally::per_minute(t.after_pair, t.pair_minutes),
            t.done_runs,
            Tally::per_minute(t.after_done, t.done_minutes),
        );
    }
}
