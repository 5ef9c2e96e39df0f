//! Importing the `api.ini` users already have, by paste or by file.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use crate::ctx::ctx;

/// Paste box, file picker and the import result.
#[component]
pub(crate) fn IniImport() -> impl IntoView {
    let form = ctx().form;
    let text = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let apply = move |source: &str| status.set(form.import_ini(source));
    let on_file = move |ev: web_sys::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            return;
        };
        status.set(format!("reading {}…", file.name()));
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => apply(&value.as_string().unwrap_or_default()),
                Err(_) => status.set("api.ini not imported: the file could not be read".to_owned()),
            }
        });
    };
    view! {
        <fieldset class="ini">
            <legend>"Import api.ini"</legend>
            <label for="ini-text">"Paste its text"</label>
            <textarea
                id="ini-text"
                rows="6"
                spellcheck="false"
                placeholder="[hotel]\nurl = https://…/hotel/api\nkey = …"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:change=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="actions">
                <button id="ini-import" type="button" on:click=move |_| apply(&text.get_untracked())>
                    "Import pasted text"
                </button>
                <label class="file" for="ini-file">"or choose the file:"</label>
                <input id="ini-file" type="file" accept=".ini,text/plain" on:change=on_file/>
            </div>
            <p id="ini-status" role="status">{move || status.get()}</p>
        </fieldset>
    }
}
