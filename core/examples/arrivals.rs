//! Prints how often two of our requests reached a service closer than the delay (the rule is
//! about arrivals), on a quiet world with the calm latency (10–120 ms each way), per seed.
//!
//! `cargo run -p hotelband-core --features sim --example arrivals -- [SEEDS]`

#[path = "shared/seeds.rs"]
mod seeds;

use hotelband_core::sim::{SimConfig, World};
use hotelband_core::{Config, Millis, Service};
use seeds::seeds_from_args;

fn main() {
    let seeds = seeds_from_args(300);
    let (mut gaps, mut close, mut closest) = (0_usize, 0_usize, u64::MAX);
    let mut sends = 0_usize;
    for seed in 0..seeds {
        let config = Config {
            seed,
            ..Config::default()
        };
        let delay = config.delay;
        let mut world = World::new(SimConfig::calm(seed), config);
        world.session.start(world.now);
        world.drain();
        world.run_until(Millis(60_000), |_| {});
        sends += world.requests();
        for service in Service::ALL {
            for pair in world.sim.arrivals(service).windows(2) {
                let gap = pair[1].saturating_sub(pair[0]);
                gaps += 1;
                closest = closest.min(gap.0);
                if gap < delay {
                    close += 1;
                }
            }
        }
    }
    println!(
        "{seeds} seeds, calm crowd, 60 s each: {sends} requests, {close} of {gaps} arrival gaps \
         below the 1000 ms delay, closest {closest} ms, mean requests per minute per service {:.1}",
        sends as f64 / seeds as f64 / 2.0
    );
}
