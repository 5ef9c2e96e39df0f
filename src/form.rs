//! The settings form's state and what its buttons do: the text of every field as typed, what
//! Save said, validating and applying on Save, importing an api.ini, the emulator preset. The
//! component (`components/settings_form.rs`) only draws it.

use hotelband_core::ApiIni;
use leptos::prelude::*;

use crate::driver::Driver;
use crate::http;
use crate::settings::{Draft, Field};
use crate::storage;

/// The form's state. All handles are `Copy`.
#[derive(Copy, Clone)]
pub(crate) struct Form {
    /// Text per field, indexed by [`Field::index`].
    pub(crate) fields: [RwSignal<String>; Field::ALL.len()],
    /// The "remember keys" box.
    pub(crate) remember: RwSignal<bool>,
    /// The "polite" box.
    pub(crate) polite: RwSignal<bool>,
    /// Refused fields and why.
    pub(crate) errors: RwSignal<Vec<(Field, String)>>,
    /// "Saved", or what is wrong.
    pub(crate) status: RwSignal<String>,
}

impl Form {
    /// A form showing `draft`.
    pub(crate) fn new(draft: &Draft) -> Form {
        Form {
            fields: std::array::from_fn(|i| RwSignal::new(draft.text[i].clone())),
            remember: RwSignal::new(draft.remember_keys),
            polite: RwSignal::new(draft.polite),
            errors: RwSignal::new(Vec::new()),
            status: RwSignal::new(String::new()),
        }
    }

    /// The form as typed.
    pub(crate) fn draft(&self) -> Draft {
        Draft {
            text: std::array::from_fn(|i| self.fields[i].get_untracked()),
            remember_keys: self.remember.get_untracked(),
            polite: self.polite.get_untracked(),
        }
    }

    /// Shows `draft` in the inputs.
    pub(crate) fn fill(&self, draft: &Draft) {
        for (signal, text) in self.fields.iter().zip(&draft.text) {
            signal.set(text.clone());
        }
        self.remember.set(draft.remember_keys);
        self.polite.set(draft.polite);
    }

    /// Validates; if every field is fine, stores and applies the settings. A refused field
    /// leaves the settings in effect (and in storage) untouched.
    pub(crate) fn save(&self, driver: &Driver) {
        match self.draft().validate() {
            Ok(settings) => {
                storage::save_settings(&settings);
                self.errors.set(Vec::new());
                self.status.set("Saved".to_owned());
                driver.configure(settings);
            }
            Err(errors) => {
                let n = errors.len();
                self.status.set(if n == 1 {
                    format!("Not saved: {}", errors[0].1)
                } else {
                    format!("Not saved: fix the {n} marked fields")
                });
                self.errors.set(errors);
            }
        }
    }

    /// Fills the form from the text of an api.ini (nothing is saved: the user checks it and
    /// presses Save); returns what to tell the user.
    pub(crate) fn import_ini(&self, text: &str) -> String {
        match ApiIni::parse(text) {
            Ok(ini) => {
                let mut draft = self.draft();
                draft.fill_from_ini(&ini);
                self.fill(&draft);
                self.errors.set(Vec::new());
                "filled the form from api.ini — check it and press Save".to_owned()
            }
            Err(e) => format!("api.ini not imported: {e}"),
        }
    }

    /// Asks the emulator serving this page for its demo keys, fills the form with them and
    /// the emulator's URLs, and saves with `driver`.
    pub(crate) fn use_emulator(self, driver: StoredValue<Driver, LocalStorage>) {
        self.status
            .set("Asking the emulator for the demo keys…".to_owned());
        let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) else {
            self.status.set("cannot tell this page's origin".to_owned());
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            match http::demo_keys(&origin).await {
                Ok(keys) => {
                    let mut draft = self.draft();
                    draft.text[Field::HotelUrl.index()] = format!("{origin}/hotel/api");
                    draft.text[Field::HotelKey.index()] = keys.hotel_key;
                    draft.text[Field::BandUrl.index()] = format!("{origin}/band/api");
                    draft.text[Field::BandKey.index()] = keys.band_key;
                    draft.text[Field::Proxy.index()] = String::new();
                    self.fill(&draft);
                    driver.with_value(|d| self.save(d));
                }
                Err(why) => self.status.set(why),
            }
        });
    }
}
