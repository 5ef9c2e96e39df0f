//! Chrome DevTools Protocol commands through chromedriver's `goog/cdp/execute` endpoint, for
//! figures WebDriver has no command for (main-thread time, DOM counters).

use anyhow::{Context as _, Result};
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use http::Method;
use serde_json::{Value, json};
use url::{ParseError, Url};

/// One DevTools command, e.g. `Performance.getMetrics`, with its parameters.
#[derive(Debug)]
struct Execute {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Execute {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}

/// Runs the DevTools command `cmd` with `params` in the session's current page; its result.
pub async fn execute(client: &Client, cmd: &str, params: Value) -> Result<Value> {
    client
        .issue_cmd(Execute {
            cmd: cmd.to_owned(),
            params,
        })
        .await
        .with_context(|| format!("DevTools {cmd}"))
}
