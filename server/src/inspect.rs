//! The inspection API (`/admin/*`) for tests and benchmarks: who holds what, the counters, and
//! the history of applied changes. Its JSON shapes are written once, here: the emulator encodes
//! them and the [`Admin`] client decodes them. Decoding is lenient where the emulator may
//! grow: missing fields read as defaults (counters as zero).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::{Crowd, Faults, Pacing};

/// A client of one emulator's admin API.
#[derive(Clone)]
pub struct Admin {
    client: reqwest::Client,
    url: String,
    token: String,
}

// The admin token is a secret: `Debug` shows only where it points.
impl fmt::Debug for Admin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Admin")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Why an admin call failed. Never carries the token or the URL with its query.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The emulator could not be reached or the reply was cut short.
    #[error("admin {path}: {reason}")]
    Network {
        /// The admin path called.
        path: &'static str,
        /// What went wrong, in safe words.
        reason: String,
    },
    /// The emulator answered with another status than 200.
    #[error("admin {path}: HTTP {status}")]
    Status {
        /// The admin path called.
        path: &'static str,
        /// The status received.
        status: u16,
    },
    /// The body was not the JSON this module expects.
    #[error("admin {path}: unreadable reply: {reason}")]
    Decode {
        /// The admin path called.
        path: &'static str,
        /// The decoder's message.
        reason: String,
    },
}

/// `GET /admin/state`: both services and the settings they share.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// The hotel.
    pub hotel: ServiceState,
    /// The band.
    pub band: ServiceState,
    /// Holds one user may have per service at once.
    pub max_holds: usize,
    /// The pacing rule.
    pub pacing: Pacing,
    /// Seed of the fault dice and crowd moves.
    pub seed: u64,
}

impl State {
    /// The two services as a `[hotel, band]` table.
    #[must_use]
    pub fn services(&self) -> [&ServiceState; 2] {
        [&self.hotel, &self.band]
    }

    /// The slot `user` holds at both services when that is exactly one matched pair and
    /// nothing else; `Err` says what is held instead.
    pub fn matched_pair(&self, user: &str) -> Result<u16, String> {
        let hotel = self.hotel.holds_of(user);
        let band = self.band.holds_of(user);
        match (hotel.as_slice(), band.as_slice()) {
            ([h], [b]) if h == b => Ok(*h),
            _ => Err(format!("{user} holds hotel {hotel:?}, band {band:?}")),
        }
    }
}

/// One service in `/admin/state`. Users appear by name, never by token.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceState {
    /// Slots, numbered `1..=slots`.
    pub slots: u16,
    /// Slot -> name of its holder (JSON object keys are the numbers as strings).
    pub holders: BTreeMap<u16, String>,
    /// What the service counted.
    pub counters: Counters,
    /// Pacing violations per configured user (crowd members are left out).
    pub violations_by_user: BTreeMap<String, u64>,
    /// The injected faults.
    pub faults: Faults,
    /// The simulated competitors.
    pub crowd: Crowd,
}

impl ServiceState {
    /// The slots `user` holds, ascending.
    #[must_use]
    pub fn holds_of(&self, user: &str) -> Vec<u16> {
        self.holders
            .iter()
            .filter(|(_, holder)| holder.as_str() == user)
            .map(|(&slot, _)| slot)
            .collect()
    }

    /// Pacing violations charged to `user`.
    #[must_use]
    pub fn violations_of(&self, user: &str) -> u64 {
        self.violations_by_user.get(user).copied().unwrap_or(0)
    }
}

/// The counters of one service (HTTP requests only, not the crowd).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counters {
    /// Requests received.
    pub requests: u64,
    /// Requests answered 200.
    pub ok: u64,
    /// Replies per status code (JSON object keys are the codes as strings).
    pub status: BTreeMap<u16, u64>,
    /// Injected 503s.
    pub fault_503: u64,
    /// Injected 500s.
    pub fault_500: u64,
    /// Applied changes whose reply was lost.
    pub lost_reply: u64,
    /// Pacing violations, all users.
    pub violations: u64,
}

