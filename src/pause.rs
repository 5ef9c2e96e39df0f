//! Pausing what moves on its own (WCAG 2.2.2): while paused, the logs and the timeline keep
//! what they showed; the driver's data goes on accumulating, and resuming shows it at once.

use leptos::prelude::*;

/// `live()` while updates run; while `paused`, the value it had when paused. It tracks
/// `live`'s signals only while running, so new data does not even wake a paused view.
pub(crate) fn unless_paused<T>(
    paused: RwSignal<bool>,
    live: impl Fn() -> T + Send + Sync + 'static,
) -> Memo<T>
where
    T: PartialEq + Send + Sync + 'static,
{
    Memo::new_owning(move |shown: Option<T>| match shown {
        Some(shown) if paused.get() => (shown, false),
        shown => {
            let now = live();
            let changed = shown.is_none_or(|shown| shown != now);
            (now, changed)
        }
    })
}
