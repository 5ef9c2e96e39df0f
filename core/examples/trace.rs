//! Prints one simulated run step by step: what was sent, what happened, the holds as the
//! model has them and as the session sees them. For replaying a failing seed:
//!
//! `cargo run -p hotelband-core --features sim --example trace -- SEED [hostile|calm] [SECONDS]`

use hotelband_core::sim::{SimConfig, US, World};
use hotelband_core::{Config, Millis, Service};

fn main() {
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let sim = match args.next().as_deref() {
        Some("calm") => SimConfig::calm(seed),
        _ => SimConfig::hostile(seed),
    };
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let config = Config {
        seed,
        ..Config::default()
    };
    let mut world = World::new(sim, config);
    world.session.start(world.now);
    world.drain();
    let mut seen_sent = [0, 0];
    let mut seen_events = 0;
    world.run_until(Millis::from_secs(seconds), |w| {
        for (lane, sent) in w.sent.iter().enumerate() {
            for s in &sent[seen_sent[lane]..] {
                let r = &s.request;
                println!("{} send  {} {:?} (attempt {})", s.at, r.service, r.op, r.attempt);
            }
            seen_sent[lane] = sent.len();
        }
        for event in &w.events[seen_events..] {
            println!("{} event {}", event.at, event.kind);
        }
        seen_events = w.events.len();
        let view = w.session.view();
        println!(
            "{} model hotel {:?} band {:?} | session hotel {:?} band {:?} pair {:?} target {:?} {:?}",
            w.now,
            w.sim.holds(Service::Hotel, US),
            w.sim.holds(Service::Band, US),
            view.services[0].holds,
            view.services[1].holds,
            view.pair,
            view.target,
            view.auto,
        );
    });
    println!(
        "requests {}, violations {:?}",
        world.requests(),
        world.violations
    );
}
