//! Inspection and runtime control for tests and benchmarks, under `/admin`, behind
//! `Authorization: Bearer <admin token>` (401 otherwise). Users appear by name, never by token.
//!
//! - `GET /admin/state`: holders, counters, violations, faults and crowd per service;
//! - `GET /admin/history`: the applied changes (see `history.rs`);
//! - `POST /admin/reset`: clears holds, history, counters, pacing clocks, outages; restarts the
//!   crowds;
//! - `PUT /admin/faults/{service}`, `PUT /admin/crowd/{service}`, `PUT /admin/pacing`: replace
//!   the setting and answer with the new value; a malformed body is a 400 JSON error;
//! - `PUT /admin/outage/{service}` with `{"for_ms": N}`: for the next N ms every request to the
//!   service gets a reverse proxy's HTML 502 page (0 ends an outage); answers the same body.
//!
//! Every path under `/admin` needs the token, unknown ones and `/admin` itself included, so
//! that nothing there tells a caller without it what exists.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;

use crate::config::{Crowd, Faults, Pacing};
use crate::crowd;
use crate::inspect;
use crate::reply;
use crate::service::Service;
use crate::shared::Shared;
use crate::state::World;

/// The `/admin` routes (to be nested there).
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/state", get(state_show))
        .route("/history", get(history_list))
        .route("/reset", post(state_reset))
        .route("/faults/{service}", put(faults_update))
        .route("/outage/{service}", put(outage_update))
        .route("/crowd/{service}", put(crowd_update))
        .route("/pacing", put(pacing_update).get(pacing_show))
        .fallback(admin_missing)
        .method_not_allowed_fallback(|| async {
            reply::error(StatusCode::METHOD_NOT_ALLOWED, reply::METHOD_NOT_ALLOWED)
        })
        // `layer`, not `route_layer`: the fallback (unknown paths) needs the token too.
        .layer(middleware::from_fn_with_state(shared.clone(), admin_only))
        .with_state(shared)
}

/// `/admin`, `/admin/` and unknown admin paths, once the token is checked.
pub(crate) async fn admin_missing() -> Response {
    reply::error(StatusCode::NOT_FOUND, "No such admin resource.")
}

pub(crate) async fn admin_only(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if shared.is_admin(request.headers()) {
        next.run(request).await
    } else {
        reply::error(
            StatusCode::UNAUTHORIZED,
            "The admin token was invalid or missing.",
        )
    }
}

fn service_view(world: &World, service: Service) -> inspect::ServiceState {
    let desk = &world.services[service.index()];
    inspect::ServiceState {
        slots: desk.slots(),
        holders: desk
            .held()
            .map(|(slot, user)| (slot, world.name(user).to_string()))
            .collect(),
        counters: desk.counters.clone(),
        violations_by_user: world
            .users()
            .filter(|(_, name)| !name.starts_with("crowd-"))
            .map(|(id, name)| {
                let n = desk.violations.get(id.0 as usize).copied().unwrap_or(0);
                (name.to_string(), n)
            })
            .collect(),
        faults: desk.faults.clone(),
        crowd: desk.crowd.clone(),
    }
}

async fn state_show(State(shared): State<Arc<Shared>>) -> Response {
    let state = {
        let world = shared.world();
        inspect::State {
            hotel: service_view(&world, Service::Hotel),
            band: service_view(&world, Service::Band),
            max_holds: world.max_holds,
            pacing: world.pacing,
            seed: world.seed,
        }
    };
    // Through a `Value`, whose objects sort their keys: the order this JSON has always had.
    match serde_json::to_value(&state) {
        Ok(value) => reply::ok_json(value.to_string()),
        // Numbers, strings and integer map keys: serialising them cannot fail.
        Err(_) => reply::error(StatusCode::INTERNAL_SERVER_ERROR, reply::SERVER_ERROR),
    }
}

async fn history_list(State(shared): State<Arc<Shared>>) -> Response {
    // Copied under the lock (the names are shared `Arc`s), serialised outside it: a long
    // history would otherwise stall every request for the whole serialisation.
    let events = shared.world().history.snapshot();
    reply::ok_json(crate::history::to_json(&events))
}

