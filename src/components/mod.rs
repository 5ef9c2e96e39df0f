//! The page's components, one public component per file. They read the driver's board
//! and call its commands; no decisions live here.
//!
//! `#[component]` re-emits each function in a way the `unreachable_pub` lint misreads as
//! `pub`, though every item here is `pub(crate)`; hence the allow on these modules.

#[allow(unreachable_pub)]
pub(crate) mod activity_log;
#[allow(unreachable_pub)]
pub(crate) mod auto_controls;
#[allow(unreachable_pub)]
pub(crate) mod common_slots;
#[allow(unreachable_pub)]
pub(crate) mod ini_import;
#[allow(unreachable_pub)]
pub(crate) mod pause_updates;
#[allow(unreachable_pub)]
pub(crate) mod race_timeline;
#[allow(unreachable_pub)]
pub(crate) mod request_log;
#[allow(unreachable_pub)]
pub(crate) mod settings_form;
#[allow(unreachable_pub)]
pub(crate) mod slot_table;
#[allow(unreachable_pub)]
pub(crate) mod status_line;
