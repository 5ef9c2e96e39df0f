//! The race as a picture: our holds over the last minutes, drawn as an SVG from the
//! session's events (see `timeline.rs` for the data and its layout, `timeline_svg.rs` for
//! the markup).

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::clock;
use crate::ctx::ctx;
use crate::timeline::{SPAN, SPANS, draw, span_words};
use crate::timeline_svg::markup;

/// How often the picture slides without news: a 640-unit plot of 10 minutes moves about
/// one unit a second, so every 5 s is smooth enough and costs nothing.
const SLIDE_MS: u32 = 5_000;

/// `#race-timeline`: per service a lane, per slot held a row, a bar per hold, the matched
/// pair outlined, upgrades and pair losses across the plot, failures as ticks on their lane.
#[component]
pub(crate) fn RaceTimeline() -> impl IntoView {
    let board = ctx().board;
    // Redrawn whenever the driver feeds the timeline (every reply and command), and on a slow
    // tick so "now" keeps sliding while nothing is sent (a pair held, auto-pair off). One
    // markup string set at once is cheaper, in code and in the DOM, than a node per shape.
    let tick = RwSignal::new(0u32);
    let interval = Interval::new(SLIDE_MS, move || tick.update(|n| *n = n.wrapping_add(1)));
    let interval = StoredValue::new_local(Some(interval));
    on_cleanup(move || interval.update_value(|i| drop(i.take())));
    let span = RwSignal::new(SPAN);
    let svg = Memo::new(move |_| {
        tick.track();
        let span = span.get();
        board
            .timeline
            .with(|t| markup(&draw(t, clock::now(), span)))
    });
    let pick = move |ev| {
        let seconds: u64 = event_target_value(&ev).parse().unwrap_or(SPAN.0 / 1000);
        span.set(
            SPANS
                .into_iter()
                .find(|s| s.0 == seconds * 1000)
                .unwrap_or(SPAN),
        );
    };
    view! {
        <section class="panel timeline" aria-labelledby="timeline-title">
            <div class="timeline-head">
                <h2 id="timeline-title">{move || format!("The race, last {}", span_words(span.get()))}</h2>
                <label class="check">
                    "Show"
                    <select id="timeline-span" on:change=pick>
                        {SPANS
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option value=(s.0 / 1000).to_string() selected=s == SPAN>
                                        {format!("the last {}", span_words(s))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <div id="race-timeline" inner_html=move || svg.get()></div>
            <p class="meta legend">
                <span class="key hold-key">"hold"</span>
                <span class="key pair-key">"matched pair"</span>
                <span class="key upgrade-key">"upgrade"</span>
                <span class="key lost-key">"pair lost"</span>
                <span class="key failure-key">"failure"</span>
            </p>
        </section>
    }
}
