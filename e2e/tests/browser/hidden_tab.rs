//! A tab left open is how the page is used: minimized (`document.visibilityState` is
//! `hidden`), auto-pair keeps its request cadence and still takes a better slot (how soon:
//! `upgraded.txt`, a figure, not a bound: a wall-clock bound would measure the machine).

use std::ops::ControlFlow;

use anyhow::Context as _;
use hotelband_e2e::{DEADLINE, PAIR_DEADLINE, Service, Setup, USER, until};
use reqwest::Method;

/// Requests at each service the hidden tab must send before [`DEADLINE`] (60 s): a recheck
/// every 2 s sends them in about 10 s; a timer throttled to Chromium's background budget (one
/// wake-up a minute) would need 5 minutes. The deadline only fails a tab that lost its
/// cadence, whatever the machine's speed.
const HIDDEN_READS: u64 = 5;

#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_tab_keeps_its_cadence_and_upgrades() -> anyhow::Result<()> {
    Setup::new("hidden-tab")
        .run(async |s| {
            s.pair_on_2_behind_a_rival().await?;

            s.page.client().minimize_window().await?;
            until("the tab to be hidden", DEADLINE, || async {
                let state = s.page.visibility().await?;
                Ok(if state == "hidden" {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(state)
                })
            })
            .await?;
            let hidden = s.requests().await?;
            s.wait_requests(hidden, HIDDEN_READS, DEADLINE)
                .await
                .context("the hidden tab's cadence")?;
            let after = s.admin.state().await?;
            assert_eq!(s.page.visibility().await?, "hidden");
            for service in Service::ALL {
                let seen = after.services()[service.index()];
                assert_eq!(seen.violations_of(USER), 0, "{service:?}");
            }

            for service in Service::ALL {
                s.rival(Method::DELETE, service, 1).await?;
            }
            let freed = tokio::time::Instant::now();
            until("slot 1 to be held at both", PAIR_DEADLINE, || async {
                let state = s.admin.state().await?;
                let holds = [state.hotel.holds_of(USER), state.band.holds_of(USER)];
                Ok(if holds.iter().all(|h| h.contains(&1)) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("{holds:?}"))
                })
            })
            .await?;
            // How soon is a figure, not a bound: a recheck (2 s here) and two paced reserves.
            s.artifacts.write(
                "upgraded.txt",
                format!(
                    "slot 1 held at both {:?} after it was freed\n",
                    freed.elapsed()
                )
                .as_bytes(),
            )?;
            assert_eq!(
                s.wait_matched_pair(PAIR_DEADLINE).await?,
                1,
                "2 released after"
            );
            assert_eq!(s.page.visibility().await?, "hidden");
            Ok(())
        })
        .await
}
