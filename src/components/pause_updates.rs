//! The "Pause updates" toggle: stops the logs and the timeline from moving (see `pause.rs`).

use leptos::prelude::*;

use crate::ctx::ctx;

/// `button#pause-updates`, `aria-pressed` while paused.
#[component]
pub(crate) fn PauseUpdates() -> impl IntoView {
    let paused = ctx().paused;
    view! {
        <button
            type="button"
            id="pause-updates"
            aria-pressed=move || if paused.get() { "true" } else { "false" }
            aria-controls="race-timeline activity-log request-log"
            on:click=move |_| paused.update(|p| *p = !*p)
        >
            "Pause updates"
        </button>
    }
}
