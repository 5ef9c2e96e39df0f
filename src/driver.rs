//! The driver: the one place that owns the core [`Session`], carries its requests over HTTP,
//! feeds the outcomes back, drains its events and keeps one timer armed at
//! [`Session::poll_timeout`] — the page's version of quinn's connection driver.
//!
//! Components never decide anything: they read the [`Board`] (plain snapshots in signals)
//! and call the driver's commands.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use hotelband_core::{
    AutoState, Event, EventKind, Millis, Outcome, Request, Service, Session, Slot, View,
};
use leptos::prelude::*;

use crate::clock;
use crate::http::{self, Target};
use crate::known_holds;
use crate::notify;
use crate::present::{account_tag, error_words};
use crate::settings::Settings;
use crate::storage;
use crate::tab_lock::{LockState, TabLock};
use crate::timeline::Timeline;

/// Rows kept in each log; older ones scroll away so a day-long run stays light.
const LOG_CAP: usize = 200;

/// A tab that starts driving (after a reload, or when the driving tab closed) does not know
/// when the previous page last sent a request, except through storage; it waits the delay
/// since then plus this margin for the network jitter of the last request in flight.
const HANDOVER_MARGIN_MS: f64 = 300.0;

/// One line of the activity log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogLine {
    /// Key for the keyed list.
    pub(crate) seq: u64,
    /// Local wall-clock time.
    pub(crate) time: String,
    /// What happened, in plain words.
    pub(crate) text: String,
}

/// One row of the request log. Holds no key and no query: only the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RequestRow {
    /// Key for the keyed list.
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

/// What the page shows, written only by the driver. All handles are `Copy`.
#[derive(Copy, Clone)]
pub(crate) struct Board {
    /// The core's latest snapshot.
    pub(crate) view: RwSignal<View>,
    /// Last error per service in plain words, indexed by [`Service::index`].
    pub(crate) errors: RwSignal<[Option<String>; 2]>,
    /// A message about the page itself (not configured, not the driving tab, ...).
    pub(crate) notice: RwSignal<Option<String>>,
    /// Activity log, oldest first.
    pub(crate) activity: RwSignal<VecDeque<LogLine>>,
    /// Request log, oldest first.
    pub(crate) requests: RwSignal<VecDeque<RequestRow>>,
    /// This tab's part in driving the account.
    pub(crate) lock: RwSignal<LockState>,
    /// The settings in effect (`None` until saved once).
    pub(crate) settings: RwSignal<Option<Settings>>,
    /// What the race timeline is drawn from (bounded; see `timeline.rs`).
    pub(crate) timeline: RwSignal<Timeline>,
}

struct Inner {
    session: Session,
    /// Bumped when the session is replaced, so late replies to the old one are dropped.
    generation: u64,
    settings: Option<Settings>,
    /// The one armed timer; replacing it cancels the previous one.
    timer: Option<Timeout>,
    /// Defers the first commands of a new driving tab (see [`HANDOVER_MARGIN_MS`]).
    takeover: Option<Timeout>,
    /// Whether this tab holds the driver lock.
    driving: bool,
    seq: u64,
    /// The account's tag (see `account_tag`), once settings are saved.
    account: Option<String>,
    /// The holds last remembered in storage for that account (see `known_holds`).
    known_holds: [Vec<u16>; 2],
}

/// Owns the session; cheap to clone (shared handle).
#[derive(Clone)]
pub(crate) struct Driver {
    inner: Rc<RefCell<Inner>>,
    lock: Rc<TabLock>,
    board: Board,
}

impl Driver {
    /// A driver with default settings, talking to nobody until [`Driver::configure`].
    pub(crate) fn new(board: Board) -> Driver {
        let session = Session::new(clock::now(), Settings::default().config(clock::seed()));
        board.view.set(session.view());
        Driver {
            inner: Rc::new(RefCell::new(Inner {
                session,
                generation: 0,
                settings: None,
                timer: None,
                takeover: None,
                driving: false,
                seq: 0,
                account: None,
                known_holds: [Vec::new(), Vec::new()],
            })),
            lock: Rc::new(TabLock::default()),
            board,
        }
    }

