//! Figures of the real page: time to the first matched pair at the emulator in headless
//! Chromium, quiet and under mixed faults, next to today's lower bounds. Prints a Markdown
//! table; `make bench` runs it. A benchmark, not a test: it asserts nothing about time.
//!
//! - COLD: nothing known (the first Save of the settings, auto-pair already on): the free
//!   list, then the reserve a paced delay later: at best `delay + RTT` from the Save click.
//! - WARM: the tables are shown (both services read, the pacer idle), then the click on Start:
//!   the reserves go at once, at best one `RTT` from the click.
//! - AFTERSAVE: the first Save, then Start at once (issue 18): Save's free-list reads serve
//!   Start, so the reserves go one paced delay later: at best `delay + RTT` from the Save click.
//!
//! Then the page load (issue 18): from navigation to both tables drawn from real
//! free lists (a `button[data-state="free"]` in each), settings already saved, with a cold
//! cache (DevTools `Network.clearBrowserCache`) and a warm one, as a ratio to the wasm's fetch
//! (its resource timing on that load) plus its compile (`WebAssembly.compile` of the same
//! bytes, timed in the page) plus one RTT.
//!
//! RTT is the median round trip of an admin read of the emulator on loopback, measured before
//! each run; under faults the services add their own latency, which no bound includes.
//!
//! Times run from the click as the page saw it (`Date.now()` in a capture listener, so
//! WebDriver's own command latency is not counted) to the moment the emulator's state first
//! shows the pair, polled every millisecond: at most about one admin round trip late.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use hotelband_e2e::{Scenario, Setup, USER, devtools};
use hotelband_server::Faults;

/// Runs per setting: few, because each takes a real browser start and real 1 s pacing.
const RUNS: u64 = 3;
/// The page's delay between two requests to one service (the e2e settings' default).
const DELAY: Duration = Duration::from_secs(1);
/// A run without a pair by then is reported as a failure.
const GIVE_UP: Duration = Duration::from_secs(120);
/// Round trips measured for the RTT.
const RTT_SAMPLES: usize = 5;

#[derive(Copy, Clone, Debug)]
enum Start {
    Cold,
    Warm,
    AfterSave,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let mixed = Faults {
        p503: 0.3,
        p500: 0.1,
        p_lost: 0.1,
        latency_ms: (0, 2_000),
        ..Faults::default()
    };
    println!(
        "| start | faults | run | time to first pair (s) | bound (s) | above the bound (s) | / bound | slot |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for start in [Start::Cold, Start::Warm, Start::AfterSave] {
        for (label, faults) in [("none", Faults::default()), ("mixed", mixed.clone())] {
            for run in 0..RUNS {
                let faults = faults.clone();
                let name = format!("figures-{start:?}-{label}-{run}").to_lowercase();
                let outcome = Setup::new(&name)
                    .allow_console("net::ERR_")
                    .emulator(|config| {
                        config.seed = run;
                        config.faults = [faults.clone(), faults];
                    })
                    .run(async |s| {
                        let rtt = rtt(s).await?;
                        let (took, slot) = match start {
                            Start::Cold => cold(s).await?,
                            Start::Warm => warm(s).await?,
                            Start::AfterSave => save_start(s).await?,
                        };
                        let bound = match start {
                            Start::Cold | Start::AfterSave => DELAY + rtt,
                            Start::Warm => rtt,
                        };
                        println!(
                            "| {start:?} | {label} | {run} | {:.3} | {:.3} | {:.3} | x{:.2} | {slot} |",
                            took.as_secs_f64(),
                            bound.as_secs_f64(),
                            took.as_secs_f64() - bound.as_secs_f64(),
                            took.as_secs_f64() / bound.as_secs_f64(),
                        );
                        Ok(())
                    })
                    .await;
                // A run that fails is a row of the table too: the others still run.
                if let Err(error) = outcome {
                    println!("| {start:?} | {label} | {run} | failed: {error:#} | | | | |");
                }
            }
        }
    }
    page_load().await
}

/// The page load, cold and warm cache, [`RUNS`] times each (quiet emulator).
async fn page_load() -> Result<()> {
    println!(
        "\n| cache | run | navigation to both tables drawn (ms) | wasm fetch (ms) | wasm compile (ms) | RTT (ms) | / (fetch + compile + RTT) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for run in 0..RUNS {
        Setup::new(&format!("figures-load-{run}"))
            .run(async |s| {
                let rtt = rtt(s).await?;
                s.page.open(&s.url()).await?;
                // No recheck during the run: the page before a load sends nothing in the
                // wait below, so the new page's first reads owe no pacing delay to it.
                let mut settings = s.settings();
                settings.recheck = "600".to_owned();
                s.page.fill_settings(&settings).await?;
                s.page.wait_free_slots(20).await?;
                devtools::execute(
                    s.page.client(),
                    "Page.addScriptToEvaluateOnNewDocument",
                    serde_json::json!({ "source": TABLES_DRAWN }),
                )
                .await?;
                for cache in ["cold", "warm"] {
                    if cache == "cold" {
                        devtools::execute(
                            s.page.client(),
                            "Network.clearBrowserCache",
                            serde_json::json!({}),
                        )
                        .await?;
                    }
                    // Past the last request's pacing delay, so the new page's first reads
                    // need not wait for it (see `Session::handover`).
                    tokio::time::sleep(DELAY * 2).await;
                    let load = load(s).await?;
                    let bound = load.fetch + load.compile + rtt.as_secs_f64() * 1000.0;
                    println!(
                        "| {cache} | {run} | {:.0} | {:.0} | {:.0} | {:.1} | x{:.2} |",
                        load.drawn,
                        load.fetch,
                        load.compile,
                        rtt.as_secs_f64() * 1000.0,
                        load.drawn / bound,
                    );
                }
                Ok(())
            })
            .await?;
    }
    Ok(())
}

