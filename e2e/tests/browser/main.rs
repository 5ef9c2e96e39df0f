//! Browser scenarios: headless Chromium (every scenario) and Firefox (those marked
//! `in_both_engines!`) against the emulator on an ephemeral port, one at a time.

/// Runs the scenario body `async fn $body(engine: Engine) -> anyhow::Result<()>` as two tests,
/// `$body::chromium` and `$body::firefox`: one body, both engines (`cargo test -- firefox`
/// runs the Firefox ones).
macro_rules! in_both_engines {
    ($body:ident) => {
        mod $body {
            #[tokio::test(flavor = "multi_thread")]
            async fn chromium() -> anyhow::Result<()> {
                super::$body(hotelband_e2e::Engine::Chromium).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn firefox() -> anyhow::Result<()> {
                super::$body(hotelband_e2e::Engine::Firefox).await
            }
        }
    };
}

mod accessibility;
mod auto_pair;
mod avoid;
mod common_slots;
mod compressed;
mod console_check;
mod content_security_policy;
mod hidden_tab;
mod keyboard;
mod logs;
mod manual;
mod race_timeline;
mod recovery;
mod save_then_start;
mod settings;
mod warm_start;
