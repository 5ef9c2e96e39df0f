//! Session 1 from a terminal: `free`, `mine`, `reserve`, `cancel` against a real emulator,
//! each result checked at the emulator's `/admin/state`.

mod common;

use common::{Emulator, World, args};
use hotelband_server::{Faults, Scripted};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_lands_at_the_emulator() {
    let emulator = Emulator::start(World::default()).await;
    let urls = emulator.urls();

    let free = emulator.run(&args(&urls, &["free"])).await;
    assert_eq!(free.code, 0, "{}", free.log());
    let first_20: Vec<String> = (1..=20).map(|n| n.to_string()).collect();
    let listed = format!("(slots 1-20): {}", first_20.join(", "));
    for line in ["hotel free ", "band free ", "free at both "] {
        assert!(
            free.stdout.contains(&format!("{line}{listed}")),
            "{}",
            free.log()
        );
    }

    let reserve = emulator.run(&args(&urls, &["reserve", "hotel", "5"])).await;
    assert_eq!(reserve.code, 0, "{}", reserve.log());
    assert!(
        reserve.stdout.contains("Reserved slot 5 at the hotel"),
        "{}",
        reserve.log()
    );
    assert_eq!(emulator.holds().await, [vec![5], vec![]]);

    let reserve = emulator.run(&args(&urls, &["reserve", "band", "5"])).await;
    assert_eq!(reserve.code, 0, "{}", reserve.log());
    assert_eq!(emulator.holds().await, [vec![5], vec![5]]);

    let mine = emulator.run(&args(&urls, &["mine"])).await;
    assert_eq!(mine.code, 0, "{}", mine.log());
    assert!(mine.stdout.contains("hotel holds: 5\n"), "{}", mine.log());
    assert!(mine.stdout.contains("band holds: 5\n"), "{}", mine.log());

    // Our own hold is not free; --all lists past the window; --json is one object a line.
    let free = emulator
        .run(&args(&urls, &["free", "hotel", "--all", "--json"]))
        .await;
    assert_eq!(free.code, 0, "{}", free.log());
    let objects = free.objects();
    assert_eq!(objects.len(), 1, "{}", free.log());
    assert_eq!(objects[0]["type"], "free");
    assert_eq!(objects[0]["service"], "hotel");
    let slots: Vec<u64> = objects[0]["slots"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .collect();
    let expected: Vec<u64> = (1..=200).filter(|&n| n != 5).collect();
    assert_eq!(slots, expected);

    let cancel = emulator.run(&args(&urls, &["cancel", "hotel", "5"])).await;
    assert_eq!(cancel.code, 0, "{}", cancel.log());
    assert!(
        cancel.stdout.contains("Released slot 5 at the hotel"),
        "{}",
        cancel.log()
    );
    assert_eq!(emulator.holds().await, [vec![], vec![5]]);

    let mine = emulator
        .run(&args(&urls, &["mine", "band", "--json"]))
        .await;
    assert_eq!(mine.code, 0, "{}", mine.log());
    let objects = mine.objects();
    assert_eq!(objects.len(), 1, "{}", mine.log());
    assert_eq!(objects[0]["service"], "band");
    assert_eq!(objects[0]["slots"], serde_json::json!([5]));

    // Through the emulator's own CORS proxy, as a user behind one would.
    let proxy = format!("{}/proxy/", emulator.running.url());
    let proxied = emulator
        .run(&args(&urls, &["--proxy", &proxy, "reserve", "hotel", "9"]))
        .await;
    assert_eq!(proxied.code, 0, "{}", proxied.log());
    assert_eq!(emulator.holds().await, [vec![9], vec![5]]);

    emulator.assert_clean(&cancel.log()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_exit_1_and_change_nothing() {
    let emulator = Emulator::start(World::default()).await;
    let urls = emulator.urls();
    emulator.other_reserves("hotel", 7).await;

    let taken = emulator.run(&args(&urls, &["reserve", "hotel", "7"])).await;
    assert_eq!(taken.code, 1, "{}", taken.log());
    assert!(
        taken
            .stderr
            .contains("Reserving slot 7 at the hotel failed: slot not available"),
        "{}",
        taken.log()
    );

    let not_mine = emulator.run(&args(&urls, &["cancel", "band", "3"])).await;
    assert_eq!(not_mine.code, 1, "{}", not_mine.log());
    assert!(
        not_mine
            .stderr
            .contains("Releasing slot 3 at the band failed"),
        "{}",
        not_mine.log()
    );

    // The emulator has 200 slots: 201 passes the client's parsing and the server refuses it.
    let beyond = emulator
        .run(&args(&urls, &["reserve", "band", "201"]))
        .await;
    assert_eq!(beyond.code, 1, "{}", beyond.log());
    assert!(beyond.stderr.contains("no such slot"), "{}", beyond.log());

    for slot in [1, 2] {
        let ok = emulator
            .run(&args(&urls, &["reserve", "band", &slot.to_string()]))
            .await;
        assert_eq!(ok.code, 0, "{}", ok.log());
    }
    let third = emulator
        .run(&args(&urls, &["reserve", "band", "3", "--json"]))
        .await;
    assert_eq!(third.code, 1, "{}", third.log());
    let objects = third.objects();
    let failed = objects.last().expect("an object");
    assert_eq!(failed["kind"], "failed", "{}", third.log());
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("reservation limit reached")),
        "{}",
        third.log()
    );

    assert_eq!(emulator.holds().await, [vec![], vec![1, 2]]);
    emulator.assert_clean(&third.log()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_reply_is_lost_is_verified_not_repeated_blindly() {
    // The hotel's first write is refused with a 503 (not applied), its second applied and
    // then answered with a 503: the client must end holding each slot once, and say so.
    let hotel = Faults {
        script: vec![Scripted::Unavailable, Scripted::LostUnavailable],
        ..Faults::default()
    };
    let emulator = Emulator::start(World {
        faults: [hotel, Faults::default()],
        ..World::default()
    })
    .await;
    let urls = emulator.urls();

    let first = emulator.run(&args(&urls, &["reserve", "hotel", "4"])).await;
    assert_eq!(first.code, 0, "{}", first.log());
    assert!(
        first.stdout.contains("Reserved slot 4 at the hotel"),
        "{}",
        first.log()
    );

    let second = emulator.run(&args(&urls, &["reserve", "hotel", "6"])).await;
    assert_eq!(second.code, 0, "{}", second.log());
    assert!(
        second.stdout.contains("Reserved slot 6 at the hotel"),
        "{}",
        second.log()
    );

    assert_eq!(emulator.holds().await, [vec![4, 6], vec![]]);
    assert_eq!(emulator.reserves_of("hotel", 4).await, 1);
    assert_eq!(emulator.reserves_of("hotel", 6).await, 1);
    let counters = &emulator.state().await.hotel.counters;
    assert_eq!(
        (counters.fault_503, counters.lost_reply),
        (1, 1),
        "{counters:?}"
    );
    emulator.assert_clean(&second.log()).await;
}
