//! Slots kept ascending, each once: a set as a sorted vector.

use crate::api::Slot;

/// Slots, ascending, each once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SlotSet(Vec<Slot>);

impl SlotSet {
    pub(crate) const fn new() -> SlotSet {
        SlotSet(Vec::new())
    }

    /// Adds `slot`; false if it was there already.
    pub(crate) fn insert(&mut self, slot: Slot) -> bool {
        let at = self.0.binary_search(&slot);
        if let Err(at) = at {
            self.0.insert(at, slot);
        }
        at.is_err()
    }

    /// Takes `slot` out; false if it was not there.
    pub(crate) fn remove(&mut self, slot: Slot) -> bool {
        let at = self.0.binary_search(&slot);
        if let Ok(at) = at {
            self.0.remove(at);
        }
        at.is_ok()
    }

    pub(crate) fn contains(&self, slot: Slot) -> bool {
        self.0.binary_search(&slot).is_ok()
    }

    /// The slots, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        self.0.iter().copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

impl Extend<Slot> for SlotSet {
    fn extend<I: IntoIterator<Item = Slot>>(&mut self, slots: I) {
        for slot in slots {
            self.insert(slot);
        }
    }
}

impl FromIterator<Slot> for SlotSet {
    fn from_iter<I: IntoIterator<Item = Slot>>(slots: I) -> SlotSet {
        let mut set = SlotSet::new();
        set.extend(slots);
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(n: u16) -> Slot {
        Slot::new(n).expect("non-zero")
    }

    #[test]
    fn keeps_its_slots_ascending_and_each_once() {
        let mut set: SlotSet = [7, 3, 9, 3].map(slot).into_iter().collect();
        assert_eq!(set.iter().collect::<Vec<_>>(), [3, 7, 9].map(slot));
        assert!(!set.insert(slot(7)), "already there");
        assert!(set.insert(slot(5)));
        assert!(set.remove(slot(3)));
        assert!(!set.remove(slot(3)), "gone already");
        assert_eq!(set.iter().collect::<Vec<_>>(), [5, 7, 9].map(slot));
        assert!(set.contains(slot(9)) && !set.contains(slot(3)));
        assert_eq!(set.len(), 3);
        set.clear();
        assert!(set.is_empty());
    }
}
