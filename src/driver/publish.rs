//! Writing what the session did to the [`crate::board::Board`]: the view, the race timeline, the logs,
//! errors in plain words, the title and notifications.

use std::sync::Arc;

use hotelband_core::{AutoState, Event, EventKind, Millis, Outcome, Request, Service, View};
use leptos::prelude::*;

use super::Driver;
use crate::board::{Log, LogLine, RequestRow};
use crate::clock;
use crate::notify;
use crate::present::error_words;
use crate::storage;

/// Rows kept in each log; older ones drop off the top so a day-long run stays light.
const LOG_CAP: usize = 200;

impl Driver {
    /// Shows the session's events and its latest view.
    pub(super) fn publish(&self, now: Millis, events: Vec<Event>, view: View) {
        // The timeline is told only of what it keeps: a reply that changes no hold, pair or
        // mark does not wake the picture.
        for event in events {
            self.board.timeline.maybe_update(|t| t.on_event(&event));
            self.on_event(event);
        }
        self.board.timeline.maybe_update(|t| t.on_view(now, &view));
        notify::title(view.pair);
        self.board.view.set(view);
    }

    /// A line in the activity log.
    pub(super) fn log(&self, text: String) {
        push_capped(
            self.board.activity,
            LogLine {
                seq: self.next_seq(),
                time: clock::wall_now(),
                text,
            },
        );
    }

    /// A row in the request log.
    pub(super) fn log_request(
        &self,
        request: &Request,
        path: String,
        outcome: &Outcome,
        latency: Millis,
    ) {
        let status = match outcome {
            Outcome::Http { status, .. } => status.to_string(),
            Outcome::Network(_) => "network".to_owned(),
            Outcome::Timeout => "timeout".to_owned(),
        };
        push_capped(
            self.board.requests,
            RequestRow {
                seq: self.next_seq(),
                time: clock::wall_now(),
                service: request.service,
                method: request.op.method(),
                path,
                status,
                latency_ms: latency.0,
                attempt: request.attempt,
            },
        );
    }

    pub(super) fn clear_error(&self, service: Service) {
        self.board.errors.update(|e| e[service.index()] = None);
    }

    fn on_event(&self, event: Event) {
        let url = |service: Service| {
            self.inner
                .borrow()
                .settings
                .as_ref()
                .map_or_else(String::new, |s| match service {
                    Service::Hotel => s.hotel_url.clone(),
                    Service::Band => s.band_url.clone(),
                })
        };
        let error = |service: Service, words: String| {
            self.board
                .errors
                .update(|e| e[service.index()] = Some(words));
        };
        match &event.kind {
            EventKind::Failed {
                service,
                op,
                error: e,
            } => {
                error(
                    *service,
                    error_words(*service, &url(*service), Some(*op), e),
                );
            }
            EventKind::ServiceStopped { service, error: e } => {
                error(*service, error_words(*service, &url(*service), None, e));
            }
            EventKind::SkippedIds { service, .. } => {
                // The rest of the list was used; the user still hears the server sent junk.
                error(*service, event.kind.to_string());
            }
            EventKind::Reserved { service, .. } | EventKind::Released { service, .. } => {
                self.clear_error(*service);
            }
            EventKind::PairSecured { slot } => {
                notify::pair_news(&format!(
                    "Pair secured: slot {slot} at the hotel and the band"
                ));
            }
            EventKind::PairUpgraded { from, to } => {
                notify::pair_news(&format!("Pair upgraded: slot {from} → slot {to}"));
            }
            EventKind::Auto(state) => {
                storage::save_running(matches!(state, AutoState::Running | AutoState::Done));
            }
            _ => {}
        }
        self.log(event.kind.to_string());
    }
}

/// Appends a row, dropping the oldest beyond [`LOG_CAP`]: the view adds one row and removes
/// one, leaving the others (and a selection in them) alone.
fn push_capped<T: Send + Sync + 'static>(log: RwSignal<Log<T>>, item: T) {
    log.update(|l| {
        if l.len() >= LOG_CAP {
            l.pop_front();
        }
        l.push_back(Arc::new(item));
    });
}
