//! Save, then Start while Save's reads are on their way (issue 18): Start uses the free lists
//! Save asked for, so each service sees a free-list read, then the reserve, then the holds
//! read (to adopt what an earlier session left), and nothing else.

use std::ops::ControlFlow;

use anyhow::ensure;
use hotelband_e2e::{DEADLINE, Service, Setup, admin::ChangeOp, until};
use hotelband_server::Faults;

/// Every request waits this long at the emulator before it is processed: Save's reads are
/// still unanswered when Start is clicked, which the test checks rather than assumes.
const LATENCY_MS: u64 = 1_500;

#[tokio::test(flavor = "multi_thread")]
async fn start_during_saves_reads_reserves_on_them_then_reads_the_holds() -> anyhow::Result<()> {
    Setup::new("save-then-start")
        .emulator(|config| {
            let slow = Faults {
                latency_ms: (LATENCY_MS, LATENCY_MS),
                ..Faults::default()
            };
            config.faults = [slow.clone(), slow];
        })
        .run(async |s| {
            s.page.open(&s.url()).await?;
            s.page.type_settings(&s.settings()).await?;
            s.page.click("save-settings").await?;
            // Save's first read has reached each service and is not answered yet.
            until("Save's first reads at the emulator", DEADLINE, || async {
                let state = s.admin.state().await?;
                let seen = state.services().map(|service| service.counters.requests);
                Ok(if seen == [1, 1] {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("requests {seen:?}"))
                })
            })
            .await?;
            s.page.click("auto-start").await?;
            ensure!(
                s.page.count("#request-log tr").await? == 0,
                "Start came after a reply: the precondition did not hold"
            );

            assert_eq!(s.page.wait_pair(DEADLINE).await?, 1);
            s.page.wait_auto("done").await?;

            // The page's log, in reply order, which is send order per service (one request
            // in flight per service).
            let cells = s.page.texts("#request-log tr td").await?;
            for service in Service::ALL {
                let sent: Vec<String> = cells
                    .chunks(7)
                    .filter(|row| row[1] == service.name())
                    .map(|row| format!("{} {}", row[2], row[3]))
                    .collect();
                assert_eq!(
                    sent,
                    [
                        "GET /reservation/available",
                        "POST /reservation/1",
                        "GET /reservation"
                    ],
                    "{service:?}: {cells:?}"
                );
            }
            // The emulator agrees: three requests per service, the reserve the only change.
            assert_eq!(s.requests().await?, [3, 3], "requests per service");
            let mut ours = s.our_changes().await?;
            ours.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(
                ours,
                [
                    ("band".to_owned(), ChangeOp::Reserve, 1),
                    ("hotel".to_owned(), ChangeOp::Reserve, 1)
                ],
                "two reserves and nothing else"
            );
            s.page.screenshot(&s.artifacts, "paired").await
        })
        .await
}
