//! The proxy cannot be turned against the emulator or its host: no loops through other
//! emulators, no userinfo or doubled `Authorization`, a capped reply, few at a time.
//! (Its own `/proxy` as upstream: `proxy_loop.rs`, alone in its process to count descriptors.)

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::{client, config, raw, read_until_closed, start, status_json, token};
use hotelband_server::Running;
use reqwest::header::AUTHORIZATION;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::timeout;

/// A bound on waits that should end much sooner: only reached when the behaviour is missing.
const BOUND: Duration = Duration::from_secs(5);

/// `{front}/proxy/{hop}/proxy/…/{last}` with `hops` in order.
fn nested(hops: &[&Running], last: &Running, path: &str) -> String {
    let mut url = String::new();
    for hop in hops {
        url.push_str(&format!("{}/proxy/", hop.url()));
    }
    format!("{url}{}{path}", last.url())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_through_two_emulators_stops_at_the_hop_limit() {
    // Each lists the other, so only the hop count can stop the loop.
    let a_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let b_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let (a_addr, b_addr) = (
        a_listener.local_addr().expect("addr"),
        b_listener.local_addr().expect("addr"),
    );
    let mut a_cfg = config(1);
    a_cfg.proxy_allow = vec![b_addr.to_string()];
    let mut b_cfg = config(1);
    b_cfg.proxy_allow = vec![a_addr.to_string()];
    let a = hotelband_server::start_on(a_listener, a_cfg).expect("a starts");
    let b = hotelband_server::start_on(b_listener, b_cfg).expect("b starts");
    let c = client();
    // Two proxies in a row (a → b → a's API) is within the limit.
    let url = nested(&[&a, &b], &a, "/hotel/api/reservation");
    let response = c
        .get(url)
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    // A third proxy is refused, whatever the nesting depth.
    let url = nested(
        &[&a, &b, &a, &b, &a, &b, &a, &b],
        &a,
        "/hotel/api/reservation",
    );
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
            json!({"code": 508, "message": "proxy: more than 2 proxy hops (a loop?)"})
        )
    );
}

#[tokio::test]
async fn userinfo_and_doubled_authorization_are_refused() {
    let upstream = start(config(1)).await;
    let mut cfg = config(1);
    cfg.proxy_allow = vec![upstream.addr().to_string()];
    let front = start(cfg).await;
    let c = client();
    for url in [
        format!("http://user:pw@{}/hotel/api/reservation", upstream.addr()),
        format!("http://user@{}/hotel/api/reservation", upstream.addr()),
        format!(
            "http%3A%2F%2Fuser%3Apw%40{}%2Fhotel%2Fapi%2Freservation",
            upstream.addr()
        )
        .replace(':', "%3A"),
    ] {
        let response = c
            .get(format!("{}/proxy/{url}", front.url()))
            .bearer_auth(token(0))
            .send()
            .await
            .expect("answered");
        let (status, body) = status_json(response).await;
        assert_eq!(status, 400, "{url}: {body}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("user:password@"))
        );
    }
    let doubled = |url: String| {
        c.get(url)
            .header(AUTHORIZATION, format!("Bearer {}", token(0)))
            .header(AUTHORIZATION, "Bearer other")
    };
    let through = format!(
        "{}/proxy/{}/hotel/api/reservation",
        front.url(),
        upstream.url()
    );
    let (status, body) = status_json(doubled(through).send().await.expect("answered")).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"code": 401, "message": "proxy: more than one Authorization header"})
        )
    );
    // The services themselves, and the admin API, refuse a doubled header too.
    let direct = format!("{}/hotel/api/reservation", upstream.url());
    let (status, body) = status_json(doubled(direct).send().await.expect("answered")).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"code": 401, "message": "The API token was invalid or missing."})
        )
    );
    let response = c
        .get(format!("{}/admin/state", upstream.url()))
        .header(AUTHORIZATION, format!("Bearer {}", common::ADMIN))
        .header(AUTHORIZATION, format!("Bearer {}", common::ADMIN))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 401);
}

