//! Chrome DevTools Protocol commands through chromedriver (`POST /session/{id}/goog/cdp/execute`),
//! for what WebDriver cannot do: take the network away, freeze the tab, read main-thread time and
//! DOM counters. Chromium only.

use anyhow::{Context as _, Result};
use fantoccini::Client;
use serde_json::{Value, json};

use crate::chromedriver_post::SessionPost;

/// Runs the DevTools command `cmd` with `params` in the session's current tab; returns its
/// result.
pub async fn execute(client: &Client, cmd: &str, params: Value) -> Result<Value> {
    let command = SessionPost {
        path: "goog/cdp/execute",
        body: json!({ "cmd": cmd, "params": params }).to_string(),
    };
    client
        .issue_cmd(command)
        .await
        .with_context(|| format!("DevTools {cmd} through chromedriver"))
}

/// Takes the tab's network away (every request fails at once, as when the machine is offline)
/// or gives it back.
pub async fn set_offline(client: &Client, offline: bool) -> Result<()> {
    // `Network.emulateNetworkConditions` applies only while the Network domain is enabled.
    execute(client, "Network.enable", json!({})).await?;
    execute(
        client,
        "Network.emulateNetworkConditions",
        json!({ "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
    )
    .await?;
    Ok(())
}

/// Freezes the tab (no timers, no tasks, as a closed laptop lid or the browser's own tab
/// freezing does) or makes it active again; Chromium hides the tab while it is frozen.
pub async fn set_frozen(client: &Client, frozen: bool) -> Result<()> {
    let state = if frozen { "frozen" } else { "active" };
    execute(
        client,
        "Page.setWebLifecycleState",
        json!({ "state": state }),
    )
    .await?;
    Ok(())
}
