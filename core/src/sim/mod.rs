//! A seeded in-memory model of both services, and a driver that runs a [`crate::Session`] against it on
//! a virtual clock. For the simulation tests and the benchmarks; enabled by the `sim` feature.
//!
//! The model follows the API (`reservation-api.md`): slots `1..=slots`, at most 2 holds per
//! user, 409 for a slot held or blocked, 451 over the limit, 403 outside the range, 401 for a
//! revoked key. Faults: 503/500 (not applied), 500 *after* applying (hostile), lost requests,
//! lost replies (applied), latency drawn per request (so replies from the two services
//! reorder, and a slow request may be applied after the client gave up), 429 with
//! `Retry-After` when our user's requests come closer than `min_gap`. A crowd of other users
//! takes and releases slots (mostly the early ones) and staff block slots for a while.
//! Everything random comes from one seed.
//!
//! `config` says what shapes a world, `model` is the world (both services, the network, the
//! crowd), `world` the driver that runs a [`crate::Session`] against it.

mod config;
mod model;
mod world;

pub use config::{Crowd, Faults, Latency, SimConfig};
pub use model::{Applied, Sim, US};
pub use world::{Received, Sent, World};
