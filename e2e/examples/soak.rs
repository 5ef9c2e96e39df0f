//! What a tab left open costs (issue 18): the page in headless Chromium against the emulator,
//! auto-pair running for `--minutes` against a crowd of 10 on slots 1..8 with mild faults
//! (503 5 %, 500 2 %, lost replies 1 %, 0–80 ms) and a rival holding slot 1 at both services,
//! so the tab keeps reading (about one request a second per service); then the crowd stops and
//! the faults are lifted (so neither can take slot 1 from the page),
//! the rival lets slot 1 go, the page pairs on it and is done, and the tab is watched for
//! `--done-minutes` more with nothing to do. The request rates are the emulator's counts of
//! every HTTP request (the rival's four included).
//!
//! Every `--every` seconds it samples, through DevTools (chromedriver's `goog/cdp/execute`):
//! the main thread's busy time as a share of wall time (`Performance.getMetrics`:
//! `TaskDuration`, of which `ScriptDuration` and `LayoutDuration + RecalcStyleDuration`), the
//! JS heap, the wasm memory (every `WebAssembly.Memory` the page's modules export), DOM nodes
//! and listeners (`Memory.getDOMCounters`), and the requests per minute per service the
//! emulator counted. Prints a Markdown table per phase and a summary; a benchmark, not a test.
//!
//! `cargo run --release -p hotelband-e2e --example soak -- --minutes 10 --done-minutes 3`
//! (`make bench` runs a short form: `--minutes 2 --done-minutes 1`).

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};
use hotelband_e2e::{PAIR_DEADLINE, Scenario, Service, Setup, devtools};
use hotelband_server::{Crowd, Faults};
use reqwest::Method;
use serde_json::{Value, json};

/// Seed of the emulator's faults and crowd: a soak is replayable.
const SEED: u64 = 18;

/// Records every memory the page's wasm modules export, before the page's own scripts run.
const CAPTURE_WASM_MEMORY: &str = "
window.__wasmMemories = [];
const keep = (result) => {
  const instance = result.instance || result;
  for (const value of Object.values(instance.exports || {})) {
    if (value instanceof WebAssembly.Memory) window.__wasmMemories.push(value);
  }
  return result;
};
for (const name of ['instantiate', 'instantiateStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = (...args) => original.apply(WebAssembly, args).then(keep);
}";

#[derive(Debug)]
struct Args {
    minutes: f64,
    done_minutes: f64,
    every: Duration,
}

fn args() -> Result<Args> {
    let mut args = Args {
        minutes: 10.0,
        done_minutes: 3.0,
        every: Duration::from_secs(20),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        let number: f64 = value
            .parse()
            .with_context(|| format!("{flag} {value}: not a number"))?;
        ensure!(number > 0.0, "{flag} {value}: must be positive");
        match flag.as_str() {
            "--minutes" => args.minutes = number,
            "--done-minutes" => args.done_minutes = number,
            "--every" => args.every = Duration::from_secs_f64(number),
            _ => bail!("unknown flag {flag} (--minutes, --done-minutes, --every SECONDS)"),
        }
    }
    Ok(args)
}

/// One reading of the page and the emulator.
#[derive(Clone, Debug)]
struct Reading {
    /// Chromium's monotonic clock, seconds.
    at: f64,
    task: f64,
    script: f64,
    layout: f64,
    heap: f64,
    wasm: f64,
    nodes: f64,
    listeners: f64,
    requests: [u64; 2],
}

/// What one sample interval cost, as shares of its wall time and rates.
#[derive(Clone, Debug)]
struct Sample {
    /// Seconds since the phase began.
    since: f64,
    busy: f64,
    script: f64,
    layout: f64,
    heap_mb: f64,
    wasm_mb: f64,
    nodes: f64,
    listeners: f64,
    per_minute: [f64; 2],
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let args = args()?;
    let faults = Faults {
        p503: 0.05,
        p500: 0.02,
        p_lost: 0.01,
        latency_ms: (0, 80),
        ..Faults::default()
    };
    let crowd = Crowd {
        size: 10,
        hold_ms: (3_000, 8_000),
        think_ms: (1_000, 3_000),
        window: 8,
    };
    Setup::new("soak")
        // The browser's own line for a reply the emulator cuts off on purpose.
        .allow_console("net::ERR_")
        .emulator(|config| config.seed = SEED)
        .run(async |s| soak(s, &args, &faults, &crowd).await)
        .await
}

/// `PUT /admin/{what}/{service}` with `body`: faults and crowd are set once the rival holds
/// slot 1, so neither the crowd nor a fault can take it from the rival first.
async fn admin_put(
    s: &Scenario,
    what: &str,
    service: Service,
    body: &impl serde::Serialize,
) -> Result<()> {
    let url = format!("{}/admin/{what}/{}", s.emulator.url(), service.name());
    reqwest::Client::new()
        .put(&url)
        .bearer_auth(s.admin_token())
        .json(body)
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("PUT {url}"))?;
    Ok(())
}

