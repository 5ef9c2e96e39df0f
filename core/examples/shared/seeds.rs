//! The seed count every simulated example takes as its one optional argument.

/// Fewer seeds than this make a median or a share too noisy to print as a figure.
const MIN_SEEDS: u64 = 32;

/// The seed count from the first command-line argument, or `default` when it is absent or
/// not a number; never below `MIN_SEEDS`.
pub(crate) fn seeds_from_args(default: u64) -> u64 {
    std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
        .max(MIN_SEEDS)
}