    /// Applies saved settings. A change of URLs or keys starts a fresh session (nothing it
    /// knew is true of the new account) and re-elects the driving tab; otherwise the new
    /// numbers apply to the running session and both services are re-read.
    pub(crate) fn configure(&self, settings: Settings) {
        let now = clock::now();
        let (fresh, complete, tag) = {
            let mut inner = self.inner.borrow_mut();
            let fresh = inner
                .settings
                .as_ref()
                .is_none_or(|old| !old.same_endpoints(&settings));
            let config = settings.config(clock::seed());
            if fresh {
                if inner.session.view().auto != AutoState::Off {
                    // The running flag was about the old account; do not carry it over.
                    storage::save_running(false);
                }
                inner.session = Session::new(now, config);
                inner.generation += 1;
                inner.timer = None;
                inner.takeover = None;
                inner.driving = false;
            } else {
                inner.session.set_config(now, config);
            }
            let tag = account_tag(&[
                &settings.hotel_url,
                &settings.keys.hotel,
                &settings.band_url,
                &settings.keys.band,
            ]);
            let complete = settings.is_complete();
            if fresh {
                inner.account = complete.then(|| tag.clone());
            }
            inner.settings = Some(settings.clone());
            (fresh, complete, tag)
        };
        self.board.settings.set(Some(settings));
        if fresh {
            // Another account's race is not this one's.
            self.board.timeline.set(Timeline::default());
            self.board.errors.set([None, None]);
            self.board.notice.set(None);
            if complete {
                let weak = Rc::downgrade(&self.inner);
                let (lock, board) = (Rc::clone(&self.lock), self.board);
                self.lock.acquire(&tag, move |state| {
                    board.lock.set(state);
                    if let Some(inner) = weak.upgrade() {
                        let me = Driver {
                            inner,
                            lock: Rc::clone(&lock),
                            board,
                        };
                        me.set_driving(state == LockState::Driver);
                    }
                });
            } else {
                self.lock.release();
                self.board.lock.set(LockState::Waiting);
                let board = self.board;
                crate::tab_lock::peek(move |driving| {
                    if driving && board.lock.get_untracked() == LockState::Waiting {
                        board.lock.set(LockState::Follower);
                    }
                });
            }
        } else {
            self.refresh();
        }
        self.pump();
    }

    fn set_driving(&self, driving: bool) {
        if !driving {
            let mut inner = self.inner.borrow_mut();
            inner.driving = false;
            inner.timer = None;
            inner.takeover = None;
            return;
        }
        let delay_ms = {
            let inner = self.inner.borrow();
            inner.settings.as_ref().map_or(1000, |s| s.delay_ms)
        };
        let wait = storage::load_last_sent().map_or(0.0, |last| {
            last + delay_ms as f64 + HANDOVER_MARGIN_MS - js_sys::Date::now()
        });
        if wait <= 0.0 {
            self.take_over();
            return;
        }
        let weak = Rc::downgrade(&self.inner);
        let (lock, board) = (Rc::clone(&self.lock), self.board);
        // Bounded by delay + margin, far below u32::MAX ms.
        let ms = wait.min(f64::from(u32::MAX)) as u32;
        let timer = Timeout::new(ms, move || {
            if let Some(inner) = weak.upgrade() {
                Driver { inner, lock, board }.take_over();
            }
        });
        self.inner.borrow_mut().takeover = Some(timer);
    }

