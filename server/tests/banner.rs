//! The start banner: at the default log level a person sees the friendly lines (URL, keys,
//! seed) and no dump of the whole configuration, which stays available at debug.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};

/// Starts the binary with `RUST_LOG=level`, reads the banner up to its `seed:` line, stops it
/// and returns (banner, logs).
fn banner_and_logs(level: &str) -> (Vec<String>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotelband-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--seed",
            "9",
            "--dist",
            "/nonexistent",
        ])
        .env("RUST_LOG", level)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut banner = Vec::new();
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).expect("stdout") == 0 {
            break;
        }
        let done = line.trim().starts_with("seed:");
        banner.push(line.trim_end().to_owned());
        if done {
            break;
        }
    }
    let _ = child.kill();
    let mut logs = String::new();
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut logs)
        .expect("stderr");
    let _ = child.wait();
    (banner, logs)
}

#[test]
fn info_level_prints_only_the_friendly_lines() {
    let (banner, logs) = banner_and_logs("info");
    assert!(
        banner[0].starts_with("hotelband: open http://127.0.0.1:"),
        "{banner:?}"
    );
    assert_eq!(
        banner.last().map(String::as_str),
        Some("  seed: 9"),
        "{banner:?}"
    );
    assert!(
        !logs.contains("Config"),
        "the config was dumped at info: {logs}"
    );
}

#[test]
fn debug_level_shows_the_config_with_tokens_redacted() {
    let (_, logs) = banner_and_logs("debug");
    assert!(logs.contains("Config"), "{logs}");
    assert!(logs.contains("<redacted>"), "{logs}");
}
