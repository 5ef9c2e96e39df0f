//! Steps 5–7 of a reserve or cancel: the id, the change (recorded in the history), and the
//! lost-reply die.

use axum::http::StatusCode;
use axum::response::Response;

use crate::faults::Lost;
use crate::inspect::ChangeReply;
use crate::reply;
use crate::service::Service;
use crate::state::{Desk, UserId, World};

use super::refused::{Refused, refuse};

/// A reserve or a cancel of the raw id from the path (`None`: not decodable as UTF-8).
pub(super) struct Write {
    pub(super) kind: WriteKind,
    pub(super) raw_id: Option<String>,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum WriteKind {
    Reserve,
    Release,
}

/// Steps 5–7 for a reserve or cancel: parse the id, apply it (recorded in the history), then
/// lose the reply if the dice say so.
pub(super) fn apply_write(
    world: &mut World,
    service: Service,
    user: UserId,
    write: Write,
    lost: Option<Lost>,
    at_ms: u64,
) -> Response {
    let index = service.index();
    let slot = match parse_slot(write.raw_id.as_deref(), world.services[index].slots()) {
        Ok(slot) => slot,
        Err((status, message)) => {
            return refuse(&mut world.services[index], Refused::BadId(status, message));
        }
    };
    let told = if lost.is_some() {
        ChangeReply::Lost
    } else {
        ChangeReply::Ok
    };
    let applied = match write.kind {
        WriteKind::Reserve => world.reserve(service, user, slot, told, at_ms),
        WriteKind::Release => world.release(service, user, slot, told, at_ms),
    };
    tracing::debug!(
        service = service.name(),
        user = &**world.name(user),
        kind = ?write.kind,
        slot,
        ?applied,
        ?lost,
        "write"
    );
    let desk = &mut world.services[index];
    match applied {
        Err(refusal) => refuse(desk, Refused::Write(refusal)),
        Ok(()) => applied_reply(desk, write.kind, slot, lost),
    }
}

/// Step 7: the reply of an applied change, or its loss (the change stays).
fn applied_reply(desk: &mut Desk, kind: WriteKind, slot: u16, lost: Option<Lost>) -> Response {
    match lost {
        None => {
            desk.counters.count_status(200);
            reply::ok_json(write_body(kind, slot))
        }
        Some(Lost::Unavailable) => {
            desk.counters.lost_reply += 1;
            refuse(desk, Refused::Unavailable)
        }
        Some(Lost::Dropped) => {
            desk.counters.lost_reply += 1;
            reply::cut_off(write_body(kind, slot))
        }
    }
}

/// The 200 body of an applied reserve or cancel.
fn write_body(kind: WriteKind, slot: u16) -> String {
    match kind {
        WriteKind::Reserve => reply::slot_body(slot, None),
        WriteKind::Release => {
            reply::slot_body(slot, Some(format!("Reservation {slot} cancelled.")))
        }
    }
}

/// A slot id from the path: decimal digits fitting a `u64` (else 400), within `1..=slots`
/// (else 403). `None` (undecodable path) is malformed.
fn parse_slot(raw: Option<&str>, slots: u16) -> Result<u16, (StatusCode, &'static str)> {
    const MALFORMED: (StatusCode, &str) = (StatusCode::BAD_REQUEST, reply::BAD_REQUEST);
    let raw = raw.ok_or(MALFORMED)?;
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MALFORMED);
    }
    let id: u64 = raw.parse().map_err(|_| MALFORMED)?;
    u16::try_from(id)
        .ok()
        .filter(|&s| (1..=slots).contains(&s))
        .ok_or((StatusCode::FORBIDDEN, reply::NO_SUCH_SLOT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_ids() {
        assert_eq!(parse_slot(Some("1"), 200), Ok(1));
        assert_eq!(parse_slot(Some("0200"), 200), Ok(200));
        for bad in [
            "abc",
            "-1",
            "+1",
            "1.0",
            "",
            " 1",
            "99999999999999999999999",
            "１",
        ] {
            assert_eq!(
                parse_slot(Some(bad), 200).map_err(|e| e.0),
                Err(StatusCode::BAD_REQUEST),
                "{bad:?}"
            );
        }
        for missing in ["0", "201", "65536", "18446744073709551615"] {
            assert_eq!(
                parse_slot(Some(missing), 200).map_err(|e| e.0),
                Err(StatusCode::FORBIDDEN),
                "{missing:?}"
            );
        }
        assert!(parse_slot(None, 200).is_err());
    }
}
