//! What every component reaches through context: the board to read, the driver to command,
//! the settings form's state and the view options.

use leptos::prelude::*;

use crate::board::Board;
use crate::driver::Driver;
use crate::form::Form;

/// Shared by all components. All handles are `Copy`.
#[derive(Copy, Clone)]
pub(crate) struct Ctx {
    /// What the driver publishes.
    pub(crate) board: Board,
    /// The driver, for commands.
    pub(crate) driver: StoredValue<Driver, LocalStorage>,
    /// The settings form's state.
    pub(crate) form: Form,
    /// "Show all": each service's whole range instead of the window.
    pub(crate) show_all: RwSignal<bool>,
    /// "Pause updates": the logs and the timeline stand still (see `pause.rs`).
    pub(crate) paused: RwSignal<bool>,
}

impl Ctx {
    /// Runs a driver command.
    pub(crate) fn drive(&self, f: impl FnOnce(&Driver)) {
        self.driver.with_value(f);
    }

    /// Saves the settings form (see [`Form::save`]).
    pub(crate) fn save_settings(&self) {
        let form = self.form;
        self.drive(|d| form.save(d));
    }
}

/// The context provided by `App`.
pub(crate) fn ctx() -> Ctx {
    // Invariant: every component is rendered inside App, which provides Ctx first.
    expect_context::<Ctx>()
}
