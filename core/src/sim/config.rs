//! What shapes one simulated world: faults, latency, the crowd, and two presets.

use crate::time::Millis;

/// Fault probabilities, per mille of requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// 503 Service unavailable, not applied.
    pub unavailable: u32,
    /// 500, not applied.
    pub server_error: u32,
    /// 500 although the change was applied (a hostile proxy).
    pub applied_then_error: u32,
    /// The request is lost on the way: not applied, no reply.
    pub lost_request: u32,
    /// The change is applied, the reply is lost.
    pub lost_reply: u32,
    /// Share of 5xx replies with an HTML body instead of JSON.
    pub html_errors: u32,
    /// Per mille of list replies (free list, holds) with one entry that is not a slot id.
    pub malformed_id: u32,
    /// `Retry-After` (seconds) sent with every 503, if any.
    pub retry_after_503: Option<u64>,
}

/// One-way latency, drawn per request and per direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Usual range, uniform.
    pub min: Millis,
    /// Usual range, uniform.
    pub max: Millis,
    /// Per mille of requests that are slow instead.
    pub slow: u32,
    /// Slow requests take up to this long (more than the client's timeout: applied late).
    pub slow_max: Millis,
}

/// The competing crowd and the staff's blocking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crowd {
    /// Whether the crowd acts at all.
    pub active: bool,
    /// Time between two crowd actions at one service, uniform.
    pub interval_min: Millis,
    /// Time between two crowd actions at one service, uniform.
    pub interval_max: Millis,
    /// The crowd mostly goes for slots `1..=focus`.
    pub focus: u16,
    /// Per mille of crowd actions that block a free slot instead.
    pub block: u32,
    /// How long a blocked slot stays blocked.
    pub block_for: Millis,
    /// Slots `1..=fill` are held by the crowd from the start and never given back (a crowd
    /// that saturates the window); 0 for none.
    pub fill: u16,
}

/// Everything that shapes one simulated world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    /// Seed of every random choice of the model.
    pub seed: u64,
    /// Slots per service.
    pub slots: u16,
    /// Injected faults.
    pub faults: Faults,
    /// Network latency.
    pub latency: Latency,
    /// Competing users.
    pub crowd: Crowd,
    /// Answer 429 when two of our requests to a service arrive closer.
    pub min_gap: Option<Millis>,
    /// The `Retry-After` (seconds) of those 429s.
    pub rate_limit_retry_after: u64,
    /// Refuse a third hold with 451, as the services do. Off, the model applies it, so that a
    /// check of "at most 2 holds" tests the client's own writes, not the model's refusals.
    pub enforce_limit: bool,
}

impl SimConfig {
    /// No faults, short latency, a slow crowd.
    #[must_use]
    pub fn calm(seed: u64) -> Self {
        SimConfig {
            seed,
            slots: 200,
            faults: Faults::default(),
            latency: Latency {
                min: Millis(10),
                max: Millis(120),
                slow: 0,
                slow_max: Millis(120),
            },
            crowd: Crowd {
                active: true,
                interval_min: Millis(1500),
                interval_max: Millis(6000),
                focus: 30,
                block: 30,
                block_for: Millis(8000),
                fill: 0,
            },
            min_gap: None,
            rate_limit_retry_after: 1,
            enforce_limit: true,
        }
    }

    /// Every fault kind, latency that reorders, a busy crowd, staff blocking slots.
    #[must_use]
    pub fn hostile(seed: u64) -> Self {
        SimConfig {
            seed,
            slots: 200,
            faults: Faults {
                unavailable: 120,
                server_error: 40,
                applied_then_error: 30,
                lost_request: 20,
                lost_reply: 30,
                html_errors: 300,
                malformed_id: 20,
                retry_after_503: None,
            },
            latency: Latency {
                min: Millis(5),
                max: Millis(900),
                slow: 10,
                slow_max: Millis(14_000),
            },
            crowd: Crowd {
                active: true,
                interval_min: Millis(200),
                interval_max: Millis(2000),
                focus: 30,
                block: 60,
                block_for: Millis(10_000),
                fill: 0,
            },
            min_gap: None,
            rate_limit_retry_after: 1,
            enforce_limit: true,
        }
    }
}
