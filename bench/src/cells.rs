//! How the report writes one table cell: a number, a ratio, a share of openings.

use crate::openings::Openings;
use crate::oracle::Yardstick;

/// `value` with `decimals`, or "-".
pub(crate) fn opt(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) => format!("{v:.decimals$}"),
        None => "-".to_owned(),
    }
}

/// A ratio as "x1.23", or "-".
pub(crate) fn times(value: Option<f64>) -> String {
    value.map_or("-".to_owned(), |v| format!("x{v:.2}"))
}

/// "held/seen (share %)", or "-" without openings.
pub(crate) fn share(openings: Openings) -> String {
    match openings.share() {
        Some(share) => format!(
            "{}/{} ({:.0} %)",
            openings.held,
            openings.seen,
            share * 100.0
        ),
        None => "-".to_owned(),
    }
}

/// "held/holdable (share %)" of the openings the oracle held, or "-" without any.
pub(crate) fn of_oracle(yardstick: Yardstick) -> String {
    match yardstick.share() {
        Some(share) => format!(
            "{}/{} ({:.0} %)",
            yardstick.held,
            yardstick.holdable,
            share * 100.0
        ),
        None => "-".to_owned(),
    }
}
