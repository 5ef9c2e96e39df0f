//! Scenario: a click on a common slot, driven by hand step by step (no model): both reserves go
//! out at once; when the band refuses (409) what the hotel granted (200), the hotel's hold is
//! cancelled and the click ends with nothing held. Also: a click while auto-pair runs, or on an
//! avoided slot, is refused.

mod common;

use common::{list, ok, reply, slot};
use hotelband_core::{
    AutoState, Busy, Config, EventKind, Millis, Op, Outcome, Request, Service, Session,
};

/// Every request the session hands out until it has nothing more to do (stepping the clock to
/// its deadlines), each answered by `answer`.
fn run(
    session: &mut Session,
    now: &mut Millis,
    mut answer: impl FnMut(&Request) -> Outcome,
) -> Vec<(Service, Op)> {
    let mut sent = Vec::new();
    for _ in 0..200 {
        while let Some(request) = session.poll_request(*now) {
            sent.push((request.service, request.op));
            let outcome = answer(&request);
            session.handle_response(*now, request.id, outcome);
        }
        let Some(at) = session.poll_timeout() else {
            return sent;
        };
        *now = (*now).max(at);
        session.handle_timeout(*now);
    }
    panic!("the session never went idle: {sent:?}");
}

/// A session that has read both services: nothing held, slots 4 and 7 free at both.
fn read_session(now: &mut Millis) -> Session {
    let mut session = Session::new(*now, Config::default());
    session.refresh(*now);
    let sent = run(&mut session, now, |request| match request.op {
        Op::Holds => list(&[]),
        Op::Available => list(&[4, 7]),
        op => panic!("unexpected {op:?}"),
    });
    assert_eq!(sent.len(), 4, "holds and free list at both: {sent:?}");
    session
}

