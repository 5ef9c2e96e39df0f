//! The assignment's own list: the first *window* slots open at both services.

use hotelband_core::Config;
use leptos::prelude::*;

use crate::app::ctx;
use crate::present::common_slots;

/// `#common-slots`: one `li[data-slot]` per slot free (or ours) at both, ascending, from the
/// last read of each service.
#[component]
pub(crate) fn CommonSlots() -> impl IntoView {
    let board = ctx().board;
    let window = Memo::new(move |_| {
        board.settings.with(|s| {
            s.as_ref()
                .map_or_else(|| Config::default().window, |s| s.window)
        })
    });
    let slots = Memo::new(move |_| {
        let limit = usize::from(window.get());
        board.view.with(|v| {
            common_slots(v, limit)
                .into_iter()
                .map(|s| (s.get(), v.pair == Some(s)))
                .collect::<Vec<_>>()
        })
    });
    let read = move || {
        board
            .view
            .with(|v| v.services.iter().all(|s| s.free_at.is_some()))
    };
    view! {
        <section class="panel common" aria-labelledby="common-title">
            <h2 id="common-title">
                {move || format!("First {} slots free at both", window.get())}
            </h2>
            <ol id="common-slots" class="common-list">
                <For each=move || slots.get() key=|entry| *entry let:entry>
                    <li data-slot=entry.0.to_string() class:pair=entry.1>
                        {entry.0}
                        {entry.1.then_some(" (pair)")}
                    </li>
                </For>
            </ol>
            <p class="meta">
                {move || match (read(), slots.with(Vec::is_empty)) {
                    (false, _) => "not read yet",
                    (true, true) => "none right now",
                    (true, false) => "",
                }}
            </p>
        </section>
    }
}
