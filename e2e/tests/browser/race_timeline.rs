//! The race timeline: an SVG with one bar per hold the emulator's history shows for our user.

use std::ops::ControlFlow;

use fantoccini::Locator;
use hotelband_e2e::admin::ChangeOp;
use hotelband_e2e::{DEADLINE, Engine, PAIR_DEADLINE, Service, Setup, USER, until};
use reqwest::Method;

in_both_engines!(the_timeline_draws_every_hold_the_pair_and_the_upgrade);
async fn the_timeline_draws_every_hold_the_pair_and_the_upgrade(
    engine: Engine,
) -> anyhow::Result<()> {
    Setup::new("race-timeline")
        .engine(engine)
        .run(async |s| {
            s.pair_on_2_behind_a_rival().await?;
            for service in Service::ALL {
                s.rival(Method::DELETE, service, 1).await?;
            }
            s.page.wait_auto("done").await?;
            assert_eq!(s.wait_matched_pair(PAIR_DEADLINE).await?, 1);

            let history = s.admin.history().await?;
            let mut expected: Vec<(String, u16)> = history
                .iter()
                .filter(|c| c.user == USER && c.op == ChangeOp::Reserve)
                .map(|c| (c.service.clone(), c.slot))
                .collect();
            expected.sort();
            assert_eq!(expected.len(), 4, "2 and then 1 at both: {history:?}");
            until("the timeline to show every hold", DEADLINE, || async {
                let mut bars: Vec<(String, u16)> = s
                    .page
                    .timeline_holds()
                    .await?
                    .into_iter()
                    .map(|b| (b.service, b.slot))
                    .collect();
                bars.sort();
                Ok(if bars == expected {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("{bars:?}, expected {expected:?}"))
                })
            })
            .await?;
            let held: Vec<(String, u16)> = s
                .page
                .timeline_holds()
                .await?
                .into_iter()
                .filter(|b| b.held)
                .map(|b| (b.service, b.slot))
                .collect();
            assert_eq!(held.len(), 2, "slot 1 at both is still held: {held:?}");
            assert!(held.iter().all(|(_, slot)| *slot == 1), "{held:?}");
            assert!(
                s.page.count("#race-timeline line.upgrade").await? >= 1,
                "the upgrade is marked"
            );
            assert_eq!(
                s.page
                    .count("#race-timeline rect.pair-span[data-slot=\"1\"][data-held=\"true\"]")
                    .await?,
                2,
                "the held pair is outlined at both services"
            );
            s.page.screenshot(&s.artifacts, "timeline").await?;

            // The close-up of the last minute still shows the pair held now.
            s.page
                .client()
                .find(Locator::Id("timeline-span"))
                .await?
                .select_by_value("60")
                .await?;
            s.page.wait_text("timeline-title", "last 1 minute").await?;
            let close = s.page.timeline_holds().await?;
            assert!(
                close.iter().filter(|b| b.held && b.slot == 1).count() == 2
                    && close.len() <= expected.len(),
                "{close:?}"
            );
            s.page.screenshot(&s.artifacts, "timeline-minute").await
        })
        .await
}
