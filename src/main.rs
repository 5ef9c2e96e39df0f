//! hotelband: books the same slot at a hotel and a band, as early as possible, and keeps
//! upgrading — a thin Leptos shell over `hotelband-core`.

mod app;
mod board;
mod clock;
mod components;
mod ctx;
mod driver;
mod follow;
mod form;
mod http;
mod known_holds;
mod notify;
mod pause;
mod present;
mod settings;
mod storage;
mod tab_lock;
mod timeline;
mod timeline_svg;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
