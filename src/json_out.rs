//! Writing the little JSON the page stores (settings, keys) by hand. Reading stays with
//! serde_json, which the core needs for the services' replies anyway; writing with it
//! would add its serializer (string escaping, number and float formatting) to the wasm for
//! two flat objects.

use std::fmt::Write as _;

use crate::settings::Settings;

/// `settings` as the JSON object `Settings`' `Deserialize` reads (the keys are not in it).
pub(crate) fn settings(s: &Settings) -> String {
    let mut out = String::from("{");
    field(&mut out, "hotel_url", &string(&s.hotel_url));
    field(&mut out, "band_url", &string(&s.band_url));
    field(&mut out, "proxy", &string(&s.proxy));
    field(&mut out, "delay_ms", &s.delay_ms.to_string());
    field(&mut out, "retries", &s.retries.to_string());
    field(&mut out, "window", &s.window.to_string());
    field(&mut out, "recheck_ms", &s.recheck_ms.to_string());
    field(
        &mut out,
        "remember_keys",
        if s.remember_keys { "true" } else { "false" },
    );
    out.push('}');
    out
}

/// `{"hotel":…,"band":…}`.
pub(crate) fn keys(hotel: &str, band: &str) -> String {
    let mut out = String::from("{");
    field(&mut out, "hotel", &string(hotel));
    field(&mut out, "band", &string(band));
    out.push('}');
    out
}

fn field(out: &mut String, name: &str, value: &str) {
    if out.len() > 1 {
        out.push(',');
    }
    out.push_str(&string(name));
    out.push(':');
    out.push_str(value);
}

/// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn settings_round_trip_through_the_reader() {
        let odd = "http://h/\"quoted\"\\back\nline\u{1}é";
        let s = Settings {
            hotel_url: odd.to_owned(),
            band_url: "https://b/api".to_owned(),
            proxy: String::new(),
            delay_ms: 1500,
            retries: 4,
            window: 37,
            recheck_ms: 5000,
            remember_keys: true,
            ..Settings::default()
        };
        let back: Settings = serde_json::from_str(&settings(&s)).expect("valid JSON");
        assert_eq!(back, s);
        let value: Value = serde_json::from_str(&settings(&s)).expect("valid JSON");
        assert_eq!(value["hotel_url"], odd);
        assert_eq!(value["remember_keys"], true);
    }

    #[test]
    fn keys_are_an_object_of_two_strings() {
        let value: Value = serde_json::from_str(&keys("k\"1", "k2")).expect("valid JSON");
        assert_eq!(value, json!({ "hotel": "k\"1", "band": "k2" }));
    }
}
