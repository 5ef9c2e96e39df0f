//! Browser scenarios: headless Chromium against the emulator on an ephemeral port, one at a time.

mod auto_pair;
mod manual;
mod settings;
