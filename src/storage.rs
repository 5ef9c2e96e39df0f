//! Where settings live between visits: localStorage for the settings and the running flag,
//! sessionStorage for the keys unless the user asked to remember them.
//!
//! Storage can be missing or full (private windows, quotas); every failure here degrades to
//! "not stored" rather than an error, because the page still works for this visit. An entry of
//! the wrong shape reads as absent; unknown fields are ignored.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use web_sys::Storage;

use crate::settings::{Keys, Settings};

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

/// `value` as JSON text.
fn to_json<T: Serialize>(value: &T) -> String {
    // Invariant: what the page stores (structs of strings, numbers and booleans, lists of
    // numbers) always serialises.
    serde_json::to_string(value).expect("stored shapes serialise")
}

/// A JSON object read as a `T`; `None` for anything else (serde would also read a struct from
/// a list of its fields, which the page never writes).
fn from_json_object<T: DeserializeOwned>(text: &str) -> Option<T> {
    match serde_json::from_str(text).ok()? {
        object @ Value::Object(_) => serde_json::from_value(object).ok(),
        _ => None,
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
    let mut settings: Settings = from_json_object(&read(local(), SETTINGS)?)?;
    let keys = read(session(), KEYS).or_else(|| read(local(), KEYS));
    if let Some(keys) = keys.and_then(|k| from_json_object::<Keys>(&k)) {
        settings.keys = keys;
    }
    Some(settings)
}

/// Saves `settings`; the keys go to sessionStorage, or to localStorage when remembered (and
/// are then removed from the other place so an unticked box really forgets them).
pub(crate) fn save_settings(settings: &Settings) {
    write(local(), SETTINGS, &to_json(settings));
    let json = to_json(&settings.keys);
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
    // Whole milliseconds: the rule it serves counts in milliseconds.
    write(local(), LAST_SENT, &(epoch_ms.max(0.0) as u64).to_string());
}

/// When any page of this origin last sent a request, so a reloaded or taking-over tab
/// keeps the one-request-per-second rule across the handover.
pub(crate) fn load_last_sent() -> Option<f64> {
    // Written as whole milliseconds.
    let ms: u64 = read(local(), LAST_SENT)?.parse().ok()?;
    Some(ms as f64)
}

/// The slots this page last knew it held (or was reserving) for the account tagged `tag`,
/// indexed by service; empty lists when nothing is remembered.
pub(crate) fn load_known_holds(tag: &str) -> [Vec<u16>; 2] {
    read(local(), &format!("{KNOWN_HOLDS}{tag}"))
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Remembers `holds` for the account tagged `tag`, so a reload reads the holds first; forgets
/// the entry when both lists are empty.
pub(crate) fn save_known_holds(tag: &str, holds: &[Vec<u16>; 2]) {
    let key = format!("{KNOWN_HOLDS}{tag}");
    if holds.iter().all(Vec::is_empty) {
        remove(local(), &key);
    } else {
        write(local(), &key, &to_json(holds));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the page wrote before its stored shapes were serde types: they must still load.
    const SAVED_SETTINGS: &str = r#"{"hotel_url":"https://c.example/hotel/api","band_url":"http://127.0.0.1:8080/band/api","proxy":"http://127.0.0.1:8080/proxy/","delay_ms":1500,"retries":4,"window":60,"recheck_ms":7000,"polite":true,"remember_keys":true}"#;
    /// The same settings as this page writes them: the user's constraints came later.
    const WRITTEN_SETTINGS: &str = r#"{"hotel_url":"https://c.example/hotel/api","band_url":"http://127.0.0.1:8080/band/api","proxy":"http://127.0.0.1:8080/proxy/","delay_ms":1500,"retries":4,"window":60,"recheck_ms":7000,"polite":true,"avoid":"","good_enough":1,"remember_keys":true}"#;
    const SAVED_KEYS: &str = r#"{"hotel":"h\"1","band":"b\\2"}"#;
    const SAVED_HOLDS: &str = "[[3,17],[]]";

    fn saved() -> Settings {
        Settings {
            hotel_url: "https://c.example/hotel/api".into(),
            band_url: "http://127.0.0.1:8080/band/api".into(),
            proxy: "http://127.0.0.1:8080/proxy/".into(),
            delay_ms: 1500,
            retries: 4,
            window: 60,
            recheck_ms: 7000,
            polite: true,
            remember_keys: true,
            ..Settings::default()
        }
    }

    #[test]
    fn what_the_page_saved_loads_and_is_written_the_same_way() {
        assert_eq!(from_json_object::<Settings>(SAVED_SETTINGS), Some(saved()));
        let keys = Keys {
            hotel: "h\"1".into(),
            band: "b\\2".into(),
        };
        assert_eq!(from_json_object::<Keys>(SAVED_KEYS), Some(keys.clone()));
        let holds: Option<[Vec<u16>; 2]> = serde_json::from_str(SAVED_HOLDS).ok();
        assert_eq!(holds, Some([vec![3, 17], vec![]]));
        let with_keys = Settings { keys, ..saved() };
        assert_eq!(
            to_json(&with_keys),
            WRITTEN_SETTINGS,
            "keys are stored apart"
        );
        assert_eq!(
            from_json_object::<Settings>(WRITTEN_SETTINGS),
            Some(saved())
        );
        assert_eq!(to_json(&with_keys.keys), SAVED_KEYS);
        assert_eq!(to_json(&[vec![3u16, 17], vec![]]), SAVED_HOLDS);
    }

    #[test]
    fn the_constraints_are_stored_as_people_write_them() {
        let s = Settings {
            avoid: "9, 3, 7-8".parse().expect("a valid list"),
            good_enough: 10,
            ..saved()
        };
        let text = to_json(&s);
        assert!(
            text.contains(r#""avoid":"3, 7-9","good_enough":10"#),
            "{text}"
        );
        assert_eq!(from_json_object::<Settings>(&text), Some(s));
        let typo = WRITTEN_SETTINGS.replace(r#""avoid":"""#, r#""avoid":"3-""#);
        assert_eq!(from_json_object::<Settings>(&typo), None);
    }

    #[test]
    fn settings_stored_before_polite_existed_load_as_eager() {
        let old = r#"{"hotel_url":"http://h","band_url":"http://b","proxy":"","delay_ms":1000,"retries":3,"window":20,"recheck_ms":5000,"remember_keys":false}"#;
        let s: Settings = from_json_object(old).expect("an older entry loads");
        assert!(!s.polite);
        assert_eq!(s.recheck_ms, 5000);
        assert_eq!(s.window, 20);
        let defaults = from_json_object::<Settings>(r#"{"future_field":[1]}"#);
        assert_eq!(defaults, Some(Settings::default()));
    }

    #[test]
    fn entries_of_the_wrong_shape_read_as_absent() {
        for bad in [
            "",
            "not json",
            "[]",
            r#"{"delay_ms":"1000"}"#,
            r#"{"delay_ms":-1}"#,
            r#"{"delay_ms":1.5}"#,
            r#"{"window":70000}"#,
            r#"{"retries":4294967296}"#,
            r#"{"polite":1}"#,
            r#"{"hotel_url":null}"#,
        ] {
            assert_eq!(from_json_object::<Settings>(bad), None, "{bad}");
        }
        for bad in [
            r#"{"hotel":"a"}"#,
            r#"{"hotel":"a","band":2}"#,
            r#"["a","b"]"#,
        ] {
            assert_eq!(from_json_object::<Keys>(bad), None, "{bad}");
        }
        for bad in [
            "[[1]]",
            "[[1],[2],[3]]",
            "[[0.5],[]]",
            "[[70000],[]]",
            r#"{"a":1}"#,
        ] {
            assert_eq!(
                serde_json::from_str::<[Vec<u16>; 2]>(bad).ok(),
                None,
                "{bad}"
            );
        }
    }
}
