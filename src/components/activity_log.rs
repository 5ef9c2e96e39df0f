//! Planner and action events, newest last.

use leptos::prelude::*;

use crate::app::ctx;

/// `#activity-log`: one `li` per event.
#[component]
pub(crate) fn ActivityLog() -> impl IntoView {
    let board = ctx().board;
    view! {
        <section class="panel log" aria-labelledby="activity-title">
            <h2 id="activity-title">"Activity"</h2>
            <ol id="activity-log" class="scroll">
                <For each=move || board.activity.get() key=|line| line.seq let:line>
                    <li>
                        <time>{line.time}</time>
                        " "
                        {line.text}
                    </li>
                </For>
            </ol>
        </section>
    }
}
