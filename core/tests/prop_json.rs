//! Property tests of how the core reads the bodies a server sends (`classify_lenient`): a list
//! keeps every good id and reports every bad entry, almost-JSON is refused in words, and no text
//! makes it panic.

use hotelband_core::{ApiError, Op, Outcome, Reply, Slot, classify, classify_lenient};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn ok(body: &str) -> Outcome {
    Outcome::Http {
        status: 200,
        reason: String::new(),
        retry_after: None,
        body: body.to_owned(),
    }
}

fn slot(n: u16) -> Slot {
    Slot::new(n).expect("generated slots are non-zero")
}

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

/// A JSON number in every form the grammar has.
fn number() -> impl Strategy<Value = Value> {
    "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?"
        .prop_map(|text| serde_json::from_str(&text).expect("the grammar's numbers are JSON"))
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
            proptest::collection::vec(("\\PC{0,4}", inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// A list body (JSON or not) with one token inserted or one character removed: mostly
/// almost-JSON.
fn broken() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(value(), 0..4),
        any::<prop::sample::Index>(),
        token(),
        any::<bool>(),
    )
        .prop_map(|(items, at, token, insert)| {
            let mut text = Value::Array(items).to_string();
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

/// A list entry as a server may write it, and the slot it names (`None`: a bad entry).
fn entry() -> impl Strategy<Value = (Value, Option<Slot>)> {
    let good = (1..=u16::MAX, 0..3u8, value()).prop_map(|(n, form, extra)| {
        let id = match form {
            0 => json!(n.to_string()),
            1 => json!(format!(" {n} ")),
            _ => json!(n),
        };
        (json!({ "id": id, "extra": extra }), Some(slot(n)))
    });
    let bad_id = prop_oneof![
        Just(json!(0)),
        Just(json!("0")),
        Just(json!(-3)),
        Just(json!(1.5)),
        Just(json!(65_536)),
        Just(Value::Null),
        Just(json!([1])),
        "[a-z/ ]{0,6}".prop_map(Value::String),
    ];
    let bad = prop_oneof![
        bad_id.prop_map(|id| (json!({ "id": id }), None)),
        value().prop_map(|other| (json!({ "other": other }), None)),
    ];
    prop_oneof![3 => good, 1 => bad]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_list_keeps_every_good_id_and_reports_every_bad_entry(
        entries in proptest::collection::vec(entry(), 0..12)
    ) {
        let body = Value::Array(entries.iter().map(|(e, _)| e.clone()).collect()).to_string();
        let mut expected: Vec<Slot> = entries.iter().filter_map(|(_, s)| *s).collect();
        expected.sort_unstable();
        expected.dedup();
        let bad = entries.iter().filter(|(_, s)| s.is_none()).count();
        let (reply, skipped) = classify_lenient(Op::Available, &ok(&body));
        prop_assert_eq!(reply, Ok(Reply::Slots(expected)), "{}", body);
        prop_assert_eq!(skipped.len(), bad, "{}", body);
    }

    #[test]
    fn almost_json_is_read_as_a_list_or_refused_in_words(text in broken()) {
        let parsed = serde_json::from_str::<Value>(&text);
        let is_list = matches!(&parsed, Ok(Value::Array(items)) if items.iter().all(Value::is_object));
        match classify(Op::Holds, &ok(&text)) {
            Ok(Reply::Slots(_)) => prop_assert!(is_list, "{:?}", text),
            Err(ApiError::Decode(why)) => {
                prop_assert!(!is_list, "{:?}", text);
                let prefix = if parsed.is_ok() { "unexpected JSON" } else { "not JSON" };
                prop_assert!(why.starts_with(prefix), "{:?}: {}", text, why);
            }
            other => prop_assert!(false, "{:?}: {:?}", text, other),
        }
    }

    #[test]
    fn a_reserve_reply_names_the_slot_or_is_refused(n in 1..=u16::MAX, id in value()) {
        let body = Value::Object(Map::from_iter([("id".to_owned(), id.clone())])).to_string();
        let names = serde_json::from_value::<Slot>(id).ok();
        let reply = classify(Op::Reserve(slot(n)), &ok(&body));
        if names == Some(slot(n)) {
            prop_assert_eq!(reply, Ok(Reply::Reserved(slot(n))));
        } else {
            prop_assert!(matches!(reply, Err(ApiError::Decode(_))), "{}: {:?}", body, reply);
        }
    }

    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}", status in 100..600u16) {
        for op in [Op::Available, Op::Holds, Op::Reserve(slot(1)), Op::Cancel(slot(1))] {
            let outcome = Outcome::Http {
                status,
                reason: String::new(),
                retry_after: None,
                body: text.clone(),
            };
            let _ = classify_lenient(op, &outcome);
        }
    }
}
