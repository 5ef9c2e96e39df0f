//! Shared harness for the core's tests: slots and replies for the step-by-step tests; for the
//! simulations, configs, per-step invariants, settling, the final check.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeSet;

use hotelband_core::sim::{Faults, SimConfig, US, World};
use hotelband_core::{AutoState, AvoidSet, Config, EventKind, Millis, Op, Outcome, Service, Slot};

/// Slot `n`, non-zero in every test.
pub fn slot(n: u16) -> Slot {
    Slot::new(n).expect("non-zero")
}

/// A reply as the shell hands it to the session: `status`, `Retry-After` if any, the body.
pub fn reply(status: u16, retry_after: Option<&str>, body: &str) -> Outcome {
    Outcome::Http {
        status,
        reason: String::new(),
        retry_after: retry_after.map(str::to_owned),
        body: body.into(),
    }
}

/// A 200 with `body`.
pub fn ok(body: &str) -> Outcome {
    reply(200, None, body)
}

/// A 200 with the free or holds list `slots`, as the services write it.
pub fn list(slots: &[u16]) -> Outcome {
    let items: Vec<String> = slots.iter().map(|n| format!(r#"{{"id":"{n}"}}"#)).collect();
    ok(&format!("[{}]", items.join(",")))
}

/// The core's settings in the simulations: the real 1 s pacing, the default (eager) rescans.
pub fn core_config(seed: u64) -> Config {
    Config {
        seed,
        ..Config::default()
    }
}

/// Seeds per sweep: `SIM_SEEDS` overrides (e.g. 20000 for a long soak).
pub fn seeds(default: u64) -> std::ops::Range<u64> {
    let n = std::env::var("SIM_SEEDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default);
    0..n
}

/// Seeds per scenario by default.
pub const SEEDS: u64 = 3000;

/// `sim` with the model's 2-holds limit off: a third hold lands, so the per-step check of at
/// most 2 holds is about the client's own writes.
pub fn lenient(mut sim: SimConfig) -> SimConfig {
    sim.enforce_limit = false;
    sim
}

/// Invariants checked after every step of a run.
#[derive(Debug, Default)]
pub struct Invariants {
    /// Set once stop_and_release_all was called: releasing the pair is then the point.
    pub release_all: bool,
    /// Holds exist that the client was never told of: it can only learn of them from a 451, so
    /// only what landed is counted (the model's limit must be on).
    pub unseen_holds: bool,
}

impl Invariants {
    pub fn check(&self, world: &mut World) {
        let now = world.now;
        for service in Service::ALL {
            // What the client's own writes hold or may still make land: never more than 2.
            let mut mine: BTreeSet<Slot> = world.sim.holds(service, US).into_iter().collect();
            if !self.unseen_holds {
                mine.extend(world.sim.reserves_on_the_way(service));
            }
            if mine.len() > 2 {
                world.violations.push(format!(
                    "{now}: our writes hold or may land {mine:?} at the {service}"
                ));
            }
            let view = world.session.view();
            if view.services[service.index()].holds.len() > 2 {
                world.violations.push(format!(
                    "{now}: the view shows more than 2 holds at the {service}"
                ));
            }
        }
        for applied in world.sim.take_applied() {
            let Op::Cancel(slot) = applied.op else {
                continue;
            };
            // Make-before-break: a matched slot is released only while another pair is held.
            if !self.release_all
                && applied.matched_before.contains(&slot)
                && applied.matched_before.len() < 2
            {
                world.violations.push(format!(
                    "{}: released the only pair {slot} at the {}",
                    applied.at, applied.service
                ));
            }
        }
    }
}

/// Turns faults and the crowd off and runs until the session is quiet and has had time to find
/// the best pair (blocked slots expire meanwhile).
pub fn settle(world: &mut World, invariants: &Invariants) {
    world.sim.set_faults(Faults::default());
    world.sim.freeze_crowd();
    // Long enough for blocked slots to expire (10 s) and a few rescans after.
    let end = world.now.saturating_add(Millis(15_000));
    world.run_until(end, |w| invariants.check(w));
    // Quiet, no write in doubt that could still change the holds, and the last decision taken
    // on fresh free lists (the planner reads them at every paced slot while it may improve).
    let calm = |world: &World| {
        let view = world.session.view();
        let fresh = |at: Option<Millis>| {
            view.auto != AutoState::Running
                || view.pair.is_some_and(|pair| pair.get() == 1)
                || at.is_some_and(|at| world.now.saturating_sub(at) <= Millis(3000))
        };
        world.is_quiet()
            && view.services.iter().all(|service| {
                service.stopped.is_some() || (service.holds_known && fresh(service.free_at))
            })
    };
    let give_up = world.now.saturating_add(Millis(120_000));
    let mut calm_since = None;
    while world.now < give_up {
        // Calm for 3 s: a decision taken on the read that made it calm has been carried out.
        match (calm(world), calm_since) {
            (true, Some(since)) if world.now.saturating_sub(since) >= Millis(3000) => break,
            (true, None) => calm_since = Some(world.now),
            (true, Some(_)) => {}
            (false, _) => calm_since = None,
        }
        let next = world.now.saturating_add(Millis(1000));
        world.run_until(next, |w| invariants.check(w));
    }
    if !calm(world) {
        world
            .violations
            .push(format!("{}: not quiet after settling", world.now));
    }
}

/// After settling, with the planner running: exactly the earliest common pair of the whole
/// range (or nothing if there is none), never an unmatched hold.
pub fn expect_best_pair(world: &mut World) {
    let best = world.sim.earliest_common(US);
    let hotel = world.sim.holds(Service::Hotel, US);
    let band = world.sim.holds(Service::Band, US);
    let expected: Vec<Slot> = best.into_iter().collect();
    if hotel != expected || band != expected {
        world.violations.push(format!(
            "at quiescence: hotel {hotel:?}, band {band:?}, earliest common {best:?}, auto {:?}",
            world.session.view().auto
        ));
    }
}

/// At quiescence after `stop`: one matched pair or nothing, never an orphan.
pub fn expect_no_orphan(world: &mut World) {
    let hotel = world.sim.holds(Service::Hotel, US);
    let band = world.sim.holds(Service::Band, US);
    if hotel != band || hotel.len() > 1 {
        world.violations.push(format!(
            "orphans at quiescence: hotel {hotel:?}, band {band:?}"
        ));
    }
    if world.session.view().auto != AutoState::Off {
        world.violations.push(format!(
            "auto is {:?} after stopping",
            world.session.view().auto
        ));
    }
}

/// Fails the test with the seed and the violations, so the run can be replayed.
pub fn report(scenario: &str, failures: &[(u64, Vec<String>)]) {
    if failures.is_empty() {
        return;
    }
    let mut text = format!("{scenario}: {} failing seed(s)\n", failures.len());
    for (seed, violations) in failures.iter().take(5) {
        text.push_str(&format!("  seed {seed}:\n"));
        for violation in violations.iter().take(5) {
            text.push_str(&format!("    {violation}\n"));
        }
    }
    panic!("{text}");
}

/// Sweeps `run` over `seeds` and reports the failing ones.
pub fn sweep(
    scenario: &str,
    seeds: impl IntoIterator<Item = u64>,
    run: impl Fn(u64) -> Vec<String>,
) {
    let failures: Vec<_> = seeds
        .into_iter()
        .map(|seed| (seed, run(seed)))
        .filter(|(_, violations)| !violations.is_empty())
        .collect();
    report(scenario, &failures);
}

/// A world for `seed`, the planner started at time zero.
pub fn started(sim: SimConfig, seed: u64) -> World {
    let mut world = World::new(sim, core_config(seed));
    world.session.start(world.now);
    world.drain();
    world
}

/// When the session first announced a pair.
pub fn first_pair_at(world: &World) -> Option<Millis> {
    world.events.iter().find_map(|event| match event.kind {
        EventKind::PairSecured { .. } => Some(event.at),
        _ => None,
    })
}

/// Requests sent to both services up to and including `at`.
pub fn requests_until(world: &World, at: Millis) -> usize {
    world
        .sent
        .iter()
        .flatten()
        .filter(|sent| sent.at <= at)
        .count()
}

/// For every reply carrying a `Retry-After`, the next request to that service came no earlier:
/// a violation per breach.
pub fn check_retry_after(world: &mut World) {
    let mut breaches = Vec::new();
    for received in &world.received {
        let hotelband_core::Outcome::Http {
            status,
            retry_after: Some(raw),
            ..
        } = &received.outcome
        else {
            continue;
        };
        let Ok(secs) = raw.trim().parse::<u64>() else {
            continue;
        };
        let Some(service) = Service::ALL.into_iter().find(|service| {
            world.sent[service.index()]
                .iter()
                .any(|sent| sent.request.id == received.id)
        }) else {
            continue;
        };
        let wait = Millis::from_secs(secs);
        let next = world.sent[service.index()]
            .iter()
            .find(|sent| sent.at >= received.at && sent.request.id > received.id);
        if let Some(next) = next
            && next.at.saturating_sub(received.at) < wait
        {
            breaches.push(format!(
                "{}: {status} with Retry-After {secs} s at the {service}, next request {} later",
                received.at,
                next.at.saturating_sub(received.at)
            ));
        }
    }
    world.violations.extend(breaches);
}

/// Every two of our requests reached each service at least `delay` apart (the rule is about
/// arrivals). Only where every request is answered: after a lost reply the client cannot know
/// when its request arrived.
pub fn check_arrivals(world: &mut World) {
    let delay = world.session.config().delay;
    for service in Service::ALL {
        let close = world
            .sim
            .arrivals(service)
            .windows(2)
            .find(|pair| pair[1].saturating_sub(pair[0]) < delay)
            .map(|pair| (pair[0], pair[1]));
        if let Some((first, second)) = close {
            world.violations.push(format!(
                "requests reached the {service} at {first} and {second}, closer than {delay}"
            ));
        }
    }
}

/// The user's constraints for `seed`, drawn at random: about one slot in four of the crowd's
/// early slots avoided (singles and short ranges, slot 1 often among them), and a good-enough
/// slot that is 1 half of the time, else up to 15.
pub fn constrained_config(seed: u64) -> Config {
    // splitmix64: a few well-spread numbers from the seed, independent of the model's RNG.
    let mut state = seed ^ 0x5eed_a701d;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut avoid = AvoidSet::new();
    let mut n = 1u16;
    while n <= 40 {
        let roll = next() % 8;
        if roll < 2 {
            let len = if roll == 0 {
                1
            } else {
                1 + (next() % 4) as u16
            };
            avoid.insert_range(slot(n), slot(n + len - 1));
            n += len;
        }
        n += 1;
    }
    let good_enough = if next() % 2 == 0 {
        slot(1)
    } else {
        slot(1 + (next() % 15) as u16)
    };
    Config {
        avoid,
        good_enough,
        ..core_config(seed)
    }
}

/// Whether `pair` is one auto-pair may call done under `config`: allowed, and at good-enough or
/// better, or with every better slot avoided (nothing better exists). Spelled out here rather
/// than asking the core's own rule.
pub fn done_allowed(config: &Config, pair: Slot) -> bool {
    let avoided = |n: u16| config.avoid.contains(slot(n));
    !avoided(pair.get()) && (pair <= config.good_enough || (1..pair.get()).all(avoided))
}

/// A violation per reserve of an avoided slot the session sent (in worlds without manual
/// actions, every reserve is the strategy's).
pub fn check_no_avoided_reserve(world: &mut World) {
    let avoid = world.session.config().avoid.clone();
    let reserves: Vec<String> = world
        .sent
        .iter()
        .flatten()
        .filter_map(|sent| match sent.request.op {
            Op::Reserve(slot) if avoid.contains(slot) => Some(format!(
                "{}: reserved avoided slot {slot} at the {} (avoid {avoid})",
                sent.at, sent.request.service
            )),
            _ => None,
        })
        .collect();
    world.violations.extend(reserves);
}

/// Per step: auto-pair is done only on a pair [`done_allowed`] allows.
pub fn check_done(world: &mut World) {
    let view = world.session.view();
    if view.auto != AutoState::Done {
        return;
    }
    let config = world.session.config();
    if !view.pair.is_some_and(|pair| done_allowed(config, pair)) {
        world.violations.push(format!(
            "{}: done on pair {:?} (avoid {}, good enough {})",
            world.now, view.pair, config.avoid, config.good_enough
        ));
    }
}

/// While done, nothing is sent: a violation per request sent after the last `Done` event.
pub fn check_quiet_when_done(world: &mut World) {
    if world.session.view().auto != AutoState::Done {
        return;
    }
    let done_at = world
        .events
        .iter()
        .rev()
        .find_map(|event| (event.kind == EventKind::Auto(AutoState::Done)).then_some(event.at));
    let Some(done_at) = done_at else {
        return;
    };
    let after = world
        .sent
        .iter()
        .flatten()
        .filter(|sent| sent.at > done_at)
        .count();
    if after > 0 {
        world
            .violations
            .push(format!("{after} requests sent after done at {done_at}"));
    }
}

/// After settling, with the planner running: one allowed pair, good enough or the earliest
/// allowed slot of the whole range free or ours at both; nothing if there is none.
pub fn expect_best_allowed_pair(world: &mut World) {
    let config = world.session.config().clone();
    let earliest = (1..=world.sim.config().slots)
        .map(slot)
        .filter(|&slot| !config.avoid.contains(slot))
        .find(|&slot| {
            Service::ALL
                .iter()
                .all(|&service| world.sim.available_to(service, slot, US))
        });
    let hotel = world.sim.holds(Service::Hotel, US);
    let band = world.sim.holds(Service::Band, US);
    let fine = match hotel.as_slice() {
        [] => earliest.is_none(),
        &[pair] => {
            hotel == band
                && !config.avoid.contains(pair)
                && (Some(pair) == earliest || done_allowed(&config, pair))
        }
        _ => false,
    };
    if !fine {
        world.violations.push(format!(
            "at quiescence: hotel {hotel:?}, band {band:?}, earliest allowed {earliest:?}, \
             avoid {}, good enough {}, auto {:?}",
            config.avoid,
            config.good_enough,
            world.session.view().auto
        ));
    }
}
