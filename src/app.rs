//! The page: builds the driver and the shared state, lays out the components.

use hotelband_core::Service;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::board::Board;
use crate::components::activity_log::ActivityLog;
use crate::components::auto_controls::AutoControls;
use crate::components::common_slots::CommonSlots;
use crate::components::race_timeline::RaceTimeline;
use crate::components::request_log::RequestLog;
use crate::components::settings_form::SettingsForm;
use crate::components::slot_table::SlotTable;
use crate::components::status_line::StatusLine;
use crate::ctx::Ctx;
use crate::driver::Driver;
use crate::form::Form;
use crate::settings::Draft;
use crate::storage;

/// The whole page.
#[allow(unreachable_pub)] // see components/mod.rs: #[component] trips this lint
#[component]
pub(crate) fn App() -> impl IntoView {
    let board = Board::new();
    let saved = storage::load_settings();
    let form = Form::new(&Draft::from_settings(&saved.clone().unwrap_or_default()));
    let driver = Driver::new(board);
    if let Some(settings) = saved {
        if !settings.is_complete() {
            form.status
                .set("Enter the keys again: they were kept for the browser session only.".into());
        }
        driver.configure(settings);
    }
    watch_visibility(driver.clone());
    let ctx = Ctx {
        board,
        driver: StoredValue::new_local(driver),
        form,
        show_all: RwSignal::new(false),
    };
    provide_context(ctx);

    // Document order is reading and Tab order on every width: the skip link, the status, the
    // setup (open on a first run, folded once configured), then the work area.
    view! {
        <a id="skip" class="skip" href="#work">"Skip to the slot tables"</a>
        <header class="top">
            <h1>"hotelband"</h1>
            <StatusLine/>
        </header>
        <main class="layout">
            <SettingsForm/>
            <div class="work" id="work" tabindex="-1">
                <AutoControls/>
                <CommonSlots/>
                <div class="tables">
                    <SlotTable service=Service::Hotel/>
                    <SlotTable service=Service::Band/>
                </div>
                <RaceTimeline/>
                <div class="logs">
                    <ActivityLog/>
                    <RequestLog/>
                </div>
            </div>
        </main>
    }
}

/// Background tabs get their timers throttled (to once a minute after a while), so when
/// the tab is shown again the driver catches up at once instead of at the late tick.
fn watch_visibility(driver: Driver) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let callback = Closure::<dyn FnMut()>::new(move || {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            driver.catch_up();
        }
    });
    let _ = document
        .add_event_listener_with_callback("visibilitychange", callback.as_ref().unchecked_ref());
    let callback = StoredValue::new_local(callback);
    on_cleanup(move || {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            callback.with_value(|cb| {
                let _ = document.remove_event_listener_with_callback(
                    "visibilitychange",
                    cb.as_ref().unchecked_ref(),
                );
            });
        }
    });
}
