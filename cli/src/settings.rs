//! Where the services are and how to talk to them, from `--ini FILE` (the core's `api.ini`
//! parser, so the same errors as the page) or from `--hotel-url`/`--band-url` with the keys in
//! the environment; then `--delay`, `--retries`, `--window` and `--proxy` on top.

use std::fmt;
use std::path::PathBuf;

use hotelband_core::{ApiIni, Config, IniError, Service, base_url, is_http_url};

use crate::args::Global;
use crate::http::Endpoint;

/// The environment variables holding the keys, indexed by [`Service::index`].
pub const KEY_VARS: [&str; 2] = ["HOTELBAND_HOTEL_KEY", "HOTELBAND_BAND_KEY"];

/// Everything a command needs to reach the services.
#[derive(Debug)]
pub struct Settings {
    /// Hotel, band: base URL (proxy prefix in front) and key.
    pub endpoints: [Endpoint; 2],
    /// The core's settings.
    pub core: Config,
}

/// Why the settings could not be made; none of these shows a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// Neither `--ini` nor both URLs were given.
    #[error(
        "no services configured: give --ini FILE (the course's api.ini), or --hotel-url and \
         --band-url with the keys in HOTELBAND_HOTEL_KEY and HOTELBAND_BAND_KEY"
    )]
    Nothing,
    /// One of the two URLs is missing.
    #[error("--{0}-url is missing (both --hotel-url and --band-url are needed without --ini)")]
    MissingUrl(Service),
    /// A URL flag is not an http(s) URL.
    #[error("--{flag}: `{value}` is not an http(s) URL")]
    BadUrl {
        /// The flag, without dashes.
        flag: &'static str,
        /// What was given (URLs are not secrets; keys never go in them here).
        value: String,
    },
    /// A key's environment variable is unset or empty.
    #[error("{0} is not set (the {service} key is read from it, never from the command line)", service = key_service(.0))]
    MissingKey(&'static str),
    /// The api.ini could not be read.
    #[error("cannot read {path}: {reason}")]
    Unreadable {
        /// The file.
        path: ShownPath,
        /// What the OS said.
        reason: String,
    },
    /// The api.ini was read but refused.
    #[error("{path}: {error}")]
    Ini {
        /// The file.
        path: ShownPath,
        /// What is wrong, naming the line or the key (never a key's value).
        error: IniError,
    },
}

/// A path, shown as the user typed it.
#[derive(Debug)]
pub struct ShownPath(PathBuf);

impl fmt::Display for ShownPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.display().fmt(f)
    }
}

fn key_service(var: &str) -> &'static str {
    if var == KEY_VARS[0] { "hotel" } else { "band" }
}

/// Resolves the settings; `env` reads an environment variable (the process's, or a test's).
pub fn resolve(
    args: &Global,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Settings, SettingsError> {
    let (urls, keys, mut core) = match &args.ini {
        Some(path) => from_ini(path)?,
        None => from_flags(args, &env)?,
    };
    if let Some(delay) = args.delay {
        core.delay = delay;
    }
    if let Some(retries) = args.retries {
        core.retries = retries;
    }
    if let Some(window) = args.window {
        core.window = window;
    }
    if let Some(avoid) = &args.avoid {
        core.avoid = avoid.clone();
    }
    core.seed = jitter_seed();
    let prefix = match &args.proxy {
        Some(prefix) if is_http_url(prefix.trim()) => prefix.trim().to_owned(),
        Some(prefix) => {
            return Err(SettingsError::BadUrl {
                flag: "proxy",
                value: prefix.clone(),
            });
        }
        None => String::new(),
    };
    let [hotel, band] = urls;
    let [hotel_key, band_key] = keys;
    let endpoint = |url: String, key: String| Endpoint {
        // The page puts the prefix in front of the whole URL in the same way.
        base: format!("{prefix}{url}"),
        key,
    };
    Ok(Settings {
        endpoints: [endpoint(hotel, hotel_key), endpoint(band, band_key)],
        core,
    })
}

type Parts = ([String; 2], [String; 2], Config);

fn from_ini(path: &std::path::Path) -> Result<Parts, SettingsError> {
    let shown = || ShownPath(path.to_path_buf());
    let text = std::fs::read_to_string(path).map_err(|error| SettingsError::Unreadable {
        path: shown(),
        reason: error.to_string(),
    })?;
    let ini = ApiIni::parse(&text).map_err(|error| SettingsError::Ini {
        path: shown(),
        error,
    })?;
    let core = Config::default().with_ini(&ini);
    Ok((
        [ini.hotel_url, ini.band_url],
        [ini.hotel_key, ini.band_key],
        core,
    ))
}

fn from_flags(
    args: &Global,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Parts, SettingsError> {
    let (hotel, band) = match (&args.hotel_url, &args.band_url) {
        (None, None) => return Err(SettingsError::Nothing),
        (None, Some(_)) => return Err(SettingsError::MissingUrl(Service::Hotel)),
        (Some(_), None) => return Err(SettingsError::MissingUrl(Service::Band)),
        (Some(hotel), Some(band)) => (hotel, band),
    };
    let url = |flag: &'static str, value: &String| {
        base_url(value.trim()).ok_or_else(|| SettingsError::BadUrl {
            flag,
            value: value.clone(),
        })
    };
    let urls = [url("hotel-url", hotel)?, url("band-url", band)?];
    let key = |var: &'static str| {
        env(var)
            .map(|key| key.trim().to_owned())
            .filter(|key| !key.is_empty())
            .ok_or(SettingsError::MissingKey(var))
    };
    let keys = [key(KEY_VARS[0])?, key(KEY_VARS[1])?];
    Ok((urls, keys, Config::default()))
}

