//! Routing without a socket (`app()` + `oneshot`): every `/admin` path needs the token, admin
//! bodies are objects with sane values, the APIs' roots are API paths, CORS answers only the
//! emulator's own origin, and over-long heads get JSON errors.

mod common;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use common::{ADMIN, config};
use hotelband_server::{Config, app};
use serde_json::{Value, json};
use tower::ServiceExt as _;

async fn send(
    config: &Config,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app(config).oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&bytes)));
    (status, headers, json)
}

fn get(uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080")
}

/// A `dist` with an index page, so that a path falling through to the page would show.
fn with_page() -> Config {
    let dir = std::env::temp_dir().join(format!("hotelband-routing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("index.html"), "<html>page</html>").expect("index");
    Config {
        dist: Some(dir),
        ..config(1)
    }
}

#[tokio::test]
async fn every_admin_path_needs_the_token() {
    let cfg = with_page();
    for path in [
        "/admin",
        "/admin/",
        "/admin/nope",
        "/admin/state/",
        "/admin/faults/spa",
    ] {
        let (status, _, body) = send(&cfg, get(path).body(Body::empty()).expect("request")).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::UNAUTHORIZED,
                json!({"code": 401, "message": "The admin token was invalid or missing."})
            ),
            "{path}"
        );
        let with_token = get(path)
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
            .body(Body::empty())
            .expect("request");
        let (status, _, body) = send(&cfg, with_token).await;
        let expected = if path == "/admin/faults/spa" {
            StatusCode::METHOD_NOT_ALLOWED
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(status, expected, "{path}: {body}");
        assert_eq!(body["code"], expected.as_u16(), "{path}");
    }
}

#[tokio::test]
async fn admin_bodies_must_be_sane_objects() {
    let cfg = config(1);
    for (path, body, needle) in [
        ("faults/hotel", "[]", "object"),
        ("faults/hotel", "[0.25]", "object"),
        ("faults/hotel", "0.25", "object"),
        (
            "faults/band",
            r#"{"p503": 0.5, "p500": 0.3, "p_lost": 0.3}"#,
            "add up",
        ),
        ("crowd/hotel", "[]", "object"),
        ("crowd/hotel", r#"{"size": 1001}"#, "maximum"),
        ("pacing", "[1000, 50, true]", "object"),
    ] {
        let request = Request::put(format!("/admin/{path}"))
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request");
        let (status, _, json) = send(&cfg, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {json}");
        assert!(
            json["message"].as_str().is_some_and(|m| m.contains(needle)),
            "{path} {body}: {json}"
        );
    }
    let request = Request::put("/admin/faults/hotel")
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"p503": 0.7, "p500": 0.2, "p_lost": 0.1}"#))
        .expect("request");
    let (status, _, json) = send(&cfg, request).await;
    assert_eq!(status, StatusCode::OK, "sums to 1 up to rounding: {json}");
}

#[tokio::test]
async fn the_api_roots_are_api_paths() {
    let cfg = with_page();
    for path in [
        "/hotel/api",
        "/hotel/api/",
        "/band/api",
        "/band/api/",
        "/hotel/api/reservation/available/",
        "/band/api/nope",
    ] {
        let (status, headers, body) =
            send(&cfg, get(path).body(Body::empty()).expect("request")).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::NOT_FOUND,
                json!({"code": 404, "message": "The request has not been processed."})
            ),
            "{path}"
        );
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    }
}

#[tokio::test]
async fn cors_answers_only_the_emulators_own_origin() {
    let cfg = config(1);
    let preflight = |origin: &str| {
        Request::options("/hotel/api/reservation")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
            .body(Body::empty())
            .expect("request")
    };
    let allowed = |config: &Config, origin: &'static str| {
        let request = preflight(origin);
        let app = app(config);
        async move {
            let response = app.oneshot(request).await.expect("infallible");
            response
                .headers()
                .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .map(|v| v.to_str().expect("ascii").to_owned())
        }
    };
    assert_eq!(
        allowed(&cfg, "http://127.0.0.1:8080").await.as_deref(),
        Some("http://127.0.0.1:8080")
    );
    for foreign in [
        "http://evil.example",
        "http://127.0.0.1:8081",
        "https://127.0.0.1:8080",
        "http://127.0.0.1:8080.evil.example",
        "null",
    ] {
        assert_eq!(allowed(&cfg, foreign).await, None, "{foreign}");
    }
    let open = Config {
        cors_any_origin: true,
        ..config(1)
    };
    assert_eq!(
        allowed(&open, "http://evil.example").await.as_deref(),
        Some("*")
    );
}

#[tokio::test]
async fn over_long_heads_get_json_errors() {
    let cfg = config(1);
    let long = format!("/hotel/api/reservation/{}", "1".repeat(9000));
    let (status, _, body) = send(&cfg, get(&long).body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);
    assert_eq!(body["code"], 414);
    let mut request = get("/hotel/api/reservation");
    for i in 0..150 {
        request = request.header(format!("x-filler-{i}"), "y");
    }
    let (status, _, body) = send(&cfg, request.body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert_eq!(body["code"], 431);
}

#[tokio::test]
async fn other_host_names_are_refused_against_dns_rebinding() {
    let cfg = config(1);
    let demo = |host: &str| {
        Request::get("/demo")
            .header(header::HOST, host)
            .body(Body::empty())
            .expect("request")
    };
    let (status, _, body) = send(&cfg, demo("evil.example:8080")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], 403);
    // Served (these test users include no `demo`, hence its 404).
    let served = (
        StatusCode::NOT_FOUND,
        json!({"code": 404, "message": "No demo user on this emulator."}),
    );
    for local in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"] {
        let (status, _, body) = send(&cfg, demo(local)).await;
        assert_eq!((status, body), served, "{local}");
    }
    let open = Config {
        cors_any_origin: true,
        ..config(1)
    };
    let (status, _, body) = send(&open, demo("evil.example:8080")).await;
    assert_eq!((status, body), served);
}
