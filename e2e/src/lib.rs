//! Browser tests of the hotelband page: the emulator in-process, Chromium through chromedriver
//! and Firefox through geckodriver.
//!
//! A test describes one scenario with [`Setup`] and runs its body with [`Setup::run`], which
//! starts a fresh emulator (serving the built `dist/`), a fresh driver and a fresh browser
//! profile (of the [`Engine`] chosen), fails on any unexpected console error, saves screenshots under
//! `<workspace>/test-artifacts/<scenario>/`, and tears everything down even when the body fails.
//!
//! Scenarios run one at a time: [`Setup::run`] holds a process-wide lock, because one browser
//! already keeps the machine's two cores busy and two at once would turn slowness into flaky
//! deadlines. The browser scenarios live in one test binary (`tests/browser/`).

pub mod admin;
pub mod artifacts;
pub mod browser;
mod chromedriver_post;
pub mod console;
pub mod devtools;
pub mod driver;
pub mod emulator;
pub mod page;
pub mod scenario;
pub mod wait;

pub use admin::Admin;
pub use browser::Engine;
pub use page::{Page, Service, Settings, SlotView, TimelineHold};
pub use scenario::{DEMO, PAIR_DEADLINE, RIVAL, Scenario, Setup, USER};
pub use wait::{DEADLINE, until};
