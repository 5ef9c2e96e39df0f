//! One run: a fresh emulator for one scenario, one client against it, then the emulator's own
//! account of what happened (holds, counters, history). Every figure that can be taken from the
//! server is: the clients' beliefs are not trusted for pairs, orphans or violations.

use std::collections::BTreeSet;
use std::time::Duration;

use hotelband_core::{Config as CoreConfig, Millis};
use tokio::time::Instant;

use crate::achievable::best_achievable;
use crate::admin::{Admin, AdminError, Change, ChangeOp, ChangeReply};
use crate::http::Endpoint;
use crate::naive::{self, NaiveConfig};
use crate::ours::{self, DriverConfig};
use crate::scenario::{CLIENT_USER, ClientKind, Scenario, Settings, emulator_config};
use crate::trace::Trace;

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

/// What one run of one client in one scenario came to. Times are since the client started.
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
    /// HTTP requests it sent, retries included.
    pub requests: u32,
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
    let server_origin = Instant::now();
    let emulator = hotelband_server::start(config).await?;
    let url = emulator.url();
    let endpoints = ["hotel", "band"].map(|service| Endpoint {
        base: format!("{url}/{service}/api"),
        key: client_token.clone(),
    });

    let client_origin = Instant::now();
    let trace = match client {
        ClientKind::Ours => {
            let config = DriverConfig {
                core: core_config(scenario, settings),
                duration: settings.duration,
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

    // History times are the emulator's; the client started this much later.
    let offset = millis(client_origin.duration_since(server_origin));
    let run_end = offset + millis(settings.duration);
    let best = best_achievable(
        &history,
        CLIENT_USER,
        slots,
        (offset, run_end),
        millis(settings.bound()),
    );
    let pairs = pair_timeline(&history, CLIENT_USER);
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

    Ok(RunResult {
        client,
        scenario,
        first_pair,
        best_achievable: best,
        time_to_best,
        requests: trace.total_requests(),
        final_slot,
        orphans,
        extra_holds,
        violations,
        lost_replies,
        settled: trace.settled,
        trace,
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

/// After each of `user`'s applied changes: when it happened and the best slot then held at
/// both services (`None` when no slot was).
fn pair_timeline(history: &[Change], user: &str) -> Vec<(u64, Option<u16>)> {
    let mut held: [BTreeSet<u16>; 2] = [BTreeSet::new(), BTreeSet::new()];
    let mut timeline = Vec::new();
    for change in history.iter().filter(|change| change.user == user) {
        let side = &mut held[usize::from(change.service == "band")];
        match change.op {
            ChangeOp::Reserve => side.insert(change.slot),
            ChangeOp::Release => side.remove(&change.slot),
        };
        let matched = held[0].intersection(&held[1]).next().copied();
        timeline.push((change.at_ms, matched));
    }
    timeline
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(at_ms: u64, service: &str, op: ChangeOp, slot: u16) -> Change {
        Change {
            seq: at_ms,
            at_ms,
            service: service.to_owned(),
            user: CLIENT_USER.to_owned(),
            op,
            slot,
            reply: ChangeReply::Ok,
        }
    }

    #[test]
    fn the_timeline_follows_the_best_matched_slot() {
        use ChangeOp::{Release, Reserve};
        let history = [
            change(10, "hotel", Reserve, 7),
            change(20, "band", Reserve, 7),
            change(30, "hotel", Reserve, 3),
            change(40, "band", Reserve, 3),
            change(50, "hotel", Release, 7),
            change(60, "band", Release, 7),
            change(70, "band", Release, 3),
        ];
        let timeline = pair_timeline(&history, CLIENT_USER);
        let best: Vec<Option<u16>> = timeline.iter().map(|&(_, best)| best).collect();
        assert_eq!(
            best,
            [None, Some(7), Some(7), Some(3), Some(3), Some(3), None]
        );
        assert_eq!(timeline[1].0, 20);
    }
}
