//! Browser scenarios: headless Chromium against the emulator on an ephemeral port, one at a time.

mod auto_pair;
mod avoid;
mod common_slots;
mod compressed;
mod hidden_tab;
mod manual;
mod race_timeline;
mod settings;
mod warm_start;
