//! The model of both services and the network between them and the client: what each
//! request meets (faults, latency, 429s), what the server does with it, and the crowd.

use std::collections::BTreeMap;

use super::config::{Faults, SimConfig};
use crate::api::{Op, Outcome, Request, RequestId, Service, Slot};
use crate::rng::Rng;
use crate::time::Millis;

/// The user id of the session under test; crowd users have other ids.
pub const US: u32 = 0;

/// A write of ours the model applied, with the matched slots just before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// When the model applied it.
    pub at: Millis,
    /// Where.
    pub service: Service,
    /// The write.
    pub op: Op,
    /// Slots held by [`US`] at both services just before.
    pub matched_before: Vec<Slot>,
}

#[derive(Clone, Debug)]
enum Pending {
    Arrive {
        service: Service,
        id: RequestId,
        op: Op,
        reply_latency: Millis,
        deadline: Millis,
        fate: Fate,
    },
    Deliver {
        id: RequestId,
        outcome: Outcome,
    },
    CrowdTick {
        service: Service,
    },
}

/// What the network and the server will do with one request, drawn when it is sent.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Fate {
    Normal,
    Unavailable,
    ServerError,
    AppliedThenError,
    LostRequest,
    LostReply,
    RateLimited,
}

#[derive(Clone, Debug)]
struct Model {
    /// Index = slot number; 0 unused.
    holder: Vec<Option<u32>>,
    blocked_until: Vec<Millis>,
    revoked: bool,
    last_arrival: Option<Millis>,
}

impl Model {
    fn new(slots: u16) -> Self {
        let len = usize::from(slots) + 1;
        Model {
            holder: vec![None; len],
            blocked_until: vec![Millis::ZERO; len],
            revoked: false,
            last_arrival: None,
        }
    }

    fn index(&self, slot: Slot) -> Option<usize> {
        let index = usize::from(slot.get());
        (index < self.holder.len()).then_some(index)
    }

    fn is_free(&self, index: usize, now: Millis) -> bool {
        self.holder[index].is_none() && self.blocked_until[index] <= now
    }

    fn holds_of(&self, user: u32) -> Vec<Slot> {
        (1..self.holder.len())
            .filter(|&i| self.holder[i] == Some(user))
            .filter_map(|i| u16::try_from(i).ok().and_then(Slot::new))
            .collect()
    }
}

/// The model of both services plus the network between them and the client.
#[derive(Clone, Debug)]
pub struct Sim {
    config: SimConfig,
    rng: Rng,
    now: Millis,
    services: [Model; 2],
    queue: BTreeMap<(Millis, u64), Pending>,
    seq: u64,
    applied: Vec<Applied>,
    /// When each of our requests reached each service, in order.
    arrivals: [Vec<Millis>; 2],
}

impl Sim {
    /// A fresh world at time zero, the crowd's first moves scheduled.
    #[must_use]
    pub fn new(config: SimConfig) -> Self {
        let mut sim = Sim {
            rng: Rng::new(config.seed ^ 0x5151_5151_5151_5151),
            now: Millis::ZERO,
            services: [Model::new(config.slots), Model::new(config.slots)],
            queue: BTreeMap::new(),
            seq: 0,
            applied: Vec::new(),
            arrivals: [Vec::new(), Vec::new()],
            config,
        };
        for service in Service::ALL {
            for n in 1..=sim.config.crowd.fill.min(sim.config.slots) {
                let crowd_user = US + 1 + u32::from(n);
                if let Some(slot) = Slot::new(n) {
                    sim.set_holder(service, slot, Some(crowd_user));
                }
            }
        }
        if sim.config.crowd.active {
            // Start with a crowd already in place, as the real services have.
            for service in Service::ALL {
                for _ in 0..sim.config.crowd.focus {
                    sim.crowd_act(service);
                }
                let first = sim.crowd_interval();
                sim.schedule(first, Pending::CrowdTick { service });
            }
        }
        sim
    }

    /// The configuration in force.
    #[must_use]
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Replaces the fault probabilities (e.g. none, to let a run settle).
    pub fn set_faults(&mut self, faults: Faults) {
        self.config.faults = faults;
        self.config.latency.slow = 0;
    }

    /// Stops the crowd and the blocking; blocked slots stay blocked until their time.
    pub fn freeze_crowd(&mut self) {
        self.config.crowd.active = false;
    }

