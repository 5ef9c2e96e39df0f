//! Browser scenarios: headless Chromium against the emulator on an ephemeral port, one at a time.

mod auto_pair;
mod common_slots;
mod compressed;
mod hidden_tab;
mod manual;
mod race_timeline;
mod save_then_start;
mod settings;
mod warm_start;
