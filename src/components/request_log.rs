//! Every request sent: method, path, status, latency, attempt. Never a key.

use leptos::prelude::*;

use crate::board::RequestRow;
use crate::ctx::ctx;

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
            <div class="scroll" node_ref=scroller>
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
                    <tbody id="request-log">
                        <For
                            each=move || board.requests.get()
                            key=|row| row.seq
                            children=|row: RequestRow| {
                                let class = row_class(&row.status);
                                view! {
                                    <tr class=class>
                                        <td>{row.time}</td>
                                        <td>{row.service.name()}</td>
                                        <td>{row.method}</td>
                                        <td>{row.path}</td>
                                        <td>{row.status}</td>
                                        <td class="num">{row.latency_ms}</td>
                                        <td class="num">{row.attempt}</td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn row_class(status: &str) -> &'static str {
    if status.starts_with('2') {
        "ok"
    } else {
        "fail"
    }
}
