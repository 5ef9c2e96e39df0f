//! Scenario: the planner driven by hand, step by step (no model), on the cases where the order
//! of requests is the point: a cold start (free lists, reserves, then holds once nothing
//! better is free or before the old pair of an upgrade is released), a 503 on a
//! reserve (the same reserve again after the `Retry-After`, no holds read in between), a
//! 409 while the holds are unconfirmed (one holds read, then a new choice), and a choice made
//! on each new free list with the other service's list of the last paced slot (not older),
//! and a pair held through 30 s offline: once the shell says the network is back, each
//! service is asked at its next paced slot, not after the backoff the failures built up.

mod common;

use common::{list, ok, reply, slot};
use hotelband_core::{
    Config, EventKind, Millis, Op, Outcome, Request, SEND_MARGIN, Service, Session,
};

/// The next request to `service`, stepping the clock to the session's deadlines; reads at the
/// other service are answered (holds: slot 4; free list: slot 9).
fn next(session: &mut Session, now: &mut Millis, service: Service) -> Request {
    for _ in 0..100 {
        while let Some(request) = session.poll_request(*now) {
            if request.service == service {
                return request;
            }
            let outcome = match request.op {
                Op::Holds => list(&[4]),
                Op::Available => list(&[9]),
                op => panic!("unexpected {op:?} at the {}", request.service),
            };
            session.handle_response(*now, request.id, outcome);
        }
        let at = session.poll_timeout().expect("something is pending");
        *now = (*now).max(at);
        session.handle_timeout(*now);
    }
    panic!("no request came out");
}

/// A cold session whose reserves of slot 4 are out at both services (hotel first).
fn cold_reserves(session: &mut Session, now: &mut Millis) -> [Request; 2] {
    session.start(*now);
    let hotel = next(session, now, Service::Hotel);
    let band = next(session, now, Service::Band);
    assert_eq!(
        (hotel.op, band.op),
        (Op::Available, Op::Available),
        "free lists first"
    );
    *now = Millis(100);
    session.handle_response(*now, hotel.id, list(&[4, 7, 9]));
    session.handle_response(*now, band.id, list(&[2, 4, 9]));
    let hotel = next(session, now, Service::Hotel);
    let band = next(session, now, Service::Band);
    assert_eq!(
        (hotel.op, band.op),
        (Op::Reserve(slot(4)), Op::Reserve(slot(4)))
    );
    [hotel, band]
}