    /// Makes the service refuse our key (401).
    pub fn revoke(&mut self, service: Service) {
        self.services[service.index()].revoked = true;
    }

    /// Sets who holds `slot` (setup: holds from before a reload, a crowd member on a slot).
    pub fn set_holder(&mut self, service: Service, slot: Slot, user: Option<u32>) {
        let model = &mut self.services[service.index()];
        if let Some(index) = model.index(slot) {
            model.holder[index] = user;
        }
    }

    /// The slots `user` holds at `service`, ascending.
    #[must_use]
    pub fn holds(&self, service: Service, user: u32) -> Vec<Slot> {
        self.services[service.index()].holds_of(user)
    }

    /// Whether `slot` is free (not held, not blocked) at `service` now.
    #[must_use]
    pub fn is_free(&self, service: Service, slot: Slot) -> bool {
        let model = &self.services[service.index()];
        model
            .index(slot)
            .is_some_and(|index| model.is_free(index, self.now))
    }

    /// Whether `slot` is free or held by `user` at `service`.
    #[must_use]
    pub fn available_to(&self, service: Service, slot: Slot, user: u32) -> bool {
        let model = &self.services[service.index()];
        model.index(slot).is_some_and(|index| {
            model.holder[index] == Some(user) || model.is_free(index, self.now)
        })
    }

    /// Slots held by `user` at both services, ascending.
    #[must_use]
    pub fn matched(&self, user: u32) -> Vec<Slot> {
        let band = self.holds(Service::Band, user);
        self.holds(Service::Hotel, user)
            .into_iter()
            .filter(|slot| band.contains(slot))
            .collect()
    }

    /// The smallest slot of the whole range free or held by `user` at both services.
    #[must_use]
    pub fn earliest_common(&self, user: u32) -> Option<Slot> {
        self.best_common(self.config.slots, user)
    }

    /// The smallest slot in `1..=window` free or held by `user` at both services.
    #[must_use]
    pub fn best_common(&self, window: u16, user: u32) -> Option<Slot> {
        (1..=window.min(self.config.slots))
            .filter_map(Slot::new)
            .find(|&slot| {
                Service::ALL
                    .iter()
                    .all(|&service| self.available_to(service, slot, user))
            })
    }

    /// Our writes applied since the last call.
    pub fn take_applied(&mut self) -> Vec<Applied> {
        std::mem::take(&mut self.applied)
    }

    /// The slots of our reserves at `service` still on their way (they may yet be applied).
    #[must_use]
    pub fn reserves_on_the_way(&self, service: Service) -> Vec<Slot> {
        self.queue
            .values()
            .filter_map(|pending| match pending {
                Pending::Arrive {
                    service: at,
                    op: Op::Reserve(slot),
                    ..
                } if *at == service => Some(*slot),
                _ => None,
            })
            .collect()
    }

    /// When our requests reached `service`, in order (lost requests never do).
    #[must_use]
    pub fn arrivals(&self, service: Service) -> &[Millis] {
        &self.arrivals[service.index()]
    }

    /// Whether a write of ours is still on its way to a service.
    #[must_use]
    pub fn has_writes_on_the_way(&self) -> bool {
        self.queue
            .values()
            .any(|pending| matches!(pending, Pending::Arrive { op, .. } if op.is_write()))
    }

    /// Whether requests are still on their way or replies still due.
    #[must_use]
    pub fn has_traffic(&self) -> bool {
        self.queue
            .values()
            .any(|pending| !matches!(pending, Pending::CrowdTick { .. }))
    }

