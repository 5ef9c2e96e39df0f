//! The browser console since the session started, so that errors during wasm start-up and in
//! every tab are seen too.
//!
//! - Chromium: chromedriver's log endpoint (`goog:loggingPrefs`), which also has the browser's
//!   own lines for failed loads and HTTP error statuses.
//! - Firefox: geckodriver has no log endpoint, so the browser copies its console to standard
//!   output (`devtools.console.stdout.content`) and the harness reads it from the driver's log:
//!   `console.error`/`console.warn` calls and uncaught exceptions ("JavaScript error"). The
//!   browser's own code writes there too; its lines are told apart by their source (`resource:`
//!   and `chrome:` scripts) or, for its loggers, by name ([`FIREFOX_OWN`]). Firefox logs no
//!   console line for a failed fetch or an HTTP error status, so there is nothing of that kind
//!   to allow, and nothing of it is checked.

use std::path::Path;

use anyhow::{Context as _, Result};
use fantoccini::Client;
use serde::Deserialize;

use crate::browser::Engine;
use crate::chromedriver_post::SessionPost;

/// One console entry, in chromedriver's terms.
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

/// The entries of the session on `client`, whose driver writes to `driver_log`. Call once, at
/// the end: chromedriver hands each entry out once.
pub async fn entries(engine: Engine, client: &Client, driver_log: &Path) -> Result<Vec<Entry>> {
    match engine {
        Engine::Chromium => chromium_entries(client).await,
        Engine::Firefox => {
            let log = std::fs::read(driver_log)
                .with_context(|| format!("reading {}", driver_log.display()))?;
            Ok(firefox_entries(&String::from_utf8_lossy(&log)))
        }
    }
}

/// Chromium's entries logged since the last call: chromedriver hands each entry out once, so a
/// scenario that reads them itself takes them from the check at the end.
pub async fn chromium_entries(client: &Client) -> Result<Vec<Entry>> {
    let value = client
        .issue_cmd(SessionPost {
            path: "se/log",
            body: r#"{"type":"browser"}"#.to_owned(),
        })
        .await
        .context("reading the browser log (POST /session/{id}/se/log)")?;
    serde_json::from_value(value).context("reading the browser log entries")
}

/// Loggers of Firefox's own code that write errors with no network (Nimbus experiments cannot
/// reach Remote Settings): never the page's.
const FIREFOX_OWN: &[&str] = &["RSLoader: "];

/// The page's console lines among what Firefox writes to standard output: `console.error: …`,
/// `console.warn: …` and `JavaScript error: …`; every other line (geckodriver's own,
/// `console.log`, continuation lines) and the browser's own errors are skipped.
fn firefox_entries(output: &str) -> Vec<Entry> {
    const KINDS: [(&str, &str, &str); 3] = [
        ("console.error: ", "SEVERE", "console-api"),
        ("console.warn: ", "WARNING", "console-api"),
        ("JavaScript error: ", "SEVERE", "javascript"),
    ];
    output
        .lines()
        .filter_map(|line| {
            KINDS.iter().find_map(|(prefix, level, source)| {
                let message = line.trim_start().strip_prefix(prefix)?;
                let browsers_own = FIREFOX_OWN.iter().any(|own| message.starts_with(own))
                    || ["resource://", "chrome://"]
                        .iter()
                        .any(|scheme| message.starts_with(scheme));
                if browsers_own {
                    return None;
                }
                Some(Entry {
                    level: (*level).to_string(),
                    message: message.to_string(),
                    source: (*source).to_string(),
                })
            })
        })
        .collect()
}

/// The errors in `entries` that match none of the `allowed` substrings.
#[must_use]
pub fn unexpected<'a>(entries: &'a [Entry], allowed: &[String]) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|e| e.is_error() && !allowed.iter().any(|a| e.message.contains(a.as_str())))
        .collect()
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
    fn reads_firefox_console_lines_from_the_driver_log() {
        let log = "1733330000000\tgeckodriver\tINFO\tListening on 127.0.0.1:4444\n\
                   console.log: \"hello\"\n\
                   console.warn: \"careful\"\n\
                   console.error: \"panicked at src/app.rs:1:1\"\n\
                   JavaScript error: http://127.0.0.1:1/app.js, line 9: Error: boom\n\
                   console.error: RSLoader: \n  Failed to retrieve recipes from Remote Settings\n\
                   JavaScript error: resource://gre/modules/X.sys.mjs, line 50: TypeError\n";
        let got: Vec<(String, String)> = firefox_entries(log)
            .into_iter()
            .map(|e| (e.level, e.message))
            .collect();
        assert_eq!(
            got,
            [
                ("WARNING".to_string(), "\"careful\"".to_string()),
                (
                    "SEVERE".to_string(),
                    "\"panicked at src/app.rs:1:1\"".to_string()
                ),
                (
                    "SEVERE".to_string(),
                    "http://127.0.0.1:1/app.js, line 9: Error: boom".to_string()
                ),
            ]
        );
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
