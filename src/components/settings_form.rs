//! The settings form: URLs, keys, proxy, timing and the user's constraints (slots to avoid,
//! good enough), validated on Save; the emulator preset.
//! Its state and what the buttons do live in `form.rs`.

use leptos::prelude::*;

use crate::components::ini_import::IniImport;
use crate::ctx::ctx;
use crate::form::Form;
use crate::settings::Field;

fn input(form: Form, field: Field) -> impl IntoView {
    let text = form.fields[field.index()];
    let (kind, mode) = match field {
        Field::HotelKey | Field::BandKey => ("password", "text"),
        Field::HotelUrl | Field::BandUrl | Field::Proxy => ("text", "url"),
        Field::Avoid => ("text", "text"),
        Field::Delay | Field::Recheck => ("text", "decimal"),
        Field::Retries | Field::Window | Field::GoodEnough => ("text", "numeric"),
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
    let use_emulator = move |_| form.use_emulator(ctx.driver);
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
                    ctx.save_settings();
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
