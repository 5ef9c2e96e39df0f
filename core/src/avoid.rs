//! The slots a user cannot make: a set of slot ranges, read and written as people write them
//! ("3, 7-9").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::api::{Slot, SlotError};
use crate::text::safe_text;

/// Slots the planner never reserves (see [`crate::Config::avoid`]).
///
/// Kept as inclusive ranges, ascending, disjoint and never adjacent, so a set has one form:
/// `"9, 7-8, 3"` and `"3,7-9"` are equal and both display as `"3, 7-9"`. Ranges rather than
/// slots, as a range like `100-60000` is a reasonable thing to write. Stored (serde) as the
/// text it displays as.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AvoidSet(Vec<(Slot, Slot)>);

impl AvoidSet {
    /// Nothing avoided.
    #[must_use]
    pub const fn new() -> AvoidSet {
        AvoidSet(Vec::new())
    }

    /// Whether `slot` is avoided.
    #[must_use]
    pub fn contains(&self, slot: Slot) -> bool {
        self.0.iter().any(|&(from, to)| from <= slot && slot <= to)
    }

    /// Whether nothing is avoided.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The largest avoided slot (a shell checks it against the slots it knows of).
    #[must_use]
    pub fn last(&self) -> Option<Slot> {
        self.0.last().map(|&(_, to)| to)
    }

    /// The smallest slot not avoided (`None` when all of 1-65535 are).
    #[must_use]
    pub fn first_allowed(&self) -> Option<Slot> {
        match self.0.first() {
            Some(&(from, to)) if from.get() == 1 => to.get().checked_add(1).and_then(Slot::new),
            _ => Slot::new(1),
        }
    }

    /// The ranges, ascending.
    pub fn ranges(&self) -> impl Iterator<Item = (Slot, Slot)> + '_ {
        self.0.iter().copied()
    }

    /// Avoids `from..=to` as well (nothing if `to < from`), merging it with the ranges it
    /// overlaps or touches.
    pub fn insert_range(&mut self, from: Slot, to: Slot) {
        if to < from {
            return;
        }
        // Ranges that overlap or touch `from..=to` (no slot between them) merge into it; the
        // set's ranges never touch each other, so no other range touches the merged one.
        let touches = |&(a, b): &(Slot, Slot)| {
            a.get() <= to.get().saturating_add(1) && from.get() <= b.get().saturating_add(1)
        };
        let merged = self
            .0
            .iter()
            .filter(|range| touches(range))
            .fold((from, to), |(from, to), &(a, b)| (from.min(a), to.max(b)));
        self.0.retain(|range| !touches(range));
        let (from, to) = merged;
        let at = self.0.partition_point(|&(a, _)| a < from);
        self.0.insert(at, (from, to));
    }
}

impl FromIterator<Slot> for AvoidSet {
    fn from_iter<I: IntoIterator<Item = Slot>>(slots: I) -> AvoidSet {
        let mut set = AvoidSet::new();
        for slot in slots {
            set.insert_range(slot, slot);
        }
        set
    }
}

impl fmt::Display for AvoidSet {
    /// `"3, 7-9"`; nothing for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(from, to)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if from == to {
                write!(f, "{from}")?;
            } else {
                write!(f, "{from}-{to}")?;
            }
        }
        Ok(())
    }
}

/// Why a text is not a list of slots and ranges.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AvoidError {
    /// An item that is neither a slot number nor a range of two.
    #[error("`{0}` is not a slot or a range like 7-9")]
    Malformed(String),
    /// Slot 0, alone or as a range's end.
    #[error("slot 0 does not exist (slots start at 1)")]
    Zero,
    /// A number above 65535.
    #[error("slot number `{0}` is too large")]
    TooLarge(String),
    /// A range written from its end to its start.
    #[error("the range {from}-{to} runs backwards (write {to}-{from})")]
    Backwards {
        /// The first number written.
        from: Slot,
        /// The second, smaller one.
        to: Slot,
    },
}

impl TryFrom<String> for AvoidSet {
    type Error = AvoidError;

