//! A small JSON reader and writer for the few shapes hotelband reads and keeps: the API's
//! `[{"id":"N"}]` lists, `{"id":"N"}` replies and `{"code":..,"message":".."}` error bodies,
//! and the page's stored settings, keys and holds.
//!
//! With serde and serde_json gone from the page, its wasm is 19 KB (gzip) smaller (BENCHMARKS.md,
//! cut 5); a tree of [`Value`]s read by hand costs a fraction of that.

use std::fmt::Write as _;

/// Nesting deeper than this is refused (as serde_json does at 128): the reader recurses, and a
/// hostile body must not exhaust the stack.
const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number as written (its syntax checked); read it with [`Value::as_u64`].
    Number(String),
    /// A string, unescaped.
    String(String),
    /// `[...]`
    Array(Vec<Value>),
    /// `{...}`, members in document order.
    Object(Vec<(String, Value)>),
}

/// Why a text is not JSON.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} at byte {at}")]
pub struct JsonError {
    /// What was wrong.
    pub what: &'static str,
    /// Where, as a byte offset into the text.
    pub at: usize,
}

/// Reads one JSON value; only whitespace may surround it.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.at < reader.bytes.len() {
        return Err(reader.error("trailing characters"));
    }
    Ok(value)
}

impl Value {
    /// The member `key` of an object (the last one if repeated, as serde_json's map keeps);
    /// `None` for a missing key or a value that is not an object.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|m| &m.1),
            _ => None,
        }
    }

    /// The text of a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// A boolean.
    #[must_use]
    pub const fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A non-negative integer written without fraction or exponent that fits in a `u64`.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(text) if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
            _ => None,
        }
    }

    /// The elements of an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is an object.
    #[must_use]
    pub const fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Compact JSON text, as serde_json writes it (no spaces, `/` unescaped).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(text) => out.push_str(text),
            Value::String(text) => write_string(text, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::String(text.to_owned())
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(n.to_string())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Writing to a String cannot fail.
            c if c < ' ' => drop(write!(out, "\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self, what: &'static str) -> JsonError {
        JsonError { what, at: self.at }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Consumes `byte` after optional whitespace, or fails with `what`.
    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), JsonError> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("end of text where a value was expected")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.at += 1; // `[`
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.at += 1; // `{`
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            let key = self.string()?;
            self.expect(b':', "expected `:`")?;
            members.push((key, self.value(depth)?));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1; // `"`
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character as it is: those
            // are ASCII, so the run ends on a char boundary.
            let end = self.bytes[self.at..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < b' ')
                .map(|run| self.at + run)
                .ok_or(JsonError {
                    what: "unterminated string",
                    at: self.bytes.len(),
                })?;
            out.push_str(self.text.get(self.at..end).unwrap_or_default());
            self.at = end;
            match self.bytes[self.at] {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                _ => return Err(self.error("control character in a string")),
            }
        }
    }

    /// The character of the escape after a backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.at += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => return Err(self.error("invalid escape")),
        })
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; a lone surrogate is an error.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.bytes[self.at..].starts_with(b"\\u") {
                return Err(self.error("lone surrogate"));
            }
            self.at += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("lone surrogate"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("lone surrogate"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.at += 4;
        Ok(code)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.some_digits()?;
        }
        // Only ASCII was consumed, so the slice is on char boundaries.
        let text = self.text.get(start..self.at).unwrap_or_default();
        Ok(Value::Number(text.to_owned()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), JsonError> {
        let start = self.at;
        self.digits();
        if self.at == start {
            return Err(self.error("invalid number"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Value {
        Value::Number(text.to_owned())
    }

    #[test]
    fn reads_the_api_shapes() {
        let list = parse(r#" [ {"id":"10"}, {"id": 15, "extra": [true, null]} ] "#);
        assert_eq!(
            list,
            Ok(Value::Array(vec![
                Value::Object(vec![("id".into(), "10".into())]),
                Value::Object(vec![
                    ("id".into(), num("15")),
                    (
                        "extra".into(),
                        Value::Array(vec![Value::Bool(true), Value::Null])
                    ),
                ]),
            ]))
        );
        let error = parse(r#"{"code":409,"message":"slot \"7\" is taken"}"#).expect("valid");
        assert_eq!(
            error.get("message").and_then(Value::as_str),
            Some(r#"slot "7" is taken"#)
        );
        assert_eq!(error.get("code").and_then(Value::as_u64), Some(409));
        assert_eq!(error.get("absent"), None);
        assert_eq!(num("1").get("id"), None);
    }

    #[test]
    fn numbers_keep_their_text_and_only_plain_integers_are_u64() {
        for (text, n) in [
            ("0", Some(0)),
            ("56", Some(56)),
            ("-3", None),
            ("1.5", None),
            ("1e3", None),
            ("18446744073709551616", None),
        ] {
            let value = parse(text).expect(text);
            assert_eq!(value, num(text));
            assert_eq!(value.as_u64(), n, "{text}");
        }
        for bad in ["01", "-", "1.", ".5", "1e", "+1", "0x10"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strings_unescape_and_round_trip() {
        let text = r#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00 é""#;
        let value = parse(text).expect("valid");
        assert_eq!(value, Value::String("a\"b\\c/d\n\té😀 é".into()));
        assert_eq!(parse(&value.to_json()), Ok(value));
        assert_eq!(
            Value::String("\u{1}\u{8}".into()).to_json(),
            r#""\u0001\b""#
        );
        for bad in [
            r#""abc"#,
            "\"a\u{1}b\"",
            r#""\x""#,
            r#""\ud83d""#,
            r#""\u12""#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_compact_json_in_member_order() {
        let value = Value::Object(vec![
            ("b".into(), Value::Array(vec![1u64.into(), 2u64.into()])),
            ("a".into(), "x/y".into()),
            ("c".into(), false.into()),
        ]);
        assert_eq!(value.to_json(), r#"{"b":[1,2],"a":"x/y","c":false}"#);
        assert_eq!(parse(&value.to_json()), Ok(value));
    }

    #[test]
    fn what_is_not_json_is_an_error_not_a_panic() {
        for bad in [
            "",
            "   ",
            "<html>oops</html>",
            "Welcome!",
            "[1,]",
            "[1 2]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            "{1:2}",
            "[1] x",
            "tru",
            "nul",
            "[",
            "{",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep).map_err(|e| e.what), Err("nested too deeply"));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn a_repeated_key_reads_as_the_last_one() {
        let value = parse(r#"{"id":"1","id":"2"}"#).expect("valid");
        assert_eq!(value.get("id").and_then(Value::as_str), Some("2"));
    }
}
