//! Races over real HTTP: one slot for many users, many slots for one user.

mod common;

use common::{admin_get, admin_put, check_history, client, config, start, token};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_users_one_slot_exactly_one_wins() {
    let server = start(config(50)).await;
    let c = client();
    // Latency shuffles the order in which the requests are applied.
    admin_put(&c, &server, "faults/hotel", json!({"latency_ms": [0, 30]})).await;
    let url = format!("{}/hotel/api/reservation/1", server.url());
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (c, url) = (c.clone(), url.clone());
            tokio::spawn(async move {
                let r = c
                    .post(url)
                    .bearer_auth(token(i))
                    .send()
                    .await
                    .expect("answered");
                r.status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        49,
        "{statuses:?}"
    );
    let state = admin_get(&c, &server, "state").await;
    let holders = state["hotel"]["holders"].as_object().expect("map");
    assert_eq!(holders.len(), 1);
    assert_eq!(
        check_history(&admin_get(&c, &server, "history").await, 2),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_user_ten_racing_reservations_never_exceeds_two() {
    let server = start(config(1)).await;
    let c = client();
    admin_put(&c, &server, "faults/band", json!({"latency_ms": [0, 30]})).await;
    for round in 0..3 {
        let tasks: Vec<_> = (1..=10)
            .map(|slot| {
                let c = c.clone();
                let url = format!(
                    "{}/band/api/reservation/{}",
                    server.url(),
                    round * 10 + slot
                );
                tokio::spawn(async move {
                    c.post(url)
                        .bearer_auth(token(0))
                        .send()
                        .await
                        .expect("answered")
                        .status()
                        .as_u16()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.expect("task"));
        }
        let won = statuses.iter().filter(|&&s| s == 200).count();
        assert_eq!(won, if round == 0 { 2 } else { 0 }, "{statuses:?}");
        assert!(
            statuses.iter().all(|&s| s == 200 || s == 451),
            "{statuses:?}"
        );
        let state = admin_get(&c, &server, "state").await;
        assert_eq!(state["band"]["holders"].as_object().expect("map").len(), 2);
    }
    assert_eq!(
        check_history(&admin_get(&c, &server, "history").await, 2),
        2
    );
}
