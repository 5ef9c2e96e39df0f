//! Scenario: how fast the first pair comes, in simulated time, against the lower bound: three
//! paced requests per service (holds, free list, reserve) ⇒ 2 × delay. Prints the figures
//! (`cargo test -p hotelband-core --test sim_first_pair_time -- --nocapture`).

mod common;

use common::{core_config, seeds, started};
use hotelband_core::sim::{SimConfig, US, World};
use hotelband_core::{EventKind, Millis};

struct Figures {
    first_pair: Vec<u64>,
    requests: Vec<usize>,
    /// Requests over the whole minute, both services.
    per_minute: Vec<usize>,
    missed: usize,
}

fn measure(make: impl Fn(u64) -> SimConfig, runs: u64) -> Figures {
    let mut figures = Figures {
        first_pair: Vec::new(),
        requests: Vec::new(),
        per_minute: Vec::new(),
        missed: 0,
    };
    for seed in seeds(runs) {
        let mut world: World = started(make(seed), seed);
        world.run_until(Millis(60_000), |_| {});
        figures.per_minute.push(world.requests());
        // The first pair as the user sees it: when the session announces it.
        let first = world.events.iter().find_map(|event| match event.kind {
            EventKind::PairSecured { .. } => Some(event.at),
            _ => None,
        });
        match first {
            Some(at) => {
                // The pair is real: the model holds it for us (or held it, if upgraded since).
                assert!(
                    !world.sim.matched(US).is_empty() || world.session.view().pair.is_none(),
                    "seed {seed}"
                );
                let requests = world
                    .sent
                    .iter()
                    .flatten()
                    .filter(|sent| sent.at <= at)
                    .count();
                figures.first_pair.push(at.0);
                figures.requests.push(requests);
            }
            None => figures.missed += 1,
        }
    }
    figures
}

fn summary(name: &str, figures: &Figures, bound: u64) {
    let mut times = figures.first_pair.clone();
    times.sort_unstable();
    let pct = |p: usize| {
        times
            .get(times.len().saturating_sub(1) * p / 100)
            .copied()
            .unwrap_or(0)
    };
    let mean_requests =
        figures.requests.iter().sum::<usize>() as f64 / figures.requests.len().max(1) as f64;
    let mean_minute =
        figures.per_minute.iter().sum::<usize>() as f64 / figures.per_minute.len().max(1) as f64;
    println!(
        "{name}: runs {} (no pair in 60 s: {}), first pair ms p50 {} p90 {} max {} \
         (lower bound {bound}), requests to first pair mean {mean_requests:.1} (minimum 6), \
         requests in the first minute mean {mean_minute:.0} (pacing allows 120)",
        times.len() + figures.missed,
        figures.missed,
        pct(50),
        pct(90),
        pct(100),
    );
}

#[test]
fn first_pair_near_the_lower_bound_without_faults() {
    let delay = core_config(0).delay.0;
    let quiet = |seed| {
        let mut sim = SimConfig::calm(seed);
        sim.crowd.active = false;
        sim
    };
    let figures = measure(quiet, 200);
    summary("no crowd, no faults", &figures, 2 * delay);
    assert_eq!(figures.missed, 0);
    for (&at, &requests) in figures.first_pair.iter().zip(&figures.requests) {
        assert!(at >= 2 * delay, "faster than the pacing allows: {at}");
        // Two paced rounds plus at most two round trips of 2 × 120 ms.
        assert!(at <= 2 * delay + 480, "{at}");
        assert_eq!(requests, 6);
    }
}

#[test]
fn first_pair_figures_under_a_crowd_and_faults() {
    let delay = core_config(0).delay.0;
    let calm = measure(SimConfig::calm, 300);
    summary("calm crowd", &calm, 2 * delay);
    let hostile = measure(SimConfig::hostile, 300);
    summary("hostile", &hostile, 2 * delay);
    for figures in [&calm, &hostile] {
        assert!(figures.first_pair.iter().all(|&at| at >= 2 * delay));
    }
    assert_eq!(calm.missed, 0);
    // Most hostile runs still pair within a minute.
    assert!(hostile.missed * 10 < hostile.first_pair.len());
}
