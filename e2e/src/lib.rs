//! Browser tests of the hotelband page: the emulator in-process, Chromium through chromedriver.
//!
//! A test describes one scenario with [`Setup`] and runs its body with [`Setup::run`], which
//! starts a fresh emulator (serving the built `dist/`), a fresh chromedriver and a fresh Chromium
//! profile, fails on any unexpected console error, saves screenshots under
//! `<workspace>/test-artifacts/<scenario>/`, and tears everything down even when the body fails.
//!
//! Scenarios run one at a time: [`Setup::run`] holds a process-wide lock, because one Chromium
//! already keeps the machine's two cores busy and two at once would turn slowness into flaky
//! deadlines. The browser scenarios live in one test binary (`tests/browser/`).

pub mod admin;
pub mod artifacts;
pub mod browser;
pub mod cdp;
pub mod chromedriver;
pub mod console;
pub mod emulator;
pub mod page;
pub mod scenario;
pub mod wait;

pub use admin::Admin;
pub use page::{Page, Service, Settings, SlotView, TimelineHold};
pub use scenario::{DEMO, PAIR_DEADLINE, RIVAL, Scenario, Setup, USER};
pub use wait::{DEADLINE, until};
