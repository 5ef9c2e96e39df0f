//! A fast crowd competing with itself: the history never shows two holders of a slot, nor a
//! member with more than two holds.

mod common;

use std::time::Duration;

use common::{admin_get, admin_put, check_history, client, config, start};
use hotelband_server::Crowd;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crowd_history_replays_cleanly() {
    let mut cfg = config(1);
    let crowd = Crowd {
        size: 8,
        hold_ms: (5, 40),
        think_ms: (0, 10),
        window: 6,
    };
    cfg.crowd = [crowd.clone(), crowd];
    let server = start(cfg).await;
    let c = client();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let history = admin_get(&c, &server, "history").await;
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
    admin_put(&c, &server, "crowd/hotel", json!({"size": 0})).await;
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["hotel"]["holders"], json!({}));
    assert_eq!(state["hotel"]["crowd"]["size"], 0);
    let history = admin_get(&c, &server, "history").await;
    check_history(&history, 2);
    let quiet = history
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["service"] == "hotel")
        .count();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let later = admin_get(&c, &server, "history").await;
    let after = later
        .as_array()
        .expect("array")
        .iter()
        .filter(|e| e["service"] == "hotel")
        .count();
    assert_eq!(quiet, after, "the hotel crowd stopped");
}

#[tokio::test]
async fn crowd_members_respect_the_pacing_interval() {
    let mut cfg = config(1);
    cfg.pacing.min_interval = Duration::from_millis(200);
    cfg.crowd[0] = Crowd {
        size: 3,
        hold_ms: (0, 0),
        think_ms: (0, 0),
        window: 10,
    };
    let server = start(cfg).await;
    let c = client();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let history = admin_get(&c, &server, "history").await;
    let events = history.as_array().expect("array");
    assert!(!events.is_empty());
    for member in 0..3 {
        let name = format!("crowd-hotel-{member}");
        let times: Vec<u64> = events
            .iter()
            .filter(|e| e["user"] == name.as_str())
            .map(|e| e["at_ms"].as_u64().expect("at_ms"))
            .collect();
        assert!(times.len() >= 3, "{name}: {times:?}");
        assert!(times.len() <= 7, "{name} too fast: {times:?}");
        // at_ms is rounded to milliseconds, hence the 1 ms slack.
        assert!(
            times.windows(2).all(|w| w[1] + 1 >= w[0] + 200),
            "{name}: {times:?}"
        );
    }
    check_history(&history, 2);
}
