//! The race as a picture: our holds over the last minutes, drawn as an SVG from the
//! session's events (see `timeline.rs` for the data and its layout).

use leptos::prelude::*;

use crate::app::ctx;
use crate::clock;
use crate::timeline::{Bar, Moment, Picture, WIDTH, draw};

/// `#race-timeline`: per service a lane, per slot held a row, a bar per hold, the matched
/// pair outlined, upgrades and pair losses across the plot, failures as ticks on their lane.
#[component]
pub(crate) fn RaceTimeline() -> impl IntoView {
    let board = ctx().board;
    // Redrawn whenever the driver feeds the timeline (every reply and command), so the
    // picture slides with the requests; nothing runs while the tab is idle.
    let picture = Memo::new(move |_| board.timeline.with(|t| draw(t, clock::now())));
    view! {
        <section class="panel timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"The race, last 10 minutes"</h2>
            <div id="race-timeline">{move || picture.with(svg)}</div>
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

/// Whole units of the SVG's coordinate space: integer formatting is much smaller in wasm
/// than float formatting, and the picture needs no finer grain. Coordinates are never negative.
fn px(v: f64) -> String {
    ((v + 0.5) as u32).to_string()
}

fn svg(p: &Picture) -> impl IntoView + use<> {
    let rect = |b: &Bar, class: &str| {
        let class = format!(
            "{class} {}{}{}",
            b.service.name(),
            if b.held { " held" } else { "" },
            if b.lost { " lost" } else { "" }
        );
        view! {
            <rect
                class=class
                data-service=b.service.name()
                data-slot=b.slot.to_string()
                data-held=b.held.then_some("true")
                data-lost=b.lost.then_some("true")
                x=px(b.x)
                y=px(b.y)
                width=px(b.w)
                height=px(b.h)
            ></rect>
        }
    };
    let pairs = p.pairs.iter().map(|b| rect(b, "pair-span")).collect_view();
    let bars = p.bars.iter().map(|b| rect(b, "hold")).collect_view();
    let ticks = p
        .ticks
        .iter()
        .map(|t| {
            let (class, service) = match t.moment {
                Moment::Upgrade => ("upgrade".to_owned(), None),
                Moment::PairLost => ("pair-lost".to_owned(), None),
                Moment::Failure(s) => (format!("failure {}", s.name()), Some(s.name())),
            };
            view! {
                <line class=class data-service=service x1=px(t.x) x2=px(t.x) y1=px(t.y0) y2=px(t.y1)></line>
            }
        })
        .collect_view();
    let labels = p
        .labels
        .iter()
        .map(|l| view! { <text class="label" x=px(l.x) y=px(l.y)>{l.text.clone()}</text> })
        .collect_view();
    let axis = p
        .axis
        .iter()
        .map(|l| {
            view! { <text class="tick" text-anchor="middle" x=px(l.x) y=px(l.y)>{l.text.clone()}</text> }
        })
        .collect_view();
    let summary = format!(
        "{} holds and {} marks in the last 10 minutes",
        p.bars.len(),
        p.ticks.len()
    );
    view! {
        <svg
            viewBox=format!("0 0 {WIDTH} {}", px(p.height))
            role="img"
            aria-label=summary
            preserveAspectRatio="xMinYMin meet"
        >
            <line class="axis" x1="0" x2=px(WIDTH) y1=px(p.axis_y) y2=px(p.axis_y)></line>
            {pairs}
            {bars}
            {ticks}
            {labels}
            {axis}
        </svg>
    }
}
