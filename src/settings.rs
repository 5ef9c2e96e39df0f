//! The settings model: what the form edits, how each field is checked, and the core
//! [`Config`] they become. Pure code, so it is tested natively.

use std::fmt;

use hotelband_core::{
    ApiIni, AvoidSet, Config, MAX_DELAY, MAX_RETRIES, MAX_WINDOW, MIN_DELAY, Millis, Slot,
    base_url, decimal_nanos, is_http_url, nanos_to_ms,
};
use serde::{Deserialize, Serialize};

/// The two API keys. `Debug` never shows them.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Keys {
    /// Bearer key for the hotel.
    pub(crate) hotel: String,
    /// Bearer key for the band.
    pub(crate) band: String,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(<redacted>)")
    }
}

/// Settings that passed validation, and the shape they are stored in. The keys are kept apart
/// from the rest because they are stored elsewhere (see `storage`). A field missing from what
/// an older page stored takes its default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    /// Hotel base URL, no trailing slash.
    pub(crate) hotel_url: String,
    /// Band base URL, no trailing slash.
    pub(crate) band_url: String,
    /// CORS proxy prefix put in front of every URL, or empty.
    pub(crate) proxy: String,
    /// Minimum time between two requests to one service.
    pub(crate) delay_ms: u64,
    /// Attempts per operation.
    pub(crate) retries: u32,
    /// Slots `1..=window` are shown and listed; pairing looks at the whole range.
    pub(crate) window: u16,
    /// With `polite`, how often the free lists are re-read for a better pair.
    pub(crate) recheck_ms: u64,
    /// Re-read the free lists only every `recheck_ms` instead of at every paced slot.
    pub(crate) polite: bool,
    /// Slots auto-pair and the common-slot list leave alone (`Config::avoid`).
    pub(crate) avoid: AvoidSet,
    /// Auto-pair is done once a pair at this slot or better is held (`Config::good_enough`).
    pub(crate) good_enough: u16,
    /// Keep the keys in localStorage instead of sessionStorage.
    pub(crate) remember_keys: bool,
    /// The keys; stored separately.
    #[serde(skip)]
    pub(crate) keys: Keys,
}

impl Default for Settings {
    fn default() -> Self {
        let core = Config::default();
        Settings {
            hotel_url: String::new(),
            band_url: String::new(),
            proxy: String::new(),
            delay_ms: core.delay.0,
            retries: core.retries,
            window: core.window,
            recheck_ms: core.recheck.0,
            polite: core.polite,
            avoid: core.avoid,
            good_enough: core.good_enough.get(),
            remember_keys: false,
            keys: Keys::default(),
        }
    }
}

impl Settings {
    /// True when both services can be talked to.
    pub(crate) fn is_complete(&self) -> bool {
        !self.hotel_url.is_empty()
            && !self.band_url.is_empty()
            && !self.keys.hotel.is_empty()
            && !self.keys.band.is_empty()
    }

    /// The core's configuration for these settings; `seed` feeds the planner's jitter.
    pub(crate) fn config(&self, seed: u64) -> Config {
        Config {
            delay: Millis(self.delay_ms),
            retries: self.retries,
            window: self.window,
            recheck: Millis(self.recheck_ms),
            polite: self.polite,
            seed,
            avoid: self.avoid.clone(),
            // At least 1 once validated; a stored 0 falls back to the default.
            good_enough: Slot::new(self.good_enough).unwrap_or(Config::default().good_enough),
            ..Config::default()
        }
    }

    /// Whether a change from `self` to `other` talks to different accounts or servers, which
    /// makes everything the session knows stale.
    pub(crate) fn same_endpoints(&self, other: &Settings) -> bool {
        self.hotel_url == other.hotel_url
            && self.band_url == other.band_url
            && self.proxy == other.proxy
            && self.keys == other.keys
    }
}

/// The form's fields, in display order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    HotelUrl,
    HotelKey,
    BandUrl,
    BandKey,
    Proxy,
    Delay,
    Retries,
    Window,
    Recheck,
    Avoid,
    GoodEnough,
}

