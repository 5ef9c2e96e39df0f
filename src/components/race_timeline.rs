//! The race as a picture: our holds over the last minutes, drawn as an SVG from the
//! session's events (see `timeline.rs` for the data and its layout, `timeline_svg.rs` for
//! the nodes).

use gloo_timers::callback::Interval;
use hotelband_core::Millis;
use leptos::prelude::*;

use crate::clock;
use crate::components::pause_updates::PauseUpdates;
use crate::ctx::ctx;
use crate::pause::unless_paused;
use crate::timeline::{SPAN, SPANS, draw, span_words};
use crate::timeline_svg::picture_svg;

/// How often the picture slides: at most once a second.
const SLIDE: Millis = Millis(1_000);

/// `#race-timeline`: per service a lane, per slot held a row, a bar per hold, the matched
/// pair outlined, upgrades and pair losses across the plot, failures as ticks on their lane.
#[component]
pub(crate) fn RaceTimeline() -> impl IntoView {
    let ctx = ctx();
    let (board, paused) = (ctx.board, ctx.paused);
    let now = RwSignal::new(clock::now());
    let interval = Interval::new(SLIDE.0 as u32, move || now.set(clock::now()));
    let interval = StoredValue::new_local(Some(interval));
    on_cleanup(move || interval.update_value(|i| drop(i.take())));
    // The plot reaches one slide past the last tick, so whatever happens before the next
    // tick is drawn inside it at once ("now" is at most that early).
    let end = unless_paused(paused, move || now.get().saturating_add(SLIDE));
    let data = unless_paused(paused, move || board.timeline.get());
    let span = RwSignal::new(SPAN);
    // Recomputed on a tick, a new span or new data; it wakes the view only when it differs.
    let picture = Memo::new(move |_| data.with(|t| draw(t, end.get(), span.get())));
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
                <PauseUpdates/>
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
            <div id="race-timeline">{picture_svg(picture, end, span)}</div>
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