impl Counters {
    /// Counts a reply with `status`.
    pub(crate) fn count_status(&mut self, status: u16) {
        *self.status.entry(status).or_default() += 1;
        if status == 200 {
            self.ok += 1;
        }
    }
}

/// One applied change in `GET /admin/history`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Order of application.
    pub seq: u64,
    /// Milliseconds since the emulator started.
    pub at_ms: u64,
    /// `hotel` or `band`.
    pub service: String,
    /// Name of the user (crowd members are `crowd-...`).
    pub user: String,
    /// What happened to the slot.
    pub op: ChangeOp,
    /// The slot.
    pub slot: u16,
    /// Whether the user was told.
    #[serde(default)]
    pub reply: ChangeReply,
}

/// What the user was told about an applied change.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeReply {
    /// A 200 (or, for the crowd, nothing to tell).
    #[default]
    Ok,
    /// Applied, then the reply was lost (a 503 or a reply cut off mid-body): the user saw a
    /// failure.
    Lost,
}

/// A slot went to a user, or back to free.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeOp {
    /// Free -> the user.
    Reserve,
    /// The user -> free.
    Release,
}

/// Replays `history` and names the first change that breaks the rules of the services: out
/// of order, a slot with two holders, a release by someone who did not hold the slot, or a
/// user holding more than `max_holds` slots at one service.
#[must_use]
pub fn first_conflict(history: &[Change], max_holds: usize) -> Option<String> {
    let mut holders: BTreeMap<(&str, u16), &str> = BTreeMap::new();
    let mut last_seq = 0;
    for change in history {
        let seq = change.seq;
        if seq <= last_seq {
            return Some(format!("#{seq} comes after #{last_seq}"));
        }
        last_seq = seq;
        let key = (change.service.as_str(), change.slot);
        let user = change.user.as_str();
        match change.op {
            ChangeOp::Reserve => {
                if let Some(other) = holders.insert(key, user) {
                    return Some(format!("#{seq}: {key:?} held by {other} and {user}"));
                }
                let held = holders
                    .iter()
                    .filter(|((service, _), holder)| *service == key.0 && **holder == user)
                    .count();
                if held > max_holds {
                    return Some(format!("#{seq}: {user} holds {held} at {}", key.0));
                }
            }
            ChangeOp::Release => match holders.remove(&key) {
                Some(holder) if holder == user => {}
                other => {
                    return Some(format!(
                        "#{seq}: {user} released {key:?}, held by {other:?}"
                    ));
                }
            },
        }
    }
    None
}

impl Admin {
    /// An admin client for the emulator at `url` (`http://127.0.0.1:PORT`).
    #[must_use]
    pub fn new(client: reqwest::Client, url: String, token: String) -> Self {
        Admin { client, url, token }
    }

    /// `GET /admin/state`.
    pub async fn state(&self) -> Result<State, AdminError> {
        self.get("/admin/state").await
    }