impl Field {
    /// Every field, indexable by [`Field::index`].
    pub(crate) const ALL: [Field; 11] = [
        Field::HotelUrl,
        Field::HotelKey,
        Field::BandUrl,
        Field::BandKey,
        Field::Proxy,
        Field::Delay,
        Field::Retries,
        Field::Window,
        Field::Recheck,
        Field::Avoid,
        Field::GoodEnough,
    ];

    /// Position in [`Field::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The input's DOM id (the test-hook contract in e2e/DOM.md).
    pub(crate) const fn id(self) -> &'static str {
        match self {
            Field::HotelUrl => "hotel-url",
            Field::HotelKey => "hotel-key",
            Field::BandUrl => "band-url",
            Field::BandKey => "band-key",
            Field::Proxy => "proxy",
            Field::Delay => "delay",
            Field::Retries => "retries",
            Field::Window => "window",
            Field::Recheck => "recheck",
            Field::Avoid => "avoid",
            Field::GoodEnough => "good-enough",
        }
    }

    /// The label shown next to the input; the limits come from the core's constants.
    pub(crate) fn label(self) -> String {
        match self {
            Field::HotelUrl => "Hotel URL".to_owned(),
            Field::HotelKey => "Hotel key".to_owned(),
            Field::BandUrl => "Band URL".to_owned(),
            Field::BandKey => "Band key".to_owned(),
            Field::Proxy => "CORS proxy prefix (optional)".to_owned(),
            Field::Delay => format!(
                "Delay between requests (s, at least {})",
                seconds_text(MIN_DELAY_MS)
            ),
            Field::Retries => "Attempts per request".to_owned(),
            Field::Window => format!("Window (slots 1..N, N ≤ {MAX_WINDOW})"),
            Field::Recheck => "Recheck every (s, only when polite)".to_owned(),
            Field::Avoid => "Slots to avoid (auto-pair never takes them, e.g. 3, 7-9)".to_owned(),
            Field::GoodEnough => "Good enough: stop auto-pair at slot N or better".to_owned(),
        }
    }
}

/// The form as typed: text per field, so bad input stays visible for fixing.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Draft {
    /// Text of each field, indexed by [`Field::index`].
    pub(crate) text: [String; Field::ALL.len()],
    /// The "remember keys" box.
    pub(crate) remember_keys: bool,
    /// The "polite" box.
    pub(crate) polite: bool,
}

impl fmt::Debug for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Draft(<may hold keys>)")
    }
}

impl Draft {
    /// The form showing `settings`.
    pub(crate) fn from_settings(s: &Settings) -> Draft {
        let mut d = Draft {
            remember_keys: s.remember_keys,
            polite: s.polite,
            ..Draft::default()
        };
        d.text[Field::HotelUrl.index()] = s.hotel_url.clone();
        d.text[Field::HotelKey.index()] = s.keys.hotel.clone();
        d.text[Field::BandUrl.index()] = s.band_url.clone();
        d.text[Field::BandKey.index()] = s.keys.band.clone();
        d.text[Field::Proxy.index()] = s.proxy.clone();
        d.text[Field::Delay.index()] = seconds_text(s.delay_ms);
        d.text[Field::Retries.index()] = s.retries.to_string();
        d.text[Field::Window.index()] = s.window.to_string();
        d.text[Field::Recheck.index()] = seconds_text(s.recheck_ms);
        d.text[Field::Avoid.index()] = s.avoid.to_string();
        d.text[Field::GoodEnough.index()] = s.good_enough.to_string();
        d
    }

    /// Overwrites the fields an api.ini provides. Its `delay` is raised to the 1 s rule
    /// (see [`ApiIni::delay`]).
    pub(crate) fn fill_from_ini(&mut self, ini: &ApiIni) {
        self.text[Field::HotelUrl.index()] = ini.hotel_url.clone();
        self.text[Field::HotelKey.index()] = ini.hotel_key.clone();
        self.text[Field::BandUrl.index()] = ini.band_url.clone();
        self.text[Field::BandKey.index()] = ini.band_key.clone();
        if let Some(retries) = ini.retries {
            self.text[Field::Retries.index()] = retries.max(1).to_string();
        }
        if let Some(delay) = ini.delay() {
            self.text[Field::Delay.index()] = seconds_text(delay.0);
        }
    }

