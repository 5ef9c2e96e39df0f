//! The `api.ini` file users already have: sections `[hotel]`, `[band]` (keys `url`, `key`) and
//! an optional `[global]` (keys `retries`, `delay` in seconds).
//!
//! Lenient where users differ (case of names, `=` or `:`, quotes, `;`/`#` comments, a BOM, CRLF),
//! strict where a mistake would bite later (missing keys, bad numbers, non-http(s) URLs).

use std::collections::BTreeMap;
use std::fmt;

use crate::api::{MAX_DELAY, MAX_RETRIES, MIN_DELAY, base_url};
use crate::decimal::{decimal_nanos, nanos_to_ms};
use crate::text::safe_text;
use crate::time::Millis;

/// The parsed `api.ini`: a base URL and key per service, and the global settings.
///
/// `Debug` does not show the keys.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiIni {
    /// `[hotel] url`, no trailing slash.
    pub hotel_url: String,
    /// `[hotel] key`.
    pub hotel_key: String,
    /// `[band] url`, no trailing slash.
    pub band_url: String,
    /// `[band] key`.
    pub band_key: String,
    /// `[global] retries`: attempts per request, if given.
    pub retries: Option<u32>,
    /// `[global] delay` in milliseconds (the file says seconds, e.g. `0.5`), if given.
    pub delay_ms: Option<u64>,
}

/// Why an `api.ini` text was refused; each names the line or key at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IniError {
    /// A required section is absent.
    #[error("missing section [{0}]")]
    MissingSection(String),
    /// A required key is absent from its section.
    #[error("missing key `{key}` in [{section}]")]
    MissingKey {
        /// The section name.
        section: String,
        /// The key name.
        key: String,
    },
    /// A number could not be read.
    #[error("[{section}] {key}: `{value}` is not a valid number")]
    BadNumber {
        /// The section name.
        section: String,
        /// The key name.
        key: String,
        /// The text found (shortened, secrets redacted).
        value: String,
    },
    /// A number is outside the range a user may choose.
    #[error("[{section}] {key}: `{value}` is outside {range}")]
    OutOfRange {
        /// The section name.
        section: String,
        /// The key name.
        key: String,
        /// The text found (shortened, secrets redacted).
        value: String,
        /// What is accepted, e.g. `1..=10`.
        range: String,
    },
    /// A URL is not http(s).
    #[error("[{section}] url: `{value}` is not an http(s) URL")]
    BadUrl {
        /// The section name.
        section: String,
        /// The text found (shortened, secrets redacted).
        value: String,
    },
    /// A line is neither a section, a `key = value` pair, a comment nor blank.
    #[error("line {line}: cannot read `{text}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The line (shortened, secrets redacted).
        text: String,
    },
}

impl fmt::Debug for ApiIni {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiIni")
            .field("hotel_url", &self.hotel_url)
            .field("hotel_key", &"[redacted]")
            .field("band_url", &self.band_url)
            .field("band_key", &"[redacted]")
            .field("retries", &self.retries)
            .field("delay_ms", &self.delay_ms)
            .finish()
    }
}

/// The file's sections and their `key = value` lines: a key given twice keeps its last value,
/// and a section given twice is one section.
type Sections = BTreeMap<String, BTreeMap<String, String>>;

impl ApiIni {
    /// Parses the text of an `api.ini` as users have it.
    pub fn parse(text: &str) -> Result<ApiIni, IniError> {
        let sections = read_sections(text)?;
        let hotel_url = url(&sections, "hotel")?;
        let hotel_key = required(&sections, "hotel", "key")?.to_owned();
        let band_url = url(&sections, "band")?;
        let band_key = required(&sections, "band", "key")?.to_owned();
        let global = sections.get("global");
        let retries = global
            .and_then(|keys| keys.get("retries"))
            .map(|value| parse_retries(value))
            .transpose()?;
        let delay_ms = global
            .and_then(|keys| keys.get("delay"))
            .map(|value| parse_delay(value))
            .transpose()?;
        Ok(ApiIni {
            hotel_url,
            hotel_key,
            band_url,
            band_key,
            retries,
            delay_ms,
        })
    }

