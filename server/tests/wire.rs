//! Every status code and wire body of the two services, on `app()` with `oneshot` (no
//! socket, as axum's `examples/testing`), and two tests over real HTTP: junk a real client can
//! send (huge paths and headers) and CORS as a browser meets it.

mod common;

use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use common::{App, call, client, config, ids, start, status_json, token};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn lists_and_writes_follow_the_wire_format() {
    let mut cfg = config(2);
    cfg.slots = 10;
    let app = App::new(&cfg);

    let free = app
        .call(Method::GET, "hotel", "/reservation/available", 0)
        .await;
    assert_eq!(free.status, 200);
    assert_eq!(ids(&free.json), (1..=10).collect::<Vec<_>>());
    assert_eq!(
        free.json[0],
        json!({"id": "1"}),
        "ids are JSON strings, objects carry only id"
    );
    assert_eq!(free.headers[header::CONTENT_TYPE], "application/json");

    for slot in [7, 2] {
        let reserved = app
            .call(Method::POST, "hotel", &format!("/reservation/{slot}"), 0)
            .await;
        assert_eq!(
            (reserved.status, reserved.json),
            (200, json!({"id": slot.to_string()}))
        );
    }
    let holds = app.call(Method::GET, "hotel", "/reservation", 0).await;
    assert_eq!(ids(&holds.json), vec![2, 7], "holds sorted");
    let free = app
        .call(Method::GET, "hotel", "/reservation/available", 0)
        .await;
    assert_eq!(
        ids(&free.json),
        vec![1, 3, 4, 5, 6, 8, 9, 10],
        "ascending, own holds excluded"
    );
    let band_free = app
        .call(Method::GET, "band", "/reservation/available", 0)
        .await;
    assert_eq!(ids(&band_free.json).len(), 10, "services are independent");

    // 409: held by someone else, held by you; 451 at the limit.
    let taken = app.call(Method::POST, "hotel", "/reservation/2", 1).await;
    assert_eq!(
        (taken.status, taken.json),
        (
            409,
            json!({"code": 409, "message": "Slot is not available."})
        )
    );
    let own = app.call(Method::POST, "hotel", "/reservation/7", 0).await;
    assert_eq!(own.status, 409, "reserving your own hold is 409");
    let third = app.call(Method::POST, "hotel", "/reservation/3", 0).await;
    assert_eq!(
        (third.status, third.json),
        (
            451,
            json!({"code": 451, "message": "The client already holds the maximum number of reservations."})
        )
    );

    // Cancel: someone else's hold or a free slot is 409; your own is 200 with a message.
    let foreign = app.call(Method::DELETE, "hotel", "/reservation/2", 1).await;
    assert_eq!(foreign.status, 409);
    let free_slot = app.call(Method::DELETE, "hotel", "/reservation/5", 0).await;
    assert_eq!(free_slot.status, 409);
    let cancelled = app.call(Method::DELETE, "hotel", "/reservation/2", 0).await;
    assert_eq!(
        (cancelled.status, cancelled.json),
        (
            200,
            json!({"id": "2", "message": "Reservation 2 cancelled."})
        )
    );
    let holds = app.call(Method::GET, "hotel", "/reservation", 0).await;
    assert_eq!(ids(&holds.json), vec![7]);
    let holds = app.call(Method::GET, "hotel", "/reservation", 1).await;
    assert_eq!(holds.json, json!([]));

    // The admin view agrees, by name.
    let state = app.admin_get("state").await;
    assert_eq!(state["hotel"]["holders"], json!({"7": "user-0"}));
    assert_eq!(state["hotel"]["counters"]["status"]["409"], 4);
    assert_eq!(state["hotel"]["counters"]["status"]["451"], 1);
    assert_eq!(state["band"]["holders"], json!({}));
    let history = app.admin_get("history").await;
    assert_eq!(common::check_history(&history, 2), 3);
    assert_eq!(history[2]["op"], "release");
    assert_eq!(history[2]["reply"], "ok");
}

#[tokio::test]
async fn malformed_and_unknown_ids() {
    let app = App::new(&config(1));
    let bad = json!({"code": 400, "message": "Bad request."});
    let missing = json!({"code": 403, "message": "SlotId does not exist."});
    for (id, want) in [
        ("abc", &bad),
        ("-1", &bad),
        ("1.5", &bad),
        ("%20", &bad),
        ("%FF", &bad),
        ("99999999999999999999999999999", &bad),
        ("available", &bad),
        ("0", &missing),
        ("201", &missing),
        ("70000", &missing),
    ] {
        for method in [Method::POST, Method::DELETE] {
            let answer = app
                .call(method.clone(), "band", &format!("/reservation/{id}"), 0)
                .await;
            assert_eq!(&answer.json, want, "{method} {id}");
            assert_eq!(
                u64::from(answer.status),
                want["code"].as_u64().expect("code")
            );
        }
    }
}

