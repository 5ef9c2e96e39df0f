//! Bad input from a terminal: each case a clear message, the documented exit code (2 usage or
//! configuration, 3 unreachable or failing, 1 refused), no key in the output, nothing lost.

mod common;

use common::{Emulator, KEY, World, args, run, run_with, temp_dir};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_broken_api_ini_names_the_file_the_line_and_the_key() {
    let dir = temp_dir("ini");
    let missing = dir.join("nowhere.ini");
    let missing = missing.to_string_lossy().into_owned();
    let run_ = run(&strings(&["--ini", &missing, "mine"])).await;
    assert_eq!(run_.code, 2, "{}", run_.log());
    assert!(
        run_.stderr.contains(&format!("cannot read {missing}")),
        "{}",
        run_.log()
    );

    let url = "http://127.0.0.1:9/hotel/api";
    let no_band_key = dir.join("no-band-key.ini");
    std::fs::write(
        &no_band_key,
        format!("[hotel]\nurl = {url}\nkey = {KEY}\n[band]\nurl = {url}\n"),
    )
    .expect("write");
    let run_ = run(&strings(&["--ini", &no_band_key.to_string_lossy(), "free"])).await;
    assert_eq!(run_.code, 2, "{}", run_.log());
    assert!(
        run_.stderr.contains("missing key `key` in [band]"),
        "{}",
        run_.log()
    );

    // A line without `=` that holds the key: named by its number, the key not echoed.
    let garbled = dir.join("garbled.ini");
    std::fs::write(
        &garbled,
        format!("[hotel]\nurl = {url}\nkey {KEY}\n[band]\nurl = {url}\nkey = {KEY}\n"),
    )
    .expect("write");
    let run_ = run(&strings(&["--ini", &garbled.to_string_lossy(), "pair"])).await;
    assert_eq!(run_.code, 2, "{}", run_.log());
    assert!(
        run_.stderr.contains("line 3: cannot read"),
        "{}",
        run_.log()
    );
    run_.assert_no_key();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_api_ini_is_used_as_it_is() {
    let emulator = Emulator::start(World::default()).await;
    let url = emulator.running.url();
    let dir = temp_dir("good-ini");
    let ini = dir.join("api.ini");
    // The course's file says `delay = 0.5`; the one-a-second rule still holds.
    std::fs::write(
        &ini,
        format!(
            "[hotel]\nurl = {url}/hotel/api/\nkey = {KEY}\n\n[band]\nurl = {url}/band/api\n\
             key = {KEY}\n\n[global]\nretries = 3\ndelay   = 0.5\n"
        ),
    )
    .expect("write");
    let ini = ini.to_string_lossy().into_owned();
    let reserve = emulator
        .run_with(
            &strings(&["--ini", &ini, "reserve", "band", "12"]),
            [None, None],
        )
        .await;
    assert_eq!(reserve.code, 0, "{}", reserve.log());
    let mine = emulator
        .run_with(&strings(&["mine", "--ini", &ini]), [None, None])
        .await;
    assert_eq!(mine.code, 0, "{}", mine.log());
    assert!(mine.stdout.contains("band holds: 12"), "{}", mine.log());
    mine.assert_no_key();
    assert_eq!(emulator.holds().await, [vec![], vec![12]]);
    emulator.assert_clean(&mine.log()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_is_named_per_service_and_the_other_still_works() {
    let emulator = Emulator::start(World::default()).await;
    let urls = emulator.urls();
    let wrong = "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";
    let free = emulator
        .run_with(&args(&urls, &["free"]), [Some(wrong), Some(KEY)])
        .await;
    assert_eq!(free.code, 2, "{}", free.log());
    assert!(
        free.stderr.contains("The hotel refused the API key"),
        "{}",
        free.log()
    );
    assert!(
        free.stderr.contains("HOTELBAND_HOTEL_KEY"),
        "{}",
        free.log()
    );
    assert!(!free.stderr.contains("The band refused"), "{}", free.log());
    assert!(
        free.stdout.contains("band free (slots 1-20): 1, 2, 3"),
        "{}",
        free.log()
    );
    assert!(!free.stdout.contains("hotel free"), "{}", free.log());
    free.assert_no_key();
    assert!(
        !free.stdout.contains(wrong) && !free.stderr.contains(wrong),
        "{}",
        free.log()
    );

    // Pairing cannot work without both: it stops, holding nothing, and says why.
    let pair = emulator
        .run_with(&args(&urls, &["pair"]), [Some(KEY), Some(wrong)])
        .await;
    assert_eq!(pair.code, 2, "{}", pair.log());
    assert!(
        pair.stdout.contains("The band refused the API key"),
        "{}",
        pair.log()
    );
    assert!(pair.stdout.contains("No pair held"), "{}", pair.log());
    assert_eq!(emulator.holds().await, common::NOTHING);

    // A key that is not set at all is a configuration error before anything is sent.
    let unset = run_with(&args(&urls, &["mine"]), [Some(KEY), None]).await;
    assert_eq!(unset.code, 2, "{}", unset.log());
    assert!(
        unset.stderr.contains("HOTELBAND_BAND_KEY is not set"),
        "{}",
        unset.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_service_exits_3_after_the_retries() {
    let emulator = Emulator::start(World::default()).await;
    // Port 1 on the loopback: nothing listens there.
    let dead = "http://127.0.0.1:1/hotel/api";
    let band = format!("{}/band/api", emulator.running.url());
    let base = strings(&["--hotel-url", dead, "--band-url", &band, "--retries", "2"]);
    let mine = emulator.run(&args(&base, &["mine", "hotel"])).await;
    assert_eq!(mine.code, 3, "{}", mine.log());
    assert!(mine.stderr.contains("could not connect"), "{}", mine.log());
    assert!(
        mine.stderr
            .contains("the hotel did not answer usably after 2 attempts"),
        "{}",
        mine.log()
    );

    let pair = emulator.run(&args(&base, &["pair", "--json"])).await;
    assert_eq!(pair.code, 3, "{}", pair.log());
    let objects = pair.objects();
    let last = objects.last().expect("a final object");
    assert_eq!(last["type"], "final", "{}", pair.log());
    assert_eq!(last["reason"], "unreachable", "{}", pair.log());
    assert_eq!(emulator.holds().await, common::NOTHING);
    emulator.assert_clean(&pair.log()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_page_where_the_api_should_be_is_named_as_such() {
    let dist = temp_dir("dist");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html><body><h1>Welcome to our site</h1></body></html>",
    )
    .expect("write");
    let emulator = Emulator::start(World {
        dist: Some(dist),
        ..World::default()
    })
    .await;
    let url = emulator.running.url();
    // A base URL that names the web site, not the API: every path answers the page, 200.
    let site = format!("{url}/site");
    let band = format!("{url}/band/api");
    let base = strings(&["--hotel-url", &site, "--band-url", &band, "--retries", "1"]);
    let free = emulator.run(&args(&base, &["free"])).await;
    assert_eq!(free.code, 3, "{}", free.log());
    assert!(
        free.stderr.contains("an HTML page, not the API's JSON"),
        "{}",
        free.log()
    );
    assert!(
        free.stdout.contains("band free (slots 1-20)"),
        "{}",
        free.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_slots_and_options_are_refused_before_anything_is_sent() {
    let emulator = Emulator::start(World::default()).await;
    let urls = emulator.urls();
    for (slot, message) in [
        ("0", "slot 0 does not exist"),
        ("abc", "`abc` is not a slot number"),
        ("", "empty slot number"),
    ] {
        let run_ = run(&args(&urls, &["reserve", "hotel", slot])).await;
        assert_eq!(run_.code, 2, "{}", run_.log());
        assert!(run_.stderr.contains(message), "{slot}: {}", run_.log());
    }
    for bad in [
        &["--delay", "0.5", "mine"][..],
        &["--window", "0", "free"],
        &["--retries", "0", "free"],
        &["reserve", "both", "3"],
        &["pair", "--for", "soon"],
    ] {
        let run_ = run(&args(&urls, bad)).await;
        assert_eq!(run_.code, 2, "{bad:?}: {}", run_.log());
    }
    let state = emulator.state().await;
    for service in state.services() {
        assert_eq!(service.counters.requests, 0, "nothing was sent");
    }
}
