//! The emulator's inspection API, through the client the emulator crate provides.

pub use hotelband_server::inspect::{
    Admin, Change, ChangeOp, ChangeReply, Counters, ServiceState, State, first_conflict,
};