/// A fake upstream on 127.0.0.1 answering every request with `reply`, then closing.
async fn fake_upstream(reply: Vec<u8>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let reply = Arc::new(reply);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let _ = stream.write_all(&reply).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn an_upstream_reply_above_the_cap_is_a_502() {
    const CAP: usize = 1000;
    let body = "x".repeat(CAP + 1);
    let announced = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let chunked = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         {:x}\r\n{}\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        CAP / 2,
        &body[..CAP / 2],
        CAP / 2 + 1,
        &body[..CAP / 2 + 1]
    );
    let fitting = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]".to_owned();
    let big = fake_upstream(announced.into_bytes()).await;
    let streamed = fake_upstream(chunked.into_bytes()).await;
    let small = fake_upstream(fitting.into_bytes()).await;
    let mut cfg = config(1);
    cfg.proxy_allow = [big, streamed, small]
        .iter()
        .map(ToString::to_string)
        .collect();
    cfg.limits.proxy_max_reply = CAP;
    let front = start(cfg).await;
    let c = client();
    for upstream in [big, streamed] {
        let response = c
            .get(format!("{}/proxy/http://{upstream}/x", front.url()))
            .send()
            .await
            .expect("answered");
        assert_eq!(
            status_json(response).await,
            (
                502,
                json!({"code": 502, "message": format!("proxy: the reply of {upstream} is larger than {CAP} bytes")})
            )
        );
    }
    let response = c
        .get(format!("{}/proxy/http://{small}/x", front.url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(status_json(response).await, (200, json!([])));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxied_requests_in_flight_are_capped() {
    // An upstream that publishes who connected, in order, and answers once the gate opens.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let upstream = listener.local_addr().expect("addr");
    let (peers_tx, mut peers) = watch::channel(Vec::<SocketAddr>::new());
    let (gate, opened) = watch::channel(false);
    tokio::spawn(async move {
        while let Ok((mut stream, peer)) = listener.accept().await {
            peers_tx.send_modify(|peers| peers.push(peer));
            let mut opened = opened.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let _ = opened.wait_for(|open| *open).await;
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]",
                    )
                    .await;
            });
        }
    });
    let mut cfg = config(1);
    cfg.proxy_allow = vec![upstream.to_string()];
    cfg.limits.proxy_concurrency = 2;
    let front = start(cfg).await;
    let c = client();
    let held: Vec<_> = (0..2)
        .map(|_| {
            let request = c.get(format!("{}/proxy/http://{upstream}/x", front.url()));
            tokio::spawn(async move { request.send().await.expect("answered").status() })
        })
        .collect();
    timeout(BOUND, peers.wait_for(|p| p.len() == 2))
        .await
        .expect("two proxied at once")
        .expect("upstream running");
    // A third proxied request, sent whole.
    let request = format!(
        "GET /proxy/http://{upstream}/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    );
    let mut third = raw(&front, request.as_bytes()).await;
    // It had its chance: the front answered a request sent after it, and the upstream then
    // took a connection made after that (it takes them in order).
    let response = c
        .get(format!("{}/hotel/api/reservation", front.url()))
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let probe = TcpStream::connect(upstream).await.expect("connects");
    let probe = probe.local_addr().expect("addr");
    let seen = timeout(BOUND, peers.wait_for(|p| p.contains(&probe)))
        .await
        .expect("the probe taken")
        .expect("upstream running")
        .clone();
    assert_eq!(seen.len(), 3, "only two proxied at once: {seen:?}");
    // Open the gate: the two are answered, then the third.
    gate.send_replace(true);
    for request in held {
        assert_eq!(request.await.expect("task"), 200);
    }
    let sent = read_until_closed(&mut third, BOUND)
        .await
        .expect("the third is answered");
    let text = String::from_utf8_lossy(&sent);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert_eq!(
        peers.borrow().len(),
        4,
        "the third reached the upstream too"
    );
}
