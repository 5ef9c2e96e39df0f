//! A warm start: with both tables already shown, Start pairs in one round trip, its reserves
//! the first requests at each service after the click (issue 8's warm start).

use std::ops::ControlFlow;

use hotelband_e2e::{DEADLINE, Scenario, Service, Setup, admin::ChangeOp, until};

/// Waits until the page has a reply for every request the emulator received, and at least the
/// two reads (holds, free list) of each service a saved setting triggers: nothing is in flight.
async fn wait_idle_after_the_first_reads(s: &Scenario) -> anyhow::Result<[u64; 2]> {
    until("the page idle after its first reads", DEADLINE, || async {
        let seen = s.requests().await?;
        let rows = s.page.count("#request-log tr").await?;
        let total = usize::try_from(seen[0] + seen[1])?;
        Ok(if seen.iter().all(|n| *n >= 2) && rows == total {
            ControlFlow::Break(seen)
        } else {
            ControlFlow::Continue(format!("emulator {seen:?}, page rows {rows}"))
        })
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn start_with_the_tables_shown_reserves_first_and_pairs_in_one_round_trip()
-> anyhow::Result<()> {
    Setup::new("warm-start")
        .run(async |s| {
            s.page.open(&s.url()).await?;
            // A recheck period far longer than the test: the reads stay recent by construction.
            let mut settings = s.settings();
            settings.recheck = "600".to_owned();
            s.page.fill_settings(&settings).await?;
            s.page.wait_free_slots(20).await?;
            let before = wait_idle_after_the_first_reads(s).await?;
            assert!(
                s.our_changes().await?.is_empty(),
                "nothing written before the click"
            );

            s.page.click("auto-start").await?;
            assert_eq!(s.page.wait_pair(DEADLINE).await?, 1);
            s.page.wait_auto("done").await?;
            let after = s.requests().await?;
            assert_eq!(
                [after[0] - before[0], after[1] - before[1]],
                [1, 1],
                "one request per service from the click to the pair: before {before:?}, after {after:?}"
            );
            let ours = s.our_changes().await?;
            for service in Service::ALL {
                assert!(
                    ours.contains(&(service.name().to_owned(), ChangeOp::Reserve, 1)),
                    "slot 1 reserved at the {}: {ours:?}",
                    service.name()
                );
            }
            assert_eq!(ours.len(), 2, "the two reserves and nothing else: {ours:?}");
            s.page.screenshot(&s.artifacts, "paired").await
        })
        .await
}
