//! A headless browser session (Chromium through chromedriver, Firefox through geckodriver), on
//! a throw-away profile.

use std::time::Duration;

use anyhow::{Context as _, Result};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

use crate::driver::Driver;

/// Debian's `chromium`.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's `firefox-esr`.
pub const FIREFOX: &str = "/usr/bin/firefox-esr";

/// The window's size, a laptop's: the page's layout is checked at this size.
const WINDOW: (u32, u32) = (1400, 900);

/// The browser engine a scenario runs in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Chromium (Blink): every scenario, and the only one with DevTools commands.
    #[default]
    Chromium,
    /// Firefox ESR (Gecko).
    Firefox,
}

impl Engine {
    /// `chromium` or `firefox`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
        }
    }
}

/// How long a clean shutdown of the session may take before the process group is killed.
const CLOSE_DEADLINE: Duration = Duration::from_secs(15);

/// A browser session; its profile directory is removed on drop.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    // Kept until after the session ends: Chromium writes to it until then.
    profile: TempDir,
}

impl Browser {
    /// Opens an `engine` session on `driver` (of the same engine) with a fresh profile.
    pub async fn launch(engine: Engine, driver: &Driver) -> Result<Self> {
        let profile = tempfile::Builder::new()
            .prefix("hotelband-e2e-profile-")
            .tempdir()
            .context("creating a browser profile directory")?;
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(match engine {
            Engine::Chromium => chromium_capabilities(&profile),
            Engine::Firefox => firefox_capabilities(&profile),
        });
        let client = builder.connect(driver.url()).await.with_context(|| {
            format!(
                "opening a {} session through {}",
                engine.name(),
                driver.url()
            )
        })?;
        if engine == Engine::Firefox {
            // Firefox takes no window size among its arguments.
            client
                .set_window_size(WINDOW.0, WINDOW.1)
                .await
                .context("sizing the Firefox window")?;
        }
        Ok(Browser { client, profile })
    }

    /// The WebDriver client (a cheap handle).
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Ends the session, which quits the browser, then removes the profile.
    pub async fn close(self) -> Result<()> {
        let Browser { client, profile } = self;
        tokio::time::timeout(CLOSE_DEADLINE, client.close())
            .await
            .context("closing the browser session timed out")?
            .context("closing the browser session")?;
        profile.close().context("removing the browser profile")?;
        Ok(())
    }
}

/// Chromium's capabilities: headless, quiet (no background traffic that could log errors of
/// its own), a laptop-sized window, and every browser log entry kept for [`crate::console`].
fn chromium_capabilities(profile: &TempDir) -> serde_json::Map<String, serde_json::Value> {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    .into_iter()
    .map(String::from)
    .chain([
        format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        format!("--user-data-dir={}", profile.path().display()),
    ])
    .collect::<Vec<_>>();
    object(json!({
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        "goog:loggingPrefs": { "browser": "ALL" },
    }))
}

/// Firefox's capabilities: headless, the same window, and the page's console copied to the
/// browser's standard output, which geckodriver writes to its log (Firefox has no WebDriver
/// log endpoint; see [`crate::console`]). geckodriver's own preferences already silence
/// updates, telemetry and other background traffic.
fn firefox_capabilities(profile: &TempDir) -> serde_json::Map<String, serde_json::Value> {
    let args = [
        "-headless".to_string(),
        "-profile".to_string(),
        profile.path().display().to_string(),
    ];
    object(json!({
        "browserName": "firefox",
        "moz:firefoxOptions": {
            "binary": FIREFOX,
            "args": args,
            "prefs": { "devtools.console.stdout.content": true },
        },
    }))
}

fn object(caps: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match caps {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("json! of an object literal is an object"),
    }
}
