//! One run: a fresh emulator for one scenario, one client against it, then the emulator's own
//! account of what happened (holds, counters, history). Every figure that can be taken from the
//! server is: the clients' beliefs are not trusted for pairs, orphans or violations.

use std::time::Duration;

use hotelband_core::{Config as CoreConfig, Millis};
use tokio::time::Instant;

use crate::achievable::best_achievable;
use crate::admin::{Admin, AdminError, Change, ChangeReply};
use crate::http::Endpoint;
use crate::naive::{self, NaiveConfig};
use crate::openings::{self, Judged, Openings, Rules};
use crate::oracle::{self, Yardstick};
use crate::ours::{self, DriverConfig};
use crate::scenario::{CLIENT_USER, ClientKind, Scenario, Settings, Start, emulator_config};
use crate::timeline;
use crate::trace::Trace;

/// The rounding of the emulator's millisecond clock and of its offset to the client's.
const CLOCK_ROUNDING: Duration = Duration::from_millis(2);

/// How soon an opening must be held (the target: 2.5 s).
pub const OPENING_WITHIN: Duration = Duration::from_millis(2_500);

/// Why a run produced no figures.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The emulator could not start (no free port, ...).
    #[error("the emulator did not start: {0}")]
    Start(#[from] std::io::Error),
    /// Its admin API failed after the run.
    #[error(transparent)]
    Admin(#[from] AdminError),
}

/// What one run of one client in one scenario came to. Times are since Start.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The client measured.
    pub client: ClientKind,
    /// The scenario it met.
    pub scenario: Scenario,
    /// When the server first saw it hold one slot at both services.
    pub first_pair: Option<Duration>,
    /// The best slot that was achievable (see [`crate::achievable`]).
    pub best_achievable: Option<u16>,
    /// When the server first saw it hold the best achievable slot at both services.
    pub time_to_best: Option<Duration>,
    /// HTTP requests it sent, retries included (a warm start's reads included).
    pub requests: u32,
    /// Requests it sent from Start to its first pair (both services).
    pub requests_to_pair: Option<usize>,
    /// Requests per minute from Start to the stop, both services.
    pub requests_per_minute: f64,
    /// Openings offered and held within [`OPENING_WITHIN`], per the emulator.
    pub openings: Openings,
    /// Those openings against the best possible client's (see [`crate::oracle`]).
    pub yardstick: Yardstick,
    /// Times its matched pair got worse or went (released before a better one was held).
    pub breaches: usize,
    /// The most holds it had at one service at once.
    pub max_holds: usize,
    /// The best slot it held at both services at the end, per the server.
    pub final_slot: Option<u16>,
    /// Holds at the end at one service but not the other, per the server.
    pub orphans: usize,
    /// Holds at the end besides the final matched slot (orphans and extra pairs).
    pub extra_holds: usize,
    /// Pacing violations the server charged to it, both services.
    pub violations: u64,
    /// Changes of its that were applied but whose reply was lost, both services.
    pub lost_replies: u64,
    /// False when it was still busy at the end of the grace period and was abandoned.
    pub settled: bool,
    /// The client's own log, for a failing smoke test.
    pub trace: Trace,
    /// The emulator's account, for a closer look at a run (`--dump`).
    pub detail: Detail,
}

/// The emulator's account of one run, kept for `--dump`.
#[derive(Clone, Debug, Default)]
pub struct Detail {
    /// When Start came, in emulator milliseconds.
    pub offset_ms: u64,
    /// Every applied change, everyone's.
    pub history: Vec<Change>,
    /// Every opening judged (see [`openings::judge`]).
    pub judged: Vec<Judged>,
}

