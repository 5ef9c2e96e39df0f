//! Every request sent: method, path, status, latency, attempt. Never a key.

use leptos::prelude::*;

use crate::ctx::ctx;
use crate::follow::FollowNewest;
use crate::pause::unless_paused;

/// `#request-log`: one `tr` per request (the header row is outside it). A new request adds
/// one `tr` (and the oldest beyond the cap drops off); the other rows stay as they are.
#[component]
pub(crate) fn RequestLog() -> impl IntoView {
    let ctx = ctx();
    let (board, paused) = (ctx.board, ctx.paused);
    let rows = unless_paused(paused, move || board.requests.get());
    let scroller = NodeRef::<leptos::html::Div>::new();
    let follow = FollowNewest::new(scroller, rows);
    view! {
        <section class="panel log" aria-labelledby="requests-title">
            <h2 id="requests-title">"Requests"</h2>
            // A scrolling region is reached by keyboard too (WCAG 2.1.1).
            <div
                class="scroll"
                tabindex="0"
                role="group"
                aria-labelledby="requests-title"
                node_ref=scroller
                on:scroll=move |ev| follow.scrolled(&ev)
            >
                <table class="requests">
                    <thead>
                        <tr>
                            <th scope="col">"time"</th>
                            <th scope="col">"service"</th>
                            <th scope="col">"method"</th>
                            <th scope="col">"path"</th>
                            <th scope="col">"status"</th>
                            <th scope="col">"ms"</th>
                            <th scope="col">"attempt"</th>
                        </tr>
                    </thead>
                    <tbody id="request-log">
                        <For each=move || rows.get() key=|row| row.seq let(row)>
                            <tr class=if row.status.starts_with('2') { "ok" } else { "fail" }>
                                <td>{row.time.clone()}</td>
                                <td>{row.service.name()}</td>
                                <td>{row.method}</td>
                                <td class="path">{row.path.clone()}</td>
                                <td>{row.status.clone()}</td>
                                <td class="num">{row.latency_ms}</td>
                                <td class="num">{row.attempt}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
    }
}
