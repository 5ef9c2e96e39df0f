//! The native driver: the core [`Session`] (the same machine the page runs) carried over real
//! HTTP, for the terminal client and the benchmark alike. It sends what `poll_request` hands
//! out (one task per request, aborted at its timeout), feeds each outcome back, and sleeps
//! until `poll_timeout`; what to do with the session (start, stop, reserve...) and when to stop
//! driving is the caller's, between two [`Driver::wait`]s.
//!
//! The session paces each service (one request in flight, `delay` between sends, retries
//! included), and a process drives one session, so that rule holds for all the process sends.

use std::time::Duration;

use hotelband_core::{AutoState, Config, Event, Millis, Outcome, Request, Session};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use crate::http::{self, Endpoint};

/// What a driver reports as it goes; every method has a do-nothing default.
pub trait Observer {
    /// `request` is being handed to its sending task.
    fn on_send(&mut self, _at: Duration, _request: &Request) {}
    /// A reply (or a failure) came back and is about to be fed to the session.
    fn on_reply(&mut self, _at: Duration, _exchange: &Exchange) {}
    /// The session said something for the activity log.
    fn on_event(&mut self, _event: &Event) {}
}

/// An observer that ignores everything.
impl Observer for () {}

/// An observer that keeps the events, for the caller to read after each turn.
impl Observer for Vec<Event> {
    fn on_event(&mut self, event: &Event) {
        self.push(event.clone());
    }
}

/// One request and what came of it, with when it was decided and when its task started
/// sending (both since the driver started).
#[derive(Clone, Debug)]
pub struct Exchange {
    /// What was sent.
    pub request: Request,
    /// When the session handed it out.
    pub decided: Duration,
    /// When its task started sending it.
    pub started: Duration,
    /// What came back.
    pub outcome: Outcome,
}

/// Why [`Driver::wait`] returned.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Woke {
    /// A reply or the session's own timer was fed in.
    Input,
    /// The caller's deadline came first; nothing was fed in.
    Deadline,
}

/// The driver's clock: [`Millis`] for the core, [`Duration`]s for callers, one origin.
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

/// A [`Session`] and the tasks carrying its requests.
///
/// The calling pattern: a command on [`Driver::session_mut`] (with [`Driver::now`]), then
/// [`Driver::dispatch`] and [`Driver::wait`] in a loop; look at [`Driver::session`] between.
#[derive(Debug)]
pub struct Driver {
    client: reqwest::Client,
    endpoints: [Endpoint; 2],
    clock: Clock,
    session: Session,
    // Outcomes come back on one channel so that the session is only touched by the caller.
    done_tx: mpsc::UnboundedSender<Exchange>,
    done_rx: mpsc::UnboundedReceiver<Exchange>,
    in_flight: usize,
}

impl Driver {
    /// A driver whose clock starts now, with a fresh session (planner off, nothing known).
    #[must_use]
    pub fn new(client: reqwest::Client, endpoints: [Endpoint; 2], config: Config) -> Self {
        let clock = Clock {
            origin: Instant::now(),
        };
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        Driver {
            client,
            endpoints,
            clock,
            session: Session::new(clock.now(), config),
            done_tx,
            done_rx,
            in_flight: 0,
        }
    }

    /// The session's time now.
    #[must_use]
    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// Time since the driver started.
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        self.clock.elapsed()
    }

    /// The wall-clock instant of a session time, e.g. of [`Session::poll_timeout`].
    #[must_use]
    pub fn instant(&self, when: Millis) -> Instant {
        self.clock.at(when)
    }

    /// The session, to look at.
    #[must_use]
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, to give it a command; follow with [`Driver::dispatch`].
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Requests sent whose outcome has not been fed back yet.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// A stop has finished: the session is quiet ([`hotelband_core::View::is_quiet`]), the
    /// planner is not running, and nothing, not even a read, is queued or in flight.
    #[must_use]
    pub fn is_quiet(&self) -> bool {
        let view = self.session.view();
        self.in_flight == 0
            && view.is_quiet()
            && view.auto != AutoState::Running
            && view
                .services
                .iter()
                .all(|service| service.pending.is_empty())
    }

    /// Sends every request the session hands out now and reports its events.
    pub fn dispatch(&mut self, observer: &mut impl Observer) {
        let now = self.clock.now();
        while let Some(request) = self.session.poll_request(now) {
            self.in_flight += 1;
            observer.on_send(self.clock.elapsed(), &request);
            let client = self.client.clone();
            let endpoint = self.endpoints[request.service.index()].clone();
            let done = self.done_tx.clone();
            let clock = self.clock;
            let decided = clock.elapsed();
            tokio::spawn(async move {
                let started = clock.elapsed();
                let timeout = Duration::from_millis(request.timeout.0);
                let outcome = http::send(&client, &endpoint, request.op, timeout).await;
                // The driver may have been dropped already; then nobody needs the outcome.
                let _ = done.send(Exchange {
                    request,
                    decided,
                    started,
                    outcome,
                });
            });
        }
        while let Some(event) = self.session.poll_event() {
            observer.on_event(&event);
        }
    }

    /// Waits for one input (a reply, or the session's timer) and feeds it in, then dispatches;
    /// returns early, feeding nothing, at `deadline`. Cancel-safe: dropped while waiting, it
    /// loses nothing (a reply stays queued for the next call).
    pub async fn wait(&mut self, observer: &mut impl Observer, deadline: Option<Instant>) -> Woke {
        self.dispatch(observer);
        let wake = self.session.poll_timeout().map(|when| self.clock.at(when));
        let woke = tokio::select! {
            Some(exchange) = self.done_rx.recv() => {
                self.in_flight -= 1;
                observer.on_reply(self.clock.elapsed(), &exchange);
                let now = self.clock.now();
                self.session.handle_response(now, exchange.request.id, exchange.outcome);
                Woke::Input
            }
            () = sleep_until_some(wake) => {
                self.session.handle_timeout(self.clock.now());
                Woke::Input
            }
            () = sleep_until_some(deadline) => Woke::Deadline,
        };
        self.dispatch(observer);
        woke
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
