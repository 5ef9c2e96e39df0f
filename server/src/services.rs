//! The hotel and band services: `GET /reservation/available`, `GET /reservation`,
//! `POST /reservation/{id}`, `DELETE /reservation/{id}` under `/hotel/api` and `/band/api`.
//!
//! Each request goes through the same steps, in this order (each may end it):
//! 1. auth: a known `Bearer` token, else 401;
//! 2. pacing on arrival (see `pacing.rs`): 429 with `Retry-After` when enforced;
//! 3. the fault dice (or, for the first writes, the fault script): 503 (with `Retry-After`)
//!    or 500 instead of processing;
//! 4. the injected latency (so concurrent requests may be applied out of order);
//! 5. the id: digits only and within `u64`, else 400; within `1..=slots`, else 403;
//! 6. apply (see `state.rs` for 409 and 451), recorded in the history;
//! 7. the lost-reply die for an applied reserve or cancel: the change stays, the client gets
//!    a 503 or a reply cut off mid-body.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;

use crate::config::Pacing;
use crate::faults::{self, Before, Dice, Lost};
use crate::inspect::ChangeReply;
use crate::pacing::{self, Verdict};
use crate::reply;
use crate::service::Service;
use crate::shared::Shared;
use crate::state::{Desk, Refusal, UserId, World};

/// Handler state: which service, and the shared world.
#[derive(Clone)]
pub(crate) struct Ctx {
    shared: Arc<Shared>,
    service: Service,
}

/// The routes of one service, to be nested at `/hotel/api` or `/band/api`.
pub(crate) fn router(shared: Arc<Shared>, service: Service) -> Router {
    Router::new()
        // A write to `/reservation/available` is a write with the malformed id "available",
        // so it gets the service's 400 rather than the router's 405.
        .route(
            "/reservation/available",
            get(available_list)
                .post(available_reserve)
                .delete(available_release),
        )
        .route("/reservation", get(reservation_list))
        .route(
            "/reservation/{id}",
            axum::routing::post(reservation_create).delete(reservation_delete),
        )
        .fallback(route_missing)
        .method_not_allowed_fallback(method_missing)
        .with_state(Ctx { shared, service })
}

/// What a request asks for.
enum Action {
    Available,
    Holds,
    Write(Write),
}

/// A reserve or a cancel of the raw id from the path (`None`: not decodable as UTF-8).
struct Write {
    kind: WriteKind,
    raw_id: Option<String>,
}

#[derive(Clone, Copy, Debug)]
enum WriteKind {
    Reserve,
    Release,
}

impl Action {
    fn write(kind: WriteKind, raw_id: Option<String>) -> Self {
        Action::Write(Write { kind, raw_id })
    }
}

async fn available_list(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    handle(ctx, headers, Action::Available).await
}

async fn reservation_list(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    handle(ctx, headers, Action::Holds).await
}

async fn reservation_create(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let action = Action::write(WriteKind::Reserve, id.ok().map(|p| p.0));
    handle(ctx, headers, action).await
}

async fn reservation_delete(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let action = Action::write(WriteKind::Release, id.ok().map(|p| p.0));
    handle(ctx, headers, action).await
}

async fn available_reserve(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let action = Action::write(WriteKind::Reserve, Some("available".into()));
    handle(ctx, headers, action).await
}

async fn available_release(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let action = Action::write(WriteKind::Release, Some("available".into()));
    handle(ctx, headers, action).await
}

async fn route_missing() -> Response {
    reply::error(StatusCode::NOT_FOUND, reply::NOT_PROCESSED)
}

async fn method_missing() -> Response {
    reply::error(StatusCode::METHOD_NOT_ALLOWED, reply::METHOD_NOT_ALLOWED)
}

/// The steps of the module's doc, in order.
async fn handle(ctx: Ctx, headers: HeaderMap, action: Action) -> Response {
    let arrival = Instant::now();
    let caller = ctx.shared.user(&headers);
    let (user, dice) = {
        let mut world = ctx.shared.world();
        let pacing = world.pacing;
        let desk = &mut world.services[ctx.service.index()];
        match admit(desk, &pacing, caller, &action, arrival) {
            Ok(admitted) => admitted,
            Err(refused) => return refuse(desk, refused),
        }
    };
    wait_latency(dice.latency).await;
    let at_ms = ctx.shared.now_ms();
    let mut world = ctx.shared.world();
    match action {
        Action::Available => list_free(&mut world.services[ctx.service.index()]),
        Action::Holds => list_holds(&mut world.services[ctx.service.index()], user),
        Action::Write(write) => apply_write(&mut world, ctx.service, user, write, dice.lost, at_ms),
    }
}

/// Every way a request ends without a 200, as the wire states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refused {
    /// 401.
    BadToken,
    /// 429: `wait` left of the pacing interval `window`.
    TooFast { wait: Duration, window: Duration },
    /// 503 with `Retry-After: 1`, injected before processing or as a lost reply.
    Unavailable,
    /// 500, injected.
    ServerError,
    /// 400 or 403: the id is malformed or names no slot.
    BadId(StatusCode, &'static str),
    /// 409 or 451.
    Write(Refusal),
}