    /// The client sends `request` at `now`.
    pub fn submit(&mut self, now: Millis, request: &Request) {
        self.now = self.now.max(now);
        let faults = self.config.faults.clone();
        let model = &mut self.services[request.service.index()];
        let too_soon = self.config.min_gap.is_some_and(|gap| {
            model
                .last_arrival
                .is_some_and(|last| now.saturating_sub(last) < gap)
        });
        model.last_arrival = Some(now);
        let roll = self.rng.up_to(999);
        let mut threshold = 0_u64;
        let mut fate = Fate::Normal;
        for (per_mille, kind) in [
            (faults.unavailable, Fate::Unavailable),
            (faults.server_error, Fate::ServerError),
            (faults.applied_then_error, Fate::AppliedThenError),
            (faults.lost_request, Fate::LostRequest),
            (faults.lost_reply, Fate::LostReply),
        ] {
            threshold += u64::from(per_mille);
            if roll < threshold {
                fate = kind;
                break;
            }
        }
        if too_soon {
            fate = Fate::RateLimited;
        }
        let there = self.latency();
        let back = self.latency();
        let deadline = now.saturating_add(request.timeout);
        let arrives = now.saturating_add(there);
        let replied = arrives.saturating_add(back);
        let lost = matches!(fate, Fate::LostRequest | Fate::LostReply);
        if lost || replied > deadline {
            self.schedule(
                deadline,
                Pending::Deliver {
                    id: request.id,
                    outcome: Outcome::Timeout,
                },
            );
        }
        if fate != Fate::LostRequest {
            let reply_latency = if lost || replied > deadline {
                // No reply will be delivered: marked by a latency past the deadline.
                Millis(u64::MAX)
            } else {
                back
            };
            self.schedule(
                arrives,
                Pending::Arrive {
                    service: request.service,
                    id: request.id,
                    op: request.op,
                    reply_latency,
                    deadline,
                    fate,
                },
            );
        }
    }

