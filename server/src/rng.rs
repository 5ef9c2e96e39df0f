//! A small seeded generator (SplitMix64), so that a run with the same seed draws the same faults
//! and the same crowd moves. Quality is ample for fault dice; it is not for secrets (see
//! `config::random_token`).

/// SplitMix64: one `u64` of state, every seed (zero included) gives a full-period stream.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    #[cfg(test)]
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A generator for one of several independent streams derived from one seed, e.g. one per
    /// service or per crowd member.
    pub(crate) fn for_stream(seed: u64, stream: u64) -> Self {
        let mut mixer = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng(mixer.next_u64())
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `lo..=hi` (`hi < lo` is read as `lo`).
    pub(crate) fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo;
        if span == u64::MAX {
            return self.next_u64();
        }
        // The modulo bias is below 2^-40 for the small spans used here.
        lo + self.next_u64() % (span + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::for_stream(7, 1);
        let mut b = Rng::for_stream(7, 1);
        let mut c = Rng::for_stream(7, 2);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut rng = Rng::new(0);
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            let b = rng.between(3, 5);
            assert!((3..=5).contains(&b));
        }
        assert_eq!(rng.between(9, 2), 9);
    }

    #[test]
    fn ranges_are_inclusive_and_the_full_range_is_the_raw_stream() {
        let mut rng = Rng::new(5);
        let mut seen = [false; 3];
        let mut halves = [false; 2];
        for _ in 0..1000 {
            seen[(rng.between(3, 5) - 3) as usize] = true;
            halves[usize::from(rng.unit() >= 0.5)] = true;
        }
        assert_eq!(seen, [true; 3], "every value of 3..=5 is drawn");
        assert_eq!(halves, [true; 2], "unit() reaches both halves of [0, 1)");
        let mut raw = rng.clone();
        assert_eq!(rng.between(0, u64::MAX), raw.next_u64());
    }
}