async fn soak(s: &Scenario, args: &Args, faults: &Faults, crowd: &Crowd) -> Result<()> {
    let client = s.page.client();
    devtools::execute(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": CAPTURE_WASM_MEMORY }),
    )
    .await?;
    for service in Service::ALL {
        s.rival(Method::POST, service, 1).await?;
        admin_put(s, "faults", service, faults).await?;
        admin_put(s, "crowd", service, crowd).await?;
    }
    s.open_signed_in().await?;
    devtools::execute(client, "Performance.enable", json!({})).await?;
    s.page.click("auto-start").await?;
    let pair = s.page.wait_pair(PAIR_DEADLINE).await?;
    println!(
        "soak: crowd of 10 on slots 1..8, faults 503 5 % / 500 2 % / lost 1 % / 0-80 ms, \
         seed {SEED}; rival on slot 1; first pair on slot {pair}\n"
    );

    let running = phase(s, "running (rival on slot 1)", args.minutes, args.every).await?;

    // The crowd stops first, so slot 1 goes to the page when the rival lets it go.
    for service in Service::ALL {
        admin_put(s, "crowd", service, &Crowd::default()).await?;
        admin_put(s, "faults", service, &Faults::default()).await?;
        s.rival(Method::DELETE, service, 1).await?;
    }
    s.page.wait_auto("done").await?;
    let done = phase(s, "done (slot 1 held)", args.done_minutes, args.every).await?;

    println!("### Summary\n");
    println!(
        "| phase | minutes | busy % of wall | script % | layout + style % | requests / min (hotel, band) | \
         JS heap MB, first → second half | wasm MB, first → second half | DOM nodes, max | listeners, max |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, minutes, samples) in [
        ("running", args.minutes, &running),
        ("done", args.done_minutes, &done),
    ] {
        summary(name, minutes, samples);
    }
    s.page.screenshot(&s.artifacts, "soaked").await
}

