//! The JSON shapes the page keeps in storage: the settings, the keys, the last known holds.
//! Written and read with the core's small JSON module, not serde_json, whose generic
//! (de)serializers were 19 KB of the gzip wasm (BENCHMARKS.md, cut 5).
//!
//! An entry of the wrong shape reads as `None`, which `storage` treats as absent. Settings
//! fields that are missing take their defaults, so what an older page stored still loads;
//! unknown fields are ignored.

use hotelband_core::json::{self, Value};

use crate::settings::{Keys, Settings};

/// `settings` without its keys (they are stored apart).
pub(crate) fn settings_to_json(settings: &Settings) -> String {
    // Every field named, so a new one does not compile until it is stored (and read below).
    let Settings {
        hotel_url,
        band_url,
        proxy,
        delay_ms,
        retries,
        window,
        recheck_ms,
        polite,
        avoid,
        good_enough,
        remember_keys,
        keys: _,
    } = settings;
    let text = |s: &str| Value::from(s);
    Value::Object(vec![
        ("hotel_url".into(), text(hotel_url)),
        ("band_url".into(), text(band_url)),
        ("proxy".into(), text(proxy)),
        ("delay_ms".into(), (*delay_ms).into()),
        ("retries".into(), u64::from(*retries).into()),
        ("window".into(), u64::from(*window).into()),
        ("recheck_ms".into(), (*recheck_ms).into()),
        ("polite".into(), (*polite).into()),
        ("avoid".into(), text(&avoid.to_string())),
        ("good_enough".into(), u64::from(*good_enough).into()),
        ("remember_keys".into(), (*remember_keys).into()),
    ])
    .to_json()
}

/// What [`settings_to_json`] wrote, keys left empty.
pub(crate) fn settings_from_json(text: &str) -> Option<Settings> {
    let Value::Object(members) = json::parse(text).ok()? else {
        return None;
    };
    let mut settings = Settings::default();
    for (key, value) in &members {
        let whole = || value.as_u64();
        match key.as_str() {
            "hotel_url" => settings.hotel_url = value.as_str()?.to_owned(),
            "band_url" => settings.band_url = value.as_str()?.to_owned(),
            "proxy" => settings.proxy = value.as_str()?.to_owned(),
            "delay_ms" => settings.delay_ms = whole()?,
            "retries" => settings.retries = u32::try_from(whole()?).ok()?,
            "window" => settings.window = u16::try_from(whole()?).ok()?,
            "recheck_ms" => settings.recheck_ms = whole()?,
            "polite" => settings.polite = value.as_bool()?,
            "avoid" => settings.avoid = value.as_str()?.parse().ok()?,
            "good_enough" => settings.good_enough = u16::try_from(whole()?).ok()?,
            "remember_keys" => settings.remember_keys = value.as_bool()?,
            _ => {}
        }
    }
    Some(settings)
}

/// `{"hotel":..,"band":..}`
pub(crate) fn keys_to_json(keys: &Keys) -> String {
    Value::Object(vec![
        ("hotel".into(), keys.hotel.as_str().into()),
        ("band".into(), keys.band.as_str().into()),
    ])
    .to_json()
}

/// What [`keys_to_json`] wrote; both keys must be there.
pub(crate) fn keys_from_json(text: &str) -> Option<Keys> {
    let value = json::parse(text).ok()?;
    let key = |name| value.get(name)?.as_str().map(str::to_owned);
    Some(Keys {
        hotel: key("hotel")?,
        band: key("band")?,
    })
}

/// `[[hotel slots], [band slots]]`
pub(crate) fn holds_to_json(holds: &[Vec<u16>; 2]) -> String {
    let list = |slots: &[u16]| Value::Array(slots.iter().map(|&n| u64::from(n).into()).collect());
    Value::Array(vec![list(&holds[0]), list(&holds[1])]).to_json()
}

/// What [`holds_to_json`] wrote: exactly two lists of slot numbers.
pub(crate) fn holds_from_json(text: &str) -> Option<[Vec<u16>; 2]> {
    let value = json::parse(text).ok()?;
    let list = |item: &Value| -> Option<Vec<u16>> {
        item.as_array()?
            .iter()
            .map(|n| u16::try_from(n.as_u64()?).ok())
            .collect()
    };
    match value.as_array()? {
        [hotel, band] => Some([list(hotel)?, list(band)?]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Settings {
        Settings {
            hotel_url: "http://h.example/api".into(),
            band_url: "https://b.example/\"api\"".into(),
            proxy: "https://proxy.example/?u=".into(),
            delay_ms: 1500,
            retries: 4,
            window: 60,
            recheck_ms: 7000,
            polite: true,
            avoid: "3, 7-9".parse().expect("valid"),
            good_enough: 10,
            remember_keys: true,
            ..Settings::default()
        }
    }

    #[test]
    fn settings_round_trip_without_their_keys() {
        let mut settings = full();
        settings.keys = Keys {
            hotel: "h".repeat(64),
            band: "b".repeat(64),
        };
        let stored = settings_to_json(&settings);
        assert!(!stored.contains("hhhh"), "keys are stored apart: {stored}");
        let loaded = settings_from_json(&stored).expect("loads");
        assert_eq!(
            loaded,
            Settings {
                keys: Keys::default(),
                ..settings
            }
        );
    }

    #[test]
    fn settings_stored_before_polite_existed_load_as_eager() {
        let old = r#"{"hotel_url":"http://h","band_url":"http://b","proxy":"","delay_ms":1000,"retries":3,"window":20,"recheck_ms":5000,"remember_keys":false}"#;
        let s = settings_from_json(old).expect("an older entry loads");
        assert!(!s.polite);
        assert_eq!(s.recheck_ms, 5000);
        assert_eq!(s.window, 20);
        let defaults = settings_from_json(r#"{"future_field":[1]}"#).expect("loads");
        assert_eq!(defaults, Settings::default());
    }

    #[test]
    fn settings_of_the_wrong_shape_read_as_absent() {
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
            assert_eq!(settings_from_json(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys_round_trip_and_both_are_needed() {
        let keys = Keys {
            hotel: "k\\1".into(),
            band: "k\"2".into(),
        };
        assert_eq!(keys_from_json(&keys_to_json(&keys)), Some(keys));
        assert_eq!(keys_from_json(r#"{"hotel":"a"}"#), None);
        assert_eq!(keys_from_json(r#"{"hotel":"a","band":2}"#), None);
    }

    #[test]
    fn holds_round_trip_as_two_lists() {
        let holds = [vec![3, 17], vec![]];
        assert_eq!(holds_to_json(&holds), "[[3,17],[]]");
        assert_eq!(holds_from_json("[[3,17],[]]"), Some(holds));
        for bad in [
            "[[1]]",
            "[[1],[2],[3]]",
            "[[0.5],[]]",
            "[[70000],[]]",
            r#"{"a":1}"#,
        ] {
            assert_eq!(holds_from_json(bad), None, "{bad}");
        }
    }
}
