//! The race as a picture: our holds over the last minutes, drawn as an SVG from the
//! session's events (see `timeline.rs` for the data and its layout, `timeline_svg.rs` for
//! the markup).

use leptos::prelude::*;

use crate::app::ctx;
use crate::clock;
use crate::timeline::draw;
use crate::timeline_svg::markup;

/// `#race-timeline`: per service a lane, per slot held a row, a bar per hold, the matched
/// pair outlined, upgrades and pair losses across the plot, failures as ticks on their lane.
#[component]
pub(crate) fn RaceTimeline() -> impl IntoView {
    let board = ctx().board;
    // Redrawn whenever the driver feeds the timeline (every reply and command), so the
    // picture slides with the requests; nothing runs while the tab is idle. One markup
    // string set at once is cheaper, in code and in the DOM, than a reactive node per shape.
    let svg = Memo::new(move |_| board.timeline.with(|t| markup(&draw(t, clock::now()))));
    view! {
        <section class="panel timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"The race, last 10 minutes"</h2>
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