    /// The file's `delay`, raised to the services' one-second rule ([`MIN_DELAY`]): the course
    /// files say `0.5`, and the rule still holds.
    #[must_use]
    pub fn delay(&self) -> Option<Millis> {
        self.delay_ms.map(|ms| Millis(ms).max(MIN_DELAY))
    }
}

fn read_sections(text: &str) -> Result<Sections, IniError> {
    let mut sections = Sections::new();
    // Keys before any section header are kept under "" and ignored.
    let mut current = String::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            let name = inner.strip_suffix(']').ok_or_else(|| syntax(index, line))?;
            current = name.trim().to_ascii_lowercase();
            sections.entry(current.clone()).or_default();
            continue;
        }
        let split = line.find(['=', ':']).ok_or_else(|| syntax(index, line))?;
        let key = line[..split].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(syntax(index, line));
        }
        let value = unquote(line[split + 1..].trim());
        sections
            .entry(current.clone())
            .or_default()
            .insert(key, value.to_owned());
    }
    Ok(sections)
}

fn syntax(index: usize, line: &str) -> IniError {
    IniError::Syntax {
        line: index + 1,
        text: safe_text(line),
    }
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

fn required<'a>(sections: &'a Sections, section: &str, key: &str) -> Result<&'a str, IniError> {
    let keys = sections
        .get(section)
        .ok_or_else(|| IniError::MissingSection(section.to_owned()))?;
    keys.get(key)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| IniError::MissingKey {
            section: section.to_owned(),
            key: key.to_owned(),
        })
}

fn url(sections: &Sections, section: &str) -> Result<String, IniError> {
    let value = required(sections, section, "url")?;
    base_url(value).ok_or_else(|| IniError::BadUrl {
        section: section.to_owned(),
        value: safe_text(value),
    })
}

fn bad_number(key: &str, value: &str) -> IniError {
    IniError::BadNumber {
        section: "global".to_owned(),
        key: key.to_owned(),
        value: safe_text(value),
    }
}

fn out_of_range(key: &str, value: &str, range: String) -> IniError {
    IniError::OutOfRange {
        section: "global".to_owned(),
        key: key.to_owned(),
        value: safe_text(value),
        range,
    }
}

/// At least one attempt, at most [`MAX_RETRIES`].
fn parse_retries(value: &str) -> Result<u32, IniError> {
    let retries: u32 = value.parse().map_err(|_| bad_number("retries", value))?;
    if (1..=MAX_RETRIES).contains(&retries) {
        Ok(retries)
    } else {
        Err(out_of_range("retries", value, format!("1..={MAX_RETRIES}")))
    }
}

