//! Session 2 from a terminal: `pair` against a real emulator with a crowd and scripted faults,
//! stopped by its first pair, by `--for`, by Ctrl-C (SIGINT) and aborted by a second one;
//! judged by the emulator's state and history, not by what the client says.

mod common;

use std::time::Duration;

use common::{Emulator, KEY, World, args, command, finish, interrupt};
use hotelband_server::{Crowd, Faults, Scripted};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

/// A crowd on the early slots of one service, as the emulator's `--demo` has it.
fn crowd() -> Crowd {
    Crowd {
        size: 4,
        hold_ms: (5_000, 20_000),
        think_ms: (2_000, 8_000),
        window: 20,
    }
}

/// Reads the child's JSON lines until one satisfies `until`; returns the lines read.
async fn read_until(child: &mut Child, until: impl Fn(&Value) -> bool) -> Vec<String> {
    let stdout = child.stdout.as_mut().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let reading = async {
        while let Some(line) = lines.next_line().await.expect("stdout readable") {
            let value: Value = serde_json::from_str(&line).expect("a JSON line");
            seen.push(line);
            if until(&value) {
                return;
            }
        }
        panic!("the client ended first:\n{}", seen.join("\n"));
    };
    tokio::time::timeout(Duration::from_secs(60), reading)
        .await
        .unwrap_or_else(|_| panic!("no such line within a minute"));
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_crowd_and_faults_for_stops_with_one_clean_pair() {
    let hotel = Faults {
        p503: 0.1,
        latency_ms: (10, 80),
        // The first write is the other user's, taking slot 1 below.
        script: vec![
            Scripted::Ok,
            Scripted::Unavailable,
            Scripted::LostUnavailable,
            Scripted::ServerError,
        ],
        ..Faults::default()
    };
    let band = Faults {
        p503: 0.1,
        latency_ms: (10, 80),
        script: vec![Scripted::LostDropped],
        ..Faults::default()
    };
    let emulator = Emulator::start(World {
        faults: [hotel, band],
        crowd: [crowd(), crowd()],
        ..World::default()
    })
    .await;
    // Slot 1 stays taken, so nothing but --for can end the run.
    emulator.other_reserves("hotel", 1).await;
    let urls = emulator.urls();
    let run_ = emulator
        .run(&args(
            &urls,
            // Each lost reply costs a request timeout (10 s) before its slot is trusted again.
            &["pair", "--watch", "--for", "25", "--retries", "5", "--json"],
        ))
        .await;
    let log = run_.log();
    assert_eq!(run_.code, 0, "{log}");
    let objects = run_.objects();
    let last = objects.last().expect("a final object");
    assert_eq!(last["type"], "final", "{log}");
    let pair = emulator.assert_one_clean_pair(&log).await;
    assert_eq!(last["reason"], "elapsed", "{log}");
    assert_eq!(last["pair"], u64::from(pair), "{log}");
    assert!(
        objects.iter().any(|o| o["type"] == "common_free"),
        "the common free slots are shown\n{log}"
    );
    let counters = emulator.state().await.hotel.counters;
    assert!(
        counters.lost_reply >= 1,
        "the scripted faults were met\n{log}"
    );
    run_.assert_no_key();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_watch_it_stops_at_the_first_pair_in_plain_words() {
    let emulator = Emulator::start_with_slot_3_next().await;
    let urls = emulator.urls();
    let run_ = emulator.run(&args(&urls, &["pair"])).await;
    run_.assert_success_printing(&[
        "Auto-pair started",
        "Free at both (first 20): 3, 4, 5",
        "Slot 3 is now held at both the hotel and the band",
        "Stopping: a pair is held",
        "Holding slot 3 at both the hotel and the band",
    ]);
    assert_eq!(emulator.assert_one_clean_pair(&run_.log()).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alone_it_reaches_slot_1_and_ends_by_itself() {
    let emulator = Emulator::start(World::default()).await;
    let urls = emulator.urls();
    let run_ = emulator
        .run(&args(&urls, &["pair", "--watch", "--json"]))
        .await;
    emulator.assert_watch_ended_good_enough(&run_, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_all_gives_everything_back() {
    let emulator = Emulator::start(World::default()).await;
    let urls = emulator.urls();
    let run_ = emulator
        .run(&args(&urls, &["pair", "--release-all", "--json"]))
        .await;
    let log = run_.log();
    assert_eq!(run_.code, 0, "{log}");
    let objects = run_.objects();
    assert!(
        objects.iter().any(|o| o["kind"] == "pair_secured"),
        "a pair first\n{log}"
    );
    assert_eq!(emulator.holds().await, common::NOTHING, "{log}");
    emulator.assert_clean(&log).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_cleanly_keeping_the_pair() {
    let emulator = Emulator::start(World {
        crowd: [crowd(), crowd()],
        ..World::default()
    })
    .await;
    // Slot 1 stays taken, so the client never reaches "nothing better" by itself.
    emulator.other_reserves("band", 1).await;
    let urls = emulator.urls();
    let mut child = command(
        &args(&urls, &["pair", "--watch", "--json"]),
        [Some(KEY), Some(KEY)],
    )
    .spawn()
    .expect("the binary starts");
    let before = read_until(&mut child, |o| o["kind"] == "pair_secured").await;
    interrupt(&child);
    let run_ = finish(child).await;
    let log = format!("{}\n{}", before.join("\n"), run_.log());
    assert_eq!(run_.code, 0, "{log}");
    let objects = run_.objects();
    assert!(
        objects
            .iter()
            .any(|o| o["type"] == "stopping" && o["reason"] == "interrupted"),
        "{log}"
    );
    let last = objects.last().expect("a final object");
    assert_eq!(last["type"], "final", "{log}");
    let pair = emulator.assert_one_clean_pair(&log).await;
    assert_eq!(last["pair"], u64::from(pair), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sigint_aborts_saying_what_may_be_held() {
    // Every band request takes 4 s, so the stop that the first SIGINT begins cannot be over
    // (the band's first read is still in flight) when the second arrives.
    let band = Faults {
        latency_ms: (4_000, 4_000),
        ..Faults::default()
    };
    let emulator = Emulator::start(World {
        faults: [Faults::default(), band],
        ..World::default()
    })
    .await;
    let urls = emulator.urls();
    let mut child = command(
        &args(&urls, &["pair", "--watch", "--json"]),
        [Some(KEY), Some(KEY)],
    )
    .spawn()
    .expect("the binary starts");
    let mut log = read_until(&mut child, |o| o["kind"] == "auto").await;
    interrupt(&child);
    log.extend(read_until(&mut child, |o| o["type"] == "stopping").await);
    interrupt(&child);
    let run_ = finish(child).await;
    let log = format!("{}\n{}", log.join("\n"), run_.log());
    assert_eq!(run_.code, 1, "{log}");
    let objects = run_.objects();
    let aborted = objects.last().expect("an object");
    assert_eq!(aborted["type"], "aborted", "{log}");
    assert!(
        aborted["hotel"].is_array() && aborted["band"].is_array(),
        "{log}"
    );
    assert!(run_.stdout.contains("may still be held"), "{log}");
}
