//! The status line: auto-pair state, the pair held, a current error and the next recheck,
//! and whether this tab is the one driving.

use hotelband_core::AutoState;
use leptos::prelude::*;

use crate::clock;
use crate::ctx::ctx;
use crate::present::current_error;
use crate::tab_lock::LockState;

/// `#status` (with `data-auto` and `data-pair`) and `#driver-lock`.
///
/// The state, the pair and a current error sit in a polite live region, so a screen reader
/// hears each change once; the next recheck time, which moves every few seconds, sits beside
/// it, unannounced. Each text is a memo, so a reply that changes nothing touches no node.
#[component]
pub(crate) fn StatusLine() -> impl IntoView {
    let board = ctx().board;
    let news = Memo::new(move |_| {
        let mut parts = Vec::new();
        board.view.with(|v| {
            parts.push(match v.auto {
                AutoState::Off => "Auto-pair off".to_owned(),
                AutoState::Running => "Auto-pair running".to_owned(),
                AutoState::Releasing => "Stopping: releasing every hold".to_owned(),
                AutoState::Done => "Done: the pair is good enough".to_owned(),
            });
            parts.push(match v.pair {
                Some(slot) => format!("pair: slot {slot} at both"),
                None => "no pair held".to_owned(),
            });
            if let Some(slot) = v.target.filter(|t| Some(*t) != v.pair) {
                parts.push(format!("reserving slot {slot} at both"));
            }
            if let Some(failure) = current_error(v) {
                parts.push(format!("error: {failure}"));
            }
        });
        if let Some(n) = board.notice.get() {
            parts.push(n);
        }
        parts.join(" · ")
    });
    let recheck = Memo::new(move |_| {
        board.view.with(|v| {
            v.next_recheck
                .map(|at| format!(" · next recheck {}", clock::wall(at)))
        })
    });
    let auto = Memo::new(move |_| board.view.with(|v| v.auto.name()));
    let pair = Memo::new(move |_| {
        board
            .view
            .with(|v| v.pair.map(|s| s.to_string()).unwrap_or_default())
    });
    view! {
        <p id="status" data-auto=auto data-pair=pair>
            <span id="status-news" role="status" aria-live="polite">{news}</span>
            <span class="meta">{recheck}</span>
        </p>
        <p id="driver-lock" class="lock" role="status">
            {move || {
                (board.lock.get() == LockState::Follower)
                    .then_some("another tab is driving this account — this one only watches")
            }}
        </p>
    }
}
