//! The native driver: the core [`Session`] (the same machine the page runs) carried over real
//! HTTP. One loop per run: send what `poll_request` hands out (one task per request, aborted at
//! its timeout), feed each outcome back, sleep until `poll_timeout`, record the pair it holds.

use std::time::Duration;

use hotelband_core::{AutoState, Config, Millis, Outcome, RequestId, Service, Session};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::http::{self, Endpoint};
use crate::trace::Trace;

/// How long one run of the driver lasts.
#[derive(Clone, Debug)]
pub struct DriverConfig {
    /// The core's settings (delay, retries, window, recheck, timeouts, seed).
    pub core: Config,
    /// The planner runs this long, then is stopped.
    pub duration: Duration,
    /// After the stop, how long it may take to finish (a half-made pair is cleaned up).
    pub grace: Duration,
}

/// The run's clock: [`Millis`] for the core, [`Duration`]s for the trace, one origin.
#[derive(Copy, Clone, Debug)]
struct Clock {
    origin: Instant,
}

impl Clock {
    fn elapsed(self) -> Duration {
        self.origin.elapsed()
    }

    fn now(self) -> Millis {
        Millis(millis(self.elapsed()))
    }

    fn at(self, when: Millis) -> Instant {
        self.origin + Duration::from_millis(when.0)
    }
}

/// Runs the planner against `endpoints` (hotel, band) and returns what it did.
pub async fn run(
    client: &reqwest::Client,
    endpoints: [Endpoint; 2],
    config: DriverConfig,
) -> Trace {
    let clock = Clock {
        origin: Instant::now(),
    };
    let stop_at = clock.origin + config.duration;
    let abandon_at = stop_at + config.grace;
    let mut trace = Trace::default();
    let mut session = Session::new(clock.now(), config.core);
    session.start(clock.now());

    // Outcomes come back on one channel so the session is only ever touched by this loop.
    let (outcomes_tx, mut outcomes) = mpsc::unbounded_channel::<Done>();
    let mut in_flight = 0_usize;
    let mut stopping = false;
    loop {
        let now = clock.now();
        while let Some(request) = session.poll_request(now) {
            in_flight += 1;
            trace.count_request(request.service);
            trace.note(
                clock.elapsed(),
                format!(
                    "-> {} {:?} (try {})",
                    request.service, request.op, request.attempt
                ),
            );
            let client = client.clone();
            let endpoint = endpoints[request.service.index()].clone();
            let done = outcomes_tx.clone();
            let decided = clock.elapsed();
            tokio::spawn(async move {
                let started = clock.elapsed();
                let timeout = Duration::from_millis(request.timeout.0);
                let outcome = http::send(&client, &endpoint, request.op, timeout).await;
                // The loop may have been abandoned already; then nobody needs the outcome.
                let _ = done.send(Done {
                    id: request.id,
                    service: request.service,
                    decided,
                    started,
                    outcome,
                });
            });
        }
        while let Some(event) = session.poll_event() {
            trace.note(Duration::from_millis(event.at.0), event.kind.to_string());
        }
        let view = session.view();
        trace.observe_pair(clock.elapsed(), view.pair);

        if stopping && in_flight == 0 && is_quiet(&session) {
            trace.settled = true;
            break;
        }
        let wake = session.poll_timeout().map(|when| clock.at(when));
        tokio::select! {
            Some(done) = outcomes.recv() => {
                in_flight -= 1;
                // One request in flight per service, so replies come back in sending order.
                trace.sent(done.service, done.started, done.started.saturating_sub(done.decided));
                trace.note(clock.elapsed(), format!("<- {} {}", done.service, brief(&done.outcome)));
                session.handle_response(clock.now(), done.id, done.outcome);
            }
            () = sleep_until_some(wake) => session.handle_timeout(clock.now()),
            () = sleep_until(stop_at), if !stopping => {
                stopping = true;
                trace.stopped_at = clock.elapsed();
                session.stop(clock.now());
            }
            () = sleep_until(abandon_at) => {
                let view = session.view();
                let pending = view.services.each_ref().map(|service| service.pending.clone());
                trace.note(
                    clock.elapsed(),
                    format!(
                        "abandoned: auto {:?}, {in_flight} in flight, pending {pending:?}, \
                         next timeout {:?}",
                        view.auto,
                        session.poll_timeout()
                    ),
                );
                break;
            }
        }
    }
    trace.ended_at = clock.elapsed();
    trace
}

/// A request's outcome, with when it was decided and when its task started sending.
struct Done {
    id: RequestId,
    service: Service,
    decided: Duration,
    started: Duration,
    outcome: Outcome,
}

/// Nothing queued or in flight at either service and the planner no longer working.
fn is_quiet(session: &Session) -> bool {
    let view = session.view();
    view.services
        .iter()
        .all(|service| service.pending.is_empty())
        && !matches!(view.auto, AutoState::Running | AutoState::Releasing)
}

/// The status or the failure, for the run's log.
fn brief(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Http { status, .. } => format!("HTTP {status}"),
        Outcome::Network(reason) => reason.clone(),
        Outcome::Timeout => "timed out".to_owned(),
    }
}

async fn sleep_until_some(when: Option<Instant>) {
    match when {
        Some(when) => sleep_until(when).await,
        None => std::future::pending().await,
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
