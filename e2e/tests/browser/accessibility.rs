//! An axe-core audit (WCAG 2.0, 2.1, 2.2 A and AA, and best practices) of the page in each state
//! a person meets it in: fresh, configured, with an error shown, with "Show all", paired, and at
//! phone width; and the first run leading with the setup on a desktop and on a phone.

use std::ops::ControlFlow;

use anyhow::{Context as _, Result, bail, ensure};
use hotelband_e2e::emulator::workspace_dir;
use hotelband_e2e::{DEADLINE, PAIR_DEADLINE, Page, Scenario, Service, Setup, until};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

/// axe-core as pinned in tools/package.json (installed by `npm ci --prefix tools`).
const AXE: &str = "tools/node_modules/axe-core/axe.min.js";

/// The rule sets audited.
const TAGS: [&str; 6] = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

/// A phone in portrait, in CSS pixels.
const PHONE: (u32, u32) = (390, 844);

/// What axe's run came to: its violations in one line each, or why it could not run.
#[derive(Debug, Deserialize)]
struct Audit {
    violations: Vec<String>,
    error: Option<String>,
}

/// Runs axe on the page as it is now (`what` names the state) and fails listing every
/// violation: rule, impact, how many elements, and the first element's selector.
async fn audit(page: &Page, what: &str) -> Result<()> {
    let path = workspace_dir().join(AXE);
    let axe = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {}: run `npm ci --prefix tools`", path.display()))?;
    let client = page.client();
    // The script defines `window.axe`; a page load drops it, so it is injected per audit.
    client
        .execute(&format!("{axe}\nreturn true;"), vec![])
        .await
        .context("injecting axe-core")?;
    let run = r#"
        const [tags, done] = [arguments[0], arguments[arguments.length - 1]];
        axe.run(document, { runOnly: { type: 'tag', values: tags } })
            .then(r => done({
                violations: r.violations.map(v =>
                    `${v.id} (${v.impact}, ${v.nodes.length} elements, first ` +
                    `${JSON.stringify(v.nodes[0] && v.nodes[0].target)}): ${v.help}`),
                error: null,
            }))
            .catch(e => done({ violations: [], error: String(e) }));
    "#;
    let value = client
        .execute_async(run, vec![json!(TAGS)])
        .await
        .with_context(|| format!("running axe on the page {what}"))?;
    let audit: Audit = serde_json::from_value(value).context("reading axe's result")?;
    if let Some(error) = audit.error {
        bail!("axe could not audit the page {what}: {error}");
    }
    ensure!(
        audit.violations.is_empty(),
        "axe on the page {what}: {} violations:\n{}",
        audit.violations.len(),
        audit.violations.join("\n")
    );
    Ok(())
}

/// The top of `selector`'s first match relative to the document, in CSS pixels.
async fn top(page: &Page, selector: &str) -> Result<f64> {
    let script = r#"
        const el = document.querySelector(arguments[0]);
        return el ? el.getBoundingClientRect().top + window.scrollY : null;
    "#;
    let value = page.client().execute(script, vec![json!(selector)]).await?;
    value
        .as_f64()
        .with_context(|| format!("no {selector} on the page"))
}

/// A fresh page leads with the setup: the settings panel open, its quick starts above both
/// tables, and nothing wider than the window.
async fn leads_with_setup(page: &Page) -> Result<()> {
    ensure!(
        page.settings_open().await?,
        "the settings are folded on a first run"
    );
    let setup = top(page, "#use-emulator").await?;
    let tables = top(page, "#hotel-slots").await?;
    ensure!(
        setup < tables,
        "the setup ({setup}px) comes after the tables ({tables}px)"
    );
    let widths = page
        .client()
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let [scroll, inner]: [u32; 2] = serde_json::from_value(widths)?;
    ensure!(
        scroll <= inner,
        "sideways scrolling: {scroll}px wide in {inner}px"
    );
    Ok(())
}

/// Waits until `service`'s table shows more than the window: "Show all" took effect.
async fn wait_whole_range(s: &Scenario, service: Service) -> Result<()> {
    until("the whole range to show", DEADLINE, || async {
        let shown = s.page.slots(service).await?.len();
        Ok(if shown > 20 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(format!("{shown} slots"))
        })
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_passes_axe_fresh_configured_with_an_error_show_all_and_paired() -> Result<()> {
    Setup::new("accessibility")
        .run(async |s| {
            s.rival(Method::POST, Service::Hotel, 3).await?;
            s.page.open(&s.url()).await?;
            leads_with_setup(&s.page).await?;
            s.page.screenshot(&s.artifacts, "first-run-desktop").await?;
            audit(&s.page, "fresh").await?;

            s.page.fill_settings(&s.settings()).await?;
            s.page.wait_slot(Service::Hotel, 3, "taken").await?;
            s.page.wait_free(Service::Band, 20).await?;
            audit(&s.page, "configured").await?;

            // The hold limit: two slots held at the hotel, a third refused with a message.
            for slot in [1, 2] {
                s.page.click_slot(Service::Hotel, slot).await?;
                s.page.wait_slot(Service::Hotel, slot, "mine").await?;
            }
            s.page.click_slot(Service::Hotel, 4).await?;
            until("the limit to be explained", DEADLINE, || async {
                let error = s.page.error(Service::Hotel).await?;
                let status = s.page.status().await?.text;
                Ok(if !error.is_empty() && status.contains("error") {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("{error:?} / {status:?}"))
                })
            })
            .await?;
            s.page.screenshot(&s.artifacts, "error").await?;
            audit(&s.page, "with an error shown").await?;

            s.page.click("show-all").await?;
            wait_whole_range(s, Service::Hotel).await?;
            audit(&s.page, "with \"Show all\"").await?;
            s.page.click("show-all").await?;

            // Slot 1 is held at the hotel already: auto-pair completes it at the band.
            s.page.click("auto-start").await?;
            ensure!(s.page.wait_pair(PAIR_DEADLINE).await? == 1, "pairs on 1");
            let done = s.page.wait_auto("done").await?;
            ensure!(
                !done.text.contains("error"),
                "a held pair reads as a failure: {:?}",
                done.text
            );
            s.page.screenshot(&s.artifacts, "paired").await?;
            audit(&s.page, "paired").await
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn at_phone_width_a_first_run_leads_with_setup_and_passes_axe() -> Result<()> {
    Setup::new("accessibility-phone")
        .run(async |s| {
            let (width, height) = PHONE;
            s.page.client().set_window_size(width, height).await?;
            s.page.open(&s.url()).await?;
            leads_with_setup(&s.page).await?;
            s.page.screenshot(&s.artifacts, "first-run-phone").await?;
            audit(&s.page, "fresh at phone width").await?;

            s.page.fill_settings(&s.settings()).await?;
            s.page.wait_free_slots(20).await?;
            ensure!(
                !s.page.settings_open().await?,
                "the settings stay open once saved"
            );
            s.page.screenshot(&s.artifacts, "configured-phone").await?;
            audit(&s.page, "configured at phone width").await
        })
        .await
}
