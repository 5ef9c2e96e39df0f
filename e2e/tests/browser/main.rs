//! Browser scenarios: headless Chromium against the emulator on an ephemeral port, one at a time.

mod auto_pair;
mod common_slots;
mod compressed;
mod content_security_policy;
mod hidden_tab;
mod manual;
mod race_timeline;
mod settings;
mod warm_start;
