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
use std::time::Instant;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;

use crate::faults::{self, Before, Lost};
use crate::history::Reply;
use crate::pacing::{self, Verdict};
use crate::reply;
use crate::shared::Shared;
use crate::state::{Refusal, Service, ServiceState};

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

/// What a request asks for; writes carry the raw id (`None`: not decodable as UTF-8).
enum Action {
    Available,
    Holds,
    Reserve(Option<String>),
    Release(Option<String>),
}

impl Action {
    fn is_write(&self) -> bool {
        matches!(self, Action::Reserve(_) | Action::Release(_))
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
    handle(ctx, headers, Action::Reserve(id.ok().map(|p| p.0))).await
}

async fn reservation_delete(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    handle(ctx, headers, Action::Release(id.ok().map(|p| p.0))).await
}

async fn available_reserve(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    handle(ctx, headers, Action::Reserve(Some("available".into()))).await
}

async fn available_release(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    handle(ctx, headers, Action::Release(Some("available".into()))).await
}

async fn route_missing() -> Response {
    reply::error(StatusCode::NOT_FOUND, reply::NOT_PROCESSED)
}

async fn method_missing() -> Response {
    reply::error(StatusCode::METHOD_NOT_ALLOWED, reply::METHOD_NOT_ALLOWED)
}

/// Counts `status` and answers with the wire's error body.
fn refuse(svc: &mut ServiceState, status: StatusCode, message: &str) -> Response {
    svc.counters.count_status(status.as_u16());
    reply::error(status, message)
}

async fn handle(ctx: Ctx, headers: HeaderMap, action: Action) -> Response {
    let arrival = Instant::now();
    let shared = &ctx.shared;
    let index = ctx.service.index();
    let user = shared.user(&headers);

    // Steps 1–3 in one critical section, so that the dice are rolled in arrival order.
    let (user, dice) = {
        let mut world = shared.world();
        let pacing_rule = world.pacing;
        let svc = &mut world.services[index];
        svc.counters.requests += 1;
        let Some(user) = user else {
            return refuse(svc, StatusCode::UNAUTHORIZED, reply::BAD_TOKEN);
        };
        let last = svc.last_arrival.get(user.0 as usize).copied().flatten();
        match pacing::judge(&pacing_rule, last, arrival) {
            Verdict::Paced => {}
            Verdict::TooEarly { wait } => {
                svc.count_violation(user);
                if pacing_rule.enforce {
                    return too_fast(svc, &pacing_rule, wait);
                }
            }
        }
        if svc.last_arrival.len() <= user.0 as usize {
            svc.last_arrival.resize(user.0 as usize + 1, None);
        }
        svc.last_arrival[user.0 as usize] = Some(arrival);
        let mut dice = faults::roll(&svc.faults, &mut svc.rng);
        if action.is_write()
            && let Some(fate) = svc.next_scripted_write()
        {
            dice = faults::scripted(dice, fate);
        }
        match dice.before {
            Some(Before::Unavailable) => {
                svc.counters.fault_503 += 1;
                let response = refuse(svc, StatusCode::SERVICE_UNAVAILABLE, reply::UNAVAILABLE);
                return reply::with_retry_after(response, 1);
            }
            Some(Before::ServerError) => {
                svc.counters.fault_500 += 1;
                return refuse(svc, StatusCode::INTERNAL_SERVER_ERROR, reply::SERVER_ERROR);
            }
            None => {}
        }
        (user, dice)
    };

    if !dice.latency.is_zero() {
        tokio::time::sleep(dice.latency).await;
    }

    let at_ms = shared.now_ms();
    let mut world = shared.world();
    let slots = world.services[index].slots();
    let (reserve, raw) = match action {
        Action::Available => {
            let svc = &mut world.services[index];
            svc.counters.count_status(200);
            return reply::ok_json(svc.free_json());
        }
        Action::Holds => {
            let svc = &mut world.services[index];
            svc.counters.count_status(200);
            return reply::ok_json(svc.holds_json(user));
        }
        Action::Reserve(raw) => (true, raw),
        Action::Release(raw) => (false, raw),
    };
    let slot = match parse_slot(raw.as_deref(), slots) {
        Ok(slot) => slot,
        Err((status, message)) => return refuse(&mut world.services[index], status, message),
    };
    let reply_kind = if dice.lost.is_some() {
        Reply::Lost
    } else {
        Reply::Ok
    };
    let applied = if reserve {
        world.reserve(ctx.service, user, slot, reply_kind, at_ms)
    } else {
        world.release(ctx.service, user, slot, reply_kind, at_ms)
    };
    tracing::debug!(
        service = ctx.service.name(),
        user = &**world.name(user),
        reserve,
        slot,
        ?applied,
        lost = ?dice.lost,
        "write"
    );
    let svc = &mut world.services[index];
    match applied {
        Err(Refusal::NotAvailable) => refuse(svc, StatusCode::CONFLICT, reply::NOT_AVAILABLE),
        Err(Refusal::AtLimit) => refuse(
            svc,
            StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS,
            reply::AT_LIMIT,
        ),
        Ok(()) => match dice.lost {
            None => {
                svc.counters.count_status(200);
                reply::ok_json(write_body(reserve, slot))
            }
            Some(Lost::Unavailable) => {
                svc.counters.lost_reply += 1;
                let response = refuse(svc, StatusCode::SERVICE_UNAVAILABLE, reply::UNAVAILABLE);
                reply::with_retry_after(response, 1)
            }
            Some(Lost::Dropped) => {
                svc.counters.lost_reply += 1;
                reply::cut_off(write_body(reserve, slot))
            }
        },
    }
}

/// The 200 body of an applied reserve or cancel.
fn write_body(reserve: bool, slot: u16) -> String {
    if reserve {
        format!(r#"{{"id":"{slot}"}}"#)
    } else {
        format!(r#"{{"id":"{slot}","message":"Reservation {slot} cancelled."}}"#)
    }
}

/// 429 with `Retry-After` and the IETF RateLimit draft's headers.
fn too_fast(
    svc: &mut ServiceState,
    rule: &crate::config::Pacing,
    wait: std::time::Duration,
) -> Response {
    let secs = pacing::retry_after_secs(wait);
    let window = pacing::retry_after_secs(rule.min_interval);
    let mut response = reply::with_retry_after(
        refuse(svc, StatusCode::TOO_MANY_REQUESTS, reply::TOO_FAST),
        secs,
    );
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
