//! Scenario: Save, then Start at once (issue 18), step by step. Save's refresh reads the free
//! lists first; a Start while they are on their way uses them: per service the free list, then
//! the reserve at the next paced slot, then the holds (to adopt what an earlier session left),
//! and no read twice. Where the shell expects holds (a reload that knew some), the refresh
//! and the start read the holds first instead.

mod common;

use common::{list, ok, slot};
use hotelband_core::{Config, Millis, Op, Request, Service, Session};

/// Every request the session hands out at `now`.
fn sends(session: &mut Session, now: Millis) -> Vec<Request> {
    std::iter::from_fn(|| session.poll_request(now)).collect()
}

/// The ops of `requests`, hotel first.
fn ops(requests: &[Request]) -> Vec<(Service, Op)> {
    requests.iter().map(|r| (r.service, r.op)).collect()
}

/// Steps to the session's next deadline and returns what it sends then.
fn next_sends(session: &mut Session, now: &mut Millis) -> Vec<Request> {
    let at = session.poll_timeout().expect("something is pending");
    *now = (*now).max(at);
    session.handle_timeout(*now);
    sends(session, *now)
}

const RTT: Millis = Millis(40);

#[test]
fn a_start_during_the_refresh_reserves_on_its_free_lists_then_reads_the_holds() {
    let config = Config::default();
    let mut now = Millis(10_000);
    let mut session = Session::new(now, config.clone());
    session.refresh(now);
    let reads = sends(&mut session, now);
    assert_eq!(
        ops(&reads),
        [
            (Service::Hotel, Op::Available),
            (Service::Band, Op::Available)
        ],
        "Save reads the free lists first"
    );

    // Start while both free lists are on their way.
    now = now.saturating_add(Millis(5));
    session.start(now);
    assert!(sends(&mut session, now).is_empty(), "nothing read twice");
    now = Millis(10_000).saturating_add(RTT);
    for read in &reads {
        session.handle_response(now, read.id, list(&[1, 2, 3]));
    }

    // The reserves go out at the next paced slot: one delay, the margin and the round trip
    // after the reads were sent.
    let reserves = next_sends(&mut session, &mut now);
    assert_eq!(
        ops(&reserves),
        [
            (Service::Hotel, Op::Reserve(slot(1))),
            (Service::Band, Op::Reserve(slot(1)))
        ]
    );
    let paced = Millis(10_000)
        .saturating_add(config.delay)
        .saturating_add(RTT)
        .saturating_add(Millis(25));
    assert!(now <= paced, "reserves at {now}, paced slot {paced}");
    now = now.saturating_add(RTT);
    for reserve in &reserves {
        session.handle_response(now, reserve.id, ok(r#"{"id":"1"}"#));
    }
    assert_eq!(session.view().pair, Some(slot(1)));

    // Then the holds, to adopt what an earlier session left.
    let holds = next_sends(&mut session, &mut now);
    assert_eq!(
        ops(&holds),
        [(Service::Hotel, Op::Holds), (Service::Band, Op::Holds)]
    );
}

#[test]
fn a_refresh_where_holds_are_expected_reads_them_first_and_the_start_waits_for_them() {
    let mut now = Millis(10_000);
    let mut session = Session::new(now, Config::default());
    session.expect_holds(Service::Hotel);
    session.refresh(now);
    let reads = sends(&mut session, now);
    assert_eq!(
        ops(&reads),
        [(Service::Hotel, Op::Holds), (Service::Band, Op::Available)],
        "holds first where some may be held"
    );

    now = now.saturating_add(Millis(5));
    session.start(now);
    assert!(sends(&mut session, now).is_empty(), "nothing read twice");
    now = Millis(10_000).saturating_add(RTT);
    session.handle_response(now, reads[0].id, list(&[]));
    session.handle_response(now, reads[1].id, list(&[1, 2, 3]));

    // The hotel's free list is read next (the holds came first there); the band, whose free
    // list arrived, reads its holds while it waits for the hotel's: not its free list again.
    let second = next_sends(&mut session, &mut now);
    assert_eq!(
        ops(&second),
        [(Service::Hotel, Op::Available), (Service::Band, Op::Holds)]
    );
    now = now.saturating_add(RTT);
    session.handle_response(now, second[0].id, list(&[1, 3]));
    session.handle_response(now, second[1].id, list(&[]));
    let reserves = next_sends(&mut session, &mut now);
    assert_eq!(
        ops(&reserves),
        [
            (Service::Hotel, Op::Reserve(slot(1))),
            (Service::Band, Op::Reserve(slot(1)))
        ]
    );
}
