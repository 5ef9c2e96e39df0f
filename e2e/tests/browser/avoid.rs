//! The user's constraints on the page: a malformed avoid list is refused in plain words; with
//! slot 2 on the avoid list, auto-pair (which would take 2, slot 1 being a rival's) pairs on 3,
//! the next allowed slot, and never reserves 2; the tables mark 2 as avoided and the common
//! list leaves it out; with good-enough 3 auto-pair is done on 3 (reads stop).

use hotelband_e2e::admin::{ChangeOp, first_conflict};
use hotelband_e2e::{PAIR_DEADLINE, Service, Setup, USER};
use reqwest::Method;

#[tokio::test(flavor = "multi_thread")]
async fn an_avoided_slot_is_never_reserved_and_the_pair_lands_on_the_next_allowed_one()
-> anyhow::Result<()> {
    Setup::new("avoid")
        .run(async |s| {
            for service in Service::ALL {
                s.rival(Method::POST, service, 1).await?;
            }
            s.page.open(&s.url()).await?;
            s.page.type_settings(&s.settings()).await?;
            // A malformed list is refused in plain words, next to the field.
            s.page.type_into("avoid", "2-").await?;
            s.page.click("save-settings").await?;
            let refused = "`2-` is not a slot or a range like 7-9";
            s.page.wait_text("settings-status", refused).await?;
            assert!(s.page.text("avoid-error").await?.contains(refused));
            s.page.type_into("avoid", "2").await?;
            s.page.type_into("good-enough", "3").await?;
            s.page.click("save-settings").await?;
            s.page.wait_text("settings-status", "Saved").await?;
            s.page.click("auto-start").await?;
            assert_eq!(
                s.page.wait_pair(PAIR_DEADLINE).await?,
                3,
                "the next allowed slot"
            );
            s.page.wait_auto("done").await?;
            assert_eq!(s.wait_matched_pair(PAIR_DEADLINE).await?, 3);
            s.page.screenshot(&s.artifacts, "paired-on-3").await?;

            for service in Service::ALL {
                let table = format!("#{}-slots", service.name());
                let avoided = s
                    .page
                    .texts(&format!("{table} button[data-avoided=\"true\"] .num"))
                    .await?;
                assert_eq!(avoided, ["2"], "{service:?} marks slot 2");
                let mark = s
                    .page
                    .texts(&format!("{table} button[data-slot=\"2\"] .mark"))
                    .await?;
                // The mark is shown in capitals (CSS); its first line is the word (the visually
                // hidden words for screen readers follow it).
                let mark: Vec<String> = mark
                    .iter()
                    .map(|m| m.lines().next().unwrap_or_default().to_lowercase())
                    .collect();
                assert_eq!(mark, ["avoid"], "{service:?} says so in words");
            }
            assert!(
                !s.page.common_slots().await?.contains(&2),
                "the common list leaves 2 out"
            );

            let history = s.admin.history().await?;
            assert_eq!(first_conflict(&history, 2), None);
            let reserved_2: Vec<_> = history
                .iter()
                .filter(|c| c.user == USER && c.slot == 2 && c.op == ChangeOp::Reserve)
                .collect();
            assert!(
                reserved_2.is_empty(),
                "reserved the avoided slot: {reserved_2:?}"
            );

            // Done: nothing more is sent while the pair is good enough.
            let before = s.admin.state().await?;
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            let after = s.admin.state().await?;
            for service in Service::ALL {
                let i = service.index();
                assert_eq!(
                    after.services()[i].counters.requests,
                    before.services()[i].counters.requests,
                    "{service:?} was read after done"
                );
            }
            Ok(())
        })
        .await
}