    /// This tab now drives: read both services, and resume auto-pair if the flag saved by
    /// the last driving page (this one before a reload, or another tab) says it was running.
    fn take_over(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            inner.driving = true;
            inner.takeover = None;
            // What the last driving page of this account (this one before a reload, or another
            // tab) knew it held: there, the holds are read first.
            let known = inner
                .account
                .as_deref()
                .map(storage::load_known_holds)
                .unwrap_or_default();
            for service in Service::ALL {
                if !known[service.index()].is_empty() {
                    inner.session.expect_holds(service);
                }
            }
            inner.known_holds = known;
        }
        self.board.notice.set(None);
        self.log("this tab drives the account".to_owned());
        if storage::load_running() {
            // Start reads what it needs in its own order (holds first where this account may
            // hold something): a refresh queued ahead would only delay it by a paced slot.
            self.log("resuming auto-pair from the saved running flag".to_owned());
            self.start();
        } else {
            self.refresh();
        }
    }

    /// Re-reads holds and free lists at both services.
    pub(crate) fn refresh(&self) {
        if self.ready(None) {
            self.board.errors.set([None, None]);
            self.command(|s, now| s.refresh(now));
        }
    }

    /// Manual reserve (a click on a free slot).
    pub(crate) fn reserve(&self, service: Service, slot: Slot) {
        if self.ready(Some(service)) {
            self.clear_error(service);
            self.log(format!("reserve {service} slot {slot} (by hand)"));
            self.command(|s, now| s.reserve(now, service, slot));
        }
    }

    /// Manual cancel (a click on a slot of mine).
    pub(crate) fn cancel(&self, service: Service, slot: Slot) {
        if self.ready(Some(service)) {
            self.clear_error(service);
            self.log(format!("cancel {service} slot {slot} (by hand)"));
            self.command(|s, now| s.cancel(now, service, slot));
        }
    }

    /// A click on a common slot: reserve it at both services, releasing a half on a refusal
    /// (see `Session::pair_on`; refused with an event while auto-pair runs).
    pub(crate) fn pair_on(&self, slot: Slot) {
        if self.ready(None) {
            self.board.errors.set([None, None]);
            self.log(format!("pair on slot {slot} at both services (by hand)"));
            self.command(|s, now| s.pair_on(now, slot));
        }
    }

    /// Starts auto-pair and remembers it across reloads.
    pub(crate) fn start(&self) {
        if self.about_to_drive() {
            // Saved settings re-elect the driving tab, which takes a moment: a click right after
            // Save is remembered, and `take_over` starts from the flag.
            storage::save_running(true);
            self.board.notice.set(Some(
                "auto-pair starts as soon as this tab drives".to_owned(),
            ));
        } else if self.ready(None) {
            storage::save_running(true);
            self.command(|s, now| s.start(now));
        }
    }

    /// Settings are complete and this tab is about to drive: the lock is asked for and not yet
    /// answered, or granted and waiting out the pacing delay of the previous driver.
    fn about_to_drive(&self) -> bool {
        let inner = self.inner.borrow();
        let complete = inner.settings.as_ref().is_some_and(Settings::is_complete);
        complete && !inner.driving && self.board.lock.get_untracked() != LockState::Follower
    }

    /// Stops auto-pair, keeping a complete pair.
    pub(crate) fn stop(&self) {
        storage::save_running(false);
        if self.ready(None) {
            self.command(|s, now| s.stop(now));
        }
    }

    /// Stops auto-pair and releases every hold.
    pub(crate) fn release_all(&self) {
        storage::save_running(false);
        if self.ready(None) {
            self.command(|s, now| s.stop_and_release_all(now));
        }
    }

    /// After the tab was hidden its timers may have been throttled: catch up now.
    pub(crate) fn catch_up(&self) {
        self.on_timer();
    }

    /// Whether commands may run; if not, says why where the user is looking.
    fn ready(&self, service: Option<Service>) -> bool {
        let (complete, driving) = {
            let inner = self.inner.borrow();
            let complete = inner.settings.as_ref().is_some_and(Settings::is_complete);
            (complete, inner.driving)
        };
        let why = if !complete {
            "enter both URLs and keys in Settings and press Save first"
        } else if !driving {
            match self.board.lock.get_untracked() {
                LockState::Follower => "another tab is driving this account — use that tab",
                _ => "waiting to become the driving tab — try again in a moment",
            }
        } else {
            return true;
        };
        match service {
            Some(service) => self.board.errors.update(|e| {
                e[service.index()] = Some(why.to_owned());
            }),
            None => self.board.notice.set(Some(why.to_owned())),
        }
        false
    }

    fn clear_error(&self, service: Service) {
        self.board.errors.update(|e| e[service.index()] = None);
    }

    fn command(&self, f: impl FnOnce(&mut Session, Millis)) {
        {
            let mut inner = self.inner.borrow_mut();
            f(&mut inner.session, clock::now());
        }
        self.pump();
    }

    fn on_timer(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            if !inner.driving {
                return;
            }
            inner.session.handle_timeout(clock::now());
        }
        self.pump();
    }

    /// The calling contract: drain requests and events, arm one timer, publish the view.
    /// Signals are written after the borrow ends so no effect can re-enter it.
    fn pump(&self) {
        let now = clock::now();
        let (requests, events, view, deadline, generation) = {
            let mut inner = self.inner.borrow_mut();
            let mut requests = Vec::new();
            if inner.driving {
                while let Some(r) = inner.session.poll_request(now) {
                    requests.push(r);
                }
            }
            let mut events = Vec::new();
            while let Some(e) = inner.session.poll_event() {
                events.push(e);
            }
            let deadline = inner.session.poll_timeout().filter(|_| inner.driving);
            let view = inner.session.view();
            if inner.driving {
                remember_holds(&mut inner, &view);
            }
            (requests, events, view, deadline, inner.generation)
        };
        for request in requests {
            self.send(generation, request);
        }
        self.arm(deadline, now);
        for event in events {
            self.board.timeline.update(|t| t.on_event(&event));
            self.on_event(event);
        }
        self.board.timeline.update(|t| t.on_view(now, &view));
        notify::title(view.pair);
        self.board.view.set(view);
    }

    fn arm(&self, deadline: Option<Millis>, now: Millis) {
        let timer = deadline.map(|at| {
            let weak: Weak<RefCell<Inner>> = Rc::downgrade(&self.inner);
            let (lock, board) = (Rc::clone(&self.lock), self.board);
            let ms = u32::try_from(at.saturating_sub(now).0).unwrap_or(u32::MAX);
            Timeout::new(ms, move || {
                if let Some(inner) = weak.upgrade() {
                    Driver { inner, lock, board }.on_timer();
                }
            })
        });
        // Replacing the old Timeout drops (cancels) it.
        self.inner.borrow_mut().timer = timer;
    }

    fn send(&self, generation: u64, request: Request) {
        let Some(settings) = self.inner.borrow().settings.clone() else {
            return;
        };
        let (base, key) = match request.service {
            Service::Hotel => (settings.hotel_url.clone(), settings.keys.hotel.clone()),
            Service::Band => (settings.band_url.clone(), settings.keys.band.clone()),
        };
        let path = request.op.path();
        let url = format!("{}{base}{path}", settings.proxy);
        storage::save_last_sent(js_sys::Date::now());
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let started = clock::now();
            let outcome = http::send(Target {
                method: request.op.method(),
                url: &url,
                key: &key,
                timeout: request.timeout,
            })
            .await;
            let latency = clock::now().saturating_sub(started);
            me.on_response(generation, &request, path, outcome, latency);
        });
    }

    fn on_response(
        &self,
        generation: u64,
        request: &Request,
        path: String,
        outcome: Outcome,
        latency: Millis,
    ) {
        let seq = {
            let mut inner = self.inner.borrow_mut();
            if inner.generation != generation {
                return; // a reply for a session that was replaced
            }
            inner.seq += 1;
            inner
                .session
                .handle_response(clock::now(), request.id, outcome.clone());
            inner.seq
        };
        let status = match &outcome {
            Outcome::Http { status, .. } => status.to_string(),
            Outcome::Network(_) => "network".to_owned(),
            Outcome::Timeout => "timeout".to_owned(),
        };
        push_capped(
            self.board.requests,
            RequestRow {
                seq,
                time: clock::wall_now(),
                service: request.service,
                method: request.op.method(),
                path,
                status,
                latency_ms: latency.0,
                attempt: request.attempt,
            },
        );
        self.pump();
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

    fn log(&self, text: String) {
        let seq = {
            let mut inner = self.inner.borrow_mut();
            inner.seq += 1;
            inner.seq
        };
        push_capped(
            self.board.activity,
            LogLine {
                seq,
                time: clock::wall_now(),
                text,
            },
        );
    }
}

/// Keeps the account's remembered holds in storage up to date with the session.
fn remember_holds(inner: &mut Inner, view: &View) {
    let Some(account) = &inner.account else {
        return;
    };
    let holds: [Vec<u16>; 2] =
        std::array::from_fn(|i| known_holds::to_remember(&view.services[i], &inner.known_holds[i]));
    if holds != inner.known_holds {
        storage::save_known_holds(account, &holds);
        inner.known_holds = holds;
    }
}

fn push_capped<T: Send + Sync + 'static>(log: RwSignal<VecDeque<T>>, item: T) {
    log.update(|l| {
        if l.len() >= LOG_CAP {
            l.pop_front();
        }
        l.push_back(item);
    });
}
