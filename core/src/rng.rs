//! A small seeded RNG (SplitMix64) for jitter: no OS randomness, same seed, same run.

/// SplitMix64: tiny, fast, and good enough for jitter and simulation choices.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    #[must_use]
    pub(crate) const fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max`.
    pub(crate) fn up_to(&mut self, max: u64) -> u64 {
        match max.checked_add(1) {
            // The modulo bias is below 2^-40 for the ranges used here (at most a few minutes in ms).
            Some(span) => self.next_u64() % span,
            None => self.next_u64(),
        }
    }

    /// Uniform in `low..=high` (or `low` when `high < low`).
    // Only the simulation draws ranges and chances; the session draws jitter with `up_to`.
    #[cfg(any(test, feature = "sim"))]
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        low.saturating_add(self.up_to(high.saturating_sub(low)))
    }

    /// True with probability `per_mille / 1000`.
    #[cfg(any(test, feature = "sim"))]
    pub(crate) fn chance(&mut self, per_mille: u32) -> bool {
        self.up_to(999) < u64::from(per_mille)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_bounds_hold() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.up_to(10);
            assert_eq!(x, b.up_to(10));
            assert!(x <= 10);
            let y = a.between(5, 9);
            assert_eq!(y, b.between(5, 9));
            assert!((5..=9).contains(&y));
        }
        assert_eq!(Rng::new(1).between(9, 3), 9);
    }

    #[test]
    fn ranges_are_inclusive_and_the_full_range_is_the_raw_stream() {
        let mut rng = Rng::new(5);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            seen[rng.up_to(3) as usize] = true;
        }
        assert_eq!(seen, [true; 4], "every value of 0..=3 is drawn");
        let mut seen = [false; 3];
        for _ in 0..1000 {
            seen[(rng.between(7, 9) - 7) as usize] = true;
        }
        assert_eq!(seen, [true; 3], "every value of 7..=9 is drawn");
        let mut raw = rng.clone();
        assert_eq!(rng.up_to(u64::MAX), raw.next_u64());
    }

    #[test]
    fn chance_is_roughly_fair() {
        let mut rng = Rng::new(3);
        let hits = (0..10_000).filter(|_| rng.chance(250)).count();
        assert!((2_200..2_800).contains(&hits), "{hits}");
    }
}
