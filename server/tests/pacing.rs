//! The one-request-per-second rule, measured on arrival.

mod common;

use std::time::Duration;

use common::{admin_get, admin_put, client, config, start, status_json, status_of, token};
use hotelband_server::Pacing;
use reqwest::Method;
use serde_json::json;

fn paced() -> hotelband_server::Config {
    let mut cfg = config(2);
    cfg.pacing = Pacing::default();
    cfg
}

#[tokio::test]
async fn second_request_within_the_interval_is_429_and_counted() {
    let server = start(paced()).await;
    let c = client();
    let url = format!("{}/hotel/api/reservation", server.url());
    assert_eq!(status_of(&c, Method::GET, &url, 0).await, 200);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = c
        .get(&url)
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.headers()["retry-after"], "1");
    assert!(response.headers().contains_key("ratelimit"));
    let (status, body) = status_json(response).await;
    assert_eq!((status, body["code"].as_u64()), (429, Some(429)));
    // Other users and the other service have clocks of their own.
    assert_eq!(status_of(&c, Method::GET, &url, 1).await, 200);
    let band = format!("{}/band/api/reservation", server.url());
    assert_eq!(status_of(&c, Method::GET, &band, 0).await, 200);
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["hotel"]["counters"]["violations"], 1);
    assert_eq!(
        state["hotel"]["violations_by_user"],
        json!({"user-0": 1, "user-1": 0})
    );
    assert_eq!(state["band"]["counters"]["violations"], 0);

    // A 429 does not reset the clock: a request 1 s after the first served one passes.
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(status_of(&c, Method::GET, &url, 0).await, 200);
}

#[tokio::test]
async fn without_enforcement_violations_are_served_and_counted() {
    let server = start(paced()).await;
    let c = client();
    let set = admin_put(
        &c,
        &server,
        "pacing",
        json!({"min_interval_ms": 1000, "enforce": false}),
    )
    .await;
    assert_eq!(
        set,
        json!({"min_interval_ms": 1000, "tolerance_ms": 50, "enforce": false})
    );
    let url = format!("{}/band/api/reservation/available", server.url());
    for _ in 0..3 {
        assert_eq!(status_of(&c, Method::GET, &url, 0).await, 200);
    }
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["band"]["counters"]["violations"], 2);
    assert_eq!(state["band"]["counters"]["status"], json!({"200": 3}));
}

#[tokio::test]
async fn pacing_is_judged_on_arrival_not_after_latency() {
    let server = start(paced()).await;
    let c = client();
    admin_put(
        &c,
        &server,
        "faults/hotel",
        json!({"latency_ms": [600, 600]}),
    )
    .await;
    let url = format!("{}/hotel/api/reservation", server.url());
    // Two requests 1 s apart on arrival; the injected delay does not change the verdict.
    let first = tokio::spawn({
        let (c, url) = (c.clone(), url.clone());
        async move {
            c.get(url)
                .bearer_auth(token(0))
                .send()
                .await
                .expect("ok")
                .status()
        }
    });
    // The 1 s counts from when the first is seen to have arrived (counted before its
    // latency), not from when it was sent: a slow start cannot shorten the gap.
    loop {
        let state = admin_get(&c, &server, "state").await;
        if state["hotel"]["counters"]["requests"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let second = c
        .get(&url)
        .bearer_auth(token(0))
        .send()
        .await
        .expect("ok")
        .status();
    assert_eq!(first.await.expect("task"), 200);
    assert_eq!(second, 200);
}
