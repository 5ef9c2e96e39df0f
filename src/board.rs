//! What the page shows: plain snapshots in signals, written only by the driver (see
//! `driver/publish.rs`) and read by the components.

use std::collections::VecDeque;
use std::sync::Arc;

use hotelband_core::{AutoState, Config, Service, ServiceView, View};
use leptos::prelude::*;

use crate::settings::Settings;
use crate::tab_lock::LockState;
use crate::timeline::Timeline;

/// A log, oldest first, as the driver keeps it (see `driver/publish.rs`): rows are shared, so
/// handing the list to a view copies no text.
pub(crate) type Log<T> = VecDeque<Arc<T>>;

/// One line of the activity log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogLine {
    /// The row's key in the view: unique per page, so a row once drawn is never redrawn.
    pub(crate) seq: u64,
    /// Local wall-clock time.
    pub(crate) time: String,
    /// What happened, in plain words.
    pub(crate) text: String,
}

/// One row of the request log. Holds no key and no query: only the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RequestRow {
    /// The row's key in the view (see [`LogLine::seq`]).
    pub(crate) seq: u64,
    /// Local wall-clock time the reply (or failure) came.
    pub(crate) time: String,
    /// Which service.
    pub(crate) service: Service,
    /// `GET`, `POST`, `DELETE`.
    pub(crate) method: &'static str,
    /// e.g. `/reservation/56`.
    pub(crate) path: String,
    /// `200`, `451`, `timeout`, `network`.
    pub(crate) status: String,
    /// Time from sending to the outcome.
    pub(crate) latency_ms: u64,
    /// 1 for the first try.
    pub(crate) attempt: u32,
}

/// The signals the page is drawn from. All handles are `Copy`.
#[derive(Copy, Clone)]
pub(crate) struct Board {
    /// The core's latest snapshot.
    pub(crate) view: RwSignal<View>,
    /// Last error per service in plain words, indexed by [`Service::index`].
    pub(crate) errors: RwSignal<[Option<String>; 2]>,
    /// A message about the page itself (not configured, not the driving tab, ...).
    pub(crate) notice: RwSignal<Option<String>>,
    /// Activity log, oldest first.
    pub(crate) activity: RwSignal<Log<LogLine>>,
    /// Request log, oldest first.
    pub(crate) requests: RwSignal<Log<RequestRow>>,
    /// This tab's part in driving the account.
    pub(crate) lock: RwSignal<LockState>,
    /// The settings in effect (`None` until saved once).
    pub(crate) settings: RwSignal<Option<Settings>>,
    /// What the race timeline is drawn from (bounded; see `timeline.rs`).
    pub(crate) timeline: RwSignal<Timeline>,
}

impl Board {
    /// A board showing nothing known yet.
    pub(crate) fn new() -> Board {
        Board {
            view: RwSignal::new(View {
                services: [ServiceView::default(), ServiceView::default()],
                pair: None,
                auto: AutoState::Off,
                target: None,
                next_recheck: None,
                last_error: None,
                avoid: hotelband_core::AvoidSet::new(),
            }),
            errors: RwSignal::new([None, None]),
            notice: RwSignal::new(None),
            activity: RwSignal::new(VecDeque::new()),
            requests: RwSignal::new(VecDeque::new()),
            lock: RwSignal::new(LockState::Waiting),
            settings: RwSignal::new(None),
            timeline: RwSignal::new(Timeline::default()),
        }
    }

    /// The window in effect (tracked): the saved settings', or the core's default.
    pub(crate) fn window(&self) -> u16 {
        self.settings.with(|s| {
            s.as_ref()
                .map_or_else(|| Config::default().window, |s| s.window)
        })
    }
}
