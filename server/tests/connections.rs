//! Slow and idle clients cannot pile up: headers have a deadline, idle keep-alive connections
//! close, connections beyond the cap wait without starving anyone for long, hyper's own
//! refusals are JSON where ours come first, a broken listener ends the server with an
//! error, and a stopped server closes its connections as an ended process would.

mod common;

use std::time::Duration;

use common::{ADMIN, call, client, config, raw, read_until_closed, start, status_json, token};
use reqwest::Method;
use tokio::io::AsyncWriteExt as _;

/// A bound on waits that should end much sooner: only reached when the behaviour is missing.
const BOUND: Duration = Duration::from_secs(5);

fn with_header_timeout(ms: u64) -> hotelband_server::Config {
    let mut cfg = config(1);
    cfg.limits.header_timeout = Duration::from_millis(ms);
    cfg
}

#[tokio::test]
async fn partial_headers_are_cut_off_at_the_deadline() {
    let server = start(with_header_timeout(200)).await;
    let mut slow = raw(
        &server,
        b"GET /hotel/api/reservation HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    )
    .await;
    let sent = read_until_closed(&mut slow, BOUND).await;
    assert!(
        sent.is_some(),
        "the server still holds a connection with partial headers"
    );
}

#[tokio::test]
async fn idle_keep_alive_connections_close() {
    let server = start(with_header_timeout(200)).await;
    let request = format!(
        "GET /hotel/api/reservation HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\r\n",
        token(0)
    );
    let mut idle = raw(&server, request.as_bytes()).await;
    let sent = read_until_closed(&mut idle, BOUND)
        .await
        .expect("an idle keep-alive connection is closed");
    let text = String::from_utf8_lossy(&sent);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("[]"), "the reply came first: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_for_a_free_one() {
    // Headers may take longer than the test: only the second's close frees a slot.
    let mut cfg = with_header_timeout(60_000);
    cfg.limits.max_connections = 2;
    let server = start(cfg).await;
    // Both slots are taken by connections that have sent part of a request.
    let _first = raw(&server, b"GET /hotel/api/reservation HTTP/1.1\r\n").await;
    let mut second = raw(&server, b"GET /admin/state HTTP/1.1\r\n").await;
    // A third is connected and has sent a whole request.
    let request = format!(
        "GET /hotel/api/reservation HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {}\r\nConnection: close\r\n\r\n",
        token(0)
    );
    let mut waiting = raw(&server, request.as_bytes()).await;
    // The second then finishes its request: answered, it shows the server at work after the
    // third arrived, and the hotel not yet asked anything.
    second
        .write_all(
            format!(
                "Host: 127.0.0.1\r\nAuthorization: Bearer {ADMIN}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .expect("sends");
    let reply = read_until_closed(&mut second, BOUND)
        .await
        .expect("the admin is answered");
    let reply = String::from_utf8_lossy(&reply);
    let (_, body) = reply.split_once("\r\n\r\n").expect("a body");
    let state: serde_json::Value = serde_json::from_str(body).expect("state JSON");
    assert_eq!(
        state["hotel"]["counters"]["requests"], 0,
        "served beyond the cap"
    );
    // The second's slot is free now.
    let sent = read_until_closed(&mut waiting, BOUND)
        .await
        .expect("served once a slot is free");
    let text = String::from_utf8_lossy(&sent);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_at_the_cap_starve_nobody_past_the_deadline() {
    let mut cfg = with_header_timeout(300);
    cfg.limits.max_connections = 4;
    let server = start(cfg).await;
    let mut slow = Vec::new();
    for _ in 0..8 {
        slow.push(raw(&server, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").await);
    }
    let c = client();
    let response = tokio::time::timeout(
        BOUND,
        c.get(format!("{}/hotel/api/reservation", server.url()))
            .bearer_auth(token(0))
            .send(),
    )
    .await
    .expect("served after the slow ones' deadline")
    .expect("answered");
    assert_eq!(response.status(), 200);
    for mut stream in slow {
        assert!(read_until_closed(&mut stream, BOUND).await.is_some());
    }
}

#[tokio::test]
async fn a_stalled_request_body_is_refused() {
    let upstream = start(config(1)).await;
    let mut cfg = config(1);
    cfg.proxy_allow = vec![upstream.addr().to_string()];
    cfg.limits.body_timeout = Duration::from_millis(200);
    let server = start(cfg).await;
    let head = format!(
        "POST /proxy/{}/hotel/api/reservation/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Length: 100\r\nConnection: close\r\n\r\n0123456789",
        upstream.url()
    );
    let mut stream = raw(&server, head.as_bytes()).await;
    let sent = read_until_closed(&mut stream, BOUND)
        .await
        .expect("answered and closed");
    let text = String::from_utf8_lossy(&sent);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.contains(r#""message":"proxy: request body too slow""#),
        "{text}"
    );
}

#[tokio::test]
async fn too_many_header_fields_get_a_json_431() {
    // Over the emulator's 100 fields, within hyper's 256: our JSON reply, not hyper's empty one.
    let server = start(config(1)).await;
    let mut request = String::from("GET /hotel/api/reservation HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for i in 0..150 {
        request.push_str(&format!("x-filler-{i}: y\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    let mut stream = raw(&server, request.as_bytes()).await;
    let sent = read_until_closed(&mut stream, BOUND)
        .await
        .expect("answered");
    let text = String::from_utf8_lossy(&sent);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    assert!(text.contains("application/json"), "{text}");
    assert!(text.contains(r#""code":431"#), "{text}");
}

#[tokio::test]
async fn a_broken_listener_ends_the_server_with_its_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let handle = listener.try_clone().expect("clone");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    let mut running = hotelband_server::start_on(listener, config(1)).expect("starts");
    // Shutting a listening socket down makes every further accept fail (EINVAL on Linux).
    socket2::SockRef::from(&handle)
        .shutdown(std::net::Shutdown::Both)
        .expect("shutdown");
    // Wake the accept loop, in case the shutdown alone does not.
    let _ = tokio::net::TcpStream::connect(running.addr()).await;
    let error = tokio::time::timeout(BOUND, running.failed())
        .await
        .expect("the server stops and says why");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
}

#[tokio::test]
async fn a_stopped_server_closes_its_connections_and_a_new_one_starts_empty_on_its_address() {
    let server = start(config(1)).await;
    let addr = server.addr();
    let c = client();
    let reserved = call(&c, &server, Method::POST, "hotel", "/reservation/3", 0).await;
    assert_eq!(reserved.status(), 200);
    // A keep-alive connection, answered and left open (the header deadline is 10 s).
    let request = format!(
        "GET /hotel/api/reservation HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\r\n",
        token(0)
    );
    let mut open = raw(&server, request.as_bytes()).await;
    assert_eq!(
        read_until_closed(&mut open, Duration::from_millis(300)).await,
        None,
        "open before the stop"
    );

    server.stop().await;
    assert!(
        read_until_closed(&mut open, BOUND).await.is_some(),
        "the stop closes the open connection"
    );
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("the address is free once stopped");
    let again = hotelband_server::start_on(listener, config(1)).expect("starts again");
    let (status, holds) =
        status_json(call(&c, &again, Method::GET, "hotel", "/reservation", 0).await).await;
    assert_eq!(
        (status, holds),
        (200, serde_json::json!([])),
        "the hold went with the old one"
    );
}
