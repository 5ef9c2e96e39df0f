//! The driver: the one place that owns the core [`Session`], carries its requests over HTTP,
//! feeds the outcomes back, drains its events and keeps one timer armed at
//! [`Session::poll_timeout`] — the page's version of quinn's connection driver.
//!
//! This file is the session pump and the commands; `election.rs` decides whether this tab
//! drives the account, `publish.rs` writes what happened to the [`Board`]. Components never
//! decide anything: they read the board and call the driver's commands.

mod election;
mod publish;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use hotelband_core::{AutoState, Millis, Outcome, Request, Service, Session, Slot, View};
use leptos::prelude::*;

use crate::board::Board;
use crate::clock;
use crate::http::{self, Target};
use crate::known_holds;
use crate::present::account_tag;
use crate::settings::Settings;
use crate::storage;
use crate::tab_lock::{LockState, TabLock};
use crate::timeline::Timeline;

struct Inner {
    session: Session,
    /// Bumped when the session is replaced, so late replies to the old one are dropped.
    generation: u64,
    settings: Option<Settings>,
    /// The one armed timer; replacing it cancels the previous one.
    timer: Option<Timeout>,
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

/// A handle for callbacks (timers, the tab lock) that does not keep the driver alive: one
/// that fires after the page dropped the driver does nothing.
#[derive(Clone)]
struct WeakDriver {
    inner: Weak<RefCell<Inner>>,
    lock: Rc<TabLock>,
    board: Board,
}

impl WeakDriver {
    fn upgrade(&self) -> Option<Driver> {
        Some(Driver {
            inner: self.inner.upgrade()?,
            lock: Rc::clone(&self.lock),
            board: self.board,
        })
    }
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
                driving: false,
                seq: 0,
                account: None,
                known_holds: [Vec::new(), Vec::new()],
            })),
            lock: Rc::new(TabLock::default()),
            board,
        }
    }

    fn weak(&self) -> WeakDriver {
        WeakDriver {
            inner: Rc::downgrade(&self.inner),
            lock: Rc::clone(&self.lock),
            board: self.board,
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
            self.elect(complete.then_some(tag.as_str()));
        } else {
            self.refresh();
        }
        self.pump();
    }

    /// Re-reads free lists and holds at both services (the free lists first: a Start right
    /// after uses them, see `Session::refresh`).
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

    /// The browser is online again: requests resume at the next paced slot, not after the
    /// backoff that the requests it could not send built up.
    pub(crate) fn network_back(&self) {
        if !self.inner.borrow().driving {
            return;
        }
        self.log("The network is back: requests resume now.".to_owned());
        self.command(|s, now| s.network_back(now));
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
        self.publish(now, events, view);
    }

    fn arm(&self, deadline: Option<Millis>, now: Millis) {
        let timer = deadline.map(|at| {
            let weak = self.weak();
            let ms = u32::try_from(at.saturating_sub(now).0).unwrap_or(u32::MAX);
            Timeout::new(ms, move || {
                if let Some(me) = weak.upgrade() {
                    me.on_timer();
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
                op: request.op,
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
        {
            let mut inner = self.inner.borrow_mut();
            if inner.generation != generation {
                return; // a reply for a session that was replaced
            }
            inner
                .session
                .handle_response(clock::now(), request.id, outcome.clone());
        }
        self.log_request(request, path, &outcome, latency);
        self.pump();
    }

    /// The next key for a log row.
    fn next_seq(&self) -> u64 {
        let mut inner = self.inner.borrow_mut();
        inner.seq += 1;
        inner.seq
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
