//! The in-memory world: who holds which slot at each service, the counters, the pacing clocks
//! and the history. Everything lives behind one `Mutex` (see `Shared::world`): every operation
//! is a few array accesses, so one lock is both the simplest and fast enough, and it makes each
//! reserve or cancel atomic with its history entry.
//!
//! Rules (documented in `server/README.md` too):
//! - reserve: the slot must be free, else 409 — also when the caller already holds it (the
//!   handout's "held by someone (or you)"); then the caller must hold fewer than `max_holds`,
//!   else 451. So a caller at the limit asking for a slot it or someone else holds gets 409.
//! - cancel: the caller must hold the slot, else 409 (free, or held by someone else).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use hotelband_core::Rng;
use tokio::time::Instant;

use crate::config::{Config, Crowd, Faults, Pacing, Scripted};
use crate::history::History;
use crate::inspect::{ChangeOp, ChangeReply, Counters};
use crate::reply;
use crate::service::Service;

/// Index into `World::names`: configured users first, crowd members appended on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct UserId(pub(crate) u32);

impl UserId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// Why a reserve or cancel was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// 409: reserve of a slot that is not free, or cancel of a slot the caller does not hold.
    #[error("slot is not available")]
    NotAvailable,
    /// 451: the caller already holds `max_holds` slots.
    #[error("hold limit reached")]
    AtLimit,
}

/// One service's desk: its slots and bookkeeping.
#[derive(Debug)]
pub(crate) struct Desk {
    /// `holders[slot - 1]`.
    holders: Vec<Option<UserId>>,
    /// Slots held, sorted, by `UserId` (grown on demand).
    holds: Vec<Vec<u16>>,
    /// Arrival of each user's last request that was served (pacing clock), by `UserId`.
    pub(crate) last_arrival: Vec<Option<Instant>>,
    /// Pacing violations by `UserId`.
    pub(crate) violations: Vec<u64>,
    pub(crate) counters: Counters,
    pub(crate) faults: Faults,
    pub(crate) crowd: Crowd,
    /// The fault dice; reset to its seed stream by `/admin/reset`.
    pub(crate) rng: Rng,
    /// Writes that have met `faults.script` so far; restarted with the faults.
    scripted_writes: usize,
    /// The free list's JSON until the next change: reads far outnumber writes, and the list
    /// is the same for every caller (own holds are never free).
    free_cache: Option<Bytes>,
    /// Until when every request is answered with a proxy's HTML 502 page (`/admin/outage`).
    pub(crate) outage_until: Option<Instant>,
}

impl Desk {
    fn new(config: &Config, service: Service) -> Self {
        let i = service.index();
        Desk {
            holders: vec![None; usize::from(config.slots)],
            holds: Vec::new(),
            last_arrival: Vec::new(),
            violations: Vec::new(),
            counters: Counters::default(),
            faults: config.faults[i].clone(),
            crowd: config.crowd[i].clone(),
            rng: fault_rng(config.seed, service),
            scripted_writes: 0,
            free_cache: None,
            outage_until: None,
        }
    }

    /// Replaces the faults; the script starts again from its first entry.
    pub(crate) fn set_faults(&mut self, faults: Faults) {
        self.faults = faults;
        self.scripted_writes = 0;
    }

    /// The scripted fate of the next write, if the script has one left.
    pub(crate) fn next_scripted_write(&mut self) -> Option<Scripted> {
        let fate = self.faults.script.get(self.scripted_writes).copied()?;
        self.scripted_writes += 1;
        Some(fate)
    }

    /// Number of slots (`1..=slots`).
    pub(crate) fn slots(&self) -> u16 {
        // `holders` is built from a `u16` count and never resized.
        u16::try_from(self.holders.len()).unwrap_or(u16::MAX)
    }

    /// The slots `user` holds, ascending.
    pub(crate) fn holds_of(&self, user: UserId) -> &[u16] {
        self.holds.get(user.index()).map_or(&[], Vec::as_slice)
    }

    /// The holder of `slot` (`1..=slots`), if any.
    pub(crate) fn holder(&self, slot: u16) -> Option<UserId> {
        self.holders
            .get(usize::from(slot).wrapping_sub(1))
            .copied()
            .flatten()
    }

    /// Free slots, ascending, as the wire's JSON array (`[{"id":"1"},…]`); a caller's own holds
    /// are never free, so they are excluded by construction.
    pub(crate) fn free_json(&mut self) -> Bytes {
        self.free_cache
            .get_or_insert_with(|| Bytes::from(free_list(&self.holders)))
            .clone()
    }

