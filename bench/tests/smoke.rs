//! One tiny cell, end to end, fast enough for CI: each client against its own emulator with
//! 503s and a small crowd, the pacing scaled down to 200 ms (the only place it is), judged from
//! the emulator's own records.

use std::time::Duration;

use hotelband_bench::run::run;
use hotelband_bench::scenario::{
    Cell, ClientKind, Crowding, FaultPreset, Scenario, Settings, Start,
};

fn settings() -> Settings {
    Settings {
        delay: Duration::from_millis(200),
        duration: Duration::from_secs(5),
        // After an ambiguous write the core re-reads the holds once `request_timeout` (10 s)
        // has passed, and only then reports the stop as finished.
        grace: Duration::from_secs(12),
        window: 20,
        recheck: Duration::from_secs(1),
        tolerance: Duration::from_millis(20),
        crowd_window: 100,
        warm_lead: Duration::from_millis(500),
        crowd_warmup: Duration::from_secs(1),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ours_pairs_without_orphans_or_violations() {
    let http = hotelband_bench::http::client();
    let settings = settings();
    let scenario = |seed| Scenario {
        cell: Cell {
            fault: FaultPreset::Unavailable20,
            crowd: Crowding::Competitors(3),
        },
        start: Start::Cold,
        seed,
    };
    // Two seeds at once: each run has its own emulator, and the test stays short.
    let (one, two) = tokio::join!(
        run(&http, ClientKind::Ours, scenario(1), &settings),
        run(&http, ClientKind::Ours, scenario(2), &settings),
    );
    for (seed, result) in [(1, one), (2, two)] {
        let result = result.expect("the emulator runs");
        let log = format!("seed {seed}: {result:#?}");
        assert!(result.settled, "{log}");
        assert_eq!(result.orphans, 0, "{log}");
        assert_eq!(result.extra_holds, 0, "{log}");
        assert_eq!(result.violations, 0, "{log}");
        assert_eq!(result.breaches, 0, "{log}");
        assert!(result.max_holds <= 2, "{log}");
        let first = result.first_pair.expect("a pair within 5 s");
        // Cold: a free list and a reserve per service at the least, one paced delay apart.
        assert!(first >= settings.delay, "{log}");
        assert!(first < settings.duration, "{log}");
        let final_slot = result.final_slot.expect("a pair at the end");
        assert!(final_slot <= 20, "{log}");
        assert!(result.requests_to_pair.expect("paired") >= 4, "{log}");
        if let Some(best) = result.best_achievable {
            assert!(best <= final_slot, "nothing better than achievable: {log}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naive_runs_through_the_same_harness() {
    let http = hotelband_bench::http::client();
    let settings = settings();
    let scenario = Scenario {
        cell: Cell {
            fault: FaultPreset::None,
            crowd: Crowding::Competitors(0),
        },
        start: Start::Cold,
        seed: 1,
    };
    let result = run(&http, ClientKind::Naive, scenario, &settings)
        .await
        .expect("the emulator runs");
    let log = format!("{result:#?}");
    // Alone and without faults even the script gets slot 1, after 4 sequential requests.
    assert_eq!(result.final_slot, Some(1), "{log}");
    assert_eq!(result.best_achievable, Some(1), "{log}");
    assert!(
        result.first_pair.expect("paired") >= settings.delay * 3,
        "{log}"
    );
    assert_eq!(result.orphans, 0, "{log}");
    assert_eq!(result.violations, 0, "{log}");
    assert_eq!(result.requests_to_pair, Some(4), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warm_start_is_counted_from_start_after_the_reads() {
    let http = hotelband_bench::http::client();
    let settings = settings();
    let scenario = Scenario {
        cell: Cell {
            fault: FaultPreset::None,
            crowd: Crowding::Competitors(0),
        },
        start: Start::Warm,
        seed: 1,
    };
    let (ours, naive) = tokio::join!(
        run(&http, ClientKind::Ours, scenario, &settings),
        run(&http, ClientKind::Naive, scenario, &settings),
    );
    let (ours, naive) = (
        ours.expect("the emulator runs"),
        naive.expect("the emulator runs"),
    );
    for result in [&ours, &naive] {
        let log = format!("{result:#?}");
        assert!(result.trace.clicked_at >= settings.warm_lead, "{log}");
        // The reads before Start are in the totals but not in the requests to the pair.
        let before_start = result.trace.sent_at.iter();
        let reads = before_start
            .filter(|&&at| at < result.trace.clicked_at)
            .count();
        assert!(reads >= 2, "{log}");
        assert!(
            u32::try_from(reads).expect("a handful") + 2 <= result.requests,
            "{log}"
        );
        assert_eq!(result.final_slot, Some(1), "{log}");
        assert_eq!((result.orphans, result.violations), (0, 0), "{log}");
    }
    // Naive books from the lists it read: the reserves at the hotel and the band, nothing else.
    assert_eq!(naive.requests_to_pair, Some(2), "{naive:#?}");
    assert!(ours.requests_to_pair.expect("paired") >= 2, "{ours:#?}");
}