#[tokio::test]
async fn bad_or_missing_tokens_are_401_before_anything_else() {
    let app = App::new(&config(1));
    let want = json!({"code": 401, "message": "The API token was invalid or missing."});
    let authorizations: [Option<HeaderValue>; 5] = [
        None,
        Some(HeaderValue::from_static("Bearer wrong")),
        Some(token(0).parse().expect("header")),
        Some(HeaderValue::from_static("Basic dXNlcjpwYXNz")),
        Some(HeaderValue::from_bytes(b"Bearer \xff\xfe").expect("opaque bytes")),
    ];
    for authorization in authorizations {
        let mut request = Request::post("/hotel/api/reservation/abc");
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let answer = app
            .send(request.body(Body::empty()).expect("request"))
            .await;
        assert_eq!((answer.status, &answer.json), (401, &want));
    }
    // The scheme is case-insensitive.
    let request = Request::get("/hotel/api/reservation")
        .header(header::AUTHORIZATION, format!("bearer {}", token(0)))
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.status, 200);
}

#[tokio::test]
async fn injected_503_and_500_with_retry_after() {
    let app = App::new(&config(1));
    app.admin_put("faults/hotel", json!({"p503": 1.0})).await;
    let answer = app.call(Method::GET, "hotel", "/reservation", 0).await;
    assert_eq!(answer.headers["retry-after"], "1");
    assert_eq!(
        (answer.status, answer.json),
        (503, json!({"code": 503, "message": "Service unavailable"}))
    );
    app.admin_put("faults/hotel", json!({"p500": 1.0})).await;
    let answer = app.call(Method::POST, "hotel", "/reservation/1", 0).await;
    assert_eq!(
        (answer.status, answer.json),
        (
            500,
            json!({"code": 500, "message": "Internal server error"})
        )
    );
    // Nothing was applied, and the band was never affected.
    let band = app.call(Method::GET, "band", "/reservation", 0).await;
    assert_eq!(band.status, 200);
    let state = app.admin_get("state").await;
    assert_eq!(state["hotel"]["counters"]["fault_503"], 1);
    assert_eq!(state["hotel"]["counters"]["fault_500"], 1);
    assert_eq!(state["hotel"]["holders"], json!({}));
    assert_eq!(state["band"]["counters"]["ok"], 1);
}