/// Runs `client` in `scenario` on an emulator of its own.
pub async fn run(
    http: &reqwest::Client,
    client: ClientKind,
    scenario: Scenario,
    settings: &Settings,
) -> Result<RunResult, RunError> {
    // Only this process ever sees these: each run has its own emulator and its own keys.
    let client_token = format!("{:064x}", u128::from(scenario.seed) << 8 | 0x5a);
    let admin_token = format!("{:064x}", u128::from(scenario.seed) << 8 | 0xa5);
    let config = emulator_config(scenario, settings, &client_token, &admin_token);
    let slots = config.slots;
    let emulator = hotelband_server::start(config).await?;
    // The emulator's clock (`at_ms`) starts inside `start`, so taking ours after it can only
    // overstate the client's times, by at most the time `start` took (well under 1 ms alone).
    let server_origin = Instant::now();
    let url = emulator.url();
    let endpoints = ["hotel", "band"].map(|service| Endpoint {
        base: format!("{url}/{service}/api"),
        key: client_token.clone(),
    });

    if scenario.cell.crowd.members() > 0 {
        tokio::time::sleep(settings.crowd_warmup).await;
    }
    let client_origin = Instant::now();
    let warm_lead = (scenario.start == Start::Warm).then_some(settings.warm_lead);
    let trace = match client {
        ClientKind::Ours => {
            let config = DriverConfig {
                core: core_config(scenario, settings),
                duration: settings.duration,
                warm_lead,
                grace: settings.grace,
            };
            ours::run(http, endpoints, config).await
        }
        ClientKind::Naive => {
            let config = NaiveConfig {
                sleep: settings.delay,
                window: usize::from(settings.window),
                recheck: settings.recheck,
                duration: settings.duration,
                warm_lead,
                grace: settings.grace,
                ..NaiveConfig::default()
            };
            naive::run(http, endpoints, config).await
        }
    };

    let admin = Admin::new(http.clone(), url, admin_token);
    let state = admin.state().await?;
    let history = admin.history().await?;
    drop(emulator);

    // History times are the emulator's; Start came this much later.
    let offset = millis(client_origin.duration_since(server_origin) + trace.clicked_at);
    let run_end = offset + millis(settings.duration);
    let min_free = millis(settings.min_free());
    let best = best_achievable(&history, CLIENT_USER, slots, (offset, run_end), min_free);
    let holds = timeline::replay(&history, CLIENT_USER);
    let judged = openings::judge(
        &history,
        CLIENT_USER,
        slots,
        &holds.pairs,
        Rules {
            span: (offset, run_end),
            min_free,
            within: millis(OPENING_WITHIN),
        },
    );
    let openings = Openings::count(&judged);
    let yardstick = oracle::yardstick(
        &history,
        CLIENT_USER,
        slots,
        (offset, run_end),
        millis(settings.delay),
        &judged,
        millis(OPENING_WITHIN),
    );
    let pairs = &holds.pairs;
    let since_start = |at_ms: u64| Duration::from_millis(at_ms.saturating_sub(offset));
    let first_pair = pairs
        .iter()
        .find(|(_, best)| best.is_some())
        .map(|&(at, _)| since_start(at));
    let time_to_best = best.and_then(|best| {
        pairs
            .iter()
            .find(|(_, held)| *held == Some(best))
            .map(|&(at, _)| since_start(at))
    });

    let [hotel, band] = state
        .services()
        .map(|service| service.holds_of(CLIENT_USER));
    let final_slot = hotel.iter().find(|slot| band.contains(slot)).copied();
    let orphans = hotel.iter().filter(|slot| !band.contains(slot)).count()
        + band.iter().filter(|slot| !hotel.contains(slot)).count();
    let extra_holds = hotel.len() + band.len() - if final_slot.is_some() { 2 } else { 0 };
    let violations = state
        .services()
        .iter()
        .map(|service| service.violations_of(CLIENT_USER))
        .sum();
    let lost_replies = history
        .iter()
        .filter(|change| change.user == CLIENT_USER && change.reply == ChangeReply::Lost)
        .count() as u64;

    // `at_ms` is whole milliseconds, and so is the offset: allow for both roundings.
    let requests_to_pair = first_pair.map(|at| trace.requests_until(at + CLOCK_ROUNDING));
    let minutes = settings.duration.as_secs_f64() / 60.0;
    let requests_per_minute = trace.requests_until(settings.duration) as f64 / minutes;

    Ok(RunResult {
        client,
        scenario,
        first_pair,
        best_achievable: best,
        time_to_best,
        requests: trace.total_requests(),
        requests_to_pair,
        requests_per_minute,
        openings,
        yardstick,
        breaches: holds.breaches,
        max_holds: holds.max_holds,
        final_slot,
        orphans,
        extra_holds,
        violations,
        lost_replies,
        settled: trace.settled,
        trace,
        detail: Detail {
            offset_ms: offset,
            history,
            judged,
        },
    })
}

/// The core's settings for a run: the benchmark's pacing, window and recheck, the scenario's
/// seed for the jitter, defaults for the rest (as the page ships).
fn core_config(scenario: Scenario, settings: &Settings) -> CoreConfig {
    CoreConfig {
        delay: Millis(millis(settings.delay)),
        window: settings.window,
        recheck: Millis(millis(settings.recheck)),
        seed: scenario.seed,
        ..CoreConfig::default()
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
