//! Which tab drives the account (see `tab_lock.rs`), and taking over from the tab that drove
//! it before: the core holds the first requests back until the previous driver's last one is
//! a delay old ([`hotelband_core::Session::handover`]), so no pacing rule lives here.

use hotelband_core::{Millis, Service};
use leptos::prelude::*;

use super::Driver;
use crate::clock;
use crate::settings::Settings;
use crate::storage;
use crate::tab_lock::{self, LockState};

impl Driver {
    /// For a new account (`tag`, when the settings are complete), asks for its driver lock;
    /// without an account, only tells the user whether some other tab drives.
    pub(super) fn elect(&self, tag: Option<&str>) {
        let Some(tag) = tag else {
            self.lock.release();
            self.board.lock.set(LockState::Waiting);
            let board = self.board;
            tab_lock::peek(move |driving| {
                if driving && board.lock.get_untracked() == LockState::Waiting {
                    board.lock.set(LockState::Follower);
                }
            });
            return;
        };
        let weak = self.weak();
        self.lock.acquire(tag, move |state| {
            weak.board.lock.set(state);
            if let Some(me) = weak.upgrade() {
                me.set_driving(state == LockState::Driver);
            }
        });
    }

    /// Settings are complete and this tab is about to drive: the lock is asked for and not yet
    /// answered.
    pub(super) fn about_to_drive(&self) -> bool {
        let inner = self.inner.borrow();
        let complete = inner.settings.as_ref().is_some_and(Settings::is_complete);
        complete && !inner.driving && self.board.lock.get_untracked() != LockState::Follower
    }

    fn set_driving(&self, driving: bool) {
        if driving {
            self.take_over();
        } else {
            let mut inner = self.inner.borrow_mut();
            inner.driving = false;
            inner.timer = None;
        }
    }

    /// This tab now drives: read both services, and resume auto-pair if the flag saved by
    /// the last driving page (this one before a reload, or another tab) says it was running.
    fn take_over(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            inner.driving = true;
            inner
                .session
                .handover(clock::now(), since_last_send(js_sys::Date::now()));
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
}

/// How long ago, at wall-clock time `now_ms`, any driving page of this browser last sent a
/// request (saved in storage at every send; a wall clock, since tabs share no other).
fn since_last_send(now_ms: f64) -> Option<Millis> {
    storage::load_last_sent().map(|last| {
        // A clock set back reads as "just now": the full wait, never a shorter one.
        let since = (now_ms - last).max(0.0);
        // Non-negative; `as` saturates a huge or NaN value, both harmless here.
        Millis(since as u64)
    })
}
