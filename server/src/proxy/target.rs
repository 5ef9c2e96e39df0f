//! The target of `/proxy/<absolute URL>`: the URL raw or percent-encoded as a whole, http(s)
//! only, without userinfo.

use axum::extract::Request;
use url::Url;

/// Why the text after `/proxy/` is not a target.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum BadTarget {
    /// Not an absolute http(s) URL.
    NotAUrl,
    /// `user:password@host`.
    UserInfo,
}

/// The absolute URL after `/proxy/` (raw or percent-encoded as a whole), without userinfo.
pub(super) fn target(request: &Request) -> Result<Url, BadTarget> {
    let url = parse_target(request).ok_or(BadTarget::NotAUrl)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BadTarget::UserInfo);
    }
    Ok(url)
}

fn parse_target(request: &Request) -> Option<Url> {
    let raw = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())?
        .strip_prefix("/proxy/")?;
    let decoded;
    let text = if raw.contains("://") {
        raw
    } else {
        decoded = percent_decode(raw)?;
        &decoded
    };
    let url = Url::parse(text).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// `s` with its `%XX` escapes decoded; `None` if one is malformed (`%zz`, a `%` at the end),
/// which `percent_decode_str` alone would keep as text, or if the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let well_formed = s.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    Some(decoded.into_owned())
}

/// `host[:port]` as shown in messages (never the path or query, which might carry secrets).
pub(super) fn shown_host(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("http%3A%2F%2Fa%2Fb").as_deref(),
            Some("http://a/b")
        );
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("a%"), None);
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
        assert_eq!(percent_decode("plain").as_deref(), Some("plain"));
    }
}
