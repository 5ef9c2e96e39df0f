//! A tab left open is how the page is used: minimized (`document.visibilityState` is
//! `hidden`), auto-pair keeps its request cadence and still takes a better slot at once.

use std::ops::ControlFlow;
use std::time::Duration;

use hotelband_e2e::{DEADLINE, PAIR_DEADLINE, Service, Setup, USER, until};
use reqwest::Method;

/// How long the tab stays hidden before the upgrade: long enough that a timer throttled to
/// Chromium's background budget (one wake-up a minute) would send almost nothing.
const HIDDEN_FOR: Duration = Duration::from_secs(20);
/// The bound for taking a better slot at both while hidden: a recheck (2 s here) and
/// two paced reserves.
const UPGRADE_BOUND: Duration = Duration::from_secs(5);

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
            let before = s.admin.state().await?;
            tokio::time::sleep(HIDDEN_FOR).await;
            let after = s.admin.state().await?;
            assert_eq!(s.page.visibility().await?, "hidden");
            // Recheck every 2 s reads each service's free list: about 10 reads in 20 s.
            // Throttled to a wake-up a minute it would be 1.
            for service in Service::ALL {
                let i = service.index();
                let sent =
                    after.services()[i].counters.requests - before.services()[i].counters.requests;
                assert!(
                    sent >= 5,
                    "{service:?}: {sent} requests in {HIDDEN_FOR:?} hidden"
                );
                assert_eq!(after.services()[i].violations_of(USER), 0, "{service:?}");
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
            let took = freed.elapsed();
            assert!(
                took <= UPGRADE_BOUND,
                "slot 1 was held at both {took:?} after it was freed (bound {UPGRADE_BOUND:?})"
            );
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