#[tokio::test]
async fn too_fast_is_429_with_rate_limit_headers() {
    // An hour's interval: the second request is early however slow the machine is.
    let mut cfg = config(1);
    cfg.pacing.min_interval = std::time::Duration::from_secs(3600);
    let app = App::new(&cfg);
    let first = app.call(Method::GET, "hotel", "/reservation", 0).await;
    assert_eq!(first.status, 200);
    let early = app.call(Method::GET, "hotel", "/reservation", 0).await;
    assert_eq!(
        (early.status, early.json),
        (
            429,
            json!({"code": 429, "message": "Too many requests: at most one request per second per service; see Retry-After."})
        )
    );
    let wait: u64 = early.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("whole seconds");
    assert!((3599..=3600).contains(&wait), "rounded up: {wait}");
    assert_eq!(early.headers["ratelimit-policy"], r#""default";q=1;w=3600"#);
    assert_eq!(
        early.headers["ratelimit"],
        format!(r#""default";r=0;t={wait}"#).as_str()
    );
    // The other service keeps its own clock.
    let band = app.call(Method::GET, "band", "/reservation", 0).await;
    assert_eq!(band.status, 200);
    let state = app.admin_get("state").await;
    assert_eq!(state["hotel"]["counters"]["violations"], 1);
    assert_eq!(state["hotel"]["violations_by_user"]["user-0"], 1);
    assert_eq!(state["hotel"]["counters"]["status"]["429"], 1);
    assert_eq!(state["band"]["counters"]["violations"], 0);
    assert_eq!(
        state["pacing"],
        json!({"min_interval_ms": 3_600_000, "tolerance_ms": 50, "enforce": true})
    );
}

#[tokio::test]
async fn admin_needs_its_token_and_refuses_bad_bodies() {
    let app = App::new(&config(1));
    let requests = [
        Request::get("/admin/state"),
        Request::get("/admin/history")
            .header(header::AUTHORIZATION, format!("Bearer {}", token(0))),
        Request::post("/admin/reset").header(header::AUTHORIZATION, "Bearer nope"),
    ];
    for request in requests {
        let answer = app
            .send(request.body(Body::empty()).expect("request"))
            .await;
        assert_eq!(
            (answer.status, answer.json["code"].as_u64()),
            (401, Some(401))
        );
    }
    for (path, body) in [
        ("faults/hotel", "{not json"),
        ("faults/hotel", r#"{"p503": 2.0}"#),
        ("faults/hotel", r#"{"p503": "x"}"#),
        ("crowd/band", r#"{"size": -1}"#),
        ("pacing", r#"{"enforce": true}"#),
    ] {
        let answer = app.admin(Method::PUT, path, body).await;
        assert_eq!(answer.status, 400, "{path} {body}: {}", answer.json);
        assert_eq!(answer.json["code"], 400);
        assert!(
            answer.json["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let answer = app.admin(Method::PUT, "faults/spa", "{}").await;
    assert_eq!(answer.status, 404);
    let set = app
        .admin_put("faults/band", json!({"p503": 0.25, "latency_ms": [1, 2]}))
        .await;
    assert_eq!(
        set,
        json!({"p503": 0.25, "p500": 0.0, "p_lost": 0.0, "latency_ms": [1, 2]})
    );
    let pacing = app
        .admin_put("pacing", json!({"min_interval_ms": 250}))
        .await;
    assert_eq!(
        pacing,
        json!({"min_interval_ms": 250, "tolerance_ms": 50, "enforce": true})
    );
    assert_eq!(app.admin_get("pacing").await, pacing);
    let state = app.admin_get("state").await;
    assert_eq!(state["band"]["faults"]["p503"], 0.25);
    assert_eq!(state["pacing"], pacing);
    assert!(
        !state.to_string().contains(&token(0)),
        "no tokens in admin output"
    );
}

#[tokio::test]
async fn reset_clears_holds_history_and_counters() {
    let app = App::new(&config(1));
    let reserved = app.call(Method::POST, "band", "/reservation/4", 0).await;
    assert_eq!(reserved.status, 200);
    let reset = app.admin(Method::POST, "reset", "").await;
    assert_eq!(reset.status, 200);
    let state = app.admin_get("state").await;
    assert_eq!(state["band"]["holders"], json!({}));
    assert_eq!(state["band"]["counters"]["requests"], 0);
    assert_eq!(app.admin_get("history").await, json!([]));
    // Users survive a reset.
    let again = app.call(Method::POST, "band", "/reservation/4", 0).await;
    assert_eq!(again.status, 200);
}

#[tokio::test]
async fn demo_hands_out_the_demo_token_only() {
    let config = hotelband_server::Config::default();
    let demo = config.users[0].token.clone();
    let app = App::new(&config);
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");
    let answer = app.send(get("/demo")).await;
    assert_eq!(
        (answer.status, answer.json),
        (200, json!({"hotel_key": demo, "band_key": demo}))
    );
    let request = Request::get("/band/api/reservation")
        .header(header::AUTHORIZATION, format!("Bearer {demo}"))
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.status, 200);
    let without = App::new(&common::config(1));
    assert_eq!(without.send(get("/demo")).await.status, 404);
}

#[tokio::test]
async fn junk_never_crashes_and_gets_json() {
    let server = start(config(1)).await;
    let c = client();
    let base = server.url();
    for path in [
        "/hotel/api",
        "/hotel/api/",
        "/hotel/api/reservation/",
        "/hotel/api/reservation/1/2",
        "/hotel/api/%00",
        "/band/api/reservation/available/x",
        "/admin",
        "/nothing",
        &format!("/hotel/api/reservation/{}", "9".repeat(5000)),
    ] {
        let response = c
            .post(format!("{base}{path}"))
            .bearer_auth(token(0))
            .send()
            .await
            .expect("answered");
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    let response = c
        .put(format!("{base}/hotel/api/reservation/1"))
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 405);
    let response = c
        .get(format!("{base}/hotel/api/reservation"))
        .bearer_auth("x".repeat(10_000))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 401);
    // Still serving.
    let (status, _) = status_json(
        call(
            &c,
            &server,
            Method::GET,
            "hotel",
            "/reservation/available",
            0,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let server = start(config(1)).await;
    let c = client();
    // The page's origin is the emulator's own (other origins: see `routing.rs`).
    let origin = server.url();
    for path in [
        "/hotel/api/reservation/5",
        "/band/api/reservation",
        "/proxy/http://127.0.0.1:9/x",
        "/demo",
    ] {
        let response = c
            .request(Method::OPTIONS, format!("{}{path}", server.url()))
            .header("origin", &origin)
            .header("access-control-request-method", "DELETE")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200, "{path}");
        let h = response.headers();
        assert_eq!(h["access-control-allow-origin"], origin.as_str());
        let methods = h["access-control-allow-methods"].to_str().expect("ascii");
        for m in ["GET", "POST", "DELETE", "PUT", "OPTIONS"] {
            assert!(methods.contains(m), "{methods}");
        }
        let headers = h["access-control-allow-headers"].to_str().expect("ascii");
        assert!(headers.contains("authorization") && headers.contains("content-type"));
    }
    let response = c
        .get(format!("{}/hotel/api/reservation", server.url()))
        .header("origin", &origin)
        .bearer_auth(token(0))
        .send()
        .await
        .expect("answered");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        origin.as_str()
    );
    assert!(
        response.headers()["access-control-expose-headers"]
            .to_str()
            .expect("ascii")
            .contains("retry-after")
    );
}
