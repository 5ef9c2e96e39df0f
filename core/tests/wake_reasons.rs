//! Scenario: the session says why it asks to be woken — a request to give up on, a queued job,
//! the planner's next send — and `poll_timeout` is that same time.

mod common;

use common::{ok, slot};
use hotelband_core::{Config, Millis, Op, SEND_MARGIN, Service, Session, Wake};

fn config() -> Config {
    Config {
        delay: Millis(1000),
        request_timeout: Millis(10_000),
        ..Config::default()
    }
}

/// `wake_reason`, checked against `poll_timeout`.
fn wake(session: &Session) -> Option<(Millis, Wake)> {
    let wake = session.wake_reason();
    assert_eq!(wake.map(|(at, _)| at), session.poll_timeout());
    wake
}

#[test]
fn a_request_out_wakes_to_give_up_and_a_queued_one_to_send() {
    let mut session = Session::new(Millis(0), config());
    assert_eq!(wake(&session), None, "nothing to do");
    session.reserve(Millis(0), Service::Hotel, slot(5));
    let request = session.poll_request(Millis(0)).expect("sent at once");
    assert_eq!(request.op, Op::Reserve(slot(5)));
    let (at, reason) = wake(&session).expect("a deadline");
    assert_eq!(reason, Wake::RequestExpired(Service::Hotel));
    assert!(at > Millis(10_000), "past the request's own timeout: {at}");

    session.handle_response(Millis(100), request.id, ok(r#"{"id":"5"}"#));
    assert_eq!(wake(&session), None);
    session.cancel(Millis(100), Service::Hotel, slot(5));
    assert_eq!(session.poll_request(Millis(100)), None, "paced");
    // The delay, the margin and the last round trip after the last send.
    let paced = Millis(1000)
        .saturating_add(SEND_MARGIN)
        .saturating_add(Millis(100));
    assert_eq!(wake(&session), Some((paced, Wake::Queued(Service::Hotel))));
}

#[test]
fn the_planner_wakes_for_its_next_send() {
    let mut session = Session::new(Millis(0), config());
    session.start(Millis(0));
    let mut sent = Vec::new();
    while let Some(request) = session.poll_request(Millis(0)) {
        sent.push(request);
    }
    assert_eq!(
        sent.iter().map(|r| (r.service, r.op)).collect::<Vec<_>>(),
        [
            (Service::Hotel, Op::Available),
            (Service::Band, Op::Available)
        ]
    );
    for request in &sent {
        session.handle_response(Millis(40), request.id, ok(r#"[{"id":"3"},{"id":"4"}]"#));
    }
    assert_eq!(session.view().target, Some(slot(3)));
    let paced = Millis(1000)
        .saturating_add(SEND_MARGIN)
        .saturating_add(Millis(40));
    let (at, reason) = wake(&session).expect("the reserves");
    assert_eq!(at, paced);
    assert!(
        matches!(reason, Wake::Planner(_)),
        "the planner's reserve, not {reason}"
    );
    assert_eq!(
        session.poll_request(at).map(|r| r.op),
        Some(Op::Reserve(slot(3)))
    );
}

#[test]
fn reasons_read_as_plain_words() {
    assert_eq!(
        Wake::RequestExpired(Service::Band).to_string(),
        "giving up on the request out at the band"
    );
    assert_eq!(Wake::Scan.to_string(), "the next scan of the free lists");
}