/// A cold pair on slot 4: [`cold_reserves`], then both reserves answered 200 `after` later.
fn cold_pair(session: &mut Session, now: &mut Millis, after: Millis) {
    let [hotel, band] = cold_reserves(session, now);
    *now = now.saturating_add(after);
    session.handle_response(*now, hotel.id, ok(r#"{"id":"4"}"#));
    session.handle_response(*now, band.id, ok(r#"{"id":"4"}"#));
    assert_eq!(session.view().pair, Some(slot(4)));
}

#[test]
fn a_cold_start_reads_free_lists_then_reserves_then_reads_holds_once_nothing_better_is_free() {
    let mut now = Millis(0);
    let mut session = Session::new(now, Config::default());
    cold_pair(&mut session, &mut now, Millis(50));
    let pair_events = std::iter::from_fn(|| session.poll_event())
        .filter(|e| matches!(e.kind, EventKind::PairSecured { .. }))
        .count();
    assert_eq!(pair_events, 1);
    // Slot 2 was free at the band: the next lists first, as it may open at the hotel.
    let read = take(&mut session, &mut now);
    assert_eq!((read.service, read.op), (Service::Hotel, Op::Available));
    session.handle_response(now, read.id, list(&[7, 9]));
    let read = take(&mut session, &mut now);
    assert_eq!((read.service, read.op), (Service::Band, Op::Available));
    session.handle_response(now, read.id, list(&[9]));
    // Nothing better is free anywhere: the holds, to adopt what an earlier session left.
    assert_eq!(next(&mut session, &mut now, Service::Hotel).op, Op::Holds);
    assert_eq!(next(&mut session, &mut now, Service::Band).op, Op::Holds);
}

#[test]
fn after_a_cold_upgrade_the_holds_are_read_before_the_old_pair_is_released() {
    let mut now = Millis(0);
    let mut session = Session::new(now, Config::default());
    cold_pair(&mut session, &mut now, Millis(1));
    // The holds read is put off while 2 is free at the band; it opens at the hotel.
    for (service, slots) in [(Service::Hotel, [2, 7]), (Service::Band, [2, 9])] {
        let read = take(&mut session, &mut now);
        assert_eq!((read.service, read.op), (service, Op::Available));
        session.handle_response(now, read.id, list(&slots));
    }
    for service in Service::ALL {
        let reserve = take(&mut session, &mut now);
        assert_eq!(
            (reserve.service, reserve.op),
            (service, Op::Reserve(slot(2)))
        );
        session.handle_response(now, reserve.id, ok(r#"{"id":"2"}"#));
    }
    assert_eq!(session.view().pair, Some(slot(2)));
    // Two holds at each: the old pair goes only on confirmed holds, read first.
    for service in Service::ALL {
        let holds = take(&mut session, &mut now);
        assert_eq!((holds.service, holds.op), (service, Op::Holds));
        session.handle_response(now, holds.id, list(&[2, 4]));
    }
    for service in Service::ALL {
        let release = take(&mut session, &mut now);
        assert_eq!(
            (release.service, release.op),
            (service, Op::Cancel(slot(4)))
        );
    }
}

#[test]
fn a_503_on_a_reserve_sends_the_same_reserve_after_the_retry_after() {
    let mut now = Millis(0);
    let mut session = Session::new(now, Config::default());
    let [hotel, band] = cold_reserves(&mut session, &mut now);
    let sent = now;
    now = now.saturating_add(Millis(40));
    session.handle_response(now, band.id, ok(r#"{"id":"4"}"#));
    session.handle_response(now, hotel.id, reply(503, Some("2"), "Service unavailable"));
    let answered = now;
    let again = next(&mut session, &mut now, Service::Hotel);
    assert_eq!(
        again.op,
        Op::Reserve(slot(4)),
        "no holds read first: a 5xx is an answer"
    );
    assert!(
        now >= answered.saturating_add(Millis(2000)),
        "Retry-After: sent at {now}"
    );
    assert!(now > sent.saturating_add(Millis(1000)), "and paced");
    // The hotel's holds are not confirmed while the 503 may hide an applied write.
    assert!(!session.view().services[0].holds_known);
    session.handle_response(now, again.id, ok(r#"{"id":"4"}"#));
    assert_eq!(session.view().pair, Some(slot(4)));
}

#[test]
fn a_409_while_holds_are_unconfirmed_costs_one_holds_read_then_a_new_choice() {
    let mut now = Millis(0);
    let mut session = Session::new(now, Config::default());
    let [hotel, band] = cold_reserves(&mut session, &mut now);
    now = now.saturating_add(Millis(40));
    session.handle_response(now, band.id, ok(r#"{"id":"4"}"#));
    session.handle_response(now, hotel.id, reply(409, None, "taken"));
    // No cooldown: the next paced slot, and it reads the holds (slot 4 may be ours).
    let holds = next(&mut session, &mut now, Service::Hotel);
    assert_eq!(holds.op, Op::Holds);
    assert!(
        now <= Millis(100 + 2 * 1025 + 100),
        "at the next paced slot: {now}"
    );
    session.handle_response(now, holds.id, ok("[]"));
    // Then fresh free lists at both, and a new choice (9, free at both).
    let mut ops = Vec::new();
    for _ in 0..4 {
        let request = session.poll_request(now).or_else(|| {
            now = session.poll_timeout().expect("pending");
            session.handle_timeout(now);
            session.poll_request(now)
        });
        let Some(request) = request else { continue };
        ops.push((request.service, request.op));
        let outcome = match request.op {
            Op::Available if request.service == Service::Hotel => list(&[7, 9]),
            Op::Available => list(&[2, 9]),
            Op::Holds => ok(r#"[{"id":"4"}]"#),
            Op::Reserve(n) => ok(&format!(r#"{{"id":"{n}"}}"#)),
            Op::Cancel(_) => ok("{}"),
        };
        session.handle_response(now, request.id, outcome);
    }
    assert!(
        ops.contains(&(Service::Hotel, Op::Reserve(slot(9)))),
        "chose again from fresh lists: {ops:?}"
    );
}

/// The next request out, stepping the clock to the session's deadlines; nothing is answered.
fn take(session: &mut Session, now: &mut Millis) -> Request {
    for _ in 0..100 {
        if let Some(request) = session.poll_request(*now) {
            return request;
        }
        let at = session.poll_timeout().expect("something is pending");
        *now = (*now).max(at);
        session.handle_timeout(*now);
    }
    panic!("no request came out");
}

/// A cold pair on slot 4 (lists: hotel 4 7 9, band 2 4 9, read at 0 ms), then a paced slot
/// of lists with nothing better (hotel 7 9, band 9), then its holds read at both; the next
/// requests out are the free list reads of the next paced slot.
fn cold_pair_with_holds_read(session: &mut Session, now: &mut Millis) {
    cold_pair(session, now, Millis(1));
    for (service, slots) in [(Service::Hotel, &[7, 9][..]), (Service::Band, &[9][..])] {
        let read = take(session, now);
        assert_eq!((read.service, read.op), (service, Op::Available));
        session.handle_response(*now, read.id, list(slots));
    }
    for service in Service::ALL {
        let holds = take(session, now);
        assert_eq!((holds.service, holds.op), (service, Op::Holds));
        session.handle_response(*now, holds.id, list(&[4]));
    }
}

#[test]
fn a_new_free_list_is_chosen_on_with_the_other_services_list_of_the_last_paced_slot() {
    let mut now = Millis(0);
    let mut session = Session::new(now, Config::default());
    cold_pair_with_holds_read(&mut session, &mut now);
    // A paced slot: both lists read; 2 is free at the band only.
    for (service, slots) in [(Service::Hotel, [7, 9]), (Service::Band, [2, 9])] {
        let read = take(&mut session, &mut now);
        assert_eq!((read.service, read.op), (service, Op::Available));
        session.handle_response(now, read.id, list(&slots));
    }
    // The next slot: the hotel's list comes back (2 is free there now) before the band's read
    // is sent. The band's list is one paced slot old: the band reserves 2 at once, instead of
    // reading again and leaving the choice to the slot after.
    let read = take(&mut session, &mut now);
    assert_eq!((read.service, read.op), (Service::Hotel, Op::Available));
    let listed = now;
    session.handle_response(now, read.id, list(&[2, 7, 9]));
    let band = take(&mut session, &mut now);
    assert_eq!(
        (band.service, band.op),
        (Service::Band, Op::Reserve(slot(2)))
    );
    assert_eq!(now, listed, "in the same instant");
    let hotel = take(&mut session, &mut now);
    assert_eq!(
        (hotel.service, hotel.op),
        (Service::Hotel, Op::Reserve(slot(2)))
    );
    assert!(now >= listed.saturating_add(Millis(1025)), "paced: {now}");
}

#[test]
fn a_free_list_two_paced_slots_old_is_not_chosen_on() {
    let mut now = Millis(0);
    let mut session = Session::new(now, Config::default());
    cold_pair(&mut session, &mut now, Millis(1));
    // The hotel's first list since the pair shows 2; the band's last list (2 free there too)
    // was read before the reserves: two paced slots ago, too old to reserve on. The band reads
    // again first.
    let read = take(&mut session, &mut now);
    assert_eq!((read.service, read.op), (Service::Hotel, Op::Available));
    session.handle_response(now, read.id, list(&[2, 7, 9]));
    let band = take(&mut session, &mut now);
    assert_eq!((band.service, band.op), (Service::Band, Op::Available));
    assert_eq!(session.view().target, None);
}

/// How the shell reports a request the browser could not send (offline).
fn offline() -> Outcome {
    Outcome::Network("Failed to fetch".into())
}

/// Fails every request with [`offline`] until `back`; returns when each service was last sent
/// to. The clock stops at the last deadline before `back`.
fn offline_until(session: &mut Session, now: &mut Millis, back: Millis) -> [Millis; 2] {
    let mut last_sent = [*now; 2];
    loop {
        while let Some(request) = session.poll_request(*now) {
            last_sent[request.service.index()] = *now;
            session.handle_response(*now, request.id, offline());
        }
        let at = session.poll_timeout().expect("the planner goes on reading");
        if at >= back {
            return last_sent;
        }
        *now = (*now).max(at);
        session.handle_timeout(*now);
    }
}

/// A pair on slot 4, then 30 s offline, then (if `network_back`) the shell's word that the
/// network is back: each service's next request, when it went and its next paced slot then.
fn after_an_outage(seed: u64, network_back: bool) -> Vec<(Service, Millis, Millis)> {
    let mut now = Millis(0);
    let config = Config {
        seed,
        ..Config::default()
    };
    let gap = config.delay.saturating_add(SEND_MARGIN);
    let mut session = Session::new(now, config);
    cold_pair_with_holds_read(&mut session, &mut now);
    let back = now.saturating_add(Millis(30_000));
    let last_sent = offline_until(&mut session, &mut now, back);
    now = back;
    if network_back {
        session.network_back(now);
    }
    let resumed = Service::ALL.map(|_| {
        let request = take(&mut session, &mut now);
        let paced = last_sent[request.service.index()]
            .saturating_add(gap)
            .max(back);
        (request.service, now, paced)
    });
    assert_eq!(
        session.view().pair,
        Some(slot(4)),
        "seed {seed}: the pair is kept"
    );
    resumed.to_vec()
}

#[test]
fn once_the_network_is_back_each_service_is_asked_at_its_next_paced_slot() {
    let seeds = 0..32;
    for seed in seeds.clone() {
        for (service, sent, paced) in after_an_outage(seed, true) {
            assert!(
                sent <= paced,
                "seed {seed}: {service} asked at {sent}, paced at {paced}"
            );
        }
    }
    // The failures did build up a backoff past the paced slot: without the word, requests wait.
    let late = seeds
        .filter(|&seed| {
            after_an_outage(seed, false)
                .iter()
                .any(|(_, sent, paced)| sent > paced)
        })
        .count();
    assert!(late > 0, "no seed backed off past its paced slot");
}
