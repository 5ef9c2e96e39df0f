//! The assignment's own list: the first *window* slots open at both services.

use hotelband_core::{AutoState, Slot};
use leptos::prelude::*;

use crate::ctx::ctx;
use crate::present::common_slots;

/// `#common-slots`: one `li[data-slot]` per slot free (or ours) at both, ascending, from the
/// last read of each service. Each holds a button that pairs on the slot; the buttons are
/// disabled while auto-pair owns the holds or a click is being paired.
///
/// Per reply, the list is recomputed in plain Rust and the keyed `For` touches only the
/// entries that came, went or changed pair; an unchanged list wakes nothing.
#[component]
pub(crate) fn CommonSlots() -> impl IntoView {
    let ctx = ctx();
    let board = ctx.board;
    let window = Memo::new(move |_| board.window());
    let slots = Memo::new(move |_| {
        let limit = usize::from(window.get());
        board.view.with(|v| {
            common_slots(v, limit)
                .into_iter()
                .map(|s| (s.get(), v.pair == Some(s)))
                .collect::<Vec<_>>()
        })
    });
    let read = Memo::new(move |_| {
        board
            .view
            .with(|v| v.services.iter().all(|s| s.free_at.is_some()))
    });
    let busy = Memo::new(move |_| {
        board
            .view
            .with(|v| v.auto != AutoState::Off || v.target.is_some())
    });
    let pick = move |n: u16| {
        if let Some(slot) = Slot::new(n) {
            ctx.drive(|d| d.pair_on(slot));
        }
    };
    view! {
        <section class="panel common" aria-labelledby="common-title">
            <h2 id="common-title">
                {move || format!("First {} slots free at both", window.get())}
            </h2>
            // Said only when there is one to choose: the line below says why there is none.
            <p class="meta" id="common-hint" hidden=move || slots.with(Vec::is_empty)>
                "Choose one to reserve it at both services."
            </p>
            <ol id="common-slots" class="common-list" aria-labelledby="common-title">
                <For each=move || slots.get() key=|entry| *entry let:entry>
                    <li data-slot=entry.0.to_string() class:pair=entry.1>
                        <button
                            type="button"
                            aria-describedby="common-hint"
                            disabled=move || busy.get()
                            on:click=move |_| pick(entry.0)
                        >
                            {entry.0}
                            {entry.1.then_some(" (pair)")}
                        </button>
                    </li>
                </For>
            </ol>
            <p class="meta">
                {move || match (read.get(), slots.with(Vec::is_empty)) {
                    (false, _) => "not read yet",
                    (true, true) => "none right now",
                    (true, false) => "",
                }}
            </p>
        </section>
    }
}
