//! Figures of the real page: time to the first matched pair in headless Chromium against the
//! emulator, quiet and under mixed faults, next to the 2 × delay lower bound. Prints a Markdown
//! table; `make bench` runs it. A benchmark, not a test: it asserts nothing about time.

use std::time::{Duration, Instant};

use anyhow::Result;
use hotelband_e2e::{Setup, USER};
use hotelband_server::Faults;

/// Runs per setting: few, because each takes a real browser start and real 1 s pacing.
const RUNS: u64 = 3;
/// The lower bound: holds, free list and reserve at each service, 1 s apart.
const BOUND: Duration = Duration::from_secs(2);
/// A run without a pair by then is reported as a failure.
const GIVE_UP: Duration = Duration::from_secs(120);

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let mixed = Faults {
        p503: 0.3,
        p500: 0.1,
        p_lost: 0.1,
        latency_ms: (0, 2_000),
        ..Faults::default()
    };
    println!("| faults | run | time to first pair (s) | ratio to 2 × delay | slot |");
    println!("|---|---|---|---|---|");
    for (label, faults) in [("none", Faults::default()), ("mixed", mixed)] {
        for run in 0..RUNS {
            let faults = faults.clone();
            let name = format!("figures-{label}-{run}");
            Setup::new(&name)
                .allow_console("net::ERR_")
                .emulator(|config| {
                    config.seed = run;
                    config.faults = [faults.clone(), faults];
                })
                .run(async |s| {
                    s.open_signed_in().await?;
                    // Let the reads that follow saving the settings pass the pacer first, so
                    // the run starts from an idle page as a user's click would.
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    let started = Instant::now();
                    s.page.click("auto-start").await?;
                    // Polled often: the figure is within a few ms of the pair's completion.
                    let slot = loop {
                        if let Ok(slot) = s.admin.state().await?.matched_pair(USER) {
                            break slot;
                        }
                        anyhow::ensure!(started.elapsed() < GIVE_UP, "no pair in {GIVE_UP:?}");
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    };
                    let took = started.elapsed();
                    let ratio = took.as_secs_f64() / BOUND.as_secs_f64();
                    println!(
                        "| {label} | {run} | {:.2} | {ratio:.2} | {slot} |",
                        took.as_secs_f64()
                    );
                    Ok(())
                })
                .await?;
        }
    }
    Ok(())
}