/// Before the page's own scripts: note when both tables first show a free slot, in
/// milliseconds since navigation (`performance.now()`).
const TABLES_DRAWN: &str = "
const drawn = () => {
  if (window.tablesDrawnAt === undefined
      && document.querySelector('#hotel-slots [data-state=\"free\"]')
      && document.querySelector('#band-slots [data-state=\"free\"]')) {
    window.tablesDrawnAt = performance.now();
  }
};
new MutationObserver(drawn).observe(document, { subtree: true, childList: true, attributes: true });";

/// What one page load took, in milliseconds.
struct Load {
    drawn: f64,
    fetch: f64,
    compile: f64,
}

/// Navigates to the page, waits for both tables, then times the wasm's fetch (this load's
/// resource timing) and a compile of the same bytes.
async fn load(s: &Scenario) -> Result<Load> {
    let client = s.page.client();
    client.goto(&s.url()).await?;
    let give_up = Instant::now() + GIVE_UP;
    let drawn = loop {
        let at = client
            .execute("return window.tablesDrawnAt;", vec![])
            .await?;
        if let Some(at) = at.as_f64() {
            break at;
        }
        anyhow::ensure!(Instant::now() < give_up, "no tables in {GIVE_UP:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let timing = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const wasm = performance.getEntriesByType('resource')
               .find((entry) => entry.name.split('?')[0].endsWith('.wasm'));
             if (!wasm) { done(null); return; }
             fetch(wasm.name).then((reply) => reply.arrayBuffer()).then((bytes) => {
               const started = performance.now();
               return WebAssembly.compile(bytes).then(() => done({
                 fetch: wasm.responseEnd - wasm.startTime,
                 compile: performance.now() - started,
               }));
             });",
            vec![],
        )
        .await?;
    let field = |name: &str| {
        timing[name]
            .as_f64()
            .ok_or_else(|| anyhow::anyhow!("no wasm timing: {timing}"))
    };
    Ok(Load {
        drawn,
        fetch: field("fetch")?,
        compile: field("compile")?,
    })
}

/// The median round trip of an admin read of the emulator.
async fn rtt(s: &Scenario) -> Result<Duration> {
    let mut samples = Vec::with_capacity(RTT_SAMPLES);
    for _ in 0..RTT_SAMPLES {
        let sent = Instant::now();
        s.admin.state().await?;
        samples.push(sent.elapsed());
    }
    samples.sort();
    Ok(samples[RTT_SAMPLES / 2])
}

/// Auto-pair on before the first Save (the flag a reload resumes from), so the session's first
/// command is Start: timed from the Save click.
async fn cold(s: &Scenario) -> Result<(Duration, u16)> {
    s.page.open(&s.url()).await?;
    s.page
        .client()
        .execute("localStorage.setItem('hotelband.running', '1');", vec![])
        .await?;
    s.page.type_settings(&s.settings()).await?;
    let clicked = click_at(s, "save-settings").await?;
    pair_since(s, clicked).await
}

/// The first Save, then Start as soon as WebDriver can click it: timed from the Save click.
async fn save_start(s: &Scenario) -> Result<(Duration, u16)> {
    s.page.open(&s.url()).await?;
    s.page.type_settings(&s.settings()).await?;
    let clicked = click_at(s, "save-settings").await?;
    s.page.click("auto-start").await?;
    pair_since(s, clicked).await
}

/// The tables shown and the pacer idle, then the click on Start: timed from the click.
async fn warm(s: &Scenario) -> Result<(Duration, u16)> {
    s.page.open(&s.url()).await?;
    // A recheck period longer than the run: the reads stay recent enough for Start to act on
    // them at once (with the e2e default the free lists would be re-read first).
    let mut settings = s.settings();
    settings.recheck = "600".to_owned();
    s.page.fill_settings(&settings).await?;
    s.page.wait_free_slots(20).await?;
    // Past the pacing delay of the reads that saving triggered.
    tokio::time::sleep(DELAY * 2).await;
    let clicked = click_at(s, "auto-start").await?;
    pair_since(s, clicked).await
}

/// Clicks `#id` and returns when the page saw the click, in Unix milliseconds.
async fn click_at(s: &Scenario, id: &str) -> Result<u64> {
    let listen = "document.getElementById(arguments[0]).addEventListener('click', \
                  () => { window.clickedAt = Date.now(); }, { capture: true, once: true });";
    s.page
        .client()
        .execute(listen, vec![serde_json::json!(id)])
        .await?;
    s.page.click(id).await?;
    let at = s
        .page
        .client()
        .execute("return window.clickedAt;", vec![])
        .await?;
    at.as_u64()
        .ok_or_else(|| anyhow::anyhow!("the page saw no click on #{id}: {at}"))
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Polls the emulator every millisecond for [`USER`]'s pair; the time since `clicked` (Unix ms).
async fn pair_since(s: &Scenario, clicked: u64) -> Result<(Duration, u16)> {
    let give_up = Instant::now() + GIVE_UP;
    loop {
        if let Ok(slot) = s.admin.state().await?.matched_pair(USER) {
            return Ok((
                Duration::from_millis(unix_ms().saturating_sub(clicked)),
                slot,
            ));
        }
        anyhow::ensure!(Instant::now() < give_up, "no pair in {GIVE_UP:?}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
