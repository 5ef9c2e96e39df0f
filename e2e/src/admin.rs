//! The emulator's inspection API (`/admin/*`, behind the admin token): who holds what, the
//! counters, the history of applied changes, and runtime fault and crowd settings.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, bail};
use hotelband_server::{Crowd, Faults};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::page::Service;

/// One service as the emulator sees it.
#[derive(Clone, Debug, Deserialize)]
pub struct ServiceState {
    /// Slot number (as a string) to the name of its holder.
    pub holders: BTreeMap<String, String>,
    pub counters: Counters,
    /// Pacing violations per user name.
    #[serde(default)]
    pub violations_by_user: BTreeMap<String, u64>,
}

impl ServiceState {
    /// The slots `user` holds, ascending.
    #[must_use]
    pub fn held_by(&self, user: &str) -> Vec<u16> {
        let mut slots: Vec<u16> = self
            .holders
            .iter()
            .filter(|(_, holder)| holder.as_str() == user)
            .filter_map(|(slot, _)| slot.parse().ok())
            .collect();
        slots.sort_unstable();
        slots
    }

    /// Pacing violations by `user` (0 when the emulator lists none).
    #[must_use]
    pub fn violations_of(&self, user: &str) -> u64 {
        self.violations_by_user.get(user).copied().unwrap_or(0)
    }
}

/// A service's request counters.
#[derive(Clone, Debug, Deserialize)]
pub struct Counters {
    pub requests: u64,
    pub violations: u64,
    #[serde(default)]
    pub fault_503: u64,
    #[serde(default)]
    pub fault_500: u64,
    #[serde(default)]
    pub lost_reply: u64,
}

/// Both services.
#[derive(Clone, Debug, Deserialize)]
pub struct State {
    pub hotel: ServiceState,
    pub band: ServiceState,
}

impl State {
    #[must_use]
    pub fn service(&self, service: Service) -> &ServiceState {
        match service {
            Service::Hotel => &self.hotel,
            Service::Band => &self.band,
        }
    }

    /// The slot `user` holds at both services when that is exactly one matched pair and
    /// nothing else; `Err` describes what is held instead.
    pub fn matched_pair(&self, user: &str) -> std::result::Result<u16, String> {
        let hotel = self.hotel.held_by(user);
        let band = self.band.held_by(user);
        match (hotel.as_slice(), band.as_slice()) {
            ([h], [b]) if h == b => Ok(*h),
            _ => Err(format!("{user} holds hotel {hotel:?}, band {band:?}")),
        }
    }
}

/// One applied change, as the emulator's history records it.
#[derive(Clone, Debug, Deserialize)]
pub struct Change {
    pub seq: u64,
    pub at_ms: u64,
    pub service: String,
    pub user: String,
    /// `reserve` or `release`.
    pub op: String,
    pub slot: u16,
    /// `ok`, or `lost` when the change was applied but its reply was not delivered.
    pub reply: String,
}

/// A client of the inspection API.
#[derive(Clone)]
pub struct Admin {
    http: reqwest::Client,
    base: String,
    token: String,
}

// The admin token stays out of test output.
impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin").field("base", &self.base).finish()
    }
}

impl Admin {
    /// `base` is the emulator's `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn new(base: &str, token: &str) -> Self {
        Admin {
            http: reqwest::Client::new(),
            base: base.to_string(),
            token: token.to_string(),
        }
    }

    pub async fn state(&self) -> Result<State> {
        self.call(reqwest::Method::GET, "/admin/state", None).await
    }

    pub async fn history(&self) -> Result<Vec<Change>> {
        self.call(reqwest::Method::GET, "/admin/history", None)
            .await
    }

    pub async fn set_faults(&self, service: Service, faults: &Faults) -> Result<()> {
        let path = format!("/admin/faults/{}", service.name());
        let body = serde_json::to_value(faults)?;
        self.call::<serde_json::Value>(reqwest::Method::PUT, &path, Some(body))
            .await
            .map(drop)
    }

    pub async fn set_crowd(&self, service: Service, crowd: &Crowd) -> Result<()> {
        let path = format!("/admin/crowd/{}", service.name());
        let body = serde_json::to_value(crowd)?;
        self.call::<serde_json::Value>(reqwest::Method::PUT, &path, Some(body))
            .await
            .map(drop)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<T> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply = request
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = reply.status();
        let text = reply
            .text()
            .await
            .with_context(|| format!("{method} {path}"))?;
        if !status.is_success() {
            bail!("{method} {path}: {status}: {text}");
        }
        serde_json::from_str(&text).with_context(|| format!("{method} {path}: reading {text}"))
    }
}

/// Replays `history` per slot and returns the first moment a slot had two holders or a user
/// held more than `max_holds` slots at one service, if any.
#[must_use]
pub fn first_conflict(history: &[Change], max_holds: usize) -> Option<String> {
    let mut holders: BTreeMap<(&str, u16), &str> = BTreeMap::new();
    for change in history {
        let key = (change.service.as_str(), change.slot);
        match change.op.as_str() {
            "reserve" => {
                if let Some(other) = holders.insert(key, change.user.as_str()) {
                    return Some(format!(
                        "#{}: {key:?} held by {other} and {}",
                        change.seq, change.user
                    ));
                }
                let held = holders
                    .iter()
                    .filter(|((service, _), user)| *service == key.0 && **user == change.user)
                    .count();
                if held > max_holds {
                    return Some(format!(
                        "#{}: {} holds {held} at {}",
                        change.seq, change.user, key.0
                    ));
                }
            }
            _ => {
                holders.remove(&key);
            }
        }
    }
    None
}
