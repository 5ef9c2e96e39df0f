//! The two clocks of the page: the monotonic one the core runs on (`performance.now()`) and
//! the wall clock users read.

use hotelband_core::Millis;

use crate::present;

fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The core's clock: milliseconds since the page loaded; never negative.
pub(crate) fn now() -> Millis {
    // performance.now() is a non-negative, finite double; truncation to whole ms is intended.
    Millis(perf_now().max(0.0) as u64)
}

/// `HH:MM:SS` local time of the monotonic instant `at`.
pub(crate) fn wall(at: Millis) -> String {
    let ago = perf_now() - at.0 as f64;
    let epoch = js_sys::Date::now() - ago;
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    // Time zone offsets are whole minutes well within i64.
    present::clock(epoch, offset as i64)
}

/// `HH:MM:SS` local time now.
pub(crate) fn wall_now() -> String {
    wall(now())
}

/// A seed for the planner's jitter that differs between page loads.
pub(crate) fn seed() -> u64 {
    // Date.now() is a positive integer-valued double in ms.
    js_sys::Date::now() as u64 ^ perf_now().to_bits()
}
