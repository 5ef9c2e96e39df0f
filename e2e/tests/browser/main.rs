//! Browser scenarios: headless Chromium against the emulator on an ephemeral port, one at a time.

mod accessibility;
mod auto_pair;
mod common_slots;
mod compressed;
mod hidden_tab;
mod keyboard;
mod manual;
mod race_timeline;
mod settings;
mod warm_start;
