//! A fast crowd competing with itself: the history never shows two holders of a slot, nor a
//! member with more than two holds. On tokio's paused clock, which the crowd and the history's
//! `at_ms` read: the crowd moves as fast as the test can look, in the same (seeded) order
//! every run, and the test's own clock is the emulator's.

mod common;

use std::time::Duration;

use common::{App, check_history, config};
use hotelband_server::Crowd;
use serde_json::{Value, json};
use tokio::time::Instant;

/// Most (paused-clock) time a test waits for the crowd to have done enough: far above what
/// it needs, so only a crowd that stopped moving reaches it.
const PATIENCE: Duration = Duration::from_secs(60);

/// The history, once `enough` holds for it (looked at every 50 ms of the crowd's time;
/// panics after [`PATIENCE`]).
async fn history_once(app: &App, enough: impl Fn(&[Value]) -> bool) -> Value {
    let since = Instant::now();
    loop {
        let history = app.admin_get("history").await;
        if enough(history.as_array().expect("array")) {
            return history;
        }
        assert!(
            since.elapsed() < PATIENCE,
            "the crowd did too little: {history}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Events of `service` in a history.
fn count(events: &[Value], service: &str) -> usize {
    events.iter().filter(|e| e["service"] == service).count()
}

#[tokio::test(start_paused = true)]
async fn crowd_history_replays_cleanly() {
    let mut cfg = config(1);
    let crowd = Crowd {
        size: 8,
        hold_ms: (5, 40),
        think_ms: (0, 10),
        window: 6,
    };
    cfg.crowd = [crowd.clone(), crowd];
    let app = App::new(&cfg);
    let history = history_once(&app, |events| events.len() > 200).await;
    let checked = check_history(&history, 2);
    assert!(checked > 200, "the crowd was busy: {checked} events");
    let events = history.as_array().expect("array");
    for service in ["hotel", "band"] {
        assert!(events.iter().any(|e| {
            e["service"] == service
                && e["user"]
                    .as_str()
                    .is_some_and(|u| u.starts_with(&format!("crowd-{service}-")))
        }));
    }
    assert!(
        events
            .iter()
            .all(|e| e["slot"].as_u64().is_some_and(|s| (1..=6).contains(&s))),
        "window respected"
    );

    // Reconfiguring stops the old crowd and frees its slots.
    app.admin_put("crowd/hotel", json!({"size": 0})).await;
    let state = app.admin_get("state").await;
    assert_eq!(state["hotel"]["holders"], json!({}));
    assert_eq!(state["hotel"]["crowd"]["size"], 0);
    let history = app.admin_get("history").await;
    check_history(&history, 2);
    let events = history.as_array().expect("array");
    let (hotel, band) = (count(events, "hotel"), count(events, "band"));
    // The band's crowd, alike, makes 50 more moves: the hotel's had as long to make its own.
    let later = history_once(&app, |events| count(events, "band") >= band + 50).await;
    let later = later.as_array().expect("array");
    assert_eq!(count(later, "hotel"), hotel, "the hotel crowd stopped");
}

#[tokio::test(start_paused = true)]
async fn crowd_members_respect_the_pacing_interval() {
    let mut cfg = config(1);
    cfg.pacing.min_interval = Duration::from_millis(200);
    cfg.crowd[0] = Crowd {
        size: 3,
        hold_ms: (0, 0),
        think_ms: (0, 0),
        window: 10,
    };
    let started = Instant::now();
    let app = App::new(&cfg);
    let times_of = |events: &[Value], member: usize| -> Vec<u64> {
        let name = format!("crowd-hotel-{member}");
        events
            .iter()
            .filter(|e| e["user"] == name.as_str())
            .map(|e| e["at_ms"].as_u64().expect("at_ms"))
            .collect()
    };
    let history = history_once(&app, |events| {
        (0..3).all(|member| times_of(events, member).len() >= 3)
    })
    .await;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).expect("short test");
    let events = history.as_array().expect("array");
    for member in 0..3 {
        let name = format!("crowd-hotel-{member}");
        let times = times_of(events, member);
        // One move per 200 ms at most, counted on the test's own clock.
        let most = elapsed_ms / 200 + 1;
        assert!(times.len() as u64 <= most, "{name} too fast: {times:?}");
        // at_ms is rounded to milliseconds, hence the 1 ms slack.
        assert!(
            times.windows(2).all(|w| w[1] + 1 >= w[0] + 200),
            "{name}: {times:?}"
        );
    }
    check_history(&history, 2);
}