    /// Checks every field; on failure, names each refused field with a message in plain words.
    pub(crate) fn validate(&self) -> Result<Settings, Vec<(Field, String)>> {
        let mut errors = Vec::new();
        let mut s = Settings {
            remember_keys: self.remember_keys,
            polite: self.polite,
            ..Settings::default()
        };
        let text = |f: Field| self.text[f.index()].trim();
        let mut check = |f: Field, r: Result<(), String>| {
            if let Err(m) = r {
                errors.push((f, m));
            }
        };
        check(
            Field::HotelUrl,
            url(text(Field::HotelUrl), "hotel").map(|u| s.hotel_url = u),
        );
        check(
            Field::HotelKey,
            key(text(Field::HotelKey), "hotel").map(|k| s.keys.hotel = k),
        );
        check(
            Field::BandUrl,
            url(text(Field::BandUrl), "band").map(|u| s.band_url = u),
        );
        check(
            Field::BandKey,
            key(text(Field::BandKey), "band").map(|k| s.keys.band = k),
        );
        let proxy = text(Field::Proxy);
        if !proxy.is_empty() {
            check(
                Field::Proxy,
                if is_http_url(proxy) {
                    s.proxy = proxy.to_owned();
                    Ok(())
                } else {
                    Err("a proxy prefix starts with http:// or https://".to_owned())
                },
            );
        }
        check(
            Field::Delay,
            seconds(text(Field::Delay), MIN_DELAY_MS, MAX_DELAY.0, "the delay")
                .map(|ms| s.delay_ms = ms),
        );
        check(
            Field::Retries,
            whole(text(Field::Retries), 1, MAX_RETRIES, "attempts").map(|n| s.retries = n),
        );
        check(
            Field::Window,
            whole(text(Field::Window), 1, u32::from(MAX_WINDOW), "the window").map(|n| {
                // In range 1..=200 by the check just made.
                s.window = u16::try_from(n).unwrap_or(MAX_WINDOW);
            }),
        );
        check(
            Field::Recheck,
            seconds(
                text(Field::Recheck),
                MIN_RECHECK_MS,
                MAX_RECHECK_MS,
                "the recheck period",
            )
            .map(|ms| s.recheck_ms = ms),
        );
        check(
            Field::Avoid,
            text(Field::Avoid)
                .parse::<AvoidSet>()
                .map(|avoid| s.avoid = avoid)
                .map_err(|e| format!("the slots to avoid: {e}")),
        );
        // Empty: the default (slot 1), as an empty avoid list avoids nothing.
        let good_enough = match text(Field::GoodEnough) {
            "" => Ok(u32::from(s.good_enough)),
            typed => whole(typed, 1, u32::from(u16::MAX), "good enough"),
        };
        check(
            Field::GoodEnough,
            good_enough.map(|n| {
                // In range 1..=65535 by the check just made.
                s.good_enough = u16::try_from(n).unwrap_or(u16::MAX);
            }),
        );
        if errors.is_empty() {
            Ok(s)
        } else {
            Err(errors)
        }
    }
}

/// The rule of the exercise: at most one request per second per service.
const MIN_DELAY_MS: u64 = MIN_DELAY.0;
/// Rechecking faster than the pacer allows only queues reads.
const MIN_RECHECK_MS: u64 = MIN_DELAY.0;
/// A day: a longer recheck period is surely a typo.
const MAX_RECHECK_MS: u64 = 86_400_000;

fn url(text: &str, service: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err(format!("enter the {service}'s base URL"));
    }
    base_url(text).ok_or_else(|| format!("the {service} URL must start with http:// or https://"))
}

fn key(text: &str, service: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err(format!("enter the {service} key"));
    }
    // The key goes into an HTTP header, which only takes visible ASCII.
    if text.chars().all(|c| c.is_ascii_graphic()) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "the {service} key may hold only letters, digits and symbols (no spaces)"
        ))
    }
}

fn seconds(text: &str, min_ms: u64, max_ms: u64, what: &str) -> Result<u64, String> {
    let min_s = seconds_text(min_ms);
    // Read with integers, not `f64`: a sign is allowed, a negative is below any minimum.
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let nanos = decimal_nanos(unsigned)
        .ok_or_else(|| format!("{what} must be a number of seconds, at least {min_s}"))?;
    if negative || nanos < min_ms.saturating_mul(1_000_000) {
        return Err(format!("{what} must be at least {min_s} s"));
    }
    let ms = nanos_to_ms(nanos);
    if ms > max_ms {
        return Err(format!("{what} must be at most {} s", seconds_text(max_ms)));
    }
    Ok(ms)
}

