//! The common slots: `#common-slots` and the tables' marks agree with the emulator, and
//! "Show all" shows the service's whole range, whatever it is.

use std::ops::ControlFlow;
use std::time::Duration;

use hotelband_e2e::admin::ServiceState;
use hotelband_e2e::{DEADLINE, Service, Setup, USER, until};
use reqwest::Method;

/// Not the 200 of the course's early years: nothing on the page may assume it.
const SLOTS: u16 = 230;

/// The emulator's pacing rule, with a margin, between two calls of the rival to one service.
const RIVAL_PACE: Duration = Duration::from_millis(1_100);

/// Open to us at a service: nobody holds it, or we do.
fn open(service: &ServiceState, slot: u16) -> bool {
    service
        .holders
        .get(&slot)
        .is_none_or(|holder| holder == USER)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_common_list_and_marks_agree_with_the_emulator() -> anyhow::Result<()> {
    Setup::new("common-slots")
        .emulator(|config| config.slots = SLOTS)
        .run(async |s| {
            // A rival holds 1 and 2 at the hotel, 2 and 3 at the band, keeping the 1 s rule
            // per service like everyone else.
            for pair in [
                [(Service::Hotel, 1), (Service::Band, 2)],
                [(Service::Hotel, 2), (Service::Band, 3)],
            ] {
                for (service, slot) in pair {
                    s.rival(Method::POST, service, slot).await?;
                }
                tokio::time::sleep(RIVAL_PACE).await;
            }
            s.open_signed_in().await?;
            s.page.wait_free_slots(18).await?;
            // We hold 3 at the hotel: taken at the band by the rival, so still not common.
            // We hold 5 at the band: free at the hotel, so common.
            for (service, slot) in [(Service::Hotel, 3), (Service::Band, 5)] {
                s.page.click_slot(service, slot).await?;
                s.page.wait_slot(service, slot, "mine").await?;
            }

            let state = s.admin.state().await?;
            let expected: Vec<u16> = (1..=SLOTS)
                .filter(|&n| open(&state.hotel, n) && open(&state.band, n))
                .take(20)
                .collect();
            assert_eq!(expected[..3], [4, 5, 6], "the scenario is what it says");
            until("#common-slots to match the emulator", DEADLINE, || async {
                let shown = s.page.common_slots().await?;
                Ok(if shown == expected {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("{shown:?}, expected {expected:?}"))
                })
            })
            .await?;
            let in_window: Vec<u16> = expected.iter().copied().filter(|&n| n <= 20).collect();
            for service in Service::ALL {
                assert_eq!(
                    s.page.common_marks(service).await?,
                    in_window,
                    "{service:?} table's common marks"
                );
            }
            s.page.screenshot(&s.artifacts, "common").await?;

            s.page.click("show-all").await?;
            until("Show all to show every slot", DEADLINE, || async {
                let shown = [
                    s.page.slots(Service::Hotel).await?.len(),
                    s.page.slots(Service::Band).await?.len(),
                ];
                Ok(if shown == [usize::from(SLOTS); 2] {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("{shown:?} buttons"))
                })
            })
            .await?;
            let last = s.page.slot(Service::Band, SLOTS).await?;
            assert_eq!(last.map(|v| v.state), Some("free".to_string()));
            Ok(())
        })
        .await
}
