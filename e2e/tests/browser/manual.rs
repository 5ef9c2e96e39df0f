//! Loading, and reserving or cancelling by clicking a slot.

use hotelband_e2e::{DEADLINE, Engine, Service, Setup, USER, until};
use reqwest::Method;
use std::ops::ControlFlow;

#[tokio::test(flavor = "multi_thread")]
async fn page_loads_and_shows_free_slots_of_both_services() -> anyhow::Result<()> {
    Setup::new("loads")
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.wait_free_slots(20).await?;
            for service in Service::ALL {
                let slots = s.page.slots(service).await?;
                let numbers: Vec<u16> = slots.iter().map(|v| v.slot).collect();
                assert_eq!(numbers, (1..=20).collect::<Vec<_>>(), "{service:?} window");
                assert!(slots.iter().all(|v| v.state == "free"), "{slots:?}");
            }
            assert!(!s.page.text("hotel-refreshed").await?.trim().is_empty());
            s.page.screenshot(&s.artifacts, "loaded").await
        })
        .await
}

in_both_engines!(clicking_reserves_then_cancels_and_the_emulator_agrees);
async fn clicking_reserves_then_cancels_and_the_emulator_agrees(
    engine: Engine,
) -> anyhow::Result<()> {
    Setup::new("reserve-cancel")
        .engine(engine)
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.wait_free_slots(20).await?;

            s.page.click_slot(Service::Hotel, 5).await?;
            s.page.wait_slot(Service::Hotel, 5, "mine").await?;
            let state = s.admin.state().await?;
            assert_eq!(state.hotel.holds_of(USER), [5]);
            assert!(state.band.holds_of(USER).is_empty());
            s.page.screenshot(&s.artifacts, "reserved").await?;

            s.page.click_slot(Service::Hotel, 5).await?;
            s.page.wait_slot(Service::Hotel, 5, "free").await?;
            assert!(s.admin.state().await?.hotel.holds_of(USER).is_empty());

            let log = s.page.texts("#request-log tr").await?.join("\n");
            assert!(log.contains("POST"), "request log: {log}");
            assert!(log.contains("DELETE"), "request log: {log}");
            assert!(
                !log.contains(s.user_token()),
                "the key shows in the request log"
            );
            let activity = s.page.texts("#activity-log li").await?.join("\n");
            assert!(
                !activity.contains(s.user_token()),
                "the key shows in the activity log"
            );
            Ok(())
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slot_held_by_someone_else_is_taken_and_the_limit_is_explained() -> anyhow::Result<()> {
    Setup::new("taken-and-limit")
        .run(async |s| {
            s.rival(Method::POST, Service::Hotel, 3).await?;
            s.open_signed_in().await?;
            s.page.wait_slot(Service::Hotel, 3, "taken").await?;

            for slot in [1, 2] {
                s.page.click_slot(Service::Hotel, slot).await?;
                s.page.wait_slot(Service::Hotel, slot, "mine").await?;
            }
            s.page.click_slot(Service::Hotel, 4).await?;
            until("the hold limit to be explained", DEADLINE, || async {
                let error = s.page.error(Service::Hotel).await?;
                Ok(
                    if error.contains('2') && error.to_lowercase().contains("cancel") {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(format!("{error:?}"))
                    },
                )
            })
            .await?;
            s.page.screenshot(&s.artifacts, "limit").await?;
            let state = s.admin.state().await?;
            assert_eq!(state.hotel.holds_of(USER), [1, 2], "the page never holds 3");
            Ok(())
        })
        .await
}