fn whole(text: &str, min: u32, max: u32, what: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{what} must be a whole number from {min} to {max}")),
    }
}

/// `1500` → `"1.5"`, `2000` → `"2"`.
fn seconds_text(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        (ms / 1000).to_string()
    } else {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        s.trim_end_matches('0').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Draft {
        let mut s = Settings {
            hotel_url: "http://127.0.0.1:8091/hotel/api".into(),
            band_url: "https://example.org/band/api".into(),
            ..Settings::default()
        };
        s.keys = Keys {
            hotel: "a".repeat(64),
            band: "b".repeat(64),
        };
        Draft::from_settings(&s)
    }

    fn refused(d: &Draft) -> Vec<Field> {
        d.validate()
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn a_complete_form_round_trips() {
        let d = good();
        let s = d.validate().unwrap();
        assert!(s.is_complete());
        assert_eq!(Draft::from_settings(&s), d);
        assert_eq!(s.config(7).delay, Millis(1000));
        assert_eq!(s.config(7).seed, 7);
    }

    #[test]
    fn polite_is_off_by_default_and_round_trips() {
        let d = good();
        assert!(!d.validate().unwrap().config(1).polite);
        let polite = Draft { polite: true, ..d };
        let s = polite.validate().unwrap();
        assert!(s.config(1).polite);
        assert!(!s.config(1).spare_hold, "the spare hold stays off");
        assert_eq!(Draft::from_settings(&s), polite);
    }

    #[test]
    fn trailing_slash_and_spaces_are_trimmed() {
        let mut d = good();
        d.text[Field::HotelUrl.index()] = "  http://h.example/api/ ".into();
        assert_eq!(d.validate().unwrap().hotel_url, "http://h.example/api");
    }

    #[test]
    fn delay_below_one_second_is_refused() {
        for bad in ["0.5", "0", "-3", "abc", "", "NaN", "inf"] {
            let mut d = good();
            d.text[Field::Delay.index()] = bad.into();
            assert_eq!(refused(&d), vec![Field::Delay], "{bad}");
        }
        let mut d = good();
        d.text[Field::Delay.index()] = "1.25".into();
        assert_eq!(d.validate().unwrap().delay_ms, 1250);
        d.text[Field::Delay.index()] = "+2.0005".into();
        assert_eq!(d.validate().unwrap().delay_ms, 2001);
        d.text[Field::Delay.index()] = "3600.0004".into();
        assert_eq!(d.validate().unwrap().delay_ms, MAX_DELAY.0);
        d.text[Field::Delay.index()] = "3600.0005".into();
        assert_eq!(refused(&d), vec![Field::Delay]);
        d.text[Field::Delay.index()] = "1".into();
        d.text[Field::Recheck.index()] = "86400".into();
        assert_eq!(d.validate().unwrap().recheck_ms, MAX_RECHECK_MS);
        d.text[Field::Recheck.index()] = "86400.0005".into();
        assert_eq!(refused(&d), vec![Field::Recheck]);
    }

    #[test]
    fn the_limit_labels_come_from_the_core() {
        assert!(Field::Window.label().contains(&format!("≤ {MAX_WINDOW}")));
        let min = seconds_text(MIN_DELAY.0);
        assert!(Field::Delay.label().contains(&format!("at least {min})")));
    }

    #[test]
    fn window_must_be_within_1_to_200() {
        for bad in ["0", "201", "abc", "-1", "1.5", ""] {
            let mut d = good();
            d.text[Field::Window.index()] = bad.into();
            assert_eq!(refused(&d), vec![Field::Window], "{bad}");
        }
        let mut d = good();
        d.text[Field::Window.index()] = "200".into();
        assert_eq!(d.validate().unwrap().window, 200);
    }

    #[test]
    fn every_bad_field_is_named_and_messages_hold_no_key() {
        let mut d = good();
        d.text[Field::HotelUrl.index()] = "ftp://x".into();
        d.text[Field::BandKey.index()] = "secret key with spaces".into();
        d.text[Field::Proxy.index()] = "proxy".into();
        d.text[Field::Retries.index()] = "0".into();
        let errors = d.validate().unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                Field::HotelUrl,
                Field::BandKey,
                Field::Proxy,
                Field::Retries
            ]
        );
        assert!(errors.iter().all(|(_, m)| !m.contains("secret")));
    }

    #[test]
    fn debug_output_hides_keys() {
        let s = good().validate().unwrap();
        let shown = format!("{s:?} {:?}", good());
        assert!(!shown.contains(&"a".repeat(64)), "{shown}");
    }

    #[test]
    fn ini_fill_raises_the_delay_to_the_rule() {
        let ini = ApiIni {
            hotel_url: "https://c.example/hotel/api".into(),
            hotel_key: "1".repeat(64),
            band_url: "https://c.example/band/api".into(),
            band_key: "2".repeat(64),
            retries: Some(3),
            delay_ms: Some(500),
        };
        let mut d = Draft::default();
        d.fill_from_ini(&ini);
        d.text[Field::Window.index()] = "20".into();
        d.text[Field::Recheck.index()] = "5".into();
        let s = d.validate().unwrap();
        assert_eq!(s.delay_ms, 1000);
        assert_eq!(s.retries, 3);
        assert_eq!(s.keys.band, "2".repeat(64));
    }

    #[test]
    fn an_ini_with_an_upper_case_scheme_imports_and_then_saves() {
        let text = "[hotel]\nurl = HTTPS://c.example/hotel/api/\nkey = hk\n\
                    [band]\nurl = Http://c.example/band/api\nkey = bk\n";
        let ini = ApiIni::parse(text).expect("api.ini accepts any case of scheme");
        let mut d = good();
        d.fill_from_ini(&ini);
        let s = d.validate().expect("what imported also saves");
        assert_eq!(s.hotel_url, "https://c.example/hotel/api");
        assert_eq!(s.band_url, "http://c.example/band/api");
        let mut typed = good();
        typed.text[Field::HotelUrl.index()] = "HTTPS://c.example/hotel/api".into();
        assert_eq!(
            typed.validate().expect("typed as well").hotel_url,
            s.hotel_url
        );
    }

    #[test]
    fn constraints_round_trip_into_the_config() {
        let mut d = good();
        d.text[Field::Avoid.index()] = " 9, 3,7-8".into();
        d.text[Field::GoodEnough.index()] = "10".into();
        let s = d.validate().unwrap();
        assert_eq!(s.avoid.to_string(), "3, 7-9");
        let config = s.config(1);
        assert!(config.avoid.contains(Slot::new(8).unwrap()));
        assert_eq!(config.good_enough.get(), 10);
        assert_eq!(
            Draft::from_settings(&s).text[Field::Avoid.index()],
            "3, 7-9"
        );
        let defaults = good().validate().unwrap().config(1);
        assert!(defaults.avoid.is_empty());
        assert_eq!(defaults.good_enough, Config::default().good_enough);
        let mut empty = good();
        empty.text[Field::GoodEnough.index()] = " ".into();
        assert_eq!(
            empty.validate().unwrap().good_enough,
            1,
            "empty: the default"
        );
    }

    #[test]
    fn bad_constraints_are_refused_in_plain_words() {
        for (bad, words) in [
            ("7-", "`7-` is not a slot or a range like 7-9"),
            ("3, 0", "slot 0 does not exist"),
            ("9-7", "the range 9-7 runs backwards"),
            ("70000", "slot number `70000` is too large"),
        ] {
            let mut d = good();
            d.text[Field::Avoid.index()] = bad.into();
            let errors = d.validate().unwrap_err();
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].0, Field::Avoid, "{bad}");
            assert!(errors[0].1.contains(words), "{bad}: {}", errors[0].1);
        }
        for bad in ["0", "-1", "x", "70000"] {
            let mut d = good();
            d.text[Field::GoodEnough.index()] = bad.into();
            assert_eq!(refused(&d), vec![Field::GoodEnough], "{bad}");
        }
    }

    #[test]
    fn seconds_text_is_short() {
        assert_eq!(seconds_text(1000), "1");
        assert_eq!(seconds_text(1500), "1.5");
        assert_eq!(seconds_text(1250), "1.25");
    }
}
