//! Keeping a log's newest row in sight: while the person has left a log at its end, it
//! scrolls to its end as rows arrive; scrolled up to read, it stays where they put it.

use leptos::html::ElementType;
use leptos::prelude::*;

/// Whether a log's scroller was at its end when it last scrolled. `Copy`.
#[derive(Copy, Clone)]
pub(crate) struct FollowNewest {
    at_end: StoredValue<bool>,
}

impl FollowNewest {
    /// Scrolls `scroller` to its end after each change of `rows`, while it is at its end.
    pub(crate) fn new<E>(scroller: NodeRef<E>, rows: impl Track + 'static) -> FollowNewest
    where
        E: ElementType,
        E::Output: AsRef<web_sys::Element> + wasm_bindgen::JsCast + Clone + 'static,
    {
        let at_end = StoredValue::new(true);
        Effect::new(move |_| {
            rows.track();
            if at_end.get_value() {
                // In the next frame the rows of this batch are in, and the frame lays them
                // out anyway: one layout per batch, none forced in between.
                request_animation_frame(move || {
                    if let Some(el) = scroller.get_untracked() {
                        // Past the end: the browser stops at the last row.
                        AsRef::<web_sys::Element>::as_ref(&el).set_scroll_top(i32::MAX);
                    }
                });
            }
        });
        FollowNewest { at_end }
    }

    /// For the scroller's `on:scroll`: notes whether it is at its end.
    pub(crate) fn scrolled(self, ev: &web_sys::Event) {
        let el: web_sys::Element = event_target(ev);
        // Within two pixels: zoom makes scroll offsets fractional.
        let rest = el.scroll_height() - el.scroll_top() - el.client_height();
        self.at_end.set_value(rest <= 2);
    }
}
