//! The `api.ini` file users already have.
//!
//! SKELETON: types are the contract; the parser is to be filled by the core issue.

/// The parsed `api.ini`: a base URL and key per service, and the global settings.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    MissingKey { section: String, key: String },
    /// A number could not be read.
    #[error("[{section}] {key}: `{value}` is not a valid number")]
    BadNumber {
        section: String,
        key: String,
        value: String,
    },
    /// A URL is not http(s).
    #[error("[{section}] url: `{value}` is not an http(s) URL")]
    BadUrl { section: String, value: String },
    /// A line is neither a section, a `key = value` pair, a comment nor blank.
    #[error("line {line}: cannot read `{text}`")]
    Syntax { line: usize, text: String },
}

impl ApiIni {
    /// Parses the text of an `api.ini` as users have it.
    pub fn parse(text: &str) -> Result<ApiIni, IniError> {
        let _ = text;
        todo!("core issue")
    }
}
