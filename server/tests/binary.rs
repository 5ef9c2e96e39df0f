//! The `hotelband-server` binary: `--demo` prints the URL and tokens, serves them, and its logs
//! (at debug level) name users but never show a token.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Kills the server even when an assertion fails first.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn demo_prints_tokens_once_and_logs_none() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotelband-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--demo",
            "--seed",
            "5",
            "--dist",
            "/nonexistent",
        ])
        .args(["--admin-token", "admin-secret-1234"])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut stderr = child.stderr.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let child = KillOnDrop(child);
    let mut printed = Vec::new();
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).expect("stdout") == 0 {
            break;
        }
        let done = line.trim().starts_with("seed:");
        printed.push(line);
        if done {
            break;
        }
    }
    let find = |prefix: &str| {
        printed
            .iter()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("{prefix} missing from {printed:?}"))
    };
    let url = find("hotelband: open").trim_end_matches('/').to_owned();
    let demo = find("demo key (hotel and band):");
    assert_eq!(demo.len(), 64);
    assert_eq!(find("admin token:"), "admin-secret-1234");
    assert_eq!(find("seed:"), "5");

    let c = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let keys: serde_json::Value = c
        .get(format!("{url}/demo"))
        .send()
        .await
        .expect("demo")
        .json()
        .await
        .expect("json");
    assert_eq!(keys["hotel_key"], demo.as_str());
    // A few calls, some of them refused, to make the server log.
    for path in [
        "/hotel/api/reservation/150",
        "/band/api/reservation/151",
        "/hotel/api/reservation/abc",
    ] {
        let _ = c
            .post(format!("{url}{path}"))
            .bearer_auth(&demo)
            .send()
            .await
            .expect("answered");
    }
    let _ = c
        .get(format!("{url}/proxy/https://example.com/x"))
        .bearer_auth(&demo)
        .send()
        .await
        .expect("answered");
    let state = c
        .get(format!("{url}/admin/state"))
        .bearer_auth("admin-secret-1234")
        .send()
        .await
        .expect("state");
    assert_eq!(state.status(), 200);

    drop(child);
    let mut logs = String::new();
    stderr.read_to_string(&mut logs).expect("stderr");
    assert!(logs.contains("crowd started"), "{logs}");
    assert!(
        logs.contains("write") && logs.contains(r#"user="demo""#),
        "writes are logged by user name: {logs}"
    );
    assert!(!logs.contains(&demo), "the demo token leaked into the logs");
    assert!(
        !logs.contains("admin-secret-1234"),
        "the admin token leaked into the logs"
    );
}
