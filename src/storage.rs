//! Where settings live between visits: localStorage for the settings and the running flag,
//! sessionStorage for the keys unless the user asked to remember them.
//!
//! Storage can be missing or full (private windows, quotas); every failure here degrades to
//! "not stored" rather than an error, because the page still works for this visit.

use web_sys::Storage;

use crate::settings::Settings;

mod stored_json;

const SETTINGS: &str = "hotelband.settings";
const KEYS: &str = "hotelband.keys";
const RUNNING: &str = "hotelband.running";
const LAST_SENT: &str = "hotelband.last-sent";
/// Followed by the account's tag (never its keys): the last holds the page knew there.
const KNOWN_HOLDS: &str = "hotelband.holds.";

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn session() -> Option<Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn read(store: Option<Storage>, key: &str) -> Option<String> {
    store?.get_item(key).ok()?
}

fn write(store: Option<Storage>, key: &str, value: &str) {
    if let Some(s) = store {
        // A full or disabled storage only loses persistence, not the running page.
        let _ = s.set_item(key, value);
    }
}

fn remove(store: Option<Storage>, key: &str) {
    if let Some(s) = store {
        let _ = s.remove_item(key);
    }
}

/// The saved settings, with keys from wherever they were kept; `None` on a first visit.
/// A corrupt entry is treated as absent.
pub(crate) fn load_settings() -> Option<Settings> {
    let mut settings = stored_json::settings_from_json(&read(local(), SETTINGS)?)?;
    let keys = read(session(), KEYS).or_else(|| read(local(), KEYS));
    if let Some(keys) = keys.and_then(|k| stored_json::keys_from_json(&k)) {
        settings.keys = keys;
    }
    Some(settings)
}

/// Saves `settings`; the keys go to sessionStorage, or to localStorage when remembered (and
/// are then removed from the other place so an unticked box really forgets them).
pub(crate) fn save_settings(settings: &Settings) {
    write(local(), SETTINGS, &stored_json::settings_to_json(settings));
    let json = stored_json::keys_to_json(&settings.keys);
    write(session(), KEYS, &json);
    if settings.remember_keys {
        write(local(), KEYS, &json);
    } else {
        remove(local(), KEYS);
    }
}

/// Whether auto-pair was running when the page was last open.
pub(crate) fn load_running() -> bool {
    read(local(), RUNNING).as_deref() == Some("1")
}

/// Records whether auto-pair is running, so a reload resumes it.
pub(crate) fn save_running(running: bool) {
    write(local(), RUNNING, if running { "1" } else { "0" });
}

/// Records when (`Date.now()`, ms) this page last sent a request to either service.
pub(crate) fn save_last_sent(epoch_ms: f64) {
    // Whole milliseconds: integer formatting is smaller in wasm than float formatting.
    write(local(), LAST_SENT, &(epoch_ms.max(0.0) as u64).to_string());
}

/// When any page of this origin last sent a request, so a reloaded or taking-over tab
/// keeps the one-request-per-second rule across the handover.
pub(crate) fn load_last_sent() -> Option<f64> {
    // Written as whole milliseconds; read as an integer too (no float parser in the wasm).
    let ms: u64 = read(local(), LAST_SENT)?.parse().ok()?;
    Some(ms as f64)
}

/// The slots this page last knew it held (or was reserving) for the account tagged `tag`,
/// indexed by service; empty lists when nothing is remembered.
pub(crate) fn load_known_holds(tag: &str) -> [Vec<u16>; 2] {
    read(local(), &format!("{KNOWN_HOLDS}{tag}"))
        .and_then(|json| stored_json::holds_from_json(&json))
        .unwrap_or_default()
}

/// Remembers `holds` for the account tagged `tag`, so a reload reads the holds first; forgets
/// the entry when both lists are empty.
pub(crate) fn save_known_holds(tag: &str, holds: &[Vec<u16>; 2]) {
    let key = format!("{KNOWN_HOLDS}{tag}");
    if holds.iter().all(Vec::is_empty) {
        remove(local(), &key);
    } else {
        write(local(), &key, &stored_json::holds_to_json(holds));
    }
}
