//! The session's settings.

use crate::api::{MIN_DELAY, Slot};
use crate::avoid::AvoidSet;
use crate::ini::ApiIni;
use crate::time::Millis;

/// Settings; every field has a sensible default.
///
/// [`Config::with_ini`] fills `retries` and `delay` from the user's file, keeping the 1 s
/// minimum; a `delay` below 1 s only comes from setting it here explicitly (tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Minimum time between two requests to one service, retries included (the rule: 1 s).
    pub delay: Millis,
    /// Attempts per operation, retries included (api.ini `retries`); 0 counts as 1.
    pub retries: u32,
    /// How many slots the page shows and its "first common free slots" list covers (20 by
    /// default). Not a limit on pairing: the planner pairs on the earliest common slot of the
    /// whole range the services list.
    pub window: u16,
    /// With `polite`, how often a held pair re-reads the free lists for a better one. Also how
    /// recent reads must be for [`crate::Session::start`] to act on them at once.
    pub recheck: Millis,
    /// Re-read the free lists only every `recheck`. Off by default: while a better pair is
    /// possible, both free lists are read at every paced slot (the rule allows 60 a minute).
    pub polite: bool,
    /// While no better slot is free at both, hold the best better slot free at one service
    /// (beside the pair, for at most 20 s) and watch the other for it. Off by default: see
    /// `BENCHMARKS.md` / the core's figures for what it gains.
    pub spare_hold: bool,
    /// How long the shell waits for a reply before it gives up (reports `Outcome::Timeout`).
    pub request_timeout: Millis,
    /// Seed of the jitter RNG.
    pub seed: u64,
    /// Slots the planner never reserves (scans, upgrades, clicks on a common slot); a manual
    /// reserve still may. A pair held on one (it became avoided) is kept until an allowed pair
    /// is held, whatever its slot: any allowed pair is better than an avoided one.
    pub avoid: AvoidSet,
    /// Auto-pair is done once an allowed pair at this slot or better is held at both (reads
    /// stop). Slot 1 by default: done only when nothing better exists.
    pub good_enough: Slot,
}

/// Slot 1, the best there is.
const FIRST: Slot = match Slot::new(1) {
    Some(slot) => slot,
    None => unreachable!(),
};

impl Default for Config {
    fn default() -> Self {
        Config {
            delay: MIN_DELAY,
            retries: 3,
            window: 20,
            recheck: Millis(5000),
            polite: false,
            spare_hold: false,
            request_timeout: Millis(10_000),
            seed: 0,
            avoid: AvoidSet::new(),
            good_enough: FIRST,
        }
    }
}

impl Config {
    /// These settings with `ini`'s `retries` and `delay`; the delay is raised to the 1 s the
    /// services' rule requires (the course files say `0.5`, the rule still holds). Here rather
    /// than in `ini.rs`, so the parser knows nothing of the session.
    #[must_use]
    pub fn with_ini(self, ini: &ApiIni) -> Config {
        Config {
            retries: ini.retries.unwrap_or(self.retries),
            delay: ini.delay().unwrap_or(self.delay),
            ..self
        }
    }
}

/// The user's constraints: the one home of "which pair is better".
impl Config {
    /// Whether the planner may reserve `slot`.
    #[must_use]
    pub fn allows(&self, slot: Slot) -> bool {
        !self.avoid.contains(slot)
    }

    /// Whether a pair on `pair` ends auto-pair: allowed, and at `good_enough` or better, or
    /// with every better slot avoided (nothing better exists: avoiding slot 1 with the default
    /// `good_enough` is done on the first allowed slot).
    #[must_use]
    pub fn is_good_enough(&self, pair: Slot) -> bool {
        self.allows(pair) && (pair <= self.good_enough || Some(pair) == self.avoid.first_allowed())
    }

    /// Whether a pair on `slot` is worth making while `pair` is held: `slot` is allowed, and
    /// `pair` is none, avoided, or not good enough and later than `slot`.
    #[must_use]
    pub fn improves(&self, slot: Slot, pair: Option<Slot>) -> bool {
        self.allows(slot)
            && pair.is_none_or(|pair| {
                !self.allows(pair) || (slot < pair && !self.is_good_enough(pair))
            })
    }

    /// The best of `slots` (ascending) as a pair: the first allowed one, else the first.
    pub(crate) fn best_pair(&self, slots: impl Iterator<Item = Slot> + Clone) -> Option<Slot> {
        let mut all = slots.clone();
        slots
            .into_iter()
            .find(|&slot| self.allows(slot))
            .or_else(|| all.next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ini(global: &str) -> ApiIni {
        let key = "k".repeat(32);
        let text = format!(
            "[hotel]\nurl = https://h.test/api\nkey = {key}\n\
             [band]\nurl = https://b.test/api\nkey = {key}\n{global}"
        );
        ApiIni::parse(&text).expect("valid")
    }

    #[test]
    fn an_ini_sets_retries_and_delay_but_never_below_a_second() {
        let config = Config::default().with_ini(&ini("[global]\nretries = 5\ndelay = 0.5\n"));
        assert_eq!(config.delay, Millis(1000));
        assert_eq!(config.retries, 5);
        let slower = Config::default().with_ini(&ini("[global]\ndelay = 2.5\n"));
        assert_eq!(slower.delay, Millis(2500));
        assert_eq!(slower.retries, Config::default().retries);
        let explicit = Config {
            delay: Millis(10),
            ..Config::default()
        };
        assert_eq!(
            explicit.clone().with_ini(&ini("")),
            explicit,
            "nothing to apply"
        );
    }

    fn slot(n: u16) -> Slot {
        Slot::new(n).expect("non-zero")
    }

    #[test]
    fn by_default_only_an_earlier_slot_improves_and_slot_1_is_good_enough() {
        let config = Config::default();
        assert!(config.is_good_enough(slot(1)) && !config.is_good_enough(slot(2)));
        assert!(config.improves(slot(7), None));
        assert!(config.improves(slot(2), Some(slot(3))));
        assert!(
            !config.improves(slot(3), Some(slot(3))) && !config.improves(slot(4), Some(slot(3)))
        );
    }

    #[test]
    fn an_allowed_pair_beats_an_avoided_one_and_good_enough_ends_upgrades() {
        let config = Config {
            avoid: "1, 3-4".parse().expect("valid"),
            good_enough: slot(6),
            ..Config::default()
        };
        assert!(!config.allows(slot(3)) && config.allows(slot(5)));
        assert!(
            config.improves(slot(9), Some(slot(3))),
            "any allowed pair beats an avoided one"
        );
        assert!(!config.improves(slot(4), None), "avoided");
        assert!(config.improves(slot(7), Some(slot(8))));
        assert!(!config.improves(slot(5), Some(slot(6))), "6 is good enough");
        assert!(config.is_good_enough(slot(2)) && config.is_good_enough(slot(6)));
        assert!(!config.is_good_enough(slot(7)) && !config.is_good_enough(slot(3)));
        let all_better_avoided = Config {
            avoid: "1-4".parse().expect("valid"),
            ..Config::default()
        };
        assert!(
            all_better_avoided.is_good_enough(slot(5)),
            "nothing better exists"
        );
        assert!(!all_better_avoided.is_good_enough(slot(6)));
        let held = [3, 5, 9].map(slot);
        assert_eq!(config.best_pair(held.into_iter()), Some(slot(5)));
        assert_eq!(config.best_pair([slot(3)].into_iter()), Some(slot(3)));
        assert_eq!(config.best_pair(std::iter::empty()), None);
    }
}
