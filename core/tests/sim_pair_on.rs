//! Scenario: a click on a common slot (`Session::pair_on`) against every fault kind and a busy
//! crowd, half the worlds with a pair already held, half with an unmatched hold at the hotel (a
//! quarter with both: the hotel's 2 are full), a third with a rival taking the slot at one
//! service just before the click. Every step: ≤ 2 holds (the model's limit off, so the client's
//! own writes are what is counted), one request in flight and `delay` between sends per service,
//! a pair never released before another is held. At quiescence: the clicked slot held at both
//! or at neither, and nothing unmatched (the clicked pair, or the pair from before, or nothing).

mod common;

use common::{Invariants, check_retry_after, core_config, lenient, seeds, sweep};
use hotelband_core::sim::{SimConfig, US, World};
use hotelband_core::{Millis, Service, Slot};

/// A user of the model who is neither us nor the crowd.
const RIVAL: u32 = 5000;

fn run(seed: u64) -> Vec<String> {
    let mut world = World::new(lenient(SimConfig::hostile(seed)), core_config(seed));
    let invariants = Invariants::default();
    let before = seed
        .is_multiple_of(2)
        .then(|| Slot::new(60 + (seed % 7) as u16).expect("non-zero"));
    if let Some(slot) = before {
        for service in Service::ALL {
            world.sim.set_holder(service, slot, Some(US));
        }
    }
    if seed % 4 < 2 {
        // And an unmatched hold, so that a pair before the click fills the hotel's 2.
        let stray = Slot::new(80 + (seed % 5) as u16).expect("non-zero");
        world.sim.set_holder(Service::Hotel, stray, Some(US));
    }
    // The page reads both services, then shows the common slots.
    world.session.refresh(world.now);
    world.drain();
    let read = |world: &World| {
        world
            .session
            .view()
            .services
            .iter()
            .all(|s| s.free_at.is_some() && s.pending.is_empty())
    };
    while !read(&world) && world.now < Millis(30_000) {
        let next = world.now.saturating_add(Millis(500));
        world.run_until(next, |w| invariants.check(w));
    }
    let view = world.session.view();
    let common = (1..=30).filter_map(Slot::new).find(|slot| {
        view.services
            .iter()
            .all(|s| s.free.contains(slot) || s.holds.contains(slot))
    });
    let slot = common.unwrap_or_else(|| Slot::new(1 + (seed % 30) as u16).expect("non-zero"));
    if seed.is_multiple_of(3) {
        // A rival takes it at one service after the page showed it, before the click.
        let service = Service::ALL[(seed / 3 % 2) as usize];
        if world.sim.is_free(service, slot) {
            world.sim.set_holder(service, slot, Some(RIVAL));
        }
    }
    world.session.pair_on(world.now, slot);
    world.drain();
    let end = world.now.saturating_add(Millis(40_000));
    world.run_until(end, |w| invariants.check(w));
    settle(&mut world, &invariants);
    check_retry_after(&mut world);

    let hotel = world.sim.holds(Service::Hotel, US);
    let band = world.sim.holds(Service::Band, US);
    if hotel.contains(&slot) != band.contains(&slot) {
        world.violations.push(format!(
            "half a pair on the clicked slot {slot}: hotel {hotel:?}, band {band:?}"
        ));
    }
    let allowed = [vec![slot], before.into_iter().collect()];
    if hotel != band || !allowed.contains(&hotel) {
        world.violations.push(format!(
            "clicked {slot}, pair before {before:?}: hotel {hotel:?}, band {band:?} at quiescence"
        ));
    }
    world.violations
}

/// Faults and the crowd off, then run until the click is over and nothing is in doubt for 3 s.
fn settle(world: &mut World, invariants: &Invariants) {
    world.sim.set_faults(Default::default());
    world.sim.freeze_crowd();
    let calm = |world: &World| {
        !world.session.pairing()
            && world.is_quiet()
            && world
                .session
                .view()
                .services
                .iter()
                .all(|service| service.holds_known)
    };
    let give_up = world.now.saturating_add(Millis(120_000));
    let mut calm_since = None;
    while world.now < give_up {
        match (calm(world), calm_since) {
            (true, Some(since)) if world.now.saturating_sub(since) >= Millis(3000) => return,
            (true, None) => calm_since = Some(world.now),
            (true, Some(_)) => {}
            (false, _) => calm_since = None,
        }
        let next = world.now.saturating_add(Millis(1000));
        world.run_until(next, |w| invariants.check(w));
    }
    world
        .violations
        .push(format!("{}: the click never settled", world.now));
}

#[test]
fn a_click_ends_with_its_pair_or_nothing_and_breaks_no_rule() {
    sweep("pair on a click", seeds(common::SEEDS), run);
}
