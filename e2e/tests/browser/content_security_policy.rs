//! The page under the emulator's Content-Security-Policy: it loads, signs in with the local
//! emulator preset and pairs with no violation, while an inline script added afterwards is
//! refused and reported, so a violation during the run would have shown.

use std::cell::RefCell;
use std::ops::ControlFlow;

use anyhow::{Context as _, ensure};
use hotelband_e2e::console::{self, Entry};
use hotelband_e2e::{DEADLINE, DEMO, PAIR_DEADLINE, Setup, until};
use serde_json::{Value, json};

/// Collects the directive of every violation the page reports from now on.
const LISTEN: &str = r#"window.cspViolations = [];
    document.addEventListener('securitypolicyviolation',
        (e) => window.cspViolations.push(e.effectiveDirective));"#;
/// An inline script, as an injected one would be.
const INJECT: &str = r#"const script = document.createElement('script');
    script.textContent = 'window.injectedRan = true;';
    document.head.append(script);"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_page_pairs_under_its_content_security_policy() -> anyhow::Result<()> {
    Setup::new("content-security-policy")
        .run(async |s| {
            let page = reqwest::get(s.url()).await?;
            let policy = page
                .headers()
                .get("content-security-policy")
                .context("the page has no Content-Security-Policy")?
                .to_str()?
                .to_owned();
            ensure!(
                policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
                "{policy}"
            );

            let client = s.page.client();
            s.page.open(&s.url()).await?;
            client.execute(LISTEN, vec![]).await?;
            // `/demo` and both services on the page's own origin, then a pair.
            s.page.click("use-emulator").await?;
            s.page.wait_free_slots(20).await?;
            s.page.click("auto-start").await?;
            assert_eq!(s.page.wait_pair(PAIR_DEADLINE).await?, 1);
            let state = s.admin.state().await?;
            assert_eq!(state.hotel.holds_of(DEMO), [1]);
            assert_eq!(state.band.holds_of(DEMO), [1]);
            let violations = client
                .execute("return window.cspViolations;", vec![])
                .await?;
            assert_eq!(violations, json!([]), "violations while pairing");
            // The console since the page opened (a violation during start-up is logged there):
            // nothing at all.
            let entries = console::chromium_entries(client).await?;
            let errors = console::unexpected(&entries, &[]);
            assert!(errors.is_empty(), "console errors: {errors:?}");

            // The same checks see a violation: an inline script is refused and reported.
            client.execute(INJECT, vec![]).await?;
            let seen = until("the violation reported", DEADLINE, || async {
                let seen = client
                    .execute("return window.cspViolations;", vec![])
                    .await?;
                Ok(if seen == json!([]) {
                    ControlFlow::Continue("none yet".to_owned())
                } else {
                    ControlFlow::Break(seen)
                })
            })
            .await?;
            assert_eq!(seen, json!(["script-src-elem"]));
            let ran = client.execute("return window.injectedRan;", vec![]).await?;
            assert_eq!(ran, Value::Null, "the injected script ran");
            // Taken from the console here, so the scenario's own check does not see it; the
            // violation must be the only error there.
            let logged = RefCell::new(Vec::new());
            until("the violation in the console", DEADLINE, || async {
                let entries = console::chromium_entries(client).await?;
                let mut logged = logged.borrow_mut();
                logged.extend(entries);
                Ok(if logged.iter().any(is_violation) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("{logged:?}"))
                })
            })
            .await?;
            let logged = logged.into_inner();
            let others: Vec<_> = logged
                .iter()
                .filter(|e| e.is_error() && !is_violation(e))
                .collect();
            ensure!(others.is_empty(), "console errors: {others:?}");
            Ok(())
        })
        .await
}

/// Chromium's console line for a refused script.
fn is_violation(entry: &Entry) -> bool {
    entry.is_error() && entry.message.contains("Content Security Policy")
}
