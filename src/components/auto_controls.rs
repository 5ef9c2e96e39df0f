//! Auto-pair start/stop, refresh, "show all" (each service's whole range) and the notification opt-in.

use leptos::prelude::*;

use crate::ctx::ctx;
use crate::notify;

/// The toolbar above the slot tables.
#[component]
pub(crate) fn AutoControls() -> impl IntoView {
    let ctx = ctx();
    let ask_shown = RwSignal::new(notify::can_ask());
    view! {
        <div class="toolbar" role="group" aria-label="Auto-pair and view">
            <button id="auto-start" type="button" class="primary" on:click=move |_| ctx.drive(|d| d.start())>
                "Start auto-pair"
            </button>
            <button id="auto-stop" type="button" on:click=move |_| ctx.drive(|d| d.stop())>
                "Stop"
            </button>
            <button id="auto-release-all" type="button" on:click=move |_| ctx.drive(|d| d.release_all())>
                "Stop and release all"
            </button>
            <button id="refresh" type="button" on:click=move |_| ctx.drive(|d| d.refresh())>
                "Refresh"
            </button>
            <label class="check">
                <input
                    id="show-all"
                    type="checkbox"
                    prop:checked=move || ctx.show_all.get()
                    on:change=move |ev| ctx.show_all.set(event_target_checked(&ev))
                />
                "Show all"
            </label>
            <Show when=move || ask_shown.get()>
                <button
                    id="notify-enable"
                    type="button"
                    on:click=move |_| {
                        notify::ask();
                        ask_shown.set(false);
                    }
                >
                    "Notify me of new pairs"
                </button>
            </Show>
        </div>
    }
}