    /// `user`'s holds as the wire's JSON array.
    pub(crate) fn holds_json(&self, user: UserId) -> String {
        reply::slot_list(self.holds_of(user).iter().copied())
    }

    /// Reserves `slot` (already checked to be in `1..=slots`) for `user`.
    pub(crate) fn reserve(
        &mut self,
        user: UserId,
        slot: u16,
        max_holds: usize,
    ) -> Result<(), Refusal> {
        let cell = self
            .holders
            .get_mut(usize::from(slot).wrapping_sub(1))
            .ok_or(Refusal::NotAvailable)?;
        if cell.is_some() {
            return Err(Refusal::NotAvailable);
        }
        if self.holds.len() <= user.index() {
            self.holds.resize_with(user.index() + 1, Vec::new);
        }
        let holds = &mut self.holds[user.index()];
        if holds.len() >= max_holds {
            return Err(Refusal::AtLimit);
        }
        *cell = Some(user);
        self.free_cache = None;
        let at = holds.partition_point(|&s| s < slot);
        holds.insert(at, slot);
        Ok(())
    }

    /// Releases `slot` if `user` holds it.
    pub(crate) fn release(&mut self, user: UserId, slot: u16) -> Result<(), Refusal> {
        let cell = self
            .holders
            .get_mut(usize::from(slot).wrapping_sub(1))
            .ok_or(Refusal::NotAvailable)?;
        if *cell != Some(user) {
            return Err(Refusal::NotAvailable);
        }
        *cell = None;
        self.free_cache = None;
        if let Some(holds) = self.holds.get_mut(user.index()) {
            holds.retain(|&s| s != slot);
        }
        Ok(())
    }

    /// `(slot, holder)` for every held slot, ascending.
    pub(crate) fn held(&self) -> impl Iterator<Item = (u16, UserId)> + '_ {
        self.holders.iter().enumerate().filter_map(|(i, h)| {
            // `i < slots <= u16::MAX`, so `i + 1` fits.
            h.map(|user| (u16::try_from(i + 1).unwrap_or(u16::MAX), user))
        })
    }

    /// Counts a pacing violation of `user`.
    pub(crate) fn count_violation(&mut self, user: UserId) {
        self.counters.violations += 1;
        if self.violations.len() <= user.index() {
            self.violations.resize(user.index() + 1, 0);
        }
        self.violations[user.index()] += 1;
    }

    /// Forgets holds, counters and pacing clocks; rewinds the fault dice.
    fn reset(&mut self, seed: u64, service: Service) {
        self.holders.iter_mut().for_each(|h| *h = None);
        self.free_cache = None;
        self.holds.clear();
        self.last_arrival.clear();
        self.violations.clear();
        self.counters = Counters::default();
        self.rng = fault_rng(seed, service);
        self.scripted_writes = 0;
        self.outage_until = None;
    }
}

fn fault_rng(seed: u64, service: Service) -> Rng {
    Rng::for_stream(seed, service.index() as u64)
}

/// The JSON of the free slots among `holders`.
fn free_list(holders: &[Option<UserId>]) -> String {
    // `holders` first: it ends the zip before the slot count could pass `u16::MAX`.
    let free = holders
        .iter()
        .zip(1..)
        .filter(|(holder, _)| holder.is_none());
    reply::slot_list(free.map(|(_, slot)| slot))
}

/// Everything mutable, behind `Shared::world`.
#[derive(Debug)]
pub(crate) struct World {
    /// Names by `UserId`.
    names: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, UserId>,
    pub(crate) services: [Desk; 2],
    pub(crate) history: History,
    pub(crate) pacing: Pacing,
    pub(crate) max_holds: usize,
    pub(crate) seed: u64,
    /// Per service, how many times its crowd was (re)started: a member of an older crowd
    /// that wakes after a restart sees it here and stops, under the same lock.
    pub(crate) crowd_generation: [u64; 2],
}

impl World {
    pub(crate) fn new(config: &Config) -> Self {
        let mut world = World {
            names: Vec::new(),
            ids: HashMap::new(),
            services: [
                Desk::new(config, Service::Hotel),
                Desk::new(config, Service::Band),
            ],
            history: History::default(),
            pacing: config.pacing,
            max_holds: config.max_holds,
            seed: config.seed,
            crowd_generation: [0; 2],
        };
        for user in &config.users {
            world.user_id(&user.name);
        }
        world
    }

