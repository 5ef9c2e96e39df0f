//! Planner and action events, newest last.

use leptos::prelude::*;

use crate::ctx::ctx;
use crate::log_markup;

/// `#activity-log`: one `li` per event.
#[component]
pub(crate) fn ActivityLog() -> impl IntoView {
    let board = ctx().board;
    let list = NodeRef::<leptos::html::Ol>::new();
    // Newest last, so keep the newest in sight as lines arrive.
    Effect::new(move |_| {
        board.activity.track();
        if let Some(ol) = list.get() {
            ol.set_scroll_top(ol.scroll_height());
        }
    });
    view! {
        <section class="panel log" aria-labelledby="activity-title">
            <h2 id="activity-title">"Activity"</h2>
            // Markup, not a keyed list: see log_markup.rs.
            <ol
                id="activity-log"
                class="scroll"
                // A scrolling region is reached by keyboard too (WCAG 2.1.1).
                tabindex="0"
                aria-labelledby="activity-title"
                node_ref=list
                inner_html=move || board.activity.with(log_markup::activity)
            ></ol>
        </section>
    }
}
