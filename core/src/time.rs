//! Time as a plain number the caller supplies.

use std::fmt;

/// Milliseconds on the caller's monotonic clock (`performance.now()`, a simulated clock, ...).
///
/// Also used for durations. Arithmetic saturates: a clock never wraps.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub u64);

impl Millis {
    pub const ZERO: Millis = Millis(0);

    #[must_use]
    pub const fn from_secs(secs: u64) -> Self {
        Millis(secs.saturating_mul(1000))
    }

    #[must_use]
    pub const fn saturating_add(self, other: Millis) -> Millis {
        Millis(self.0.saturating_add(other.0))
    }

    /// `self - earlier`, or zero when `earlier` is later.
    #[must_use]
    pub const fn saturating_sub(self, earlier: Millis) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
}

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03} s", self.0 / 1000, self.0 % 1000)
    }
}
