//! Decimal seconds as people type them (`1`, `1.5`, `.25`), read exactly with integers: the
//! one parser of a delay for the page, the CLI and api.ini, so `1.0005` is 1001 ms everywhere
//! and no float rounding decides whether a value is below the one-second rule.

/// Nanoseconds in a second: the read is exact to the nanosecond.
const NANOS_PER_SEC: u64 = 1_000_000_000;

/// Nanoseconds in a millisecond.
const NANOS_PER_MS: u64 = 1_000_000;

/// `text` as an unsigned decimal number of seconds, in nanoseconds: digits with at most one
/// `.` and at least one digit (the plain decimals `f64` reads; no sign, exponent or spaces).
/// Digits past the ninth decimal are dropped; a value past `u64` saturates, so a range check
/// still refuses it as too large.
pub fn decimal_nanos(text: &str) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let seconds = whole.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    });
    let mut nanos = seconds.saturating_mul(NANOS_PER_SEC);
    let mut unit = NANOS_PER_SEC;
    for b in fraction.bytes().take(9) {
        unit /= 10;
        nanos = nanos.saturating_add(u64::from(b - b'0') * unit);
    }
    Some(nanos)
}

/// Nanoseconds to whole milliseconds, halves rounded up.
pub fn nanos_to_ms(nanos: u64) -> u64 {
    nanos.saturating_add(NANOS_PER_MS / 2) / NANOS_PER_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_are_read_exactly() {
        assert_eq!(decimal_nanos("1"), Some(1_000_000_000));
        assert_eq!(decimal_nanos("1.5"), Some(1_500_000_000));
        assert_eq!(decimal_nanos(".25"), Some(250_000_000));
        assert_eq!(decimal_nanos("2."), Some(2_000_000_000));
        assert_eq!(decimal_nanos("0.0000000019"), Some(1));
        assert_eq!(decimal_nanos("007"), Some(7_000_000_000));
    }

    #[test]
    fn anything_but_a_plain_decimal_is_refused() {
        for bad in [
            "", ".", "1.2.3", "-1", "+1", "1e3", " 1", "1 ", "inf", "NaN", "1,5", "٣",
        ] {
            assert_eq!(decimal_nanos(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_huge_value_saturates_rather_than_wraps() {
        assert_eq!(decimal_nanos("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(decimal_nanos("18446744074"), Some(u64::MAX));
    }

    #[test]
    fn milliseconds_round_half_up() {
        assert_eq!(nanos_to_ms(1_499_999), 1);
        assert_eq!(nanos_to_ms(1_500_000), 2);
        assert_eq!(nanos_to_ms(u64::MAX), u64::MAX / NANOS_PER_MS);
    }
}
