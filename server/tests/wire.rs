//! Every status code and wire body of the two services, over real HTTP.

mod common;

use common::{ADMIN, admin_get, admin_put, call, client, config, ids, start, status_json, token};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn lists_and_writes_follow_the_wire_format() {
    let mut cfg = config(2);
    cfg.slots = 10;
    let server = start(cfg).await;
    let c = client();

    let (status, free) = status_json(
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
    assert_eq!(ids(&free), (1..=10).collect::<Vec<_>>());
    assert_eq!(
        free[0],
        json!({"id": "1"}),
        "ids are JSON strings, objects carry only id"
    );

    for slot in [7, 2] {
        let (status, body) = status_json(
            call(
                &c,
                &server,
                Method::POST,
                "hotel",
                &format!("/reservation/{slot}"),
                0,
            )
            .await,
        )
        .await;
        assert_eq!((status, body), (200, json!({"id": slot.to_string()})));
    }
    let (_, holds) =
        status_json(call(&c, &server, Method::GET, "hotel", "/reservation", 0).await).await;
    assert_eq!(ids(&holds), vec![2, 7], "holds sorted");
    let (_, free) = status_json(
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
    assert_eq!(
        ids(&free),
        vec![1, 3, 4, 5, 6, 8, 9, 10],
        "ascending, own holds excluded"
    );
    let (_, band_free) = status_json(
        call(
            &c,
            &server,
            Method::GET,
            "band",
            "/reservation/available",
            0,
        )
        .await,
    )
    .await;
    assert_eq!(ids(&band_free).len(), 10, "services are independent");

    // 409: held by someone else, held by you; 451 at the limit.
    let (status, body) =
        status_json(call(&c, &server, Method::POST, "hotel", "/reservation/2", 1).await).await;
    assert_eq!(
        (status, body),
        (
            409,
            json!({"code": 409, "message": "Slot is not available."})
        )
    );
    let (status, _) =
        status_json(call(&c, &server, Method::POST, "hotel", "/reservation/7", 0).await).await;
    assert_eq!(status, 409, "reserving your own hold is 409");
    let (status, body) =
        status_json(call(&c, &server, Method::POST, "hotel", "/reservation/3", 0).await).await;
    assert_eq!(
        (status, body),
        (
            451,
            json!({"code": 451, "message": "The client already holds the maximum number of reservations."})
        )
    );

    // Cancel: someone else's hold or a free slot is 409; your own is 200 with a message.
    let (status, _) =
        status_json(call(&c, &server, Method::DELETE, "hotel", "/reservation/2", 1).await).await;
    assert_eq!(status, 409);
    let (status, _) =
        status_json(call(&c, &server, Method::DELETE, "hotel", "/reservation/5", 0).await).await;
    assert_eq!(status, 409);
    let (status, body) =
        status_json(call(&c, &server, Method::DELETE, "hotel", "/reservation/2", 0).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], "2");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("cancelled"))
    );
    let (_, holds) =
        status_json(call(&c, &server, Method::GET, "hotel", "/reservation", 0).await).await;
    assert_eq!(ids(&holds), vec![7]);
    let (_, holds) =
        status_json(call(&c, &server, Method::GET, "hotel", "/reservation", 1).await).await;
    assert_eq!(holds, json!([]));

    // The admin view agrees, by name.
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["hotel"]["holders"], json!({"7": "user-0"}));
    assert_eq!(state["hotel"]["counters"]["status"]["409"], 4);
    assert_eq!(state["hotel"]["counters"]["status"]["451"], 1);
    assert_eq!(state["band"]["holders"], json!({}));
    let history = admin_get(&c, &server, "history").await;
    assert_eq!(common::check_history(&history, 2), 3);
    assert_eq!(history[2]["op"], "release");
    assert_eq!(history[2]["reply"], "ok");
}

#[tokio::test]
async fn malformed_and_unknown_ids() {
    let server = start(config(1)).await;
    let c = client();
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
            let (status, body) = status_json(
                call(
                    &c,
                    &server,
                    method.clone(),
                    "band",
                    &format!("/reservation/{id}"),
                    0,
                )
                .await,
            )
            .await;
            assert_eq!(&body, want, "{method} {id}");
            assert_eq!(u64::from(status), want["code"].as_u64().expect("code"));
        }
    }
}

