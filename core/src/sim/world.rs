//! The test driver: a [`Session`] against a [`Sim`] on a virtual clock, as a shell drives it.

use super::config::SimConfig;
use super::model::Sim;
use crate::api::{Outcome, Request, RequestId};
use crate::config::Config;
use crate::event::Event;
use crate::session::Session;
use crate::time::Millis;

/// A request the driver handed to the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// When.
    pub at: Millis,
    /// The request.
    pub request: Request,
}

/// An outcome the driver fed back to the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// When.
    pub at: Millis,
    /// The request it answers.
    pub id: RequestId,
    /// What the shell observed.
    pub outcome: Outcome,
}

/// Drives a [`Session`] against a [`Sim`] on a virtual clock that jumps to the earliest
/// deadline of either, as a shell would: after every input, drain the requests and events.
#[derive(Debug)]
pub struct World {
    /// The model.
    pub sim: Sim,
    /// The machine under test.
    pub session: Session,
    /// The virtual clock.
    pub now: Millis,
    /// Every request sent, per service.
    pub sent: [Vec<Sent>; 2],
    /// Every event, in order.
    pub events: Vec<Event>,
    /// Every outcome fed back, in order.
    pub received: Vec<Received>,
    /// The request in flight per service (the driver checks there is never a second).
    outstanding: [Option<RequestId>; 2],
    /// Broken rules the driver itself can see (one in flight, pacing, livelock).
    pub violations: Vec<String>,
    steps_at_now: u32,
}

/// Steps at one instant beyond which the driver calls it a livelock.
const LIVELOCK_STEPS: u32 = 10_000;

impl World {
    /// A world at time zero.
    #[must_use]
    pub fn new(sim: SimConfig, config: Config) -> Self {
        World {
            sim: Sim::new(sim),
            session: Session::new(Millis::ZERO, config),
            now: Millis::ZERO,
            sent: [Vec::new(), Vec::new()],
            events: Vec::new(),
            received: Vec::new(),
            outstanding: [None, None],
            violations: Vec::new(),
            steps_at_now: 0,
        }
    }

    /// Drains the session's requests (into the model) and events, as a shell does.
    pub fn drain(&mut self) {
        let delay = self.session.config().delay;
        while let Some(request) = self.session.poll_request(self.now) {
            let lane = request.service.index();
            if let Some(previous) = self.outstanding[lane] {
                self.violations.push(format!(
                    "{}: request {:?} sent while {previous:?} is in flight at the {}",
                    self.now, request.id, request.service
                ));
            }
            if let Some(last) = self.sent[lane].last()
                && self.now.saturating_sub(last.at) < delay
            {
                self.violations.push(format!(
                    "{}: two requests to the {} {} apart (delay {delay})",
                    self.now,
                    request.service,
                    self.now.saturating_sub(last.at)
                ));
            }
            self.outstanding[lane] = Some(request.id);
            self.sim.submit(self.now, &request);
            self.sent[lane].push(Sent {
                at: self.now,
                request,
            });
        }
        while let Some(event) = self.session.poll_event() {
            self.events.push(event);
        }
    }

    /// The next instant anything happens, if anything will.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Millis> {
        [self.session.poll_timeout(), self.sim.next_deadline()]
            .into_iter()
            .flatten()
            .min()
    }

    /// Jumps to the next deadline (not past `limit`) and handles everything due then.
    /// Returns false when nothing is due up to `limit` (the clock is then at `limit`).
    pub fn step(&mut self, limit: Millis) -> bool {
        let Some(next) = self.next_deadline().filter(|&at| at <= limit) else {
            self.now = self.now.max(limit);
            self.session.handle_timeout(self.now);
            self.drain();
            return false;
        };
        if next > self.now {
            self.now = next;
            self.steps_at_now = 0;
        } else {
            self.steps_at_now += 1;
            if self.steps_at_now > LIVELOCK_STEPS {
                self.violations.push(format!(
                    "{}: livelock, no progress at one instant",
                    self.now
                ));
                self.now = self.now.saturating_add(Millis(1));
            }
        }
        for (id, outcome) in self.sim.advance(self.now) {
            for slot in &mut self.outstanding {
                if *slot == Some(id) {
                    *slot = None;
                }
            }
            self.session.handle_response(self.now, id, outcome.clone());
            self.received.push(Received {
                at: self.now,
                id,
                outcome,
            });
            self.drain();
        }
        // A shell wakes the session only when it asked to be woken (or on a reply): waking it
        // on the model's own events would hide a session that forgot to ask.
        if self.session.poll_timeout().is_some_and(|at| at <= self.now) {
            self.session.handle_timeout(self.now);
            self.drain();
        }
        true
    }

    /// Steps until `until`, calling `check` after every step.
    pub fn run_until(&mut self, until: Millis, mut check: impl FnMut(&mut World)) {
        while self.step(until) {
            check(self);
            if self.violations.len() > 20 {
                break;
            }
        }
        check(self);
    }

    /// No write queued, in flight or on the wire, the planner not making a pair or releasing.
    /// Reads may go on: while a better pair is possible the planner keeps reading free lists.
    #[must_use]
    pub fn is_quiet(&self) -> bool {
        self.session.view().is_quiet() && !self.sim.has_writes_on_the_way()
    }

    /// Requests sent to both services so far.
    #[must_use]
    pub fn requests(&self) -> usize {
        self.sent.iter().map(Vec::len).sum()
    }
}
