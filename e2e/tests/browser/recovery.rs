//! A tab left open for hours meets outages: the network gone, the tab frozen, the emulator
//! restarted with its state lost, the services behind a proxy answering HTML 502 pages. With a
//! pair held under auto-pair, each time the page rides it out: the pair is held (or paired
//! again), requests resume, no request breaks the pacing rule, and Stop leaves exactly one
//! matched pair. Chromium only: the outages are DevTools commands.
//!
//! How soon requests resume is a figure each test writes (`resumed.txt`, `paired-again.txt`),
//! not a bound it asserts: a wall-clock bound here would measure the machine. The bound is
//! proven on the core's paused clock (`core/tests/planner_steps.rs`: once the network is back,
//! each service is asked at its next paced slot); these tests prove the page is told.

use std::ops::ControlFlow;
use std::time::Duration;

use hotelband_e2e::{DEADLINE, Scenario, Service, Setup, USER, devtools, until};
use tokio::time::Instant;

/// The outages of issue 19, as long as a person notices them: short outages would prove less
/// about timers and backoff that grow with time.
const OFFLINE_FOR: Duration = Duration::from_secs(30);
const FROZEN_FOR: Duration = Duration::from_secs(30);
const BAD_GATEWAY_FOR: Duration = Duration::from_secs(20);
/// What the page's activity log says when the browser is online again.
const NETWORK_BACK: &str = "The network is back";

/// Requests the emulator received, both services.
async fn requests(s: &Scenario) -> anyhow::Result<u64> {
    Ok(s.requests().await?.iter().sum())
}

/// Waits for the emulator's next request after `since` requests; returns how long it took.
async fn next_request(s: &Scenario, since: u64) -> anyhow::Result<Duration> {
    let started = Instant::now();
    until("the page's next request", DEADLINE, || async {
        let now = requests(s).await?;
        Ok(if now > since {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(format!("{now} requests"))
        })
    })
    .await?;
    Ok(started.elapsed())
}

/// Sits out `outage` and checks that the page sent (almost) nothing meanwhile: the outage was
/// real. One request per service may have left just before it began.
async fn sit_out(s: &Scenario, outage: Duration) -> anyhow::Result<()> {
    let before = requests(s).await?;
    // The outage is the scenario: its length is what is under test, not a guess at a
    // condition.
    tokio::time::sleep(outage).await;
    let during = requests(s).await? - before;
    assert!(
        during <= 2,
        "{during} requests reached the emulator during the outage"
    );
    Ok(())
}

/// After an outage ended (the emulator had `since` requests then): the page's requests reach
/// the emulator again (how soon: `resumed.txt`), and it still holds `slot` at both services
/// (at the emulator and on the page) with auto-pair on.
async fn resumed_holding(s: &Scenario, since: u64, slot: u16) -> anyhow::Result<()> {
    let took = next_request(s, since).await?;
    s.artifacts.write(
        "resumed.txt",
        format!("first request {took:?} after the outage\n").as_bytes(),
    )?;
    assert_eq!(s.admin.state().await?.matched_pair(USER), Ok(slot));
    let status = s.page.status().await?;
    assert_eq!(
        (status.auto.as_str(), status.pair),
        ("running", Some(slot)),
        "{status:?}"
    );
    Ok(())
}

/// No pacing violation at either service, then Stop leaves exactly the pair `slot`.
async fn paced_and_stop_leaves(s: &Scenario, slot: u16) -> anyhow::Result<()> {
    let state = s.admin.state().await?;
    for service in Service::ALL {
        let seen = state.services()[service.index()];
        assert_eq!(seen.violations_of(USER), 0, "{service:?} pacing violations");
    }
    s.page.click("auto-stop").await?;
    s.page.wait_auto("off").await?;
    assert_eq!(s.wait_matched_pair(DEADLINE).await?, slot);
    Ok(())
}

