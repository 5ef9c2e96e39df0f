mod common;
use common::*;
use hotelband_core::Millis;
use hotelband_core::sim::{SimConfig, World, US};
use hotelband_core::Service;

#[test]
fn debug_seed() {
    let Ok(seed) = std::env::var("DSEED") else { return };
    let seed: u64 = seed.parse().unwrap();
    let from: u64 = std::env::var("DFROM").ok().and_then(|t| t.parse().ok()).unwrap_or(0);
    let mut world = World::new(SimConfig::hostile(seed), core_config(seed));
    let inv = Invariants::default();
    world.session.start(world.now);
    world.drain();
    let mut seen_sent = [0usize; 2];
    let mut seen_ev = 0;
    let mut log = |w: &mut World| {
        if w.now.0 >= from {
            for s in 0..2 { for x in &w.sent[s][seen_sent[s]..] { println!("{} SEND {:?} {:?} a{}", x.at, x.request.service, x.request.op, x.request.attempt); } }
            for e in &w.events[seen_ev..] { println!("{} EV {}", e.at, e.kind); }
            let v = w.session.view();
            println!("{} truth h{:?} b{:?} view h{:?}{} {:?} b{:?}{} {:?} target {:?} auto {:?} err {:?}", w.now, w.sim.holds(Service::Hotel, US), w.sim.holds(Service::Band, US), v.services[0].holds, v.services[0].holds_known, v.services[0].pending, v.services[1].holds, v.services[1].holds_known, v.services[1].pending, v.target, v.auto, v.last_error);
        }
        seen_sent = [w.sent[0].len(), w.sent[1].len()];
        seen_ev = w.events.len();
        inv.check(w);
    };
    if std::env::var("DSTOP").is_ok() { let when = Millis(500 + (seed * 7919) % 29_500); world.run_until(when, &mut log); println!("--- stop"); world.session.stop(world.now); world.drain(); }
    world.run_until(Millis(60_000), &mut log);
    println!("--- settle");
    settle(&mut world, &inv);
    expect_best_pair(&mut world);
    println!("{:?}", world.violations);
}
