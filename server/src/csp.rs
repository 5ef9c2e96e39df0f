//! The page's Content-Security-Policy. Scripts come only from the emulator's own origin, except
//! the inline module script trunk writes into `index.html` to start the wasm, allowed by its
//! SHA-256; wasm may be compiled (`'wasm-unsafe-eval'`); requests may go to any http(s) URL,
//! because the settings name the services' URLs; no plugins, no `<base>`, no framing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

/// The policy for a page whose markup is `html`.
pub(crate) fn policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .iter()
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         connect-src 'self' http: https:; img-src 'self' data:; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'"
    )
}

/// The text of each `<script>` element without a `src`, as the browser hashes it: the
/// characters between the start tag and `</script` (a script's text has no entities or
/// comments), with line breaks normalised to `\n` as the HTML parser does. Comments outside
/// scripts are skipped.
fn inline_scripts(html: &str) -> Vec<String> {
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut at = 0;
    loop {
        let next_comment = lower[at..].find("<!--").map(|i| at + i);
        let Some(tag) = lower[at..].find("<script").map(|i| at + i) else {
            return scripts;
        };
        if let Some(comment) = next_comment.filter(|&c| c < tag) {
            match lower[comment + 4..].find("-->") {
                Some(end) => at = comment + 4 + end + 3,
                None => return scripts,
            }
            continue;
        }
        let Some(text) = lower[tag..].find('>').map(|i| tag + i + 1) else {
            return scripts;
        };
        let Some(end) = lower[text..].find("</script").map(|i| text + i) else {
            return scripts;
        };
        let attributes = &lower[tag + "<script".len()..text - 1];
        let has_src = attributes
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .any(|attribute| attribute == "src" || attribute.starts_with("src="));
        if !has_src {
            scripts.push(html[text..end].replace("\r\n", "\n").replace('\r', "\n"));
        }
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of trunk 0.21's output: a modulepreload link and the inline loader.
    const TRUNK_PAGE: &str = "<!doctype html><html><head>\
        <link rel=\"modulepreload\" href=\"/hotelband-1a2b3c4d5e6f7a8b.js\" integrity=\"sha384-x\">\
        <script type=\"module\">\nimport init from '/hotelband-1a2b3c4d5e6f7a8b.js';\n\
        const wasm = await init({ module_or_path: '/hotelband-1a2b3c4d5e6f7a8b_bg.wasm' });\n\
        </script></head><body></body></html>";

    #[test]
    fn finds_the_inline_loader_and_nothing_else() {
        let scripts = inline_scripts(TRUNK_PAGE);
        assert_eq!(scripts.len(), 1);
        assert!(scripts[0].starts_with("\nimport init from"), "{scripts:?}");
        assert!(scripts[0].ends_with("_bg.wasm' });\n"), "{scripts:?}");
    }

    #[test]
    fn external_scripts_and_commented_ones_are_not_inline_scripts() {
        let html = "<script src=\"/a.js\"></script><SCRIPT type=module SRC=/b.js></SCRIPT>\
            <!-- <script>old()</script> --><script defer src=/c.js />x</script>\
            <Script>one()</Script ><script\ttype=\"module\">two()</script>";
        assert_eq!(inline_scripts(html), ["one()", "two()"]);
    }

    #[test]
    fn line_breaks_are_hashed_as_the_parser_reads_them() {
        assert_eq!(inline_scripts("<script>a\r\nb\rc</script>"), ["a\nb\nc"]);
    }

    #[test]
    fn the_policy_allows_each_inline_script_by_its_hash() {
        // `echo -n 'alert(1)' | openssl sha256 -binary | base64`
        let policy = policy("<script>alert(1)</script>");
        assert!(
            policy.contains(
                "script-src 'self' 'wasm-unsafe-eval' \
                 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
            ),
            "{policy}"
        );
        let none = super::policy("<p>no scripts</p>");
        assert!(
            none.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{none}"
        );
        for directive in [
            "default-src 'self'",
            "connect-src 'self' http: https:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(none.contains(directive), "{directive} in {none}");
        }
        assert!(!none.contains("unsafe-inline"), "{none}");
    }
}
