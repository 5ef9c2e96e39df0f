//! The state every handler and crowd member shares: fixed identities (tokens) outside the lock,
//! everything mutable inside `world`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use axum::http::{HeaderMap, header};
use tokio::task::AbortHandle;
use tokio::time::Instant;

use crate::config::{Config, DEMO_USER};
use crate::state::{UserId, World};

/// Shared by the router (behind an `Arc`) and, weakly, by the crowd tasks.
pub(crate) struct Shared {
    /// `at_ms` in the history counts from here. Every time the emulator reads (this, pacing
    /// arrivals, crowd moves) is tokio's: `std`'s in production, a paused clock in tests.
    pub(crate) started: Instant,
    /// Token → user, fixed at start (users are not changed at runtime).
    tokens: HashMap<String, UserId>,
    /// The `demo` user's token, handed out by `GET /demo`.
    pub(crate) demo_token: Option<String>,
    admin_token: String,
    pub(crate) world: Mutex<World>,
    /// Running crowd members per service, so a reconfiguration can stop them.
    pub(crate) crowd_tasks: Mutex<[Vec<AbortHandle>; 2]>,
}

impl Shared {
    pub(crate) fn new(config: &Config) -> Self {
        let mut world = World::new(config);
        let tokens = config
            .users
            .iter()
            .map(|u| (u.token.clone(), world.user_id(&u.name)))
            .collect();
        Shared {
            started: Instant::now(),
            tokens,
            demo_token: config
                .users
                .iter()
                .find(|u| u.name == DEMO_USER)
                .map(|u| u.token.clone()),
            admin_token: config.admin_token.clone(),
            world: Mutex::new(world),
            crowd_tasks: Mutex::new([Vec::new(), Vec::new()]),
        }
    }

    /// The world, even if a panicking holder poisoned the lock: every mutation keeps the
    /// world consistent before anything can panic, so the data is still sound.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Milliseconds since start.
    pub(crate) fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The user whose token the `Authorization: Bearer` header carries.
    pub(crate) fn user(&self, headers: &HeaderMap) -> Option<UserId> {
        self.tokens.get(bearer(headers)?).copied()
    }

    /// Whether the header carries the admin token (compared in constant time).
    pub(crate) fn is_admin(&self, headers: &HeaderMap) -> bool {
        bearer(headers).is_some_and(|t| {
            let (a, b) = (t.as_bytes(), self.admin_token.as_bytes());
            a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
        })
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let tasks = self
            .crowd_tasks
            .get_mut()
            .unwrap_or_else(|e| e.into_inner());
        tasks.iter().flatten().for_each(AbortHandle::abort);
    }
}

/// Whether the request carries more than one `Authorization` header: which one counts would
/// depend on who reads it (the first here, maybe the last upstream), so none does.
pub(crate) fn duplicate_authorization(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .nth(1)
        .is_some()
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive); `None` for a
/// missing, repeated, non-UTF-8 or other-scheme header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    if duplicate_authorization(headers) {
        return None;
    }
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}
