//! Turning untrusted text (bodies, reason phrases, network errors) into short, safe messages.

/// Messages shown to the user are cut to this many characters: a line in the activity log.
pub(crate) const MAX_MESSAGE_CHARS: usize = 120;

/// A run of this many hex digits (or more) is treated as a secret: API keys are 64 hex digits,
/// and nothing the user needs to read is that long.
const SECRET_HEX_RUN: usize = 20;

/// Plain one-line text: HTML tags and entities dropped, control characters and runs of
/// whitespace collapsed to one space, secrets redacted, at most [`MAX_MESSAGE_CHARS`].
pub(crate) fn safe_text(raw: &str) -> String {
    let plain = strip_tags(raw);
    let collapsed = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let redacted = redact(&collapsed);
    truncate(&redacted, MAX_MESSAGE_CHARS)
}

/// Drops everything between `<` and `>`, and `<script>`/`<style>` contents, and common entities.
fn strip_tags(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(4096));
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let tag = &rest[start..];
        let lower_prefix: String = tag.chars().take(8).collect::<String>().to_ascii_lowercase();
        // Script and style bodies are code, not text.
        let skip_to = if lower_prefix.starts_with("<script") {
            find_ci(tag, "</script>")
        } else if lower_prefix.starts_with("<style") {
            find_ci(tag, "</style>")
        } else {
            None
        };
        let after = skip_to.map_or(tag, |end| &tag[end..]);
        match after.find('>') {
            Some(end) => rest = &after[end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

/// The entities error pages use most, and what they stand for.
const ENTITIES: [(&str, &str); 6] = [
    ("&nbsp;", " "),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", "\""),
    ("&#39;", "'"),
    ("&amp;", "&"),
];

/// [`ENTITIES`] decoded in one pass: `&amp;lt;` is `&lt;`, not `<`.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match ENTITIES.iter().find(|(entity, _)| rest.starts_with(entity)) {
            Some((entity, plain)) => {
                out.push_str(plain);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let hay = haystack.as_bytes();
    let needle = needle.as_bytes();
    hay.windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// Replaces long hex runs and whatever follows `Bearer` with `[redacted]`.
pub(crate) fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut words = text.split(' ').peekable();
    let mut first = true;
    while let Some(word) = words.next() {
        if !first {
            out.push(' ');
        }
        first = false;
        if word.eq_ignore_ascii_case("bearer") || word.to_ascii_lowercase().ends_with("bearer") {
            out.push_str(word);
            if words.peek().is_some() {
                words.next();
                out.push_str(" [redacted]");
            }
            continue;
        }
        out.push_str(&redact_hex_runs(word));
    }
    out
}

fn redact_hex_runs(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    for c in word.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        flush_run(&mut out, &mut run);
        out.push(c);
    }
    flush_run(&mut out, &mut run);
    out
}

fn flush_run(out: &mut String, run: &mut String) {
    if run.len() >= SECRET_HEX_RUN {
        out.push_str("[redacted]");
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// At most `max` characters, with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_html_and_collapses() {
        let html = "<html><head><style>body{x}</style><script>var k=1;</script></head>\
                    <body><h1>502 Bad&nbsp;Gateway</h1>\n<p>nginx</p></body></html>";
        assert_eq!(safe_text(html), "502 Bad Gateway nginx");
    }

    #[test]
    fn redacts_keys_and_bearer_tokens() {
        let key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let text = format!("echo: Authorization: Bearer {key} and key={key}.");
        let safe = safe_text(&text);
        assert!(!safe.contains(key), "{safe}");
        assert!(!safe.contains("0123456789abcdef0123"), "{safe}");
        assert!(safe_text("Bearer hunter2-secret").contains("[redacted]"));
        assert!(!safe_text("Bearer hunter2-secret").contains("hunter2"));
    }

    #[test]
    fn decodes_each_entity_once() {
        assert_eq!(
            decode_entities("a&lt;b&gt; &quot;c&#39; &amp;lt; &amp&nbsp;é&"),
            "a<b> \"c' &lt; &amp é&"
        );
    }

    #[test]
    fn truncates_long_text() {
        let long = "word ".repeat(100);
        let safe = safe_text(&long);
        assert_eq!(safe.chars().count(), MAX_MESSAGE_CHARS);
        assert!(safe.ends_with('…'));
        assert_eq!(safe_text("<unclosed tag and more"), "");
    }
}
