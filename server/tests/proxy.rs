//! The CORS proxy forwards to a second, listed local emulator and refuses other hosts.

mod common;

use common::{client, config, start, status_json, token};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwards_to_a_local_emulator() {
    let upstream = start(config(1)).await;
    let mut cfg = config(1);
    cfg.proxy_allow = vec![upstream.addr().to_string()];
    let front = start(cfg).await;
    let c = client();
    let target = format!(
        "{}/proxy/{}/band/api/reservation/9",
        front.url(),
        upstream.url()
    );
    // The page served by the front is the one origin its CORS answers.
    let response = c
        .post(&target)
        .bearer_auth(token(0))
        .header("origin", front.url())
        .send()
        .await
        .expect("answered");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        front.url().as_str()
    );
    let (status, body) = status_json(response).await;
    assert_eq!((status, body), (200, json!({"id": "9"})));
    // It happened at the upstream, not at the front.
    let read = |base: String| {
        let c = c.clone();
        async move {
            status_json(
                c.get(format!("{base}/band/api/reservation"))
                    .bearer_auth(token(0))
                    .send()
                    .await
                    .expect("ok"),
            )
            .await
            .1
        }
    };
    assert_eq!(read(upstream.url()).await, json!([{"id": "9"}]));
    assert_eq!(read(front.url()).await, json!([]));
    // Status, body and Retry-After come back as they are; a query string survives.
    common::admin_put(&c, &upstream, "faults/band", json!({"p503": 1.0})).await;
    let response = c
        .get(format!(
            "{}/proxy/{}/band/api/reservation?x=1",
            front.url(),
            upstream.url()
        ))
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        status_json(response).await,
        (503, json!({"code": 503, "message": "Service unavailable"}))
    );
    // Missing auth is the upstream's 401, passed back.
    let response = c
        .get(format!(
            "{}/proxy/{}/hotel/api/reservation",
            front.url(),
            upstream.url()
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 401);
    // Percent-encoded form.
    let encoded = format!("{}/hotel/api/reservation", upstream.url())
        .replace(':', "%3A")
        .replace('/', "%2F");
    let response = c
        .get(format!("{}/proxy/{encoded}", front.url()))
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn refuses_unlisted_hosts_and_reports_unreachable_ones() {
    let front = start(config(1)).await;
    let c = client();
    let (status, body) = status_json(
        c.get(format!(
            "{}/proxy/https://example.com/hotel/api/reservation",
            front.url()
        ))
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered"),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            403,
            json!({"code": 403, "message": "proxy: host example.com is not allowed"})
        )
    );
    for junk in ["not-a-url", "ftp://127.0.0.1/x", "http//127.0.0.1/x"] {
        let (status, body) = status_json(
            c.get(format!("{}/proxy/{junk}", front.url()))
                .send()
                .await
                .expect("answered"),
        )
        .await;
        assert_eq!(status, 400, "{junk}: {body}");
    }
    // Another local port is not allowed unless listed.
    let (status, body) = status_json(
        c.get(format!(
            "{}/proxy/http://127.0.0.1:9/hotel/api/reservation",
            front.url()
        ))
        .send()
        .await
        .expect("answered"),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            403,
            json!({"code": 403, "message": "proxy: host 127.0.0.1:9 is not allowed"})
        )
    );
    let mut cfg = config(1);
    cfg.proxy_allow = vec!["127.0.0.1:9".to_owned()];
    let front = start(cfg).await;
    // Port 9 (discard) has no listener here.
    let (status, body) = status_json(
        c.get(format!(
            "{}/proxy/http://127.0.0.1:9/hotel/api/reservation",
            front.url()
        ))
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered"),
    )
    .await;
    assert_eq!(status, 502);
    let message = body["message"].as_str().expect("message");
    assert!(message.contains("127.0.0.1:9"), "{message}");
    assert!(!message.contains(&token(0)));
}

#[tokio::test]
async fn listed_hosts_are_allowed() {
    let mut cfg = config(1);
    cfg.proxy_allow = vec!["unreachable.invalid".to_owned()];
    let front = start(cfg).await;
    let c = client();
    // Allowed, so it is tried (and fails to resolve: 502, not 403).
    let response = c
        .get(format!(
            "{}/proxy/http://unreachable.invalid/x",
            front.url()
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 502);
}