    fn try_from(text: String) -> Result<Self, AvoidError> {
        text.parse()
    }
}

impl From<AvoidSet> for String {
    fn from(set: AvoidSet) -> String {
        set.to_string()
    }
}

impl FromStr for AvoidSet {
    type Err = AvoidError;

    /// Slots and ranges separated by commas, spaces allowed: `"3, 7-9"`, `"7-9,3"`, `""` (none).
    /// Empty items (`"3,,7"`, a trailing comma) are skipped.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut set = AvoidSet::new();
        for item in text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let slot = |part: &str| {
                part.parse::<Slot>().map_err(|error| match error {
                    SlotError::Zero => AvoidError::Zero,
                    SlotError::TooLarge(number) => AvoidError::TooLarge(number),
                    _ => AvoidError::Malformed(safe_text(item)),
                })
            };
            let (from, to) = match item.split_once('-') {
                Some((from, to)) => (slot(from)?, slot(to)?),
                None => {
                    let slot = slot(item)?;
                    (slot, slot)
                }
            };
            if to < from {
                return Err(AvoidError::Backwards { from, to });
            }
            set.insert_range(from, to);
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(n: u16) -> Slot {
        Slot::new(n).expect("non-zero")
    }

    fn parse(text: &str) -> Result<AvoidSet, AvoidError> {
        text.parse()
    }

    #[test]
    fn reads_slots_and_ranges_and_writes_them_back_merged() {
        let set = parse(" 9, 3,7-8 ,").expect("valid");
        assert_eq!(set.to_string(), "3, 7-9");
        assert_eq!(parse("3, 7-9"), Ok(set.clone()), "one form per set");
        assert!(set.contains(slot(3)) && set.contains(slot(8)) && set.contains(slot(9)));
        assert!(!set.contains(slot(1)) && !set.contains(slot(4)) && !set.contains(slot(10)));
        assert_eq!(set.last(), Some(slot(9)));
        assert_eq!(set.first_allowed(), Some(slot(1)));
        assert_eq!(
            parse("1-4, 6").expect("valid").first_allowed(),
            Some(slot(5))
        );
        assert_eq!(parse("1-65535").expect("valid").first_allowed(), None);
        assert_eq!(
            parse("1-3, 2-6, 10, 11").expect("valid").to_string(),
            "1-6, 10-11"
        );
        assert_eq!(parse("5-5").expect("valid").to_string(), "5");
        assert_eq!(parse("1-65535").expect("valid").last(), Some(slot(65535)));
        let none = parse(" , ").expect("valid");
        assert!(none.is_empty());
        assert_eq!(none.to_string(), "");
    }

    #[test]
    fn refuses_what_is_not_a_list_of_slots_with_the_reason() {
        assert_eq!(parse("3, 0"), Err(AvoidError::Zero));
        assert_eq!(parse("0-4"), Err(AvoidError::Zero));
        assert_eq!(parse("7-"), Err(AvoidError::Malformed("7-".into())));
        assert_eq!(parse("7-8-9"), Err(AvoidError::Malformed("7-8-9".into())));
        assert_eq!(parse("seven"), Err(AvoidError::Malformed("seven".into())));
        assert_eq!(parse("3 4"), Err(AvoidError::Malformed("3 4".into())));
        assert_eq!(parse("70000"), Err(AvoidError::TooLarge("70000".into())));
        assert_eq!(
            parse("9-7"),
            Err(AvoidError::Backwards {
                from: slot(9),
                to: slot(7)
            })
        );
        assert_eq!(
            AvoidError::Backwards {
                from: slot(9),
                to: slot(7)
            }
            .to_string(),
            "the range 9-7 runs backwards (write 7-9)"
        );
    }

    #[test]
    fn collects_slots_into_ranges() {
        let set: AvoidSet = [5, 3, 4, 9, 1].map(slot).into_iter().collect();
        assert_eq!(set.to_string(), "1, 3-5, 9");
        assert_eq!(
            set.ranges().collect::<Vec<_>>(),
            [(1, 1), (3, 5), (9, 9)].map(|(a, b)| (slot(a), slot(b)))
        );
    }
}
