//! Simulated competitors: `size` members per service, each a user `crowd-<service>-<i>`, that
//! reserve early slots (`1..=window`) directly in the shared world (no HTTP), keep each hold for
//! `hold_ms`, release it, and pause `think_ms` before the next reservation. Each member keeps at
//! most `max_holds` holds and spaces its operations by the pacing interval, like a well-behaved
//! client. Their changes appear in the history like anyone's.
//!
//! Members hold only a `Weak` to the world, so they end with the server; a reconfiguration
//! (`PUT /admin/crowd/{service}`, `/admin/reset`) aborts them, releases what they held and
//! starts the new crowd.

use std::sync::{Arc, Weak};
use std::time::Duration;

use hotelband_core::Rng;
use tokio::time::Instant;

use crate::inspect::ChangeReply;
use crate::service::Service;
use crate::shared::Shared;
use crate::state::UserId;

/// Gap between two operations of a member when the pacing interval is zero, so that a crowd
/// with zero hold and think times cannot spin a core.
const MIN_GAP: Duration = Duration::from_millis(1);

/// Stops `service`'s crowd, releases its holds, and starts the configured one (if a tokio
/// runtime is current: a router built outside one has no crowd).
pub(crate) fn restart(shared: &Arc<Shared>, service: Service) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let mut tasks = shared.crowd_tasks.lock().unwrap_or_else(|e| e.into_inner());
    let own = &mut tasks[service.index()];
    own.drain(..).for_each(|t| t.abort());

    let prefix = member_prefix(service);
    let at_ms = shared.now_ms();
    let (crowd, seed, members, generation) = {
        let mut world = shared.world();
        let old: Vec<(UserId, u16)> = world
            .users()
            .filter(|(_, name)| name.starts_with(&prefix))
            .flat_map(|(id, _)| {
                world.services[service.index()]
                    .holds_of(id)
                    .iter()
                    .map(move |&slot| (id, slot))
            })
            .collect();
        for (id, slot) in old {
            // Held a moment ago under the same lock, so the release cannot be refused.
            let _ = world.release(service, id, slot, ChangeReply::Ok, at_ms);
        }
        // Members of the old crowd may be awake, waiting for this lock (an abort cannot stop
        // a task blocked there): the new generation tells them to stop.
        world.crowd_generation[service.index()] += 1;
        let generation = world.crowd_generation[service.index()];
        let crowd = world.services[service.index()].crowd.clone();
        let members: Vec<UserId> = (0..crowd.size)
            .map(|k| world.user_id(&format!("{prefix}{k}")))
            .collect();
        (crowd, world.seed, members, generation)
    };
    tracing::info!(service = service.name(), size = crowd.size, "crowd started");
    for (k, user) in members.into_iter().enumerate() {
        let stream = 1_000 + (service.index() as u64) * 100_000 + k as u64;
        let member = Member {
            shared: Arc::downgrade(shared),
            service,
            user,
            generation,
            rng: Rng::for_stream(seed, stream),
        };
        own.push(runtime.spawn(member.run()).abort_handle());
    }
}

/// `crowd-hotel-` or `crowd-band-`.
fn member_prefix(service: Service) -> String {
    format!("crowd-{}-", service.name())
}

/// What a member reads from the world before each move.
struct Settings {
    think_ms: (u64, u64),
    hold_ms: (u64, u64),
    max_holds: usize,
    interval: Duration,
    window: u16,
}

struct Member {
    shared: Weak<Shared>,
    service: Service,
    user: UserId,
    /// The crowd generation this member belongs to (see `World::crowd_generation`).
    generation: u64,
    rng: Rng,
}

