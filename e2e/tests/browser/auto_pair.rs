//! Auto-pair: under a crowd and faults, across a reload, and with a second tab open.

use hotelband_e2e::{
    DEADLINE, Engine, PAIR_DEADLINE, Service, Setup, USER,
    admin::{ChangeOp, first_conflict},
};
use hotelband_server::{Crowd, Faults, Scripted};
use reqwest::Method;

#[tokio::test(flavor = "multi_thread")]
async fn auto_pair_under_a_crowd_and_faults_ends_with_one_matched_pair() -> anyhow::Result<()> {
    Setup::new("auto-crowd-faults")
        // The browser's own line for a reply the emulator cuts off on purpose.
        .allow_console("net::ERR_")
        .emulator(|config| {
            config.seed = 7;
            let faults = Faults {
                p503: 0.15,
                p500: 0.05,
                p_lost: 0.05,
                latency_ms: (0, 300),
                // The page's first write at each service fails whatever the dice say: a pair
                // needs a write at both, so every run meets a fault and recovers from it.
                script: vec![Scripted::Unavailable],
            };
            let crowd = Crowd {
                size: 4,
                hold_ms: (3_000, 8_000),
                think_ms: (1_000, 3_000),
                window: 10,
            };
            config.faults = [faults.clone(), faults];
            config.crowd = [crowd.clone(), crowd];
        })
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.click("auto-start").await?;
            let pair = s.page.wait_pair(PAIR_DEADLINE).await?;
            s.page.screenshot(&s.artifacts, "paired").await?;
            // Let it recheck under contention (eight more requests at each service, about as
            // many seconds at its pace), then stop and let it settle.
            s.wait_requests(s.requests().await?, 8, DEADLINE).await?;
            s.page.click("auto-stop").await?;
            s.page.wait_auto("off").await?;
            let held = s.wait_matched_pair(PAIR_DEADLINE).await?;
            assert!(
                held <= pair,
                "stopped holding {held}, worse than the first pair {pair}"
            );
            assert_eq!(s.page.status().await?.pair, Some(held));

            let state = s.admin.state().await?;
            for service in Service::ALL {
                let seen = state.services()[service.index()];
                assert_eq!(seen.violations_of(USER), 0, "{service:?} pacing violations");
            }
            for service in Service::ALL {
                let counters = &state.services()[service.index()].counters;
                assert!(
                    counters.fault_503 >= 1,
                    "{service:?} scripted 503: {state:?}"
                );
            }
            let history = s.admin.history().await?;
            assert_eq!(first_conflict(&history, 2), None);
            s.page.screenshot(&s.artifacts, "stopped").await
        })
        .await
}

in_both_engines!(a_reload_resumes_and_the_pair_is_upgraded_when_a_better_slot_frees);
async fn a_reload_resumes_and_the_pair_is_upgraded_when_a_better_slot_frees(
    engine: Engine,
) -> anyhow::Result<()> {
    Setup::new("reload-upgrade")
        .engine(engine)
        .run(async |s| {
            s.pair_on_2_behind_a_rival().await?;

            s.page.reload().await?;
            s.page.wait_auto("running").await?;
            assert_eq!(
                s.page.wait_pair(PAIR_DEADLINE).await?,
                2,
                "resumed with the held pair"
            );
            s.page.screenshot(&s.artifacts, "resumed").await?;
            // The page remembered holding slot 2, so each service's first request after the
            // reload reads the holds: the pair is recognised in one round trip.
            let cells = s.page.texts("#request-log tr td").await?;
            for service in Service::ALL {
                let first = cells
                    .chunks(7)
                    .find(|row| row[1] == service.name())
                    .map(|row| format!("{} {}", row[2], row[3]));
                assert_eq!(
                    first.as_deref(),
                    Some("GET /reservation"),
                    "{service:?}'s first request after the reload: {cells:?}"
                );
            }

            for service in Service::ALL {
                s.rival(Method::DELETE, service, 1).await?;
            }
            s.page.wait_auto("done").await?;
            assert_eq!(s.page.status().await?.pair, Some(1));
            assert_eq!(s.wait_matched_pair(PAIR_DEADLINE).await?, 1);
            s.page.screenshot(&s.artifacts, "upgraded").await?;

            let history = s.admin.history().await?;
            assert_eq!(first_conflict(&history, 2), None);
            // Make-before-break: slot 2 is released only after slot 1 is held at both.
            let user_ops: Vec<_> = history.iter().filter(|c| c.user == USER).collect();
            let release_2 = user_ops
                .iter()
                .filter(|c| c.op == ChangeOp::Release && c.slot == 2)
                .map(|c| c.seq)
                .min();
            let reserve_1: Vec<u64> = user_ops
                .iter()
                .filter(|c| c.op == ChangeOp::Reserve && c.slot == 1)
                .map(|c| c.seq)
                .collect();
            assert_eq!(
                reserve_1.len(),
                2,
                "slot 1 reserved once per service: {user_ops:?}"
            );
            let release_2 = release_2.expect("slot 2 is released after the upgrade");
            assert!(reserve_1.iter().all(|seq| *seq < release_2), "{user_ops:?}");

            let state = s.admin.state().await?;
            assert_eq!(
                state.hotel.violations_of(USER) + state.band.violations_of(USER),
                0
            );
            Ok(())
        })
        .await
}

in_both_engines!(a_second_tab_with_the_same_keys_does_not_drive);
async fn a_second_tab_with_the_same_keys_does_not_drive(engine: Engine) -> anyhow::Result<()> {
    Setup::new("second-tab")
        .engine(engine)
        .run(async |s| {
            // With slot 1 taken the first tab keeps rechecking, so there is work to compete for.
            for service in Service::ALL {
                s.rival(Method::POST, service, 1).await?;
            }
            s.page.open(&s.url()).await?;
            s.page.click("remember-keys").await?;
            s.page.fill_settings(&s.settings()).await?;
            s.page.click("auto-start").await?;
            s.page.wait_pair(PAIR_DEADLINE).await?;

            let client = s.page.client();
            let first = client.window().await?;
            let second = client.new_window(true).await?.handle;
            client.switch_to_window(second).await?;
            s.page.open(&s.url()).await?;
            s.page
                .wait_text("driver-lock", "another tab is driving")
                .await?;
            s.page.screenshot(&s.artifacts, "second-tab").await?;
            assert_ne!(
                s.page.status().await?.auto,
                "running",
                "the second tab runs nothing"
            );

            let before = s.admin.state().await?;
            // The first tab drives on for six more requests at each service: time enough for
            // the second to have sent some, were it driving too.
            let from = before.services().map(|service| service.counters.requests);
            s.wait_requests(from, 6, DEADLINE).await?;
            let after = s.admin.state().await?;
            for service in Service::ALL {
                assert_eq!(
                    after.services()[service.index()].violations_of(USER),
                    0,
                    "{service:?}"
                );
            }
            assert_eq!(
                after.matched_pair(USER),
                before.matched_pair(USER),
                "the pair is unchanged with two tabs open"
            );
            let sent = s.page.texts("#request-log tr td").await?;
            assert!(sent.is_empty(), "the second tab sent requests: {sent:?}");
            client.switch_to_window(first).await?;
            assert_eq!(s.page.status().await?.auto, "running");
            Ok(())
        })
        .await
}