/// The jitter's seed: the core takes no OS randomness, so the shell supplies some, and two
/// processes started together then spread their retries apart.
fn jitter_seed() -> u64 {
    // Without OS randomness the jitter still works, only the same for every process.
    getrandom::u64().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::Cli;

    const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn global(args: &[&str]) -> Global {
        let mut all = vec!["hotelband"];
        all.extend_from_slice(args);
        all.push("mine");
        Cli::try_parse_from(all).expect("valid arguments").global
    }

    fn keys(var: &str) -> Option<String> {
        KEY_VARS.contains(&var).then(|| KEY.to_owned())
    }

    #[test]
    fn urls_and_keys_from_flags_and_the_environment() {
        let args = global(&[
            "--hotel-url",
            "http://127.0.0.1:9/hotel/api/",
            "--band-url",
            "https://b.test/api",
            "--delay",
            "2",
            "--retries",
            "5",
            "--window",
            "40",
            "--proxy",
            "http://127.0.0.1:8080/proxy/",
        ]);
        let settings = resolve(&args, keys).expect("complete");
        let [hotel, band] = &settings.endpoints;
        assert_eq!(
            hotel.base,
            "http://127.0.0.1:8080/proxy/http://127.0.0.1:9/hotel/api"
        );
        assert_eq!(band.base, "http://127.0.0.1:8080/proxy/https://b.test/api");
        assert_eq!(hotel.key, KEY);
        assert_eq!(settings.core.delay.0, 2000);
        assert_eq!(settings.core.retries, 5);
        assert_eq!(settings.core.window, 40);
        assert!(!format!("{settings:?}").contains(KEY));
    }

    #[test]
    fn what_is_missing_is_named() {
        let none = resolve(&global(&[]), keys).expect_err("nothing given");
        assert!(matches!(none, SettingsError::Nothing));
        let one = resolve(&global(&["--hotel-url", "http://h.test"]), keys).expect_err("one");
        assert_eq!(one.to_string().split(' ').next(), Some("--band-url"));
        let both = global(&[
            "--hotel-url",
            "http://h.test",
            "--band-url",
            "http://b.test",
        ]);
        let no_band_key = |var: &str| (var == KEY_VARS[0]).then(|| KEY.to_owned());
        let error = resolve(&both, no_band_key).expect_err("no band key");
        assert!(
            error
                .to_string()
                .starts_with("HOTELBAND_BAND_KEY is not set (the band key")
        );
        let ftp = global(&["--hotel-url", "ftp://h.test", "--band-url", "http://b.test"]);
        assert!(matches!(
            resolve(&ftp, keys),
            Err(SettingsError::BadUrl {
                flag: "hotel-url",
                ..
            })
        ));
        let proxy = global(&[
            "--hotel-url",
            "http://h",
            "--band-url",
            "http://b",
            "--proxy",
            "x",
        ]);
        assert!(matches!(
            resolve(&proxy, keys),
            Err(SettingsError::BadUrl { flag: "proxy", .. })
        ));
    }
}
