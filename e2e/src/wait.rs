//! Waiting for the page by polling with a deadline, never by sleeping a guessed time.

use std::future::Future;
use std::ops::ControlFlow;
use std::time::Duration;

use anyhow::{Result, bail};
use tokio::time::Instant;

/// How long a scenario waits for anything the page should do on its own. Generous: Chromium,
/// a wasm start-up and other builds share two cores, and a slow pass is better than a flaky one.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// How often a condition is re-checked: short, so a passing wait costs little beyond the event.
const POLL: Duration = Duration::from_millis(100);

/// Polls `probe` until it breaks with a value, or fails after `deadline` naming `what` and the
/// last reason the probe gave for continuing. Errors from the probe end the wait at once.
pub async fn until<T, F, Fut>(what: &str, deadline: Duration, mut probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ControlFlow<T, String>>>,
{
    let started = Instant::now();
    loop {
        let last = match probe().await? {
            ControlFlow::Break(value) => return Ok(value),
            ControlFlow::Continue(last) => last,
        };
        if started.elapsed() >= deadline {
            bail!("timed out after {deadline:?} waiting for {what}; last seen: {last}");
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn returns_the_value_once_the_probe_breaks() {
        let mut calls = 0;
        let got = until("the third call", DEADLINE, || {
            calls += 1;
            let n = calls;
            async move {
                Ok(if n == 3 {
                    ControlFlow::Break(n)
                } else {
                    ControlFlow::Continue(format!("call {n}"))
                })
            }
        })
        .await
        .unwrap();
        assert_eq!(got, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_naming_the_last_reason() {
        let err = until("never", Duration::from_secs(1), || async {
            Ok(ControlFlow::<(), _>::Continue("still free".to_string()))
        })
        .await
        .unwrap_err()
        .to_string();
        assert!(err.contains("waiting for never"), "{err}");
        assert!(err.contains("still free"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_probe_error_ends_the_wait() {
        let err = until("anything", DEADLINE, || async {
            Err::<ControlFlow<(), String>, _>(anyhow::anyhow!("session lost"))
        })
        .await
        .unwrap_err();
        assert_eq!(err.to_string(), "session lost");
    }
}