#[test]
fn a_409_at_one_service_and_a_200_at_the_other_cancels_the_granted_hold() {
    let mut now = Millis(0);
    let mut session = read_session(&mut now);
    while session.poll_event().is_some() {}

    session.pair_on(now, slot(4));
    assert!(session.pairing());
    assert_eq!(session.view().target, Some(slot(4)));
    assert_eq!(session.view().auto, AutoState::Off, "a click is manual");
    let sent = run(&mut session, &mut now, |request| {
        match (request.service, request.op) {
            (Service::Hotel, Op::Reserve(n)) => ok(&format!(r#"{{"id":"{n}"}}"#)),
            (Service::Band, Op::Reserve(_)) => reply(
                409,
                None,
                r#"{"code":409,"message":"Slot is not available."}"#,
            ),
            (_, Op::Cancel(_)) => ok(r#"{"message":"cancelled"}"#),
            (_, Op::Holds) => list(&[]),
            (_, Op::Available) => list(&[4, 7]),
        }
    });
    assert_eq!(
        sent[..2],
        [
            (Service::Hotel, Op::Reserve(slot(4))),
            (Service::Band, Op::Reserve(slot(4)))
        ],
        "both reserves at once: {sent:?}"
    );
    let writes: Vec<_> = sent.iter().filter(|(_, op)| op.is_write()).collect();
    assert_eq!(
        writes,
        [
            &(Service::Hotel, Op::Reserve(slot(4))),
            &(Service::Band, Op::Reserve(slot(4))),
            &(Service::Hotel, Op::Cancel(slot(4))),
        ],
        "the hotel's half is cancelled, nothing else is written: {sent:?}"
    );
    assert!(!session.pairing(), "the click is over");
    let view = session.view();
    assert!(view.services.iter().all(|s| s.holds.is_empty()));
    assert_eq!(view.target, None);
    let released = std::iter::from_fn(|| session.poll_event()).any(|e| {
        e.kind
            == EventKind::Released {
                service: Service::Hotel,
                slot: slot(4),
            }
    });
    assert!(released, "the release is announced");
}

#[test]
fn a_click_pairs_and_then_releases_the_old_pair() {
    let mut now = Millis(0);
    let mut session = Session::new(now, Config::default());
    session.refresh(now);
    // Slot 7 held at both before the click.
    let held = std::cell::RefCell::new([vec![7_u16], vec![7_u16]]);
    let answer = |request: &Request| {
        let mut held = held.borrow_mut();
        let mine = &mut held[request.service.index()];
        match request.op {
            Op::Holds => list(mine),
            Op::Available => list(&[4]),
            Op::Reserve(n) => {
                mine.push(n.get());
                ok(&format!(r#"{{"id":"{n}"}}"#))
            }
            Op::Cancel(n) => {
                mine.retain(|&m| m != n.get());
                ok(r#"{"message":"cancelled"}"#)
            }
        }
    };
    run(&mut session, &mut now, answer);
    assert_eq!(session.view().pair, Some(slot(7)));
    session.pair_on(now, slot(4));
    let sent = run(&mut session, &mut now, answer);
    let writes: Vec<_> = sent.into_iter().filter(|(_, op)| op.is_write()).collect();
    assert_eq!(
        writes[..2],
        [
            (Service::Hotel, Op::Reserve(slot(4))),
            (Service::Band, Op::Reserve(slot(4)))
        ]
    );
    assert_eq!(writes.len(), 4, "then 7 released at both: {writes:?}");
    assert!(writes[2..].iter().all(|(_, op)| *op == Op::Cancel(slot(7))));
    assert_eq!(*held.borrow(), [vec![4], vec![4]]);
    assert!(!session.pairing());
    assert_eq!(session.view().pair, Some(slot(4)));
}

#[test]
fn a_click_while_auto_pair_runs_is_refused_with_an_event() {
    let mut now = Millis(0);
    let mut session = read_session(&mut now);
    session.start(now);
    while session.poll_event().is_some() {}
    session.pair_on(now, slot(7));
    assert!(!session.pairing());
    let events: Vec<_> = std::iter::from_fn(|| session.poll_event())
        .map(|e| e.kind)
        .collect();
    let refused = EventKind::PairOnRefused {
        slot: slot(7),
        reason: Busy::Auto,
    };
    assert_eq!(events, std::slice::from_ref(&refused));
    assert!(refused.to_string().contains("stop it first"), "{refused}");
    assert_ne!(session.view().target, Some(slot(7)));
}

#[test]
fn a_click_on_an_avoided_slot_is_refused_and_sends_nothing() {
    let mut now = Millis(0);
    let mut session = read_session(&mut now);
    let config = Config {
        avoid: "4".parse().expect("valid"),
        ..Config::default()
    };
    session.set_config(now, config);
    assert_eq!(
        session.view().avoid.to_string(),
        "4",
        "the view shows the avoid list"
    );
    while session.poll_event().is_some() {}
    session.pair_on(now, slot(4));
    assert!(!session.pairing());
    let refused = session.poll_event().map(|event| event.kind);
    assert_eq!(
        refused,
        Some(EventKind::PairOnRefused {
            slot: slot(4),
            reason: Busy::Avoided
        })
    );
    assert_eq!(
        refused.map(|kind| kind.to_string()).as_deref(),
        Some(
            "Not pairing on slot 4: it is on the avoid list (reserve it at each service by hand \
             if you mean it)"
        )
    );
    assert_eq!(session.poll_request(now), None, "nothing sent");
    // A manual reserve of the avoided slot still goes out: the user means it.
    session.reserve(now, Service::Hotel, slot(4));
    let sent = run(&mut session, &mut now, |request| match request.op {
        Op::Reserve(n) => ok(&format!(r#"{{"id":"{n}"}}"#)),
        op => panic!("unexpected {op:?}"),
    });
    assert_eq!(sent, [(Service::Hotel, Op::Reserve(slot(4)))]);
    // Another slot is paired on as before.
    session.pair_on(now, slot(7));
    assert!(session.pairing());
}