/// Samples every `every` for `minutes`; prints and returns the samples.
async fn phase(s: &Scenario, name: &str, minutes: f64, every: Duration) -> Result<Vec<Sample>> {
    println!("### {name}\n");
    println!(
        "| s | busy % | script % | layout + style % | JS heap MB | wasm MB | DOM nodes | listeners | \
         hotel req/min | band req/min |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let began = Instant::now();
    let length = Duration::from_secs_f64(minutes * 60.0);
    let first = read(s).await?;
    let mut last = first.clone();
    let mut samples = Vec::new();
    while began.elapsed() < length {
        tokio::time::sleep(every.min(length.saturating_sub(began.elapsed()))).await;
        let now = read(s).await?;
        let sample = between(&first, &last, &now);
        println!(
            "| {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} | {:.0} |",
            sample.since,
            sample.busy * 100.0,
            sample.script * 100.0,
            sample.layout * 100.0,
            sample.heap_mb,
            sample.wasm_mb,
            sample.nodes,
            sample.listeners,
            sample.per_minute[0],
            sample.per_minute[1],
        );
        samples.push(sample);
        last = now;
    }
    println!();
    Ok(samples)
}

/// The interval from `last` to `now`, `since` the phase's `first` reading.
fn between(first: &Reading, last: &Reading, now: &Reading) -> Sample {
    let wall = (now.at - last.at).max(f64::EPSILON);
    let share = |pick: fn(&Reading) -> f64| (pick(now) - pick(last)) / wall;
    const MB: f64 = 1024.0 * 1024.0;
    Sample {
        since: now.at - first.at,
        busy: share(|r| r.task),
        script: share(|r| r.script),
        layout: share(|r| r.layout),
        heap_mb: now.heap / MB,
        wasm_mb: now.wasm / MB,
        nodes: now.nodes,
        listeners: now.listeners,
        per_minute: [0, 1].map(|i| (now.requests[i] - last.requests[i]) as f64 * 60.0 / wall),
    }
}

/// Over a phase: time-weighted busy shares, request rates, memory at the two halves' ends.
fn summary(name: &str, minutes: f64, samples: &[Sample]) {
    let Some(end) = samples.last() else {
        println!("| {name} | {minutes} | - | - | - | - | - | - | - | - |");
        return;
    };
    // Each sample's weight is its length.
    let mut before = 0.0;
    let (mut busy, mut script, mut layout, mut rate) = (0.0, 0.0, 0.0, [0.0; 2]);
    for sample in samples {
        let length = sample.since - before;
        before = sample.since;
        busy += sample.busy * length;
        script += sample.script * length;
        layout += sample.layout * length;
        for (total, per_minute) in rate.iter_mut().zip(sample.per_minute) {
            *total += per_minute * length;
        }
    }
    let total = end.since.max(f64::EPSILON);
    let half = &samples[(samples.len() - 1) / 2];
    let max = |pick: fn(&Sample) -> f64| samples.iter().map(pick).fold(0.0, f64::max);
    println!(
        "| {name} | {minutes} | {:.2} | {:.2} | {:.2} | {:.0}, {:.0} | {:.2} → {:.2} | {:.2} → {:.2} | {:.0} | {:.0} |",
        busy / total * 100.0,
        script / total * 100.0,
        layout / total * 100.0,
        rate[0] / total,
        rate[1] / total,
        half.heap_mb,
        end.heap_mb,
        half.wasm_mb,
        end.wasm_mb,
        max(|s| s.nodes),
        max(|s| s.listeners),
    );
}

/// Reads the page's metrics and the emulator's request counters.
async fn read(s: &Scenario) -> Result<Reading> {
    let client = s.page.client();
    let metrics = devtools::execute(client, "Performance.getMetrics", json!({})).await?;
    let metric = |name: &str| -> Result<f64> {
        metrics["metrics"]
            .as_array()
            .and_then(|all| all.iter().find(|m| m["name"] == name))
            .and_then(|m| m["value"].as_f64())
            .with_context(|| format!("no {name} in Performance.getMetrics: {metrics}"))
    };
    let counters = devtools::execute(client, "Memory.getDOMCounters", json!({})).await?;
    let counter = |name: &str| -> Result<f64> {
        counters[name]
            .as_f64()
            .with_context(|| format!("no {name} in Memory.getDOMCounters: {counters}"))
    };
    let wasm: Value = client
        .execute(
            "return (window.__wasmMemories || []).reduce((sum, m) => sum + m.buffer.byteLength, 0);",
            vec![],
        )
        .await?;
    let state = s.admin.state().await?;
    Ok(Reading {
        at: metric("Timestamp")?,
        task: metric("TaskDuration")?,
        script: metric("ScriptDuration")?,
        layout: metric("LayoutDuration")? + metric("RecalcStyleDuration")?,
        heap: metric("JSHeapUsedSize")?,
        wasm: wasm.as_f64().unwrap_or_default(),
        nodes: counter("nodes")?,
        listeners: counter("jsEventListeners")?,
        requests: state.services().map(|service| service.counters.requests),
    })
}
