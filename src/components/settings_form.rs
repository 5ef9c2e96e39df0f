//! The settings form: URLs, keys, proxy and timing, validated on Save; the emulator preset.

use leptos::prelude::*;

use crate::app::ctx;
use crate::components::ini_import::IniImport;
use crate::driver::Driver;
use crate::http;
use crate::settings::{Draft, Field};
use crate::storage;

/// The form's state: the text of every field as typed, and what Save said.
#[derive(Copy, Clone)]
pub(crate) struct Form {
    /// Text per field, indexed by [`Field::index`].
    pub(crate) fields: [RwSignal<String>; 9],
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
    pub(crate) fn save(&self, driver: &Driver) -> bool {
        match self.draft().validate() {
            Ok(settings) => {
                storage::save_settings(&settings);
                self.errors.set(Vec::new());
                self.status.set("Saved".to_owned());
                driver.configure(settings);
                true
            }
            Err(errors) => {
                let n = errors.len();
                self.status.set(if n == 1 {
                    format!("Not saved: {}", errors[0].1)
                } else {
                    format!("Not saved: fix the {n} marked fields")
                });
                self.errors.set(errors);
                false
            }
        }
    }
}

fn input(form: Form, field: Field) -> impl IntoView {
    let text = form.fields[field.index()];
    let (kind, mode) = match field {
        Field::HotelKey | Field::BandKey => ("password", "text"),
        Field::HotelUrl | Field::BandUrl | Field::Proxy => ("text", "url"),
        Field::Delay | Field::Recheck => ("text", "decimal"),
        Field::Retries | Field::Window => ("text", "numeric"),
    };
    let error = move || {
        form.errors
            .with(|e| e.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
    };
    let error_id = format!("{}-error", field.id());
    view! {
        <div class="field">
            <label for=field.id()>{field.label()}</label>
            <input
                id=field.id()
                type=kind
                inputmode=mode
                autocomplete="off"
                spellcheck="false"
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=error_id.clone()
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                // WebDriver's clear and some autofill only fire `change`.
                on:change=move |ev| text.set(event_target_value(&ev))
            />
            {move || {
                error().map(|m| view! { <span class="field-error" id=error_id.clone() role="alert">{m}</span> })
            }}
        </div>
    }
}

/// Settings, the api.ini import and the emulator preset.
#[component]
pub(crate) fn SettingsForm() -> impl IntoView {
    let ctx = ctx();
    let form = ctx.form;
    let save = move || {
        ctx.drive(|d| {
            form.save(d);
        });
    };
    let use_emulator = move |_| {
        form.status
            .set("Asking the emulator for the demo keys…".to_owned());
        let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) else {
            form.status.set("cannot tell this page's origin".to_owned());
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            match http::demo_keys(&origin).await {
                Ok(keys) => {
                    let mut draft = form.draft();
                    draft.text[Field::HotelUrl.index()] = format!("{origin}/hotel/api");
                    draft.text[Field::HotelKey.index()] = keys.hotel_key;
                    draft.text[Field::BandUrl.index()] = format!("{origin}/band/api");
                    draft.text[Field::BandKey.index()] = keys.band_key;
                    draft.text[Field::Proxy.index()] = String::new();
                    form.fill(&draft);
                    save();
                }
                Err(why) => form.status.set(why),
            }
        });
    };
    let fields = Field::ALL
        .map(|f| input(form, f))
        .into_iter()
        .collect_view();
    view! {
        <section class="panel settings" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <form
                novalidate=true
                on:submit=move |ev| {
                    ev.prevent_default();
                    save();
                }
            >
                {fields}
                <div class="field check">
                    <input
                        id="polite"
                        type="checkbox"
                        prop:checked=move || form.polite.get()
                        on:change=move |ev| form.polite.set(event_target_checked(&ev))
                    />
                    <label for="polite">
                        "Polite: re-read the free lists only every recheck period (otherwise at every paced slot while a better pair is possible)"
                    </label>
                </div>
                <div class="field check">
                    <input
                        id="remember-keys"
                        type="checkbox"
                        prop:checked=move || form.remember.get()
                        on:change=move |ev| form.remember.set(event_target_checked(&ev))
                    />
                    <label for="remember-keys">
                        "Remember keys on this computer (otherwise until the browser closes)"
                    </label>
                </div>
                <div class="actions">
                    <button id="save-settings" type="submit">"Save"</button>
                    <button id="use-emulator" type="button" on:click=use_emulator>
                        "Use the local emulator"
                    </button>
                </div>
                <p id="settings-status" role="status">{move || form.status.get()}</p>
            </form>
            <IniImport/>
        </section>
    }
}
