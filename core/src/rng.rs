//! A small seeded generator (SplitMix64): same seed, same run. The core's jitter and its
//! simulations draw from it, and so do the emulator's fault dice and crowd. Quality is ample
//! for those; it is no source of secrets.

/// SplitMix64: one `u64` of state; every seed (zero included) gives a full-period stream.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// A generator for one of several independent streams derived from one seed, e.g. one per
    /// service or per crowd member.
    #[must_use]
    pub fn for_stream(seed: u64, stream: u64) -> Self {
        let mut mixer = Rng::new(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng::new(mixer.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max`.
    pub fn up_to(&mut self, max: u64) -> u64 {
        match max.checked_add(1) {
            // The modulo bias is below 2^-40 for the ranges used here (at most a few minutes in ms).
            Some(span) => self.next_u64() % span,
            None => self.next_u64(),
        }
    }

    /// Uniform in `low..=high`; `low`, drawing nothing, when `high <= low`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        low + self.up_to(high - low)
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.up_to(999) < u64::from(per_mille)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
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
            let u = a.unit();
            assert_eq!(u.to_bits(), b.unit().to_bits());
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn an_empty_range_is_its_low_end_and_draws_nothing() {
        let mut rng = Rng::new(1);
        let mut untouched = rng.clone();
        assert_eq!(rng.between(9, 3), 9);
        assert_eq!(rng.between(4, 4), 4);
        assert_eq!(rng.next_u64(), untouched.next_u64());
    }

    #[test]
    fn streams_of_one_seed_differ_and_repeat() {
        let draw = |seed, stream| {
            let mut rng = Rng::for_stream(seed, stream);
            (0..8).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7, 1), draw(7, 1));
        assert_ne!(draw(7, 1), draw(7, 2));
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
        let mut halves = [false; 2];
        for _ in 0..1000 {
            seen[(rng.between(7, 9) - 7) as usize] = true;
            halves[usize::from(rng.unit() >= 0.5)] = true;
        }
        assert_eq!(seen, [true; 3], "every value of 7..=9 is drawn");
        assert_eq!(halves, [true; 2], "unit() reaches both halves of [0, 1)");
        let mut raw = rng.clone();
        assert_eq!(rng.up_to(u64::MAX), raw.next_u64());
        let mut raw = rng.clone();
        assert_eq!(rng.between(0, u64::MAX), raw.next_u64());
    }

    #[test]
    fn chance_is_roughly_fair() {
        let mut rng = Rng::new(3);
        let hits = (0..10_000).filter(|_| rng.chance(250)).count();
        assert!((2_200..2_800).contains(&hits), "{hits}");
    }
}