    /// The earliest time something happens in the model.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Millis> {
        self.queue.keys().next().map(|&(at, _)| at)
    }

    /// Runs the model up to `now`; returns the replies (and timeouts) due, in order.
    pub fn advance(&mut self, now: Millis) -> Vec<(RequestId, Outcome)> {
        let mut delivered = Vec::new();
        while let Some(entry) = self.queue.first_entry() {
            let (at, _) = *entry.key();
            if at > now {
                break;
            }
            let pending = entry.remove();
            self.now = self.now.max(at);
            match pending {
                Pending::Deliver { id, outcome } => delivered.push((id, outcome)),
                Pending::CrowdTick { service } => {
                    if self.config.crowd.active {
                        self.crowd_act(service);
                        let next = self.crowd_interval();
                        self.schedule(
                            self.now.saturating_add(next),
                            Pending::CrowdTick { service },
                        );
                    }
                }
                Pending::Arrive {
                    service,
                    id,
                    op,
                    reply_latency,
                    deadline,
                    fate,
                } => {
                    self.arrivals[service.index()].push(self.now);
                    let outcome = self.process(service, op, fate);
                    let replied = self.now.saturating_add(reply_latency);
                    if replied <= deadline {
                        self.schedule(replied, Pending::Deliver { id, outcome });
                    }
                }
            }
        }
        self.now = self.now.max(now);
        delivered
    }

    fn schedule(&mut self, at: Millis, pending: Pending) {
        self.seq += 1;
        self.queue.insert((at, self.seq), pending);
    }

    fn latency(&mut self) -> Millis {
        let latency = &self.config.latency;
        let (min, max) = if self.rng.chance(latency.slow) {
            (latency.max.0, latency.slow_max.0)
        } else {
            (latency.min.0, latency.max.0)
        };
        Millis(self.rng.between(min, max))
    }

    fn crowd_interval(&mut self) -> Millis {
        let crowd = &self.config.crowd;
        Millis(self.rng.between(crowd.interval_min.0, crowd.interval_max.0))
    }

    /// One move of the crowd at `service`: take a free early slot, release one, or block one.
    fn crowd_act(&mut self, service: Service) {
        let focus = u64::from(self.config.crowd.focus.clamp(1, self.config.slots));
        // Squaring a uniform draw favours the early slots, as real users do.
        let draw = self.rng.up_to(999);
        let slot = 1 + (focus * draw * draw) / 1_000_000;
        let block = self.rng.chance(self.config.crowd.block);
        let block_for = self.config.crowd.block_for;
        let user = 1 + u32::try_from(self.rng.up_to(999)).unwrap_or(0);
        let now = self.now;
        let fill = self.config.crowd.fill;
        let model = &mut self.services[service.index()];
        let Ok(index) = usize::try_from(slot) else {
            return;
        };
        if index >= model.holder.len() || index <= usize::from(fill) {
            return;
        }
        match model.holder[index] {
            None if model.blocked_until[index] > now => {}
            None if block => model.blocked_until[index] = now.saturating_add(block_for),
            None => model.holder[index] = Some(user),
            Some(holder) if holder != US => model.holder[index] = None,
            Some(_) => {}
        }
    }

    /// What the server does with one of our requests.
    fn process(&mut self, service: Service, op: Op, fate: Fate) -> Outcome {
        let html = self.rng.chance(self.config.faults.html_errors);
        if self.services[service.index()].revoked {
            return error(
                401,
                "Unauthorized",
                "The API token was invalid or missing.",
                false,
            );
        }
        match fate {
            Fate::Unavailable => {
                let mut outcome = error(503, "Service Unavailable", "Service unavailable", html);
                if let (Outcome::Http { retry_after, .. }, Some(secs)) =
                    (&mut outcome, self.config.faults.retry_after_503)
                {
                    *retry_after = Some(secs.to_string());
                }
                return outcome;
            }
            Fate::ServerError => {
                return error(500, "Internal Server Error", "Internal error", html);
            }
            Fate::RateLimited => {
                return Outcome::Http {
                    status: 429,
                    reason: "Too Many Requests".to_owned(),
                    retry_after: Some(self.config.rate_limit_retry_after.to_string()),
                    body: r#"{"code":429,"message":"Too many requests."}"#.to_owned(),
                };
            }
            Fate::Normal | Fate::AppliedThenError | Fate::LostRequest | Fate::LostReply => {}
        }
        let outcome = self.apply(service, op);
        if fate == Fate::AppliedThenError {
            return error(500, "Internal Server Error", "Internal error", html);
        }
        outcome
    }

    fn apply(&mut self, service: Service, op: Op) -> Outcome {
        let now = self.now;
        let malformed = matches!(op, Op::Available | Op::Holds)
            && self.rng.chance(self.config.faults.malformed_id);
        let enforce_limit = self.config.enforce_limit;
        let matched_before = self.matched(US);
        let model = &mut self.services[service.index()];
        match op {
            Op::Available => {
                let free: Vec<String> = (1..model.holder.len())
                    .filter(|&i| model.is_free(i, now))
                    .map(|i| format!(r#"{{"id":"{i}"}}"#))
                    .collect();
                ok(list(free, malformed))
            }
            Op::Holds => {
                let held: Vec<String> = model
                    .holds_of(US)
                    .iter()
                    .map(|slot| format!(r#"{{"id":"{slot}"}}"#))
                    .collect();
                ok(list(held, malformed))
            }
            Op::Reserve(slot) => {
                let Some(index) = model.index(slot) else {
                    return error(403, "Forbidden", "SlotId does not exist.", false);
                };
                if !model.is_free(index, now) {
                    return error(409, "Conflict", "Slot is not available.", false);
                }
                if enforce_limit && model.holds_of(US).len() >= 2 {
                    return error(
                        451,
                        "Unavailable For Legal Reasons",
                        "The client already holds the maximum number of reservations.",
                        false,
                    );
                }
                model.holder[index] = Some(US);
                self.applied.push(Applied {
                    at: now,
                    service,
                    op,
                    matched_before,
                });
                ok(format!(r#"{{"id":"{slot}"}}"#))
            }
            Op::Cancel(slot) => {
                let Some(index) = model.index(slot) else {
                    return error(403, "Forbidden", "SlotId does not exist.", false);
                };
                if model.holder[index] != Some(US) {
                    return error(409, "Conflict", "Slot is not available.", false);
                }
                model.holder[index] = None;
                self.applied.push(Applied {
                    at: now,
                    service,
                    op,
                    matched_before,
                });
                ok(format!(r#"{{"message":"Reservation {slot} cancelled."}}"#))
            }
        }
    }
}

/// A JSON list of id objects; `malformed` puts an entry that is not a slot id first.
fn list(mut items: Vec<String>, malformed: bool) -> String {
    if malformed {
        items.insert(0, r#"{"id":"n/a"}"#.to_owned());
    }
    format!("[{}]", items.join(","))
}

fn ok(body: String) -> Outcome {
    Outcome::Http {
        status: 200,
        reason: "OK".to_owned(),
        retry_after: None,
        body,
    }
}

fn error(status: u16, reason: &str, message: &str, html: bool) -> Outcome {
    let body = if html {
        format!("<html><head><title>{status}</title></head><body><h1>{reason}</h1></body></html>")
    } else {
        format!(r#"{{"code":{status},"message":"{message}"}}"#)
    };
    Outcome::Http {
        status,
        reason: reason.to_owned(),
        retry_after: None,
        body,
    }
}
