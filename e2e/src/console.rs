//! The browser console, read through chromedriver's log endpoint: it keeps every entry since
//! the session started, so errors during wasm start-up and in every tab are seen too.

use anyhow::{Context as _, Result};
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde::Deserialize;

/// One console entry as chromedriver reports it.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    /// The text, prefixed by the URL and position it came from.
    pub message: String,
    /// `console-api`, `javascript` (uncaught exceptions), `network`, ...
    #[serde(default)]
    pub source: String,
}

impl Entry {
    /// `console.error`, an uncaught exception or a failed resource load.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.level == "SEVERE"
    }
}

impl std::fmt::Display for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{} {}] {}", self.level, self.source, self.message)
    }
}

/// Takes the entries logged since the last call (chromedriver hands each out once).
pub async fn drain(client: &Client) -> Result<Vec<Entry>> {
    let value = client
        .issue_cmd(BrowserLog)
        .await
        .context("reading the browser log (POST /session/{id}/se/log)")?;
    serde_json::from_value(value).context("reading the browser log entries")
}

/// The errors in `entries` that match none of the `allowed` substrings.
#[must_use]
pub fn unexpected<'a>(entries: &'a [Entry], allowed: &[String]) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|e| e.is_error() && !allowed.iter().any(|a| e.message.contains(a.as_str())))
        .collect()
}

/// chromedriver's `POST /session/{id}/se/log` with `{"type": "browser"}`, which fantoccini does
/// not wrap.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(level: &str, message: &str) -> Entry {
        Entry {
            level: level.to_string(),
            message: message.to_string(),
            source: "console-api".to_string(),
        }
    }

    #[test]
    fn only_errors_outside_the_allowed_list_are_unexpected() {
        let entries = [
            entry("WARNING", "a warning is not an error"),
            entry(
                "SEVERE",
                "the server responded with a status of 401 (Unauthorized)",
            ),
            entry("SEVERE", "Uncaught RuntimeError: unreachable"),
        ];
        let allowed = ["status of 401".to_string()];
        let got: Vec<_> = unexpected(&entries, &allowed)
            .into_iter()
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(got, ["Uncaught RuntimeError: unreachable"]);
    }

    #[test]
    fn reads_chromedriver_entries() {
        let raw = serde_json::json!([{
            "level": "SEVERE",
            "message": "http://127.0.0.1:1/ 0:9 Uncaught Error: boom",
            "source": "javascript",
            "timestamp": 1
        }]);
        let entries: Vec<Entry> = serde_json::from_value(raw).unwrap();
        assert!(entries[0].is_error());
        assert_eq!(entries[0].source, "javascript");
    }
}
