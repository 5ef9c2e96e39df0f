//! The one-request-per-second rule, measured on arrival. On tokio's paused clock, which is the
//! emulator's clock too: `advance` moves time exactly and nothing waits on the wall clock.

mod common;

use std::time::Duration;

use common::{App, config};
use hotelband_server::Pacing;
use reqwest::Method;
use serde_json::json;
use tokio::time::advance;

fn paced() -> App {
    let mut cfg = config(2);
    cfg.pacing = Pacing::default();
    App::new(&cfg)
}

#[tokio::test(start_paused = true)]
async fn second_request_within_the_interval_is_429_and_counted() {
    let app = paced();
    let hotel = async |user| app.call(Method::GET, "hotel", "/reservation", user).await;
    assert_eq!(hotel(0).await.status, 200);
    advance(Duration::from_millis(100)).await;
    let early = hotel(0).await;
    assert_eq!(early.headers["retry-after"], "1");
    assert!(early.headers.contains_key("ratelimit"));
    assert_eq!(
        (early.status, early.json["code"].as_u64()),
        (429, Some(429))
    );
    // Other users and the other service have clocks of their own.
    assert_eq!(hotel(1).await.status, 200);
    let band = app.call(Method::GET, "band", "/reservation", 0).await;
    assert_eq!(band.status, 200);
    let state = app.admin_get("state").await;
    assert_eq!(state["hotel"]["counters"]["violations"], 1);
    assert_eq!(
        state["hotel"]["violations_by_user"],
        json!({"user-0": 1, "user-1": 0})
    );
    assert_eq!(state["band"]["counters"]["violations"], 0);

    // A 429 does not reset the clock: a request 1 s after the first served one passes (900 ms
    // after the 429, which would be too early had the 429 reset it).
    advance(Duration::from_millis(900)).await;
    assert_eq!(hotel(0).await.status, 200);
}

#[tokio::test(start_paused = true)]
async fn without_enforcement_violations_are_served_and_counted() {
    let app = paced();
    let set = app
        .admin_put("pacing", json!({"min_interval_ms": 1000, "enforce": false}))
        .await;
    assert_eq!(
        set,
        json!({"min_interval_ms": 1000, "tolerance_ms": 50, "enforce": false})
    );
    // Three arrivals at one instant of the paused clock.
    for _ in 0..3 {
        let answer = app
            .call(Method::GET, "band", "/reservation/available", 0)
            .await;
        assert_eq!(answer.status, 200);
    }
    let state = app.admin_get("state").await;
    assert_eq!(state["band"]["counters"]["violations"], 2);
    assert_eq!(state["band"]["counters"]["status"], json!({"200": 3}));
}

#[tokio::test(start_paused = true)]
async fn pacing_is_judged_on_arrival_not_after_latency() {
    let app = paced();
    app.admin_put("faults/hotel", json!({"latency_ms": [600, 600]}))
        .await;
    let first = tokio::spawn({
        let app = app.clone();
        async move {
            app.call(Method::GET, "hotel", "/reservation", 0)
                .await
                .status
        }
    });
    // The first has arrived once the hotel counted it (before its latency, which has not
    // begun to pass: the clock stands still until the test advances it).
    while app.admin_get("state").await["hotel"]["counters"]["requests"] != 1 {
        tokio::task::yield_now().await;
    }
    // Its reply leaves 600 ms later; the second arrives 1 s after the first did, 400 ms after
    // that reply: judged on arrival, it is in time.
    advance(Duration::from_millis(600)).await;
    assert_eq!(first.await.expect("task"), 200);
    advance(Duration::from_millis(400)).await;
    let second = app.call(Method::GET, "hotel", "/reservation", 0).await;
    assert_eq!(second.status, 200);
}
