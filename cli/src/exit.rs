//! The exit codes, one per kind of ending, so that scripts can tell them apart.

use hotelband_core::ApiError;

/// How a command ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: done (for `pair`: a pair is held).
    Done,
    /// 1: a service refused (slot taken, no such slot, limit reached), or no pair.
    Refused,
    /// 2: a usage or configuration error, a key the service refused included.
    Usage,
    /// 3: a service unreachable or failing after the retries.
    Unreachable,
}

impl Exit {
    /// The process exit code.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Refused => 1,
            Exit::Usage => 2,
            Exit::Unreachable => 3,
        }
    }

    /// What an operation's failure for good means for the exit code.
    #[must_use]
    pub fn of(error: &ApiError) -> Exit {
        match error {
            ApiError::InvalidToken(_) => Exit::Usage,
            ApiError::BadRequest(_)
            | ApiError::BadSlot(_)
            | ApiError::SlotUnavailable(_)
            | ApiError::ReservationLimit(_) => Exit::Refused,
            // Not processed, rate limited, 5xx, network, timeout, an unreadable reply, and
            // whatever the core may add: the service did not do its part.
            _ => Exit::Unreachable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_map_to_their_codes() {
        let code = |error: ApiError| Exit::of(&error).code();
        assert_eq!(code(ApiError::InvalidToken("x".into())), 2);
        assert_eq!(code(ApiError::SlotUnavailable("x".into())), 1);
        assert_eq!(code(ApiError::BadSlot("x".into())), 1);
        assert_eq!(code(ApiError::Timeout), 3);
        assert_eq!(code(ApiError::Decode("<html>".into())), 3);
        // The worst of several endings is the larger code.
        assert_eq!(Exit::Done.max(Exit::Unreachable), Exit::Unreachable);
    }
}
