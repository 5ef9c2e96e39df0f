//! Prints the core's simulated figures (32+ seeds per cell; not a test):
//! first pair cold and warm on a quiet world, first pair under 503 at 20 %, and the share of
//! runs that pair when a crowd holds the whole window (slots 1..20).
//!
//! `cargo run -p hotelband-core --features sim --example figures -- [SEEDS]`

#[path = "shared/seeds.rs"]
mod seeds;

use hotelband_core::sim::{Faults, SimConfig, World};
use hotelband_core::{Config, EventKind, Millis};
use seeds::seeds_from_args;

fn quiet(seed: u64) -> SimConfig {
    let mut sim = SimConfig::calm(seed);
    sim.crowd.active = false;
    sim
}

/// When the session first announced a pair, from `start` on.
fn first_pair(world: &World) -> Option<Millis> {
    world.events.iter().find_map(|event| match event.kind {
        EventKind::PairSecured { .. } => Some(event.at),
        _ => None,
    })
}

/// Time from Start to the first pair, per seed; `warm` reads both services first.
fn run(sim: SimConfig, seed: u64, warm: bool) -> Option<u64> {
    let config = Config {
        seed,
        ..Config::default()
    };
    let mut world = World::new(sim, config);
    let click = if warm {
        world.session.refresh(world.now);
        world.drain();
        let click = Millis(3_000);
        world.run_until(click, |_| {});
        click
    } else {
        Millis::ZERO
    };
    world.session.start(world.now);
    world.drain();
    world.run_until(click.saturating_add(Millis(60_000)), |_| {});
    first_pair(&world).map(|at| at.saturating_sub(click).0)
}

/// The pair slot averaged over time (from the first pair to 90 s) on a busy crowd (quiet, or
/// crowded: faster, on fewer slots).
fn mean_pair_slot(seeds: u64, spare_hold: bool, crowded: bool) -> f64 {
    let (mut total, mut spans) = (0.0, 0.0);
    for seed in 0..seeds {
        let mut sim = SimConfig::calm(seed);
        sim.crowd.interval_min = Millis(300);
        sim.crowd.interval_max = Millis(1500);
        if crowded {
            sim.crowd.interval_min = Millis(100);
            sim.crowd.interval_max = Millis(500);
            sim.crowd.focus = 15;
        }
        let config = Config {
            seed,
            spare_hold,
            ..Config::default()
        };
        let mut world = World::new(sim, config);
        world.session.start(world.now);
        world.drain();
        let mut last = world.now;
        world.run_until(Millis(90_000), |w| {
            let pair = w.sim.matched(hotelband_core::sim::US).first().copied();
            let span = w.now.saturating_sub(last).0 as f64;
            if let Some(pair) = pair {
                total += span * f64::from(pair.get());
                spans += span;
            }
            last = w.now;
        });
    }
    total / spans.max(1.0)
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

fn main() {
    let seeds = seeds_from_args(1000);
    let cold: Vec<u64> = (0..seeds).filter_map(|s| run(quiet(s), s, false)).collect();
    let warm: Vec<u64> = (0..seeds).filter_map(|s| run(quiet(s), s, true)).collect();
    let storm = |seed| {
        let mut sim = SimConfig::calm(seed);
        sim.faults = Faults {
            unavailable: 200,
            ..Faults::default()
        };
        sim
    };
    let unavailable: Vec<u64> = (0..seeds).filter_map(|s| run(storm(s), s, false)).collect();
    let saturated = |seed| {
        let mut sim = SimConfig::calm(seed);
        sim.crowd.fill = 20;
        sim
    };
    let paired = (0..seeds)
        .filter(|&s| run(saturated(s), s, false).is_some())
        .count();
    let busy = [false, true]
        .map(|crowded| [false, true].map(|spare| mean_pair_slot(seeds, spare, crowded)));
    println!("seeds per cell: {seeds}; latency 10-120 ms each way, delay 1000 ms");
    println!(
        "first pair, quiet, cold: median {} ms ({} paired)",
        median(cold.clone()),
        cold.len()
    );
    println!(
        "first pair, quiet, warm (tables read before Start): median {} ms ({} paired)",
        median(warm.clone()),
        warm.len()
    );
    println!(
        "first pair, 503 at 20 %: median {} ms ({} paired)",
        median(unavailable.clone()),
        unavailable.len()
    );
    println!(
        "saturated window (crowd holds 1..20, calm crowd above): {paired}/{seeds} runs paired within 60 s"
    );
    for (name, [off, on]) in ["busy crowd", "crowded (fast, slots 1..15)"]
        .iter()
        .zip(busy)
    {
        println!(
            "{name}, 90 s: time-averaged pair slot {off:.2} without the spare hold, {on:.2} with it"
        );
    }
}
