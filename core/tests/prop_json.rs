//! Property tests of the core's JSON reader (`json`), which reads every body a server
//! sends: it accepts and refuses the same texts as serde_json, and what it writes reads back.

use hotelband_core::json::{self, Value};
use proptest::prelude::*;

/// JSON's tokens, and the pieces of them a broken body has.
fn token() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("["),
        Just("]"),
        Just("{"),
        Just("}"),
        Just(","),
        Just(":"),
        Just(" "),
        Just("\""),
        Just("\\"),
        Just("\\ud83d"),
        Just("0"),
        Just("-"),
        Just("."),
        Just("e"),
        Just("+"),
        Just("true"),
        Just("nul"),
    ]
}

/// A valid text with one token inserted or one character removed: mostly almost-JSON.
fn broken() -> impl Strategy<Value = String> {
    (
        value(),
        any::<prop::sample::Index>(),
        token(),
        any::<bool>(),
    )
        .prop_map(|(v, at, token, insert)| {
            let mut text = v.to_json();
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let i = bounds[at.index(bounds.len())];
            if insert {
                text.insert_str(i, token);
            } else if i < text.len() {
                text.remove(i);
            }
            text
        })
}

/// A JSON number in every form the grammar has.
fn number() -> impl Strategy<Value = Value> {
    "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?".prop_map(Value::Number)
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        number(),
        "\\PC{0,8}".prop_map(Value::String),
        "[\\x00-\\x1f\"\\\\/]{0,4}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("\\PC{0,4}", inner), 0..4).prop_map(Value::Object),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn accepts_what_serde_json_accepts(text in broken()) {
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        // serde_json refuses numbers beyond f64's range; the reader keeps a number's text, and
        // only whole numbers are ever read from it (`1e400` is no slot id either way).
        let out_of_range = theirs.as_ref().is_err_and(|e| e.to_string().contains("out of range"));
        prop_assume!(!out_of_range);
        prop_assert_eq!(json::parse(&text).is_ok(), theirs.is_ok(), "{:?}", text);
    }

    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = json::parse(&text);
    }

    #[test]
    fn what_it_writes_reads_back_and_serde_json_reads_it_too(v in value()) {
        let text = v.to_json();
        prop_assert_eq!(json::parse(&text), Ok(v), "{}", text);
        prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{}", text);
    }
}
