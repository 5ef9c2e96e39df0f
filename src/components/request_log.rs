//! Every request sent: method, path, status, latency, attempt. Never a key.

use leptos::prelude::*;

use crate::ctx::ctx;
use crate::log_markup;

/// `#request-log`: one `tr` per request (the header row is outside it).
#[component]
pub(crate) fn RequestLog() -> impl IntoView {
    let board = ctx().board;
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Newest last, so keep the newest in sight as rows arrive.
    Effect::new(move |_| {
        board.requests.track();
        if let Some(div) = scroller.get() {
            div.set_scroll_top(div.scroll_height());
        }
    });
    view! {
        <section class="panel log" aria-labelledby="requests-title">
            <h2 id="requests-title">"Requests"</h2>
            // A scrolling region is reached by keyboard too (WCAG 2.1.1).
            <div class="scroll" tabindex="0" role="group" aria-labelledby="requests-title" node_ref=scroller>
                <table>
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
                    // Markup, not a keyed list: see log_markup.rs.
                    <tbody
                        id="request-log"
                        inner_html=move || board.requests.with(log_markup::requests)
                    ></tbody>
                </table>
            </div>
        </section>
    }
}
