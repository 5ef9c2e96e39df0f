//! Planner and action events, newest last.

use leptos::prelude::*;

use crate::ctx::ctx;
use crate::follow::FollowNewest;
use crate::pause::unless_paused;

/// `#activity-log`: one `li` per event. A new line adds one `li` (and the oldest beyond the
/// cap drops off); the other rows, and a selection in them, stay as they are.
#[component]
pub(crate) fn ActivityLog() -> impl IntoView {
    let ctx = ctx();
    let (board, paused) = (ctx.board, ctx.paused);
    let lines = unless_paused(paused, move || board.activity.get());
    let list = NodeRef::<leptos::html::Ol>::new();
    let follow = FollowNewest::new(list, lines);
    view! {
        <section class="panel log" aria-labelledby="activity-title">
            <h2 id="activity-title">"Activity"</h2>
            <ol
                id="activity-log"
                class="scroll"
                // A scrolling region is reached by keyboard too (WCAG 2.1.1).
                tabindex="0"
                aria-labelledby="activity-title"
                node_ref=list
                on:scroll=move |ev| follow.scrolled(&ev)
            >
                <For each=move || lines.get() key=|line| line.seq let(line)>
                    <li>
                        <time>{line.time.clone()}</time>
                        " "
                        {line.text.clone()}
                    </li>
                </For>
            </ol>
        </section>
    }
}
