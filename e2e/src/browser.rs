//! A headless Chromium session through chromedriver, on a throw-away profile.

use std::time::Duration;

use anyhow::{Context as _, Result};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

use crate::chromedriver::Chromedriver;

/// Debian's `chromium`.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long a clean shutdown of the session may take before the process group is killed.
const CLOSE_DEADLINE: Duration = Duration::from_secs(15);

/// A Chromium session; its profile directory is removed on drop.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    // Kept until after the session ends: Chromium writes to it until then.
    profile: TempDir,
}

impl Browser {
    /// Opens a session on `driver` with a fresh profile.
    pub async fn launch(driver: &Chromedriver) -> Result<Self> {
        let profile = tempfile::Builder::new()
            .prefix("hotelband-e2e-profile-")
            .tempdir()
            .context("creating a Chromium profile directory")?;
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities(&profile));
        let client = builder
            .connect(driver.url())
            .await
            .with_context(|| format!("opening a Chromium session through {}", driver.url()))?;
        Ok(Browser { client, profile })
    }

    /// The WebDriver client (a cheap handle).
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Ends the session, which quits Chromium, then removes the profile.
    pub async fn close(self) -> Result<()> {
        let Browser { client, profile } = self;
        tokio::time::timeout(CLOSE_DEADLINE, client.close())
            .await
            .context("closing the Chromium session timed out")?
            .context("closing the Chromium session")?;
        profile.close().context("removing the Chromium profile")?;
        Ok(())
    }
}

/// The session's capabilities: headless, quiet (no background traffic that could log errors of
/// its own), a laptop-sized window, and every browser log entry kept for [`crate::console`].
fn capabilities(profile: &TempDir) -> serde_json::Map<String, serde_json::Value> {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1400,900",
    ]
    .into_iter()
    .map(String::from)
    .chain([format!("--user-data-dir={}", profile.path().display())])
    .collect::<Vec<_>>();
    let caps = json!({
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    match caps {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("json! of an object literal is an object"),
    }
}
