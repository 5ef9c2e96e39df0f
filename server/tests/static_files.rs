//! The page: `dist` at `/` with an SPA fallback; the proxy does not follow redirects.

mod common;

use std::path::PathBuf;

use common::{client, config, start, start_serving};

/// A throw-away `dist` with an index page, an asset and a sub-directory.
fn dist(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hotelband-server-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).expect("temp dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>hb</title>").expect("write");
    std::fs::write(dir.join("app.js"), "console.log(1)").expect("write");
    std::fs::write(dir.join("sub").join("index.html"), "sub").expect("write");
    dir
}

#[tokio::test]
async fn serves_the_page_with_an_spa_fallback() {
    let dir = dist("spa");
    let server = start_serving(&dir).await;
    let c = client();
    for (path, body) in [
        ("/", "<!doctype html><title>hb</title>"),
        ("/app.js", "console.log(1)"),
        ("/some/page", "<!doctype html><title>hb</title>"),
    ] {
        let response = c
            .get(format!("{}{path}", server.url()))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.text().await.expect("body"), body, "{path}");
    }
    // The APIs are not swallowed by the fallback.
    let response = c
        .get(format!("{}/hotel/api/nothing", server.url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/json");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_passes_redirects_back_without_following_them() {
    let dir = dist("redirect");
    let upstream = start_serving(&dir).await;
    let mut front_cfg = config(1);
    front_cfg.proxy_allow = vec![upstream.addr().to_string()];
    let front = start(front_cfg).await;
    // ServeDir redirects a directory without its trailing slash.
    let direct = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let status = direct
        .get(format!("{}/sub", upstream.url()))
        .send()
        .await
        .expect("answered")
        .status();
    assert!(status.is_redirection(), "{status}");
    let via_proxy = direct
        .get(format!("{}/proxy/{}/sub", front.url(), upstream.url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(via_proxy.status(), status, "passed back, not followed");
    let _ = std::fs::remove_dir_all(dir);
}
