//! One run of the core planner: the native driver the terminal client uses
//! (`hotelband_cli::driver`), started, stopped after `duration`, recorded in a [`Trace`].

use std::time::Duration;

use hotelband_cli::driver::{Driver, Exchange, Observer, Woke};
use hotelband_cli::http::Endpoint;
use hotelband_core::{Config, Event, Op, Outcome, Request};

use crate::trace::Trace;

/// How long one run of the planner lasts.
#[derive(Clone, Debug)]
pub struct DriverConfig {
    /// The core's settings (delay, retries, window, recheck, timeouts, seed).
    pub core: Config,
    /// The planner runs this long after Start, then is stopped.
    pub duration: Duration,
    /// Warm start: read both services' holds and free lists first (`Session::refresh`) and
    /// press Start (`Session::start`) this long after. `None`: Start at once (cold).
    pub warm_lead: Option<Duration>,
    /// After the stop, how long it may take to finish (a half-made pair is cleaned up).
    pub grace: Duration,
}

/// Writes what the driver reports into the trace.
impl Observer for Trace {
    fn on_send(&mut self, at: Duration, request: &Request) {
        self.count_request(request.service);
        self.note(
            at,
            format!(
                "-> {} {:?} (try {})",
                request.service, request.op, request.attempt
            ),
        );
    }

    fn on_reply(&mut self, at: Duration, exchange: &Exchange) {
        // One request in flight per service, so replies come back in sending order.
        let lag = exchange.started.saturating_sub(exchange.decided);
        self.sent(exchange.request.service, exchange.started, lag);
        self.replied(at.saturating_sub(exchange.started));
        let service = exchange.request.service;
        let mut line = format!("<- {service} {}", brief(&exchange.outcome));
        if let (
            Op::Available | Op::Holds,
            Outcome::Http {
                status: 200, body, ..
            },
        ) = (exchange.request.op, &exchange.outcome)
        {
            line.push_str(&format!(" {}", first_ids(body)));
        }
        self.note(at, line);
    }

    fn on_event(&mut self, event: &Event) {
        self.note(Duration::from_millis(event.at.0), event.kind.to_string());
    }
}

/// Runs the planner against `endpoints` (hotel, band) and returns what it did.
pub async fn run(
    client: &reqwest::Client,
    endpoints: [Endpoint; 2],
    config: DriverConfig,
) -> Trace {
    let mut trace = Trace::default();
    let mut driver = Driver::new(client.clone(), endpoints, config.core);
    if let Some(lead) = config.warm_lead {
        // The core's public API says "the tables are on screen" as the page does: a manual
        // refresh reads holds and free lists at both services; Start then finds them known.
        let now = driver.now();
        driver.session_mut().refresh(now);
        let click_at = driver.instant(hotelband_core::Millis(millis(lead)));
        while driver.wait(&mut trace, Some(click_at)).await == Woke::Input {}
    }
    trace.clicked_at = driver.elapsed();
    let now = driver.now();
    driver.session_mut().start(now);
    let stop_at = driver.instant(hotelband_core::Millis(millis(
        trace.clicked_at + config.duration,
    )));
    let abandon_at = driver.instant(hotelband_core::Millis(millis(
        trace.clicked_at + config.duration + config.grace,
    )));
    let mut stopping = false;
    loop {
        driver.dispatch(&mut trace);
        trace.observe_pair(driver.elapsed(), driver.session().view().pair);
        if stopping && driver.is_quiet() {
            trace.settled = true;
            break;
        }
        let deadline = if stopping { abandon_at } else { stop_at };
        if driver.wait(&mut trace, Some(deadline)).await == Woke::Input {
            continue;
        }
        if !stopping {
            stopping = true;
            trace.stopped_at = driver.elapsed();
            let now = driver.now();
            driver.session_mut().stop(now);
            continue;
        }
        let session = driver.session();
        let view = session.view();
        let pending = view
            .services
            .each_ref()
            .map(|service| service.pending.clone());
        trace.note(
            driver.elapsed(),
            format!(
                "abandoned: auto {:?}, {} in flight, pending {pending:?}, next wake {:?}",
                view.auto,
                driver.in_flight(),
                session.wake_reason()
            ),
        );
        break;
    }
    trace.ended_at = driver.elapsed();
    trace
}

/// How many ids of a list the log shows: the best slots are the ones that matter.
const LOGGED_IDS: usize = 12;

/// The first ids of a list reply, for the run's log: `[3 7 9 ...]`.
fn first_ids(body: &str) -> String {
    let ids: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(body)
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| entry.get("id").map(|id| id.to_string().replace('"', "")))
        .collect();
    let more = if ids.len() > LOGGED_IDS { " ..." } else { "" };
    format!("[{}{more}]", ids[..ids.len().min(LOGGED_IDS)].join(" "))
}

/// The status or the failure, for the run's log.
fn brief(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Http { status, .. } => format!("HTTP {status}"),
        Outcome::Network(reason) => reason.clone(),
        Outcome::Timeout => "timed out".to_owned(),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