async fn state_reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.world().reset();
    for service in Service::ALL {
        crowd::restart(&shared, service);
    }
    tracing::info!("admin reset");
    reply::ok_json(serde_json::json!({ "message": "Reset." }).to_string())
}

/// Why an admin update was refused; answered as `reply::error` answers.
struct Refusal {
    status: StatusCode,
    message: String,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        reply::error(self.status, &self.message)
    }
}

fn bad_request(message: impl Into<String>) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        message: message.into(),
    }
}

/// The service a `/admin/.../{service}` path names, or the 404 that says which exist.
fn service_named(name: &str) -> Result<Service, Refusal> {
    Service::from_name(name).ok_or_else(|| Refusal {
        status: StatusCode::NOT_FOUND,
        message: "No such service: use \"hotel\" or \"band\".".to_owned(),
    })
}

/// A setting from a JSON *object*, or the 400 that says why not: serde would also fill a
/// struct from an array (`[0.25]` as `p503`), which no caller means.
fn object_body<T: DeserializeOwned>(
    body: Result<Json<Value>, JsonRejection>,
) -> Result<T, Refusal> {
    let value = body.map_err(|e| bad_request(e.body_text()))?.0;
    if !value.is_object() {
        return Err(bad_request("Expected a JSON object of settings."));
    }
    serde_json::from_value(value).map_err(|e| {
        bad_request(format!(
            "Failed to deserialize the JSON body into the target type: {e}"
        ))
    })
}

fn to_json<T: Serialize>(value: &T) -> Response {
    // Settings are plain numbers and booleans; serialising them cannot fail.
    reply::ok_json(serde_json::to_string(value).unwrap_or_default())
}

async fn faults_update(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, Refusal> {
    let service = service_named(&name)?;
    let faults: Faults = object_body(body)?;
    faults.validate().map_err(|e| bad_request(e.to_string()))?;
    tracing::info!(service = service.name(), ?faults, "faults set");
    shared.world().services[service.index()].set_faults(faults.clone());
    Ok(to_json(&faults))
}

/// The body of `PUT /admin/outage/{service}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Outage {
    /// How long from now, in ms.
    for_ms: u64,
}

async fn outage_update(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, Refusal> {
    let service = service_named(&name)?;
    let outage: Outage = object_body(body)?;
    let Some(until) = Instant::now().checked_add(Duration::from_millis(outage.for_ms)) else {
        return Err(bad_request("for_ms is too long."));
    };
    tracing::info!(
        service = service.name(),
        for_ms = outage.for_ms,
        "outage set"
    );
    // From now: 0 ends an outage, since every later arrival is at or after `until`.
    shared.world().services[service.index()].outage_until = Some(until);
    Ok(to_json(&outage))
}

async fn crowd_update(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, Refusal> {
    let service = service_named(&name)?;
    let crowd: Crowd = object_body(body)?;
    crowd.validate().map_err(|e| bad_request(e.to_string()))?;
    shared.world().services[service.index()].crowd = crowd.clone();
    crowd::restart(&shared, service);
    Ok(to_json(&crowd))
}

async fn pacing_update(
    State(shared): State<Arc<Shared>>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, Refusal> {
    let pacing: Pacing = object_body(body)?;
    tracing::info!(?pacing, "pacing set");
    shared.world().pacing = pacing;
    Ok(to_json(&pacing))
}

async fn pacing_show(State(shared): State<Arc<Shared>>) -> Response {
    let pacing = shared.world().pacing;
    to_json(&pacing)
}

/// `GET /demo` (no auth): the demo user's token for both services, for the page's "use the
/// local emulator" button. 404 when no user is named `demo`.
pub(crate) async fn demo_show(State(shared): State<Arc<Shared>>) -> Response {
    match &shared.demo_token {
        Some(token) => {
            reply::ok_json(serde_json::json!({ "hotel_key": token, "band_key": token }).to_string())
        }
        None => reply::error(StatusCode::NOT_FOUND, "No demo user on this emulator."),
    }
}
