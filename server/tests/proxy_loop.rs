//! A proxy URL naming the emulator's own `/proxy` is refused at once, however deep the
//! nesting, and leaves no sockets behind. Alone in its test binary so that the descriptor
//! count sees no other test's sockets.

mod common;

use common::{client, config, open_fds, start, status_json, token};
use hotelband_server::Running;
use serde_json::json;

/// `{front}/proxy/{hop}/proxy/…/{last}` with `hops` in order.
fn nested(hops: &[&Running], last: &Running, path: &str) -> String {
    let mut url = String::new();
    for hop in hops {
        url.push_str(&format!("{}/proxy/", hop.url()));
    }
    format!("{url}{}{path}", last.url())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_own_proxy_is_no_upstream_and_holds_no_sockets() {
    let front = start(config(1)).await;
    let c = client();
    // Its own services are fine through its proxy.
    let url = nested(&[&front], &front, "/hotel/api/reservation");
    let response = c
        .get(url)
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(status_json(response).await, (200, json!([])));

    let before = open_fds();
    let hops = vec![&front; 30];
    let url = nested(&hops, &front, "/hotel/api/reservation");
    let response = c
        .get(url)
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(
        status_json(response).await,
        (
            508,
            json!({"code": 508, "message": "proxy: this emulator's own /proxy is not an upstream (a loop)"})
        )
    );
    // One client connection (pooled) and nothing held by the server for the nesting.
    let after = open_fds();
    assert!(
        after <= before + 4,
        "{before} descriptors before, {after} after"
    );
    // Nor its admin API or page.
    let response = c
        .get(format!("{}/proxy/{}/admin/state", front.url(), front.url()))
        .bearer_auth(common::ADMIN)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 403);
}
