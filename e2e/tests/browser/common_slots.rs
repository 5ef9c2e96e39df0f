//! The common slots: `#common-slots` and the tables' marks agree with the emulator, "Show all"
//! shows the service's whole range, whatever it is, and clicking a common slot pairs on it —
//! or, when a rival took it at one service meanwhile, leaves nothing unmatched.

use std::ops::ControlFlow;
use std::time::Duration;

use anyhow::ensure;
use fantoccini::Locator;
use hotelband_e2e::admin::{ChangeOp, ServiceState, first_conflict};
use hotelband_e2e::{DEADLINE, DEMO, Engine, RIVAL, Scenario, Service, Setup, USER, until};
use reqwest::Method;

/// Not the 200 of the course's early years: nothing on the page may assume it.
const SLOTS: u16 = 230;

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
            // Others hold 1 and 2 at the hotel, 2 and 3 at the band: two of them, so that
            // each sends one request per service and nobody waits out the 1 s rule.
            for (user, pair) in [
                (RIVAL, [(Service::Hotel, 1), (Service::Band, 2)]),
                (DEMO, [(Service::Hotel, 2), (Service::Band, 3)]),
            ] {
                for (service, slot) in pair {
                    s.competitor(user, Method::POST, service, slot).await?;
                }
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

/// Clicks the button of `#common-slots li[data-slot=N]`.
async fn click_common(s: &Scenario, slot: u16) -> anyhow::Result<()> {
    let css = format!("#common-slots li[data-slot=\"{slot}\"] button");
    s.page
        .client()
        .find(Locator::Css(&css))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Opens the page and waits until `#common-slots` lists `slot` (both services were read).
async fn open_showing(s: &Scenario, slot: u16) -> anyhow::Result<()> {
    s.open_signed_in().await?;
    until("#common-slots to list the slot", DEADLINE, || async {
        let shown = s.page.common_slots().await?;
        Ok(if shown.contains(&slot) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(format!("{shown:?}"))
        })
    })
    .await
}

/// The band answers `late` from now on (and applies writes that late).
async fn band_answers_late(s: &Scenario, late: Duration) -> anyhow::Result<()> {
    let ms = u64::try_from(late.as_millis())?;
    let url = format!("{}/admin/faults/band", s.emulator.url());
    let reply = reqwest::Client::new()
        .put(&url)
        .bearer_auth(s.admin_token())
        .json(&serde_json::json!({ "latency_ms": [ms, ms] }))
        .send()
        .await?;
    ensure!(reply.status() == 200, "PUT {url}: {}", reply.status());
    Ok(())
}

/// [`USER`]'s applied changes at `service` in the emulator's history: (op, slot), in order.
fn changes_of(history: &[hotelband_e2e::admin::Change], service: Service) -> Vec<(ChangeOp, u16)> {
    history
        .iter()
        .filter(|c| c.user == USER && c.service == service.name())
        .map(|c| (c.op, c.slot))
        .collect()
}

in_both_engines!(clicking_a_common_slot_pairs_on_it_at_the_emulator);
async fn clicking_a_common_slot_pairs_on_it_at_the_emulator(engine: Engine) -> anyhow::Result<()> {
    Setup::new("common-slots-click")
        .engine(engine)
        .run(async |s| {
            open_showing(s, 3).await?;
            click_common(s, 3).await?;
            let held = s.wait_matched_pair(DEADLINE).await?;
            assert_eq!(held, 3, "the clicked slot, at both services");
            s.page.wait_pair(DEADLINE).await?;
            assert_eq!(
                s.page.status().await?.auto,
                "off",
                "a click is not auto-pair"
            );
            let history = s.admin.history().await?;
            assert_eq!(first_conflict(&history, 2), None);
            for service in Service::ALL {
                assert_eq!(
                    changes_of(&history, service),
                    [(ChangeOp::Reserve, 3)],
                    "{service:?}: one reserve, nothing else"
                );
            }
            s.page.screenshot(&s.artifacts, "clicked").await
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slot_taken_at_one_service_before_the_click_leaves_nothing_unmatched()
-> anyhow::Result<()> {
    Setup::new("common-slots-rival")
        .run(async |s| {
            open_showing(s, 1).await?;
            // The rival takes slot 1 at the band after the page showed it; the click follows at
            // once, and with auto-pair off the page reads nothing by itself meanwhile, so it
            // still believes slot 1 is free at both.
            s.rival(Method::POST, Service::Band, 1).await?;
            // The hotel's reserve leaves within about the page's delay (1 s) of the click,
            // however recent its last read; the band's refusal comes back 3 s after the band's
            // reserve leaves. So the hotel grants its half before the page learns of the refusal.
            band_answers_late(s, Duration::from_secs(3)).await?;
            click_common(s, 1).await?;
            let history = until("the hotel's half to be released", DEADLINE, || async {
                let history = s.admin.history().await?;
                let state = s.admin.state().await?;
                let hotel = changes_of(&history, Service::Hotel);
                let settled = hotel.len() >= 2 && state.hotel.holds_of(USER).is_empty();
                Ok(if settled {
                    ControlFlow::Break(history)
                } else {
                    ControlFlow::Continue(format!(
                        "hotel history {hotel:?}, holds {:?}",
                        state.hotel.holds_of(USER)
                    ))
                })
            })
            .await?;
            assert_eq!(
                changes_of(&history, Service::Hotel),
                [(ChangeOp::Reserve, 1), (ChangeOp::Release, 1)],
                "the hotel granted slot 1, then the page released it"
            );
            assert_eq!(changes_of(&history, Service::Band), [], "the band refused");
            assert_eq!(first_conflict(&history, 2), None);
            let state = s.admin.state().await?;
            for service in Service::ALL {
                let seen = state.services()[service.index()];
                assert_eq!(
                    seen.holds_of(USER),
                    Vec::<u16>::new(),
                    "{service:?}: nothing held"
                );
                assert_eq!(seen.violations_of(USER), 0, "{service:?} pacing violations");
            }
            s.page.screenshot(&s.artifacts, "rival").await
        })
        .await
}
