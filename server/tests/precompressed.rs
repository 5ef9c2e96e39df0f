//! The page's files are served as the build precompressed them: the variant the browser
//! accepts with its `Content-Encoding`, `Vary: Accept-Encoding`, and hashed names cached for
//! good while `index.html` is revalidated.

mod common;

use std::path::PathBuf;

use common::{client, start_serving};

const WASM: &str = "hotelband-0123456789abcdef_bg.wasm";
/// Trunk names the css by the hash of its bytes, the wasm by the hash of cargo's wasm before
/// wasm-opt: only the css name pins what is served.
const CSS: &str = "main-0123456789abcdef.css";

/// A throw-away `dist` where each file's variants have distinct bodies, so a test can tell
/// which one it was sent.
fn dist(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hotelband-pre-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for file in ["index.html", WASM, CSS] {
        std::fs::write(dir.join(file), format!("plain {file}")).expect("write");
        std::fs::write(dir.join(format!("{file}.br")), format!("br {file}")).expect("write");
        std::fs::write(dir.join(format!("{file}.gz")), format!("gz {file}")).expect("write");
    }
    std::fs::write(dir.join("robots.txt"), "no variants").expect("write");
    dir
}

/// GETs `path` with `Accept-Encoding: accept` (none if empty); returns the encoding, `Vary`,
/// `Cache-Control` and the body as sent (reqwest is built without decompression here).
async fn fetch(base: &str, path: &str, accept: &str) -> (String, String, String, String) {
    let mut request = client().get(format!("{base}{path}"));
    if !accept.is_empty() {
        request = request.header("accept-encoding", accept);
    }
    let response = request.send().await.expect("answered");
    assert_eq!(response.status(), 200, "{path} {accept}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("ascii").to_owned())
            .unwrap_or_default()
    };
    let (encoding, vary, cache) = (
        header("content-encoding"),
        header("vary"),
        header("cache-control"),
    );
    (encoding, vary, cache, response.text().await.expect("body"))
}

#[tokio::test]
async fn the_accepted_variant_is_sent_with_its_encoding() {
    let dir = dist("variants");
    let server = start_serving(&dir).await;
    let url = server.url();
    let wasm = format!("/{WASM}");
    for (path, accept, encoding, body) in [
        (
            wasm.as_str(),
            "gzip, deflate, br",
            "br",
            format!("br {WASM}"),
        ),
        (wasm.as_str(), "gzip", "gzip", format!("gz {WASM}")),
        (wasm.as_str(), "", "", format!("plain {WASM}")),
        ("/", "br", "br", "br index.html".to_owned()),
        ("/index.html", "gzip", "gzip", "gz index.html".to_owned()),
        ("/some/route", "br", "br", "br index.html".to_owned()),
        ("/robots.txt", "br", "", "no variants".to_owned()),
    ] {
        let (got_encoding, vary, _, got_body) = fetch(&url, path, accept).await;
        assert_eq!(got_encoding, encoding, "{path} with {accept:?}");
        assert_eq!(got_body, body, "{path} with {accept:?}");
        assert_eq!(vary, "accept-encoding", "{path} with {accept:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn files_named_by_their_hash_are_immutable_and_the_rest_revalidated() {
    let dir = dist("cache");
    let server = start_serving(&dir).await;
    let url = server.url();
    let (_, _, cache, _) = fetch(&url, &format!("/{CSS}"), "br").await;
    assert_eq!(cache, "public, max-age=31536000, immutable");
    let wasm = format!("/{WASM}");
    for path in [
        wasm.as_str(),
        "/",
        "/index.html",
        "/some/route",
        "/robots.txt",
    ] {
        let (_, _, cache, _) = fetch(&url, path, "br").await;
        assert_eq!(cache, "no-cache", "{path}");
    }
    // The API is not given the files' headers.
    let response = client()
        .get(format!("{url}/hotel/api/nothing"))
        .send()
        .await
        .expect("answered");
    assert!(response.headers().get("cache-control").is_none());
    let _ = std::fs::remove_dir_all(dir);
}
