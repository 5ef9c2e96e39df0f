//! Lost replies: the change is applied, the client sees a failure, the next read shows it.

mod common;

use common::{admin_get, admin_put, client, config, start, status_json, status_of, token};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn lost_reply_applies_the_change_but_the_client_sees_a_failure() {
    let server = start(config(1)).await;
    let c = client();
    admin_put(&c, &server, "faults/hotel", json!({"p_lost": 1.0})).await;
    let mut failures = (0, 0); // (503, reply cut off)
    for slot in 1..=20 {
        let url = format!("{}/hotel/api/reservation/{slot}", server.url());
        for method in [Method::POST, Method::DELETE] {
            match c
                .request(method.clone(), &url)
                .bearer_auth(token(0))
                .send()
                .await
            {
                Ok(response) if response.status() == 503 => {
                    assert_eq!(response.headers()["retry-after"], "1");
                    let (status, body) = status_json(response).await;
                    assert_eq!((status, body["code"].as_u64()), (503, Some(503)));
                    failures.0 += 1;
                }
                // A cut-off reply: the head arrives, the body never completes.
                Ok(response) => {
                    assert_eq!(response.status(), 200);
                    assert!(
                        response.bytes().await.is_err(),
                        "{method} {slot}: body complete"
                    );
                    failures.1 += 1;
                }
                Err(e) => panic!("{method} {slot}: no head at all: {e}"),
            }
            // Reads are never lost: they show the change.
            let (status, holds) = status_json(
                c.get(format!("{}/hotel/api/reservation", server.url()))
                    .bearer_auth(token(0))
                    .send()
                    .await
                    .expect("reads are not lost"),
            )
            .await;
            assert_eq!(status, 200);
            let want = if method == Method::POST {
                json!([{"id": slot.to_string()}])
            } else {
                json!([])
            };
            assert_eq!(holds, want, "{method} {slot}");
        }
    }
    assert!(
        failures.0 > 0 && failures.1 > 0,
        "both kinds of loss happen: {failures:?}"
    );
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["hotel"]["counters"]["lost_reply"], 40);
    let history = admin_get(&c, &server, "history").await;
    assert_eq!(common::check_history(&history, 2), 40);
    assert!(
        history
            .as_array()
            .expect("array")
            .iter()
            .all(|e| e["reply"] == "lost")
    );
}

#[tokio::test]
async fn refused_writes_are_not_lost_and_not_recorded() {
    let server = start(config(2)).await;
    let c = client();
    let url = format!("{}/band/api/reservation/3", server.url());
    assert_eq!(status_of(&c, Method::POST, &url, 1).await, 200);
    admin_put(&c, &server, "faults/band", json!({"p_lost": 1.0})).await;
    // A 409 changes nothing, so there is no reply to lose.
    let response = c
        .post(&url)
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 409);
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["band"]["counters"]["lost_reply"], 0);
    assert_eq!(
        admin_get(&c, &server, "history")
            .await
            .as_array()
            .expect("array")
            .len(),
        1
    );
}

#[tokio::test]
async fn same_seed_same_faults() {
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let server = start(config(1)).await;
        let c = client();
        admin_put(
            &c,
            &server,
            "faults/hotel",
            json!({"p503": 0.3, "p500": 0.2}),
        )
        .await;
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let r = c
                .get(format!("{}/hotel/api/reservation/available", server.url()))
                .bearer_auth(token(0))
                .send()
                .await
                .expect("answered");
            statuses.push(r.status().as_u16());
        }
        assert!(statuses.contains(&503) && statuses.contains(&500) && statuses.contains(&200));
        outcomes.push(statuses);
    }
    assert_eq!(outcomes[0], outcomes[1]);
}

#[tokio::test]
async fn an_outage_answers_a_proxys_html_502_page_until_it_ends() {
    let server = start(config(1)).await;
    let c = client();
    let set = admin_put(&c, &server, "outage/hotel", json!({"for_ms": 600_000})).await;
    assert_eq!(set, json!({"for_ms": 600_000}));
    let url = |service: &str| format!("{}/{service}/api/reservation/3", server.url());
    let down = c
        .post(url("hotel"))
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(down.status(), 502);
    assert_eq!(down.headers()["content-type"], "text/html");
    let page = down.text().await.expect("body");
    assert!(page.contains("<h1>502 Bad Gateway</h1>"), "{page}");
    assert_eq!(
        status_of(&c, Method::POST, &url("band"), 0).await,
        200,
        "the band is up"
    );

    admin_put(&c, &server, "outage/hotel", json!({"for_ms": 0})).await;
    assert_eq!(
        status_of(&c, Method::POST, &url("hotel"), 0).await,
        200,
        "over"
    );
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["hotel"]["counters"]["status"]["502"], 1);
    assert_eq!(
        state["hotel"]["holders"],
        json!({"3": "user-0"}),
        "nothing applied while down"
    );
}
