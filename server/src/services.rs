//! The hotel and band services: `GET /reservation/available`, `GET /reservation`,
//! `POST /reservation/{id}`, `DELETE /reservation/{id}` under `/hotel/api` and `/band/api`.
//!
//! Each request goes through the same steps, in this order (each may end it):
//! 1. auth: a known `Bearer` token, else 401;
//! 2. pacing on arrival (see `pacing.rs`): 429 with `Retry-After` when enforced;
//! 3. the fault dice (or, for the first writes, the fault script), then an outage
//!    (`/admin/outage`): an HTML 502 page, a 503 (with `Retry-After`) or a 500 instead of
//!    processing;
//! 4. the injected latency (so concurrent requests may be applied out of order);
//! 5. the id: digits only and within `u64`, else 400; within `1..=slots`, else 403;
//! 6. apply (see `state.rs` for 409 and 451), recorded in the history;
//! 7. the lost-reply die for an applied reserve or cancel: the change stays, the client gets
//!    a 503 or a reply cut off mid-body.
//!
//! Steps 1–3 are `admit.rs`, 5–7 `write.rs`; `refused.rs` turns every early end into its reply.

mod admit;
mod refused;
mod write;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use tokio::time::Instant;

use crate::reply;
use crate::service::Service;
use crate::shared::Shared;
use crate::state::{Desk, UserId};

use write::{Write, WriteKind};

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
        let is_write = matches!(action, Action::Write(_));
        match admit::admit(desk, &pacing, caller, is_write, arrival) {
            Ok(admitted) => admitted,
            Err(refused) => return refused::refuse(desk, refused),
        }
    };
    wait_latency(dice.latency).await;
    let at_ms = ctx.shared.now_ms();
    let mut world = ctx.shared.world();
    match action {
        Action::Available => list_free(&mut world.services[ctx.service.index()]),
        Action::Holds => list_holds(&mut world.services[ctx.service.index()], user),
        Action::Write(write) => {
            write::apply_write(&mut world, ctx.service, user, write, dice.lost, at_ms)
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
