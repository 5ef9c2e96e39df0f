//! Scenario: manual actions with the planner off, driven by hand (no model): plain operations
//! sharing the pacer; an ambiguous manual write is checked by re-reading the holds, never sent
//! again blindly; time going backwards is harmless.

mod common;

use common::{ok, slot};
use hotelband_core::{
    ApiError, AutoState, Config, EventKind, Millis, Op, Outcome, Request, SEND_MARGIN, Service,
    Session,
};

fn status(code: u16) -> Outcome {
    Outcome::Http {
        status: code,
        reason: String::new(),
        retry_after: None,
        body: format!(r#"{{"code":{code},"message":"m{code}"}}"#),
    }
}

fn config() -> Config {
    Config {
        delay: Millis(1000),
        retries: 3,
        ..Config::default()
    }
}

/// Polls until a request comes out, stepping to `poll_timeout` (at most a minute ahead).
fn next_request(session: &mut Session, now: &mut Millis) -> Request {
    next_at(session, now, None)
}

/// Like [`next_request`], for one service; the other's requests are answered with `[]`.
fn next_at(session: &mut Session, now: &mut Millis, only: Option<Service>) -> Request {
    for _ in 0..100 {
        while let Some(request) = session.poll_request(*now) {
            if only.is_none_or(|service| service == request.service) {
                return request;
            }
            session.handle_response(*now, request.id, ok("[]"));
        }
        let at = session.poll_timeout().expect("something is pending");
        *now = (*now).max(at);
        session.handle_timeout(*now);
    }
    panic!("no request came out");
}

fn events(session: &mut Session) -> Vec<EventKind> {
    std::iter::from_fn(|| session.poll_event())
        .map(|event| event.kind)
        .collect()
}

#[test]
fn manual_actions_share_one_pacer_and_queue() {
    let mut now = Millis(0);
    let mut session = Session::new(now, config());
    session.reserve(now, Service::Hotel, slot(5));
    session.cancel(now, Service::Hotel, slot(7));
    session.reserve(now, Service::Band, slot(5));
    let first = next_request(&mut session, &mut now);
    assert_eq!(
        (first.service, first.op),
        (Service::Hotel, Op::Reserve(slot(5)))
    );
    let band = next_request(&mut session, &mut now);
    assert_eq!(
        (band.service, band.op),
        (Service::Band, Op::Reserve(slot(5)))
    );
    assert_eq!(now, Millis(0), "the two services are paced separately");
    // One in flight per service: the cancel waits for the reserve's reply.
    assert_eq!(session.poll_request(Millis(50)), None);
    session.handle_response(Millis(100), first.id, ok(r#"{"id":"5"}"#));
    now = Millis(100);
    let cancel = next_request(&mut session, &mut now);
    assert_eq!(cancel.op, Op::Cancel(slot(7)));
    assert_eq!(
        now,
        Millis(100)
            .saturating_add(config().delay)
            .saturating_add(SEND_MARGIN),
        "paced a full delay (and the send margin) after the previous reply: the reserve \
         reached the hotel before its reply came back, so arrivals stay a delay apart"
    );
    session.handle_response(now, cancel.id, status(409));
    let view = session.view();
    assert_eq!(view.services[0].holds, vec![slot(5)]);
    assert_eq!(view.auto, AutoState::Off);
    let kinds = events(&mut session);
    assert!(kinds.contains(&EventKind::Reserved {
        service: Service::Hotel,
        slot: slot(5)
    }));
    assert!(kinds.iter().any(|kind| matches!(
        kind,
        EventKind::Failed {
            op: Op::Cancel(_),
            error: ApiError::SlotUnavailable(_),
            ..
        }
    )));
    // With the planner off nothing else is sent: 409 on a cancel is reported, not retried.
    assert_eq!(session.poll_request(Millis(60_000)), None);
}

#[test]
fn an_ambiguous_manual_reserve_is_checked_before_any_resend() {
    let mut now = Millis(0);
    let mut session = Session::new(now, config());
    session.reserve(now, Service::Band, slot(9));
    let reserve = next_request(&mut session, &mut now);
    session.handle_response(now, reserve.id, status(503));
    // Not sent again blindly: the holds are read first.
    let check = next_request(&mut session, &mut now);
    assert_eq!(check.op, Op::Holds);
    session.handle_response(now, check.id, ok("[]"));
    // Not applied: now it may be sent again, as attempt 2.
    let again = next_request(&mut session, &mut now);
    assert_eq!((again.op, again.attempt), (Op::Reserve(slot(9)), 2));
    session.handle_response(now, again.id, Outcome::Timeout);
    let check = next_request(&mut session, &mut now);
    assert_eq!(check.op, Op::Holds);
    // This time it had been applied: confirmed, and nothing more is sent.
    session.handle_response(now, check.id, ok(r#"[{"id":"9"}]"#));
    assert!(events(&mut session).contains(&EventKind::Reserved {
        service: Service::Band,
        slot: slot(9)
    }));
    assert_eq!(session.view().services[1].holds, vec![slot(9)]);
    assert_eq!(session.poll_request(Millis(120_000)), None);
}

#[test]
fn reads_retry_with_backoff_and_honour_retry_after() {
    let mut now = Millis(0);
    let mut session = Session::new(now, config());
    session.refresh(now);
    let free = next_at(&mut session, &mut now, Some(Service::Hotel));
    assert_eq!(free.op, Op::Available, "the free list first");
    let rate_limited = Outcome::Http {
        status: 429,
        reason: "Too Many Requests".into(),
        retry_after: Some("3".into()),
        body: String::new(),
    };
    session.handle_response(Millis(10), free.id, rate_limited);
    now = Millis(10);
    let retry = next_at(&mut session, &mut now, Some(Service::Hotel));
    assert_eq!((retry.op, retry.attempt), (Op::Available, 2));
    assert!(now >= Millis(3010), "Retry-After honoured: sent at {now}");
    session.handle_response(now, retry.id, status(503));
    let last = next_at(&mut session, &mut now, Some(Service::Hotel));
    assert_eq!(last.attempt, 3);
    session.handle_response(now, last.id, Outcome::Network("reset".into()));
    // Three attempts were the limit: reported, and the holds read goes next.
    assert!(events(&mut session).iter().any(|kind| matches!(
        kind,
        EventKind::Failed {
            op: Op::Available,
            error: ApiError::Network(_),
            ..
        }
    )));
    let next = next_at(&mut session, &mut now, Some(Service::Hotel));
    assert_eq!(next.op, Op::Holds);
}

#[test]
fn time_going_backwards_and_stale_replies_are_harmless() {
    let mut session = Session::new(Millis(5000), config());
    session.start(Millis(5000));
    let first = session.poll_request(Millis(5000)).expect("holds read");
    // An earlier `now` is clamped: no panic, no early send.
    session.handle_timeout(Millis(0));
    assert!(session.poll_request(Millis(1)).is_some(), "the band's read");
    assert_eq!(session.poll_request(Millis(2)), None);
    session.handle_response(Millis(3), first.id, ok("[]"));
    // A reply for an unknown id is ignored.
    session.handle_response(Millis(4), hotelband_core::RequestId(999), ok("[]"));
    assert!(session.poll_timeout().is_some_and(|at| at >= Millis(6000)));
    session.handle_timeout(Millis(u64::MAX));
    let _ = session.poll_request(Millis(u64::MAX));
    let _ = session.view();
}

#[test]
fn the_session_gives_up_on_a_reply_the_shell_never_reports() {
    let mut session = Session::new(Millis(0), config());
    session.cancel(Millis(0), Service::Hotel, slot(3));
    let lost = session.poll_request(Millis(0)).expect("the cancel");
    let deadline = session.poll_timeout().expect("its deadline");
    assert!(deadline > lost.timeout);
    session.handle_timeout(deadline);
    // A timeout makes the cancel ambiguous: the holds are read before anything else.
    let check = session.poll_request(deadline.saturating_add(Millis(20_000)));
    assert!(check.is_some_and(|request| request.op == Op::Holds));
}
