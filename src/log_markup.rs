//! The two logs as HTML markup (`inner_html`) rather than a keyed list of reactive nodes:
//! each keyed list is its own copy of Leptos' diffing code in the wasm, and a log only ever
//! appends and drops its oldest lines. Unlike the timeline's SVG, log text comes from servers
//! and users (messages, paths), so every text is escaped.

use std::collections::VecDeque;
use std::fmt::Write as _;

use crate::board::{LogLine, RequestRow};

/// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped: safe as element text and as a
/// quoted attribute value.
fn escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `<li><time>…</time> …</li>` per line, oldest first.
pub(crate) fn activity(lines: &VecDeque<LogLine>) -> String {
    let mut out = String::with_capacity(lines.len() * 64);
    for line in lines {
        out.push_str("<li><time>");
        escaped(&mut out, &line.time);
        out.push_str("</time> ");
        escaped(&mut out, &line.text);
        out.push_str("</li>");
    }
    out
}

/// One `<tr>` per request, oldest first: time, service, method, path, status, ms, attempt.
pub(crate) fn requests(rows: &VecDeque<RequestRow>) -> String {
    let mut out = String::with_capacity(rows.len() * 160);
    for row in rows {
        let class = if row.status.starts_with('2') {
            "ok"
        } else {
            "fail"
        };
        let _ = write!(out, r#"<tr class="{class}"><td>"#);
        escaped(&mut out, &row.time);
        let _ = write!(out, "</td><td>{}</td><td>", row.service.name());
        escaped(&mut out, row.method);
        out.push_str("</td><td>");
        escaped(&mut out, &row.path);
        out.push_str("</td><td>");
        escaped(&mut out, &row.status);
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            r#"</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            row.latency_ms, row.attempt
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use hotelband_core::Service;

    use super::*;

    #[test]
    fn activity_lines_are_escaped_list_items() {
        let lines = VecDeque::from([
            LogLine {
                seq: 1,
                time: "12:00:01".into(),
                text: "held slot 3".into(),
            },
            LogLine {
                seq: 2,
                time: "12:00:02".into(),
                text: r#"the hotel failed: 500 <b>"x" & 'y'</b>"#.into(),
            },
        ]);
        assert_eq!(
            activity(&lines),
            "<li><time>12:00:01</time> held slot 3</li>\
             <li><time>12:00:02</time> the hotel failed: 500 \
             &lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</li>"
        );
        assert_eq!(activity(&VecDeque::new()), "");
    }

    #[test]
    fn request_rows_have_seven_cells_and_a_status_class() {
        let row = |status: &str, path: &str| RequestRow {
            seq: 1,
            time: "12:00:03".into(),
            service: Service::Band,
            method: "POST",
            path: path.into(),
            status: status.into(),
            latency_ms: 42,
            attempt: 2,
        };
        let rows = VecDeque::from([row("201", "/reservation/7"), row("timeout", "/a<b")]);
        assert_eq!(
            requests(&rows),
            "<tr class=\"ok\"><td>12:00:03</td><td>band</td><td>POST</td>\
             <td>/reservation/7</td><td>201</td><td class=\"num\">42</td>\
             <td class=\"num\">2</td></tr>\
             <tr class=\"fail\"><td>12:00:03</td><td>band</td><td>POST</td>\
             <td>/a&lt;b</td><td>timeout</td><td class=\"num\">42</td>\
             <td class=\"num\">2</td></tr>"
        );
    }
}
