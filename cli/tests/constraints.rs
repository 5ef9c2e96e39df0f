//! The user's constraints from a terminal, against a real emulator: `pair --avoid` never
//! reserves an avoided slot and pairs on the next allowed one; `pair --watch --good-enough`
//! ends by itself once the pair is good enough (reads stop with it); `free --avoid` marks the
//! avoided slots. Judged by the emulator's state and history.

mod common;

use common::{Emulator, args, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avoiding_the_strategys_slot_pairs_on_the_next_allowed_one() {
    let emulator = Emulator::start_with_slot_3_next().await;
    let urls = emulator.urls();
    let run_ = run(&args(&urls, &["pair", "--avoid", "3,5-6"])).await;
    run_.assert_success_printing(&[
        "Free at both (first 20, avoiding 3, 5-6): 4, 7, 8",
        "Slot 4 is now held at both the hotel and the band",
    ]);
    let log = run_.log();
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
    let emulator = Emulator::start_with_slot_3_next().await;
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
    emulator.assert_watch_ended_good_enough(&run_, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_marks_the_avoided_slots() {
    let emulator = Emulator::start_with_slot_3_next().await;
    let urls = emulator.urls();
    let run_ = run(&args(&urls, &["free", "--avoid", "3-4", "--window", "5"])).await;
    run_.assert_success_printing(&[
        "hotel free (slots 1-5): 2, 3 (avoided), 4 (avoided), 5",
        "band free (slots 1-5): 1, 3 (avoided), 4 (avoided), 5",
        "free at both (slots 1-5): 3 (avoided), 4 (avoided), 5",
    ]);
}