impl Member {
    async fn run(mut self) {
        let index = self.service.index();
        let mut holds: Vec<(u16, Instant)> = Vec::new();
        let mut last_op: Option<Instant> = None;
        // A random first pause, so members do not all start at once.
        let Some(first) = self.settings() else {
            return;
        };
        let mut next_reserve = Instant::now() + self.draw(first.think_ms);
        loop {
            let Some(Settings {
                think_ms,
                hold_ms,
                max_holds,
                interval,
                window,
            }) = self.settings()
            else {
                return;
            };
            let release_due = holds.iter().map(|h| h.1).min();
            let reserve_due = (holds.len() < max_holds).then_some(next_reserve);
            let due = match (release_due, reserve_due) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                // Nothing to do until the settings change (a zero hold limit).
                (None, None) => Instant::now() + Duration::from_millis(200),
            };
            let paced = last_op.map_or(due, |t| t + interval.max(MIN_GAP));
            tokio::time::sleep_until(due.max(paced)).await;

            let Some(shared) = self.shared.upgrade() else {
                return;
            };
            let now = Instant::now();
            let at_ms = shared.now_ms();
            let mut world = shared.world();
            if world.crowd_generation[index] != self.generation {
                // Restarted while this member was waking: its holds are released, its id
                // belongs to the new crowd.
                return;
            }
            if let Some(pos) = holds.iter().position(|h| h.1 <= now) {
                let (slot, _) = holds.swap_remove(pos);
                // Refused only if an admin reset freed it meanwhile; either way it is gone.
                let _ = world.release(self.service, self.user, slot, ChangeReply::Ok, at_ms);
            } else if holds.len() < max_holds && now >= next_reserve {
                let svc = &world.services[index];
                let top = if window == 0 {
                    svc.slots()
                } else {
                    window.min(svc.slots())
                };
                let free: Vec<u16> = (1..=top).filter(|&s| svc.holder(s).is_none()).collect();
                if !free.is_empty() {
                    let pick = free[self.rng.between(0, free.len() as u64 - 1) as usize];
                    if world
                        .reserve(self.service, self.user, pick, ChangeReply::Ok, at_ms)
                        .is_ok()
                    {
                        holds.push((pick, now + self.draw(hold_ms)));
                    }
                }
                next_reserve = now + self.draw(think_ms);
            }
            // Every wake-up counts as a move for pacing, so a member with nothing to do (all
            // slots of its window taken, zero think time) still cannot spin.
            last_op = Some(now);
        }
    }

    /// The current settings (read each round: pacing may change at runtime), or `None` once
    /// the server is gone.
    fn settings(&self) -> Option<Settings> {
        let shared = self.shared.upgrade()?;
        let world = shared.world();
        let crowd = &world.services[self.service.index()].crowd;
        Some(Settings {
            think_ms: crowd.think_ms,
            hold_ms: crowd.hold_ms,
            max_holds: world.max_holds,
            interval: world.pacing.min_interval,
            window: crowd.window,
        })
    }

    fn draw(&mut self, (lo, hi): (u64, u64)) -> Duration {
        Duration::from_millis(self.rng.between(lo, hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Crowd};

    /// A member of the crowd before a restart, woken after it, must not reserve: its holds
    /// were released and its id now belongs to the new crowd's member.
    #[tokio::test]
    async fn a_member_of_a_restarted_crowd_does_nothing() {
        let mut config = Config::default();
        config.crowd[0] = Crowd {
            size: 0,
            hold_ms: (60_000, 60_000),
            think_ms: (0, 0),
            window: 5,
        };
        let shared = Arc::new(Shared::new(&config));
        let (user, old_generation) = {
            let mut world = shared.world();
            (world.user_id("crowd-hotel-0"), world.crowd_generation[0])
        };
        restart(&shared, Service::Hotel);
        let stale = Member {
            shared: Arc::downgrade(&shared),
            service: Service::Hotel,
            user,
            generation: old_generation,
            rng: Rng::for_stream(1, 1),
        };
        tokio::time::timeout(Duration::from_secs(5), stale.run())
            .await
            .expect("a stale member stops at once");
        let world = shared.world();
        assert_eq!(world.services[0].held().count(), 0);
        assert_eq!(world.history.snapshot().len(), 0);
    }
}
