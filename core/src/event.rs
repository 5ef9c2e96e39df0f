//! What the session tells the user: events stamped with their time, in plain words.

use std::fmt;

use crate::api::{ApiError, Op, Service, Slot};
use crate::time::Millis;
use crate::view::{AutoState, Busy};

/// Something the user should hear about, stamped with the time it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// When it happened (the `now` of the input that caused it).
    pub at: Millis,
    /// What happened.
    pub kind: EventKind,
}

/// The kinds of [`Event`]; `Display` gives the plain-words line for the activity log.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// A slot was reserved at a service.
    Reserved {
        /// Where.
        service: Service,
        /// Which slot.
        slot: Slot,
    },
    /// A slot was released at a service.
    Released {
        /// Where.
        service: Service,
        /// Which slot.
        slot: Slot,
    },
    /// The same slot is now held at both services.
    PairSecured {
        /// The slot.
        slot: Slot,
    },
    /// A better pair is held; the old one is being released.
    PairUpgraded {
        /// The old pair.
        from: Slot,
        /// The new pair.
        to: Slot,
    },
    /// No slot is free at both services right now.
    NoCommonSlot,
    /// A list had entries that are not slot ids: they were skipped, the rest was used.
    SkippedIds {
        /// Where.
        service: Service,
        /// Which list.
        op: Op,
        /// How many entries were skipped.
        count: usize,
        /// The first of them, as safe text.
        example: String,
    },
    /// An operation failed for good (after retries, or at once for 4xx).
    Failed {
        /// Where.
        service: Service,
        /// What was asked.
        op: Op,
        /// Why it failed.
        error: ApiError,
    },
    /// The service refused the key; the session stops talking to it.
    ServiceStopped {
        /// Which service.
        service: Service,
        /// The 401, with the server's message.
        error: ApiError,
    },
    /// The auto-pair planner changed state.
    Auto(AutoState),
    /// [`crate::Session::pair_on`] was refused: something else owns the holds right now.
    PairOnRefused {
        /// The slot clicked.
        slot: Slot,
        /// Why.
        reason: Busy,
    },
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKind::Reserved { service, slot } => {
                write!(f, "Reserved slot {slot} at the {service}")
            }
            EventKind::Released { service, slot } => {
                write!(f, "Released slot {slot} at the {service}")
            }
            EventKind::PairSecured { slot } => {
                write!(f, "Slot {slot} is now held at both the hotel and the band")
            }
            EventKind::PairUpgraded { from, to } => write!(
                f,
                "Upgraded to slot {to} at both services; releasing slot {from}"
            ),
            EventKind::NoCommonSlot => {
                f.write_str("No slot is free at both services right now; still watching")
            }
            EventKind::SkippedIds {
                service,
                op,
                count,
                example,
            } => write!(
                f,
                "{} at the {service}: skipped {count} entr{} that {} not a slot id ({example})",
                describe(*op),
                if *count == 1 { "y" } else { "ies" },
                if *count == 1 { "is" } else { "are" },
            ),
            EventKind::Failed { service, op, error } => {
                write!(f, "{} at the {service} failed: {error}", describe(*op))
            }
            EventKind::ServiceStopped { service, error } => write!(
                f,
                "The {service} refused the API key ({error}); check the key. Nothing more is sent to the {service}"
            ),
            EventKind::Auto(state) => f.write_str(match state {
                AutoState::Off => "Auto-pair is off",
                AutoState::Running => "Auto-pair started",
                AutoState::Releasing => "Auto-pair stopping: releasing holds",
                AutoState::Done => "Auto-pair done: the pair held at both services is good enough",
            }),
            EventKind::PairOnRefused { slot, reason } => {
                write!(f, "Not pairing on slot {slot}: ")?;
                match reason {
                    Busy::Auto => {
                        f.write_str("auto-pair owns the holds while it runs; stop it first")
                    }
                    Busy::Pairing => {
                        f.write_str("the last click is still being paired or released")
                    }
                    Busy::Stopped(service) => {
                        write!(f, "the {service} refused the API key; check the key")
                    }
                    Busy::Avoided => f.write_str(
                        "it is on the avoid list (reserve it at each service by hand if you mean it)",
                    ),
                }
            }
        }
    }
}

/// An operation in words, starting with a capital: "Reserving slot 5".
#[must_use]
pub fn describe(op: Op) -> String {
    match op {
        Op::Available => "Reading the free slots".to_owned(),
        Op::Holds => "Reading our holds".to_owned(),
        Op::Reserve(slot) => format!("Reserving slot {slot}"),
        Op::Cancel(slot) => format!("Releasing slot {slot}"),
    }
}