/// The scenario of an outage the tab itself goes through: a pair on 2, then `set_outage` on
/// for `length` and off again; the page resumes holding 2, paced, and Stop leaves 2.
/// `told`: what the activity log says once the page hears the outage is over, if it is told.
/// `screenshot`: a name to take one by while the outage lasts.
async fn pair_then_ride_out(
    s: &Scenario,
    set_outage: impl AsyncFn(&fantoccini::Client, bool) -> anyhow::Result<()>,
    length: Duration,
    told: Option<&str>,
    screenshot: Option<&str>,
) -> anyhow::Result<()> {
    s.pair_on_2_behind_a_rival().await?;
    let client = s.page.client();
    set_outage(client, true).await?;
    sit_out(s, length).await?;
    if let Some(name) = screenshot {
        s.page.screenshot(&s.artifacts, name).await?;
    }
    let since = requests(s).await?;
    set_outage(client, false).await?;
    if let Some(line) = told {
        s.page.wait_text("activity-log", line).await?;
    }
    resumed_holding(s, since, 2).await?;
    paced_and_stop_leaves(s, 2).await
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_seconds_offline_keeps_the_pair_and_requests_resume_at_once() -> anyhow::Result<()> {
    Setup::new("recovery-offline")
        // The browser's own line for each request the offline network fails.
        .allow_console("net::ERR_INTERNET_DISCONNECTED")
        .run(async |s| {
            pair_then_ride_out(
                s,
                devtools::set_offline,
                OFFLINE_FOR,
                Some(NETWORK_BACK),
                Some("offline"),
            )
            .await
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tab_frozen_thirty_seconds_keeps_the_pair_and_requests_resume_at_once()
-> anyhow::Result<()> {
    Setup::new("recovery-frozen")
        // No word to the page: its timers, due while it was frozen, fire as it resumes.
        .run(async |s| pair_then_ride_out(s, devtools::set_frozen, FROZEN_FOR, None, None).await)
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emulator_restarted_with_its_state_lost_is_paired_again() -> anyhow::Result<()> {
    Setup::new("recovery-restart")
        // The browser's own lines for a request cut off by the stop or refused during it.
        .allow_console("net::ERR_EMPTY_RESPONSE")
        .allow_console("net::ERR_CONNECTION_RESET")
        .allow_console("net::ERR_CONNECTION_REFUSED")
        .run(async |s| {
            s.pair_on_2_behind_a_rival().await?;
            let before = s.admin.state().await?;
            for service in Service::ALL {
                let seen = before.services()[service.index()];
                assert_eq!(
                    seen.violations_of(USER),
                    0,
                    "{service:?} before the restart"
                );
            }
            s.emulator.restart().await?;
            let restarted = Instant::now();
            // The rival's holds went with the state: slot 1 is free again.
            let slot = s.wait_matched_pair(DEADLINE).await?;
            let took = restarted.elapsed();
            s.artifacts.write(
                "paired-again.txt",
                format!("slot {slot} held at both {took:?} after the restart\n").as_bytes(),
            )?;
            // Held by writes the page sent to the new emulator, which knew nothing.
            let ours = s.our_changes().await?;
            assert!(!ours.is_empty(), "nothing reserved after the restart");
            assert_eq!(s.page.wait_pair(DEADLINE).await?, slot, "the page agrees");
            s.page.screenshot(&s.artifacts, "paired-again").await?;
            paced_and_stop_leaves(s, slot).await
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_seconds_of_html_502_pages_are_explained_then_the_pair_is_held() -> anyhow::Result<()>
{
    Setup::new("recovery-bad-gateway")
        .run(async |s| {
            s.pair_on_2_behind_a_rival().await?;
            // The outage lasts until the test ends it (the emulator ends it itself after the
            // deadline, should the test die): the page explains it while it lasts.
            for service in Service::ALL {
                s.outage(service, BAD_GATEWAY_FOR + DEADLINE).await?;
            }
            let started = Instant::now();
            let explained = until(
                "both services' errors to explain the 502",
                DEADLINE,
                || async {
                    let errors = [
                        s.page.error(Service::Hotel).await?,
                        s.page.error(Service::Band).await?,
                    ];
                    Ok(if errors.iter().all(|e| e.contains("Bad Gateway")) {
                        ControlFlow::Break(errors)
                    } else {
                        ControlFlow::Continue(format!("{errors:?}"))
                    })
                },
            )
            .await?;
            for error in &explained {
                assert!(
                    !error.contains('<') && !error.contains("nginx"),
                    "a plain message, not the page's HTML: {error:?}"
                );
            }
            s.page.screenshot(&s.artifacts, "bad-gateway").await?;
            // The outage is the scenario: its length is what is under test.
            tokio::time::sleep(BAD_GATEWAY_FOR.saturating_sub(started.elapsed())).await;
            for service in Service::ALL {
                s.outage(service, Duration::ZERO).await?;
            }
            let since = requests(s).await?;
            resumed_holding(s, since, 2).await?;
            let state = s.admin.state().await?;
            for service in Service::ALL {
                let counters = &state.services()[service.index()].counters;
                assert!(
                    counters.status.get(&502).is_some_and(|n| *n >= 1),
                    "{service:?} met the outage: {counters:?}"
                );
            }
            paced_and_stop_leaves(s, 2).await
        })
        .await
}