    /// `GET /admin/history`, in order of application.
    pub async fn history(&self) -> Result<Vec<Change>, AdminError> {
        let mut changes: Vec<Change> = self.get("/admin/history").await?;
        changes.sort_by_key(|change| change.seq);
        Ok(changes)
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &'static str,
    ) -> Result<T, AdminError> {
        let network = |error: reqwest::Error| AdminError::Network {
            path,
            reason: if error.is_connect() {
                "could not connect".to_owned()
            } else {
                "the connection was lost".to_owned()
            },
        };
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(network)?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(AdminError::Status { path, status });
        }
        let body = response.bytes().await.map_err(network)?;
        serde_json::from_slice(&body).map_err(|error| AdminError::Decode {
            path,
            reason: error.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_decodes_the_documented_shape_and_ignores_the_rest() {
        let body = r#"{"hotel":{"slots":200,"holders":{"3":"alice","10":"crowd-hotel-1","4":"alice"},
            "counters":{"requests":9,"ok":7,"status":{"200":7,"429":2},"fault_503":0,"fault_500":0,
            "lost_reply":1,"violations":2},"violations_by_user":{"alice":2},"faults":{}},
            "band":{"slots":200,"holders":{}}}"#;
        let state: State = serde_json::from_str(body).expect("documented shape");
        assert_eq!(state.hotel.holds_of("alice"), vec![3, 4]);
        assert_eq!(state.hotel.violations_of("alice"), 2);
        assert_eq!(state.hotel.counters.lost_reply, 1);
        assert_eq!(state.band.holds_of("alice"), Vec::<u16>::new());
        assert_eq!(state.band.violations_of("alice"), 0);
        assert_eq!(state.hotel.counters.status.get(&429), Some(&2));
        assert_eq!(
            state.pacing,
            Pacing::default(),
            "missing settings read as defaults"
        );
    }

    #[test]
    fn state_reads_back_what_it_writes() {
        let mut state = State::default();
        state.hotel.holders.insert(10, "bob".to_owned());
        state.hotel.holders.insert(3, "alice".to_owned());
        state.hotel.counters.count_status(200);
        state.hotel.counters.count_status(409);
        let text = serde_json::to_string(&state).expect("serialises");
        assert!(
            text.contains(r#""holders":{"3":"alice","10":"bob"}"#),
            "{text}"
        );
        let back: State = serde_json::from_str(&text).expect("decodes");
        assert_eq!(back.hotel.holds_of("alice"), vec![3]);
        assert_eq!(back.hotel.counters, state.hotel.counters);
        assert_eq!(back.hotel.counters.ok, 1);
    }

    #[test]
    fn history_entries_decode() {
        let body = r#"[{"seq":1,"at_ms":123,"service":"hotel","user":"alice","op":"reserve",
            "slot":3,"reply":"ok"},{"seq":2,"at_ms":130,"service":"band","user":"bob",
            "op":"release","slot":3,"reply":"lost"}]"#;
        let changes: Vec<Change> = serde_json::from_str(body).expect("documented shape");
        assert_eq!(changes[0].op, ChangeOp::Reserve);
        assert_eq!(changes[1].op, ChangeOp::Release);
        assert_eq!(changes[1].at_ms, 130);
        assert_eq!(changes[1].reply, ChangeReply::Lost);
    }

    fn change(seq: u64, user: &str, op: ChangeOp, slot: u16) -> Change {
        Change {
            seq,
            at_ms: seq,
            service: "hotel".to_owned(),
            user: user.to_owned(),
            op,
            slot,
            reply: ChangeReply::Ok,
        }
    }

    #[test]
    fn first_conflict_finds_a_double_holder_and_a_third_hold() {
        use ChangeOp::{Release, Reserve};
        let clean = [
            change(1, "a", Reserve, 1),
            change(2, "a", Release, 1),
            change(3, "b", Reserve, 1),
        ];
        assert_eq!(first_conflict(&clean, 2), None);
        let double = [change(1, "a", Reserve, 1), change(2, "b", Reserve, 1)];
        assert!(first_conflict(&double, 2).is_some_and(|why| why.starts_with("#2")));
        let three = [
            change(1, "a", Reserve, 1),
            change(2, "a", Reserve, 2),
            change(3, "a", Reserve, 3),
        ];
        assert!(first_conflict(&three, 2).is_some_and(|why| why.contains("holds 3")));
        let foreign = [change(1, "a", Reserve, 1), change(2, "b", Release, 1)];
        assert!(first_conflict(&foreign, 2).is_some_and(|why| why.starts_with("#2: b released")));
        let unordered = [change(2, "a", Reserve, 1), change(1, "a", Release, 1)];
        assert!(first_conflict(&unordered, 2).is_some_and(|why| why == "#1 comes after #2"));
    }
}