#[tokio::test]
async fn bad_or_missing_tokens_are_401_before_anything_else() {
    let server = start(config(1)).await;
    let c = client();
    let want = json!({"code": 401, "message": "The API token was invalid or missing."});
    let url = format!("{}/hotel/api/reservation/abc", server.url());
    let requests = [
        c.post(&url),
        c.post(&url).bearer_auth("wrong"),
        c.post(&url).header("authorization", token(0)),
        c.post(&url).header("authorization", "Basic dXNlcjpwYXNz"),
        c.post(&url).header(
            "authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").expect("opaque bytes"),
        ),
    ];
    for request in requests {
        let (status, body) = status_json(request.send().await.expect("answered")).await;
        assert_eq!((status, &body), (401, &want));
    }
    // The scheme is case-insensitive.
    let response = c
        .get(format!("{}/hotel/api/reservation", server.url()))
        .header("authorization", format!("bearer {}", token(0)))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn injected_503_and_500_with_retry_after() {
    let server = start(config(1)).await;
    let c = client();
    admin_put(&c, &server, "faults/hotel", json!({"p503": 1.0})).await;
    let response = call(&c, &server, Method::GET, "hotel", "/reservation", 0).await;
    assert_eq!(response.headers()["retry-after"], "1");
    let (status, body) = status_json(response).await;
    assert_eq!(
        (status, body),
        (503, json!({"code": 503, "message": "Service unavailable"}))
    );
    admin_put(&c, &server, "faults/hotel", json!({"p500": 1.0})).await;
    let (status, body) =
        status_json(call(&c, &server, Method::POST, "hotel", "/reservation/1", 0).await).await;
    assert_eq!(status, 500);
    assert_eq!(body["code"], 500);
    // Nothing was applied, and the band was never affected.
    let (status, _) =
        status_json(call(&c, &server, Method::GET, "band", "/reservation", 0).await).await;
    assert_eq!(status, 200);
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["hotel"]["counters"]["fault_503"], 1);
    assert_eq!(state["hotel"]["counters"]["fault_500"], 1);
    assert_eq!(state["hotel"]["holders"], json!({}));
    assert_eq!(state["band"]["counters"]["ok"], 1);
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

#[tokio::test]
async fn admin_needs_its_token_and_refuses_bad_bodies() {
    let server = start(config(1)).await;
    let c = client();
    for request in [
        c.get(format!("{}/admin/state", server.url())),
        c.get(format!("{}/admin/history", server.url()))
            .bearer_auth(token(0)),
        c.post(format!("{}/admin/reset", server.url()))
            .bearer_auth("nope"),
    ] {
        let (status, body) = status_json(request.send().await.expect("answered")).await;
        assert_eq!((status, body["code"].as_u64()), (401, Some(401)));
    }
    for (path, body) in [
        ("faults/hotel", "{not json"),
        ("faults/hotel", r#"{"p503": 2.0}"#),
        ("faults/hotel", r#"{"p503": "x"}"#),
        ("crowd/band", r#"{"size": -1}"#),
        ("pacing", r#"{"enforce": true}"#),
    ] {
        let response = c
            .put(format!("{}/admin/{path}", server.url()))
            .bearer_auth(ADMIN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("answered");
        let (status, json) = status_json(response).await;
        assert_eq!(status, 400, "{path} {body}: {json}");
        assert_eq!(json["code"], 400);
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let response = c
        .put(format!("{}/admin/faults/spa", server.url()))
        .bearer_auth(ADMIN)
        .json(&json!({}))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 404);
    let set = admin_put(
        &c,
        &server,
        "faults/band",
        json!({"p503": 0.25, "latency_ms": [1, 2]}),
    )
    .await;
    assert_eq!(
        set,
        json!({"p503": 0.25, "p500": 0.0, "p_lost": 0.0, "latency_ms": [1, 2]})
    );
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["band"]["faults"]["p503"], 0.25);
    assert!(
        !state.to_string().contains(&token(0)),
        "no tokens in admin output"
    );
}

#[tokio::test]
async fn reset_clears_holds_history_and_counters() {
    let server = start(config(1)).await;
    let c = client();
    let (status, _) =
        status_json(call(&c, &server, Method::POST, "band", "/reservation/4", 0).await).await;
    assert_eq!(status, 200);
    let response = c
        .post(format!("{}/admin/reset", server.url()))
        .bearer_auth(ADMIN)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let state = admin_get(&c, &server, "state").await;
    assert_eq!(state["band"]["holders"], json!({}));
    assert_eq!(state["band"]["counters"]["requests"], 0);
    assert_eq!(admin_get(&c, &server, "history").await, json!([]));
    // Users survive a reset.
    let (status, _) =
        status_json(call(&c, &server, Method::POST, "band", "/reservation/4", 0).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn demo_hands_out_the_demo_token_only() {
    let config = hotelband_server::Config::default();
    let demo = config.users[0].token.clone();
    let server = start(config).await;
    let c = client();
    let (status, body) = status_json(
        c.get(format!("{}/demo", server.url()))
            .send()
            .await
            .expect("answered"),
    )
    .await;
    assert_eq!(
        (status, body),
        (200, json!({"hotel_key": demo, "band_key": demo}))
    );
    let (status, _) = status_json(
        c.get(format!("{}/band/api/reservation", server.url()))
            .bearer_auth(&demo)
            .send()
            .await
            .expect("answered"),
    )
    .await;
    assert_eq!(status, 200);
    let without = start(common::config(1)).await;
    let response = c
        .get(format!("{}/demo", without.url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 404);
}