/// Seconds, decimals allowed (`0.5`), to whole milliseconds, at most [`MAX_DELAY`].
fn parse_delay(value: &str) -> Result<u64, IniError> {
    let ms = decimal_nanos(value)
        .map(nanos_to_ms)
        .ok_or_else(|| bad_number("delay", value))?;
    if ms <= MAX_DELAY.0 {
        Ok(ms)
    } else {
        let range = format!("0..={} s", MAX_DELAY.0 / 1000);
        Err(out_of_range("delay", value, range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn sample() -> String {
        format!(
            "[hotel]\nurl = https://example.test/hotel/api/\nkey = {KEY}\n\n\
             [band]\nurl = http://127.0.0.1:8080/band/api\nkey = {KEY}\n\n\
             [global]\nretries = 3\ndelay   = 0.5\n"
        )
    }

    #[test]
    fn parses_the_course_file() {
        let ini = ApiIni::parse(&sample()).expect("valid");
        assert_eq!(ini.hotel_url, "https://example.test/hotel/api");
        assert_eq!(ini.band_url, "http://127.0.0.1:8080/band/api");
        assert_eq!(ini.hotel_key, KEY);
        assert_eq!(ini.retries, Some(3));
        assert_eq!(ini.delay_ms, Some(500));
        assert!(!format!("{ini:?}").contains(KEY));
        assert_eq!(ini.delay(), Some(Millis(1000)), "raised to the 1 s rule");
    }

    #[test]
    fn an_upper_case_scheme_imports_as_the_page_saves_it() {
        let text = sample().replace("https://example.test", "HTTPS://example.test");
        let ini = ApiIni::parse(&text).expect("valid");
        assert_eq!(ini.hotel_url, "https://example.test/hotel/api");
        assert_eq!(base_url(&ini.hotel_url).as_ref(), Some(&ini.hotel_url));
    }

    #[test]
    fn tolerates_user_variations() {
        let text = format!(
            "\u{feff}; my keys\r\n[ HOTEL ]\r\nURL: \"https://h.test/api\"\r\nKey={KEY}\r\n\
             [band]\r\n# note\r\nurl = https://b.test/api\r\nkey = '{KEY}'\r\n"
        );
        let ini = ApiIni::parse(&text).expect("valid");
        assert_eq!(ini.hotel_url, "https://h.test/api");
        assert_eq!(ini.band_key, KEY);
        assert_eq!(ini.retries, None);
        assert_eq!(ini.delay_ms, None);
    }

    #[test]
    fn a_key_given_twice_keeps_its_last_value_and_a_section_given_twice_is_one() {
        let text = format!(
            "retries = 9\n[hotel]\nurl = https://old.test/api\n[band]\nurl = https://b.test/api\n\
             key = {KEY}\n[hotel]\nkey = {KEY}\nurl = https://new.test/api\n[global]\nretries = 4\n"
        );
        let ini = ApiIni::parse(&text).expect("valid");
        assert_eq!(ini.hotel_url, "https://new.test/api");
        assert_eq!(ini.hotel_key, KEY, "the second [hotel] adds to the first");
        assert_eq!(ini.retries, Some(4), "a key before any section is ignored");
    }

    #[test]
    fn precise_errors() {
        let no_band = sample().replace("[band]", "[bandx]");
        assert_eq!(
            ApiIni::parse(&no_band),
            Err(IniError::MissingSection("band".into()))
        );
        let no_key = sample().replacen(&format!("key = {KEY}"), "", 1);
        assert_eq!(
            ApiIni::parse(&no_key),
            Err(IniError::MissingKey {
                section: "hotel".into(),
                key: "key".into()
            })
        );
        let ftp = sample().replace("https://example.test", "ftp://example.test");
        assert!(matches!(ApiIni::parse(&ftp), Err(IniError::BadUrl { .. })));
        let bad_delay = sample().replace("0.5", "-1");
        assert!(matches!(
            ApiIni::parse(&bad_delay),
            Err(IniError::BadNumber { key, .. }) if key == "delay"
        ));
        let retries = |value: &str| {
            ApiIni::parse(&sample().replace("retries = 3", &format!("retries = {value}")))
        };
        assert!(matches!(
            retries("three"),
            Err(IniError::BadNumber { key, .. }) if key == "retries"
        ));
        for value in ["0", "11"] {
            let error = retries(value).expect_err(value);
            assert_eq!(
                error.to_string(),
                format!("[global] retries: `{value}` is outside 1..=10")
            );
        }
        assert_eq!(retries("10").map(|ini| ini.retries), Ok(Some(MAX_RETRIES)));
        let delay = |value: &str| ApiIni::parse(&sample().replace("0.5", value));
        assert!(delay("3600").is_ok());
        assert!(delay("3600.0004").is_ok(), "read to the millisecond");
        assert!(matches!(
            delay("3600.0005"),
            Err(IniError::OutOfRange { key, .. }) if key == "delay"
        ));
        let garbage = format!("[hotel]\nkey {KEY}\n");
        let error = ApiIni::parse(&garbage).expect_err("no = sign");
        assert!(matches!(error, IniError::Syntax { line: 2, .. }));
        assert!(!error.to_string().contains(KEY));
    }
}
