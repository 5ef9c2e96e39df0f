//! Telling a user who is looking at another tab: the document title always shows the pair
//! held, and a desktop notification (only if the user allowed them) marks a new pair.

use hotelband_core::Slot;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

const APP: &str = "hotelband";

/// Sets the tab title for the pair currently held.
pub(crate) fn title(pair: Option<Slot>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let text = match pair {
        Some(slot) => format!("✓ slot {slot} — {APP}"),
        None => APP.to_owned(),
    };
    if document.title() != text {
        document.set_title(&text);
    }
}

/// Whether notifications may be shown (and the browser has them at all).
pub(crate) fn permitted() -> bool {
    has_notifications() && Notification::permission() == NotificationPermission::Granted
}

/// Whether asking for permission makes sense: supported and not yet decided.
pub(crate) fn can_ask() -> bool {
    has_notifications() && Notification::permission() == NotificationPermission::Default
}

/// Asks for permission; must run from a click. The answer is read later by [`permitted`].
pub(crate) fn ask() {
    if can_ask()
        && let Ok(promise) = Notification::request_permission()
    {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}

/// Shows `body` as a notification if permitted; silently does nothing otherwise.
pub(crate) fn pair_news(body: &str) {
    if !permitted() {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(APP); // a newer pair replaces the older notice
    let _ = Notification::new_with_options(APP, &options);
}

fn has_notifications() -> bool {
    web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
}
