//! Benchmarks of the hotelband pairing strategy: the core planner (driven natively over real
//! HTTP by the terminal client's driver, as the page drives it in the browser) against a naive sequential script, each run on
//! a fresh in-process emulator, across a matrix of faults x competitors x seeds.
//!
//! Everything judged is read from the emulator (`/admin/state`, `/admin/history`), not from
//! the clients' own accounts.

pub mod achievable;
mod cells;
pub mod charts;
pub mod limits;
pub mod machine;
pub mod matrix;
pub mod naive;
pub mod openings;
pub mod oracle;
pub mod ours;
pub mod report;
pub mod run;
pub mod scenario;
pub mod stats;
pub mod summary;
pub mod targets;
#[cfg(test)]
mod test_history;
pub mod timeline;
pub mod trace;

/// One request over HTTP, and the client: the terminal client's, so that both carry requests
/// alike.
pub use hotelband_cli::http;
/// The emulator's inspection client, shared with the browser tests.
pub use hotelband_server::inspect as admin;
