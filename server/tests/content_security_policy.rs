//! The page is sent with a Content-Security-Policy that allows trunk's inline loader script by
//! its hash and no other inline script; the other files and the API are not the page.

mod common;

use std::path::{Path, PathBuf};

use common::{client, start_serving};

/// trunk's loader, as `trunk build` writes it into `index.html`.
const LOADER: &str = "\nimport init from '/hotelband-1a2b3c4d5e6f7a8b.js';\n\
    const wasm = await init({ module_or_path: '/hotelband-1a2b3c4d5e6f7a8b_bg.wasm' });\n";
/// Its hash, from `openssl sha256 -binary | base64`.
const LOADER_HASH: &str = "'sha256-fA9qD+7xzyPnBFb7KX+K9vtHr9fyJeU03Y7QuWTDALo='";
/// The loader of another build, and its hash.
const REBUILT: &str = "\nimport init from '/hotelband-8b7a6f5e4d3c2b1a.js';\n\
    const wasm = await init({ module_or_path: '/hotelband-8b7a6f5e4d3c2b1a_bg.wasm' });\n";
const REBUILT_HASH: &str = "'sha256-w3KRqmnt/xYXTs/aeay6YuLNRtXUqU9+urRJxCwN7Rw='";

fn page(loader: &str) -> String {
    format!(
        "<!doctype html><html><head><link rel=\"modulepreload\" \
         href=\"/hotelband-1a2b3c4d5e6f7a8b.js\"><script type=\"module\">{loader}</script>\
         </head><body></body></html>"
    )
}

fn dist(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hotelband-csp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    write_page(&dir, LOADER);
    std::fs::write(
        dir.join("hotelband-1a2b3c4d5e6f7a8b.js"),
        "export default 1",
    )
    .expect("write");
    dir
}

fn write_page(dir: &Path, loader: &str) {
    std::fs::write(dir.join("index.html"), page(loader)).expect("write");
}

async fn policy_of(url: &str) -> Option<String> {
    let response = client().get(url).send().await.expect("answered");
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().expect("ascii").to_owned())
}

#[tokio::test]
async fn the_page_allows_its_own_loader_and_no_other_inline_script() {
    let dir = dist("page");
    let server = start_serving(&dir).await;
    let url = server.url();
    for path in ["/", "/index.html", "/some/route"] {
        let policy = policy_of(&format!("{url}{path}"))
            .await
            .unwrap_or_else(|| panic!("{path} has no policy"));
        assert!(
            policy.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' {LOADER_HASH};"
            )),
            "{path}: {policy}"
        );
        for directive in [
            "default-src 'self'",
            "connect-src 'self' http: https:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                policy.contains(directive),
                "{path}: {directive} in {policy}"
            );
        }
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
    }
    // Not the page: a script file, the API.
    assert_eq!(
        policy_of(&format!("{url}/hotelband-1a2b3c4d5e6f7a8b.js")).await,
        None
    );
    let api = client()
        .get(format!("{url}/hotel/api/nothing"))
        .send()
        .await
        .expect("answered");
    assert!(api.headers().get("content-security-policy").is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_page_rebuilt_while_the_emulator_runs_gets_its_new_loader_hash() {
    let dir = dist("rebuilt");
    let server = start_serving(&dir).await;
    let url = format!("{}/", server.url());
    let before = policy_of(&url).await.expect("a policy");
    assert!(before.contains(LOADER_HASH), "{before}");
    write_page(&dir, REBUILT);
    let after = policy_of(&url).await.expect("a policy");
    assert!(after.contains(REBUILT_HASH), "{after}");
    assert!(!after.contains(LOADER_HASH), "{after}");
    let _ = std::fs::remove_dir_all(dir);
}
