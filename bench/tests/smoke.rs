//! One tiny cell, end to end, fast enough for CI: each client against its own emulator with
//! 503s and a small crowd, the pacing scaled down to 200 ms (the only place it is), judged from
//! the emulator's own records.

use std::time::Duration;

use hotelband_bench::run::run;
use hotelband_bench::scenario::{ClientKind, FaultPreset, Scenario, Settings};

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
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ours_pairs_without_orphans_or_violations() {
    let http = hotelband_bench::http::client();
    let settings = settings();
    let scenario = |seed| Scenario {
        fault: FaultPreset::Unavailable20,
        competitors: 3,
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
        let first = result.first_pair.expect("a pair within 5 s");
        // 2 paced requests per service at the least (free list, reserve); 503s may cost more.
        assert!(first >= settings.delay, "{log}");
        assert!(first < settings.duration, "{log}");
        let final_slot = result.final_slot.expect("a pair at the end");
        assert!(final_slot <= 20, "{log}");
        assert!(result.requests >= 4, "{log}");
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
        fault: FaultPreset::None,
        competitors: 0,
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
}
