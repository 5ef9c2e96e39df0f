//! The setup: the emulator preset, the api.ini import, and the settings form (URLs, keys,
//! proxy, timing and the user's constraints: slots to avoid, good enough), validated on Save.
//! Its state and what the buttons do live in `form.rs`.

use leptos::html;
use leptos::prelude::*;

use crate::components::ini_import::IniImport;
use crate::ctx::ctx;
use crate::form::Form;
use crate::settings::{Field, Settings};

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

/// A form's checkbox `#id` bound to `checked`, its label after it.
fn check_field(id: &'static str, checked: RwSignal<bool>, label: &'static str) -> impl IntoView {
    view! {
        <div class="field check">
            <input
                id=id
                type="checkbox"
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
        </div>
    }
}

/// `#settings-panel`: the quick starts (the emulator preset, the api.ini import) first, then
/// the form. Open while the settings are incomplete, so a first run leads with it; folded once
/// they are complete (at load, or by the Save that completes them, which hands focus to its
/// summary), so the tables lead every later visit. `#settings-status` stays outside, visible.
#[component]
pub(crate) fn SettingsForm() -> impl IntoView {
    let ctx = ctx();
    let form = ctx.form;
    let board = ctx.board;
    let use_emulator = move |_| form.use_emulator(ctx.driver);
    let fields = Field::ALL
        .map(|f| input(form, f))
        .into_iter()
        .collect_view();
    let configured = Memo::new(move |_| {
        board
            .settings
            .with(|s| s.as_ref().is_some_and(Settings::is_complete))
    });
    let panel = NodeRef::<html::Details>::new();
    let summary = NodeRef::<html::Summary>::new();
    Effect::new(move |_| {
        let configured = configured.get();
        let (Some(panel), Some(summary)) = (panel.get(), summary.get()) else {
            return;
        };
        let focus_inside = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_some_and(|active| panel.contains(Some(&active)));
        panel.set_open(!configured);
        if configured && focus_inside {
            let _ = summary.focus();
        }
    });
    view! {
        <section class="setup" aria-labelledby="settings-title">
            <details
                id="settings-panel"
                class="panel settings"
                node_ref=panel
                open=!configured.get_untracked()
            >
                <summary node_ref=summary>
                    <h2 id="settings-title">"Settings"</h2>
                </summary>
                <div class="setup-body">
                    <div class="quick">
                        <p class="intro">
                            "Connect to the hotel and the band first: try the local emulator, import the api.ini you were given, or fill in the form."
                        </p>
                        <button id="use-emulator" type="button" class="primary" on:click=use_emulator>
                            "Use the local emulator"
                        </button>
                        <IniImport/>
                    </div>
                    <form
                        novalidate=true
                        aria-label="Settings"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            ctx.save_settings();
                        }
                    >
                        <div class="fields">{fields}</div>
                        {check_field(
                            "polite",
                            form.polite,
                            "Polite: re-read the free lists only every recheck period (otherwise at every paced slot while a better pair is possible)",
                        )}
                        {check_field(
                            "remember-keys",
                            form.remember,
                            "Remember keys on this computer (otherwise until the browser closes)",
                        )}
                        <div class="actions">
                            <button id="save-settings" type="submit" class="primary">"Save"</button>
                        </div>
                    </form>
                </div>
            </details>
            <p id="settings-status" role="status">{move || form.status.get()}</p>
        </section>
    }
}
