//! The status line: auto-pair state, the pair held, next recheck, last error, and whether
//! this tab is the one driving.

use hotelband_core::AutoState;
use leptos::prelude::*;

use crate::clock;
use crate::ctx::ctx;
use crate::tab_lock::LockState;

/// `#status` (with `data-auto` and `data-pair`) and `#driver-lock`.
#[component]
pub(crate) fn StatusLine() -> impl IntoView {
    let board = ctx().board;
    let line = move || {
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
            if let Some(at) = v.next_recheck {
                parts.push(format!("next recheck {}", clock::wall(at)));
            }
            if let Some(e) = &v.last_error {
                parts.push(format!("last error: {e}"));
            }
        });
        if let Some(n) = board.notice.get() {
            parts.push(n);
        }
        parts.join(" · ")
    };
    view! {
        <p
            id="status"
            role="status"
            data-auto=move || board.view.with(|v| v.auto.name())
            data-pair=move || board.view.with(|v| v.pair.map(|s| s.to_string()).unwrap_or_default())
        >
            {line}
        </p>
        <p id="driver-lock" class="lock" role="status">
            {move || {
                (board.lock.get() == LockState::Follower)
                    .then_some("another tab is driving this account — this one only watches")
            }}
        </p>
    }
}
