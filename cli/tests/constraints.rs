//! The user's constraints from a terminal, against a real emulator: `pair --avoid` never
//! reserves an avoided slot and pairs on the next allowed one; `pair --watch --good-enough`
//! ends by itself once the pair is good enough (reads stop with it); `free --avoid` marks the
//! avoided slots. Judged by the emulator's state and history.

mod common;

use common::{Emulator, World, args, run};

/// The other user holds hotel 1 and band 2, so the strategy's slot is 3.
async fn slot_3_is_next() -> Emulator {
    let emulator = Emulator::start(World::default()).await;
    emulator.other_reserves("hotel", 1).await;
    emulator.other_reserves("band", 2).await;
    emulator
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avoiding_the_strategys_slot_pairs_on_the_next_allowed_one() {
    let emulator = slot_3_is_next().await;
    let urls = emulator.urls();
    let run_ = run(&args(&urls, &["pair", "--avoid", "3,5-6"])).await;
    let log = run_.log();
    assert_eq!(run_.code, 0, "{log}");
    for line in [
        "Free at both (first 20, avoiding 3, 5-6): 4, 7, 8",
        "Slot 4 is now held at both the hotel and the band",
    ] {
        assert!(run_.stdout.contains(line), "{line:?} missing\n{log}");
    }
    assert_eq!(emulator.assert_one_clean_pair(&log).await, 4);
    for service in ["hotel", "band"] {
        assert_eq!(
            emulator.reserves_of(service, 3).await,
            0,
            "{service}\n{log}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_enough_pair_ends_watching_by_itself() {
    let emulator = slot_3_is_next().await;
    let urls = emulator.urls();
    // Slot 1 never frees up: without --good-enough, --watch would read on until --for.
    let run_ = run(&args(
        &urls,
        &[
            "pair",
            "--watch",
            "--good-enough",
            "5",
            "--for",
            "60",
            "--json",
        ],
    ))
    .await;
    let log = run_.log();
    assert_eq!(run_.code, 0, "{log}");
    let objects = run_.objects();
    let last = objects.last().expect("a final object");
    assert_eq!(last["reason"], "good_enough", "{log}");
    assert_eq!(last["pair"], 3, "{log}");
    assert!(
        objects
            .iter()
            .any(|o| o["kind"] == "auto" && o["state"] == "done"),
        "{log}"
    );
    assert_eq!(emulator.assert_one_clean_pair(&log).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_marks_the_avoided_slots() {
    let emulator = slot_3_is_next().await;
    let urls = emulator.urls();
    let run_ = run(&args(&urls, &["free", "--avoid", "3-4", "--window", "5"])).await;
    let log = run_.log();
    assert_eq!(run_.code, 0, "{log}");
    for line in [
        "hotel free (slots 1-5): 2, 3 (avoided), 4 (avoided), 5",
        "band free (slots 1-5): 1, 3 (avoided), 4 (avoided), 5",
        "free at both (slots 1-5): 3 (avoided), 4 (avoided), 5",
    ] {
        assert!(run_.stdout.contains(line), "{line:?} missing\n{log}");
    }
}
