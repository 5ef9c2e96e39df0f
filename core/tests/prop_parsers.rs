//! Property tests: the api.ini parser, slot parsing and outcome classification never panic,
//! accept what they should, and never put the API key in a message.

use hotelband_core::{ApiIni, MAX_RETRIES, Op, Outcome, Slot, classify};
use proptest::prelude::*;

fn key() -> impl Strategy<Value = String> {
    "[0-9a-f]{64}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn ini_never_panics(text in "\\PC{0,400}") {
        let _ = ApiIni::parse(&text);
    }

    #[test]
    fn ini_round_trips_valid_files(
        hotel_key in key(),
        band_key in key(),
        host in "[a-z]{1,12}(\\.[a-z]{2,5}){0,2}",
        retries in 1..=MAX_RETRIES,
        delay_ms in 0u64..5000,
        crlf in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let text = [
            "[hotel]".to_owned(),
            format!("url = https://{host}/hotel/api"),
            format!("key = {hotel_key}"),
            String::new(),
            "[band]".to_owned(),
            format!("url=http://{host}:8080/band/api/"),
            format!("key={band_key}"),
            "[global]".to_owned(),
            format!("retries = {retries}"),
            format!("delay = {}.{:03}", delay_ms / 1000, delay_ms % 1000),
        ]
        .join(nl);
        let ini = ApiIni::parse(&text).expect("valid file");
        prop_assert_eq!(ini.hotel_url, format!("https://{host}/hotel/api"));
        prop_assert_eq!(ini.band_url, format!("http://{host}:8080/band/api"));
        prop_assert_eq!(&ini.hotel_key, &hotel_key);
        prop_assert_eq!(ini.retries, Some(retries));
        prop_assert_eq!(ini.delay_ms, Some(delay_ms));
    }

    #[test]
    fn ini_errors_never_show_the_key(hotel_key in key(), junk in "[ a-z=:\\[\\]]{0,20}") {
        let text = format!("[hotel]\n{junk} {hotel_key}\nurl = ftp://{hotel_key}\n");
        if let Err(error) = ApiIni::parse(&text) {
            prop_assert!(!error.to_string().contains(&hotel_key), "{}", error);
            let debug = format!("{:?}", error);
            prop_assert!(!debug.contains(&hotel_key));
        }
    }

    #[test]
    fn slot_parsing_matches_the_number(n in 0u32..100_000, pad in "[ ]{0,2}") {
        let parsed = format!("{pad}{n}{pad}").parse::<Slot>();
        match u16::try_from(n) {
            Ok(0) | Err(_) => prop_assert!(parsed.is_err()),
            Ok(n) => prop_assert_eq!(parsed.map(Slot::get), Ok(n)),
        }
    }

    #[test]
    fn slot_parsing_never_panics(text in "\\PC{0,12}") {
        if let Ok(slot) = text.parse::<Slot>() {
            prop_assert!(slot.get() >= 1);
        }
    }

    #[test]
    fn classify_never_panics_and_hides_the_key(
        status in 100u16..600,
        body in "\\PC{0,300}",
        reason in "\\PC{0,30}",
        key in key(),
        echo in 0usize..4,
        op in prop_oneof![
            Just(Op::Available),
            Just(Op::Holds),
            (1u16..300).prop_map(|n| Op::Reserve(Slot::new(n).expect("non-zero"))),
            (1u16..300).prop_map(|n| Op::Cancel(Slot::new(n).expect("non-zero"))),
        ],
    ) {
        // Hostile servers echo the Authorization header in every shape.
        let body = match echo {
            0 => body,
            1 => format!(r#"{{"code":{status},"message":"bad token {key}"}}"#),
            2 => format!("<html><pre>Authorization: Bearer {key}</pre>{body}</html>"),
            _ => format!("{body}{key}"),
        };
        let outcome = Outcome::Http { status, reason, retry_after: Some(body.clone()), body };
        if let Err(error) = classify(op, &outcome) {
            let text = error.to_string();
            prop_assert!(!text.contains(&key), "{}", text);
            let debug = format!("{:?}", error);
            prop_assert!(!debug.contains(&key));
            prop_assert!(text.chars().count() < 200, "{}", text);
        }
        let network = Outcome::Network(format!("failed: Bearer {key}"));
        let error = classify(op, &network).expect_err("network is an error");
        prop_assert!(!error.to_string().contains(&key));
    }

    #[test]
    fn slot_lists_decode_strings_or_numbers(ids in proptest::collection::vec(1u16..1000, 0..30), quoted in any::<bool>()) {
        let items: Vec<String> = ids
            .iter()
            .map(|id| if quoted { format!(r#"{{"id":"{id}"}}"#) } else { format!(r#"{{"id":{id}}}"#) })
            .collect();
        let outcome = Outcome::Http {
            status: 200,
            reason: "OK".into(),
            retry_after: None,
            body: format!("[{}]", items.join(",")),
        };
        let mut expected: Vec<u16> = ids.clone();
        expected.sort_unstable();
        expected.dedup();
        match classify(Op::Available, &outcome) {
            Ok(hotelband_core::Reply::Slots(slots)) => {
                prop_assert_eq!(slots.iter().map(|s| s.get()).collect::<Vec<_>>(), expected);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }
}