    /// The id of `name`, registering it on first use.
    pub(crate) fn user_id(&mut self, name: &str) -> UserId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        // More than 4 billion distinct names cannot be registered in memory anyway.
        let id = UserId(u32::try_from(self.names.len()).unwrap_or(u32::MAX));
        let name: Arc<str> = Arc::from(name);
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    /// The name of `user`.
    pub(crate) fn name(&self, user: UserId) -> &Arc<str> {
        &self.names[user.index()]
    }

    /// Every registered name with its id.
    pub(crate) fn users(&self) -> impl Iterator<Item = (UserId, &Arc<str>)> {
        self.names.iter().enumerate().map(|(i, n)| {
            // `names.len()` never exceeds `u32::MAX` (see `user_id`).
            (UserId(u32::try_from(i).unwrap_or(u32::MAX)), n)
        })
    }

    /// Reserves and records it in the history.
    pub(crate) fn reserve(
        &mut self,
        service: Service,
        user: UserId,
        slot: u16,
        reply: ChangeReply,
        at_ms: u64,
    ) -> Result<(), Refusal> {
        let max = self.max_holds;
        self.services[service.index()].reserve(user, slot, max)?;
        let name = self.names[user.index()].clone();
        self.history
            .record(at_ms, service, name, ChangeOp::Reserve, slot, reply);
        Ok(())
    }

    /// Releases and records it in the history.
    pub(crate) fn release(
        &mut self,
        service: Service,
        user: UserId,
        slot: u16,
        reply: ChangeReply,
        at_ms: u64,
    ) -> Result<(), Refusal> {
        self.services[service.index()].release(user, slot)?;
        let name = self.names[user.index()].clone();
        self.history
            .record(at_ms, service, name, ChangeOp::Release, slot, reply);
        Ok(())
    }

    /// `/admin/reset`: holds, history, counters and pacing clocks; users and settings stay.
    pub(crate) fn reset(&mut self) {
        for service in Service::ALL {
            self.services[service.index()].reset(self.seed, service);
        }
        self.history.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        World::new(&Config {
            slots: 5,
            ..Config::default()
        })
    }

    #[test]
    fn reserve_release_rules() {
        let mut w = world();
        let a = w.user_id("alice");
        let b = w.user_id("bob");
        let h = Service::Hotel;
        assert_eq!(w.reserve(h, a, 3, ChangeReply::Ok, 0), Ok(()));
        assert_eq!(
            w.reserve(h, a, 3, ChangeReply::Ok, 0),
            Err(Refusal::NotAvailable)
        );
        assert_eq!(
            w.reserve(h, b, 3, ChangeReply::Ok, 0),
            Err(Refusal::NotAvailable)
        );
        assert_eq!(w.reserve(h, a, 1, ChangeReply::Ok, 0), Ok(()));
        assert_eq!(
            w.reserve(h, a, 2, ChangeReply::Ok, 0),
            Err(Refusal::AtLimit)
        );
        // The other service is independent.
        assert_eq!(w.reserve(Service::Band, a, 3, ChangeReply::Ok, 0), Ok(()));
        let s = &mut w.services[0];
        assert_eq!(s.holds_of(a), &[1, 3]);
        assert_eq!(s.holds_json(a), r#"[{"id":"1"},{"id":"3"}]"#);
        assert_eq!(s.free_json(), r#"[{"id":"2"},{"id":"4"},{"id":"5"}]"#);
        // The cached list follows changes.
        assert_eq!(w.release(h, a, 1, ChangeReply::Ok, 0), Ok(()));
        assert_eq!(
            w.services[0].free_json(),
            r#"[{"id":"1"},{"id":"2"},{"id":"4"},{"id":"5"}]"#
        );
        assert_eq!(
            w.release(h, b, 3, ChangeReply::Ok, 0),
            Err(Refusal::NotAvailable)
        );
        assert_eq!(
            w.release(h, a, 2, ChangeReply::Ok, 0),
            Err(Refusal::NotAvailable)
        );
        assert_eq!(w.release(h, a, 3, ChangeReply::Lost, 0), Ok(()));
        assert_eq!(w.services[0].holder(3), None);
        assert_eq!(w.services[0].holds_json(b), "[]");
        assert_eq!(w.history.len(), 5);
        w.reset();
        assert_eq!(w.history.len(), 0);
        assert_eq!(w.services[0].held().count(), 0);
        assert_eq!(w.user_id("alice"), a);
    }

    #[test]
    fn empty_free_list_is_valid_json() {
        let mut w = world();
        for slot in 1..=5 {
            let u = w.user_id(&format!("u{slot}"));
            w.reserve(Service::Hotel, u, slot, ChangeReply::Ok, 0)
                .expect("free");
        }
        assert_eq!(w.services[0].free_json(), "[]");
    }
}
