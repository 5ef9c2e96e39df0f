//! The page: builds the driver and the shared state, lays out the components.

use hotelband_core::Service;
use leptos::ev;
use leptos::prelude::*;

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
    watch_network(driver.clone());
    let ctx = Ctx {
        board,
        driver: StoredValue::new_local(driver),
        form,
        show_all: RwSignal::new(false),
        paused: RwSignal::new(false),
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
    // `visibilitychange` is fired at the document and bubbles to the window.
    let listener = window_event_listener(ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            driver.catch_up();
        }
    });
    on_cleanup(move || listener.remove());
}

/// The browser fires `online` when the network comes back: say so to the driver at once,
/// rather than wait out the backoff of the requests that failed meanwhile.
fn watch_network(driver: Driver) {
    let listener = window_event_listener(ev::online, move |_| driver.network_back());
    on_cleanup(move || listener.remove());
}