impl Refused {
    fn status_and_message(self) -> (StatusCode, &'static str) {
        match self {
            Refused::BadToken => (StatusCode::UNAUTHORIZED, reply::BAD_TOKEN),
            Refused::TooFast { .. } => (StatusCode::TOO_MANY_REQUESTS, reply::TOO_FAST),
            Refused::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, reply::UNAVAILABLE),
            Refused::ServerError => (StatusCode::INTERNAL_SERVER_ERROR, reply::SERVER_ERROR),
            Refused::BadId(status, message) => (status, message),
            Refused::Write(Refusal::NotAvailable) => (StatusCode::CONFLICT, reply::NOT_AVAILABLE),
            Refused::Write(Refusal::AtLimit) => {
                (StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS, reply::AT_LIMIT)
            }
        }
    }
}

/// Counts the refusal's status and answers with the wire's error body and headers.
fn refuse(desk: &mut Desk, refused: Refused) -> Response {
    let (status, message) = refused.status_and_message();
    desk.counters.count_status(status.as_u16());
    let response = reply::error(status, message);
    match refused {
        Refused::TooFast { wait, window } => rate_limited(response, wait, window),
        Refused::Unavailable => reply::with_retry_after(response, 1),
        _ => response,
    }
}

/// Steps 1–3, under one lock so that the dice are rolled in arrival order: the caller, its
/// pacing, and the dice it rolls (or the script's fate for a write).
fn admit(
    desk: &mut Desk,
    pacing: &Pacing,
    caller: Option<UserId>,
    action: &Action,
    arrival: Instant,
) -> Result<(UserId, Dice), Refused> {
    desk.counters.requests += 1;
    let user = caller.ok_or(Refused::BadToken)?;
    pace(desk, pacing, user, arrival)?;
    let dice = roll_dice(desk, matches!(action, Action::Write(_)));
    fault_before(desk, dice.before)?;
    Ok((user, dice))
}

/// Step 2: the pacing rule on arrival. A violation is counted, and when enforced refused
/// without resetting the user's clock; otherwise the arrival resets it.
fn pace(desk: &mut Desk, rule: &Pacing, user: UserId, arrival: Instant) -> Result<(), Refused> {
    let slot = user.0 as usize;
    let last = desk.last_arrival.get(slot).copied().flatten();
    if let Verdict::TooEarly { wait } = pacing::judge(rule, last, arrival) {
        desk.count_violation(user);
        if rule.enforce {
            let window = rule.min_interval;
            return Err(Refused::TooFast { wait, window });
        }
    }
    if desk.last_arrival.len() <= slot {
        desk.last_arrival.resize(slot + 1, None);
    }
    desk.last_arrival[slot] = Some(arrival);
    Ok(())
}

/// Step 3a: every request rolls the dice (so the stream stays aligned with arrivals); the
/// first writes take their fate from the script instead.
fn roll_dice(desk: &mut Desk, is_write: bool) -> Dice {
    let dice = faults::roll(&desk.faults, &mut desk.rng);
    match is_write.then(|| desk.next_scripted_write()).flatten() {
        Some(fate) => faults::scripted(dice, fate),
        None => dice,
    }
}

/// Step 3b: an injected 503 or 500 in place of processing, counted as a fault.
fn fault_before(desk: &mut Desk, before: Option<Before>) -> Result<(), Refused> {
    match before {
        None => Ok(()),
        Some(Before::Unavailable) => {
            desk.counters.fault_503 += 1;
            Err(Refused::Unavailable)
        }
        Some(Before::ServerError) => {
            desk.counters.fault_500 += 1;
            Err(Refused::ServerError)
        }
    }
}

/// Step 4: the injected latency, outside the lock, so that concurrent requests may be applied
/// out of order.
async fn wait_latency(latency: Duration) {
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

/// `GET /reservation/available`.
fn list_free(desk: &mut Desk) -> Response {
    desk.counters.count_status(200);
    reply::ok_json(desk.free_json())
}

/// `GET /reservation`.
fn list_holds(desk: &mut Desk, user: UserId) -> Response {
    desk.counters.count_status(200);
    reply::ok_json(desk.holds_json(user))
}

/// Steps 5–7 for a reserve or cancel: parse the id, apply it (recorded in the history), then
/// lose the reply if the dice say so.
fn apply_write(
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
        WriteKind::Reserve => format!(r#"{{"id":"{slot}"}}"#),
        WriteKind::Release => {
            format!(r#"{{"id":"{slot}","message":"Reservation {slot} cancelled."}}"#)
        }
    }
}

/// A 429's `Retry-After` and the IETF RateLimit draft's headers.
fn rate_limited(response: Response, wait: Duration, window: Duration) -> Response {
    let secs = pacing::retry_after_secs(wait);
    let window = pacing::retry_after_secs(window);
    let mut response = reply::with_retry_after(response, secs);
    let headers = response.headers_mut();
    if let Ok(v) = format!(r#""default";q=1;w={window}"#).parse() {
        headers.insert("ratelimit-policy", v);
    }
    if let Ok(v) = format!(r#""default";r=0;t={secs}"#).parse() {
        headers.insert("ratelimit", v);
    }
    response
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
