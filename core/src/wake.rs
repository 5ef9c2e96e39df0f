//! Why the session asks to be woken: each deadline carries its reason, so a shell's log can
//! tell a retry from a give-up from a scan.

use std::fmt;

use crate::api::Service;

/// Why [`crate::Session::wake_reason`] asks to be woken at its time.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wake {
    /// The request out at the service is past its deadline: the session gives up on it
    /// (the shell never reported).
    RequestExpired(Service),
    /// A queued job (a manual action, a retry after its backoff, a check) may be sent.
    Queued(Service),
    /// The planner's next request may be sent (the pacer or a cooldown holds it until then).
    Planner(Service),
    /// A write in doubt can no longer land: the holds are read again.
    HoldsCheck(Service),
    /// The planner's next scan of the free lists starts.
    Scan,
}

impl fmt::Display for Wake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wake::RequestExpired(service) => {
                write!(f, "giving up on the request out at the {service}")
            }
            Wake::Queued(service) => write!(f, "the next queued request to the {service}"),
            Wake::Planner(service) => write!(f, "the planner's next request to the {service}"),
            Wake::HoldsCheck(service) => write!(
                f,
                "re-reading our holds at the {service}: a write in doubt can no longer land"
            ),
            Wake::Scan => f.write_str("the next scan of the free lists"),
        }
    }
}
