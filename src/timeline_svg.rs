//! The timeline [`Picture`] as SVG view nodes, with the hooks of e2e/DOM.md. Row labels and
//! the time axis are in the SVG's own units; the shapes sit in a nested `svg` whose `viewBox`
//! is the span shown, x being time. So a second passing rewrites that `viewBox` and the held
//! bars' widths, and a changed picture adds or drops only the shapes that changed (each is
//! keyed by its value). Texts are text nodes: the framework escapes them.

use hotelband_core::Millis;
use leptos::prelude::*;

use crate::timeline::{Bar, LEFT, Label, Moment, PLOT, Picture, Tick, WIDTH, plot_view_box};

/// The `<svg>` of `picture`, its plot ending at `end` and showing `span`.
pub(crate) fn picture_svg(
    picture: Memo<Picture>,
    end: Memo<Millis>,
    span: RwSignal<Millis>,
) -> impl IntoView {
    let height = move || picture.with(|p| p.height);
    let axis_y = move || picture.with(|p| p.axis_y);
    view! {
        <svg
            xmlns="http://www.w3.org/2000/svg"
            viewBox=move || format!("0 0 {WIDTH} {}", height())
            role="img"
            aria-label=move || {
                picture.with(|p| format!("{} holds and {} marks", p.bars.len(), p.ticks.len()))
            }
            preserveAspectRatio="xMinYMin meet"
        >
            <line class="axis" x1="0" x2=WIDTH y1=axis_y y2=axis_y></line>
            <For each=move || picture.with(|p| p.labels.clone()) key=Label::clone let(l)>
                <text class="label" x=l.x y=l.y>{l.text}</text>
            </For>
            <For each=move || picture.with(|p| p.axis.clone()) key=Label::clone let(l)>
                <text class="tick" text-anchor="middle" x=l.x y=l.y>{l.text}</text>
            </For>
            // The plot: stretched over its width (strokes keep their width in CSS), clipped
            // to it, so a bar begun before the span shows only its part within.
            <svg
                class="plot"
                x=LEFT
                y="0"
                width=PLOT
                height=axis_y
                viewBox=move || plot_view_box(end.get(), span.get(), axis_y())
                preserveAspectRatio="none"
            >
                <For each=move || picture.with(|p| p.pairs.clone()) key=Bar::clone let(b)>
                    {bar(b, "pair-span", end, span)}
                </For>
                <For each=move || picture.with(|p| p.bars.clone()) key=Bar::clone let(b)>
                    {bar(b, "hold", end, span)}
                </For>
                <For each=move || picture.with(|p| p.ticks.clone()) key=Tick::clone let(t)>
                    {tick(t)}
                </For>
            </svg>
        </svg>
    }
}

/// A `rect` of class `kind` (`hold` or `pair-span`).
fn bar(b: Bar, kind: &'static str, end: Memo<Millis>, span: RwSignal<Millis>) -> impl IntoView {
    let service = b.service.name();
    let held = b.held();
    let class = format!(
        "{kind} {service}{}{}",
        if held { " held" } else { "" },
        if b.lost { " lost" } else { "" }
    );
    let (x, y, h, slot, lost) = (b.from.0, b.y, b.h, b.slot, b.lost);
    // Only a held bar follows the plot's end; an ended one changes width only with the span
    // (its minimum sliver).
    let width = move || {
        let end = if held { end.get() } else { Millis::ZERO };
        b.width(end, span.get())
    };
    view! {
        <rect
            class=class
            data-service=service
            data-slot=slot
            data-held=held.then_some("true")
            data-lost=lost.then_some("true")
            x=x
            y=y
            width=width
            height=h
        ></rect>
    }
}

/// A `line`: an upgrade or a pair lost across the plot, a failure on its service's lane.
fn tick(t: Tick) -> impl IntoView {
    let (class, service) = match t.moment {
        Moment::Upgrade => ("upgrade".to_owned(), None),
        Moment::PairLost => ("pair-lost".to_owned(), None),
        Moment::Failure(s) => (format!("failure {}", s.name()), Some(s.name())),
    };
    view! {
        <line
            class=class
            data-service=service
            x1=t.at.0
            x2=t.at.0
            y1=t.y0
            y2=t.y1
        ></line>
    }
}
