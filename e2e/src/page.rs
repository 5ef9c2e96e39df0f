//! The page as a test sees it, through the stable hooks of `e2e/DOM.md`.

use std::ops::ControlFlow;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use fantoccini::{Client, Locator};
use serde::Deserialize;
use serde_json::json;

use crate::artifacts::Artifacts;
use crate::wait::{DEADLINE, until};

/// One of the two services; its `name()` is the page's id prefix and the emulator's path.
pub use hotelband_server::Service;

/// One slot button of a table.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SlotView {
    pub slot: u16,
    /// `free`, `mine`, `taken` or `unknown`.
    pub state: String,
    pub pair: bool,
    pub busy: bool,
}

/// One bar of `#race-timeline`: a hold of ours at a service.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub struct TimelineHold {
    /// `hotel` or `band`.
    pub service: String,
    pub slot: u16,
    /// Still held (the bar reaches "now").
    pub held: bool,
}

/// What the settings form is filled with.
#[derive(Clone, Debug)]
pub struct Settings {
    pub hotel_url: String,
    pub hotel_key: String,
    pub band_url: String,
    pub band_key: String,
    /// Seconds between requests to one service.
    pub delay: String,
    pub window: String,
    /// Seconds between rechecks for a better pair.
    pub recheck: String,
}

/// The `#status` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// `off`, `running`, `releasing` or `done`.
    pub auto: String,
    /// The matched slot, if the page shows one.
    pub pair: Option<u16>,
    pub text: String,
}

/// A handle on the page in the browser's current window.
#[derive(Clone, Debug)]
pub struct Page {
    client: Client,
}

impl Page {
    #[must_use]
    pub fn new(client: Client) -> Self {
        Page { client }
    }

    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Navigates to `url` and waits until the wasm app has mounted its tables.
    pub async fn open(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))?;
        self.wait_mounted().await
    }

    /// Reloads and waits until the app has mounted again.
    pub async fn reload(&self) -> Result<()> {
        self.client.refresh().await.context("reloading")?;
        self.wait_mounted().await
    }

    async fn wait_mounted(&self) -> Result<()> {
        until("the page to mount its slot tables", DEADLINE, || async {
            let found = self.client.find_all(Locator::Css("#hotel-slots")).await?;
            Ok(if found.is_empty() {
                ControlFlow::Continue("no #hotel-slots yet".to_string())
            } else {
                ControlFlow::Break(())
            })
        })
        .await
    }

    /// Opens `#settings-panel` if `#id` sits in it folded, as a person would (its summary):
    /// the panel folds once the settings are complete.
    pub async fn reveal(&self, id: &str) -> Result<()> {
        let script = r#"
            const el = document.getElementById(arguments[0]);
            return !!(el && el.closest('#settings-panel:not([open])'));
        "#;
        let folded = self.client.execute(script, vec![json!(id)]).await?;
        if folded.as_bool() == Some(true) {
            self.client
                .find(Locator::Css("#settings-panel > summary"))
                .await
                .context("finding the settings summary")?
                .click()
                .await
                .context("opening the settings")?;
        }
        Ok(())
    }

    /// Replaces the text of the input `#id` with `value`.
    pub async fn type_into(&self, id: &str, value: &str) -> Result<()> {
        self.reveal(id).await?;
        let input = self.by_id(id).await?;
        input
            .clear()
            .await
            .with_context(|| format!("clearing #{id}"))?;
        input
            .send_keys(value)
            .await
            .with_context(|| format!("typing into #{id}"))?;
        Ok(())
    }

    /// The current value of the input `#id`.
    pub async fn value(&self, id: &str) -> Result<String> {
        let input = self.by_id(id).await?;
        Ok(input.prop("value").await?.unwrap_or_default())
    }

    /// The visible text of `#id`.
    pub async fn text(&self, id: &str) -> Result<String> {
        Ok(self.by_id(id).await?.text().await?)
    }

    pub async fn click(&self, id: &str) -> Result<()> {
        self.reveal(id).await?;
        self.by_id(id)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking #{id}"))
    }

    /// Fills every settings field, saves, and waits for the page to accept them.
    pub async fn fill_settings(&self, settings: &Settings) -> Result<()> {
        self.type_settings(settings).await?;
        self.click("save-settings").await?;
        self.wait_text("settings-status", "Saved").await
    }

    /// Types every settings field, without saving.
    pub async fn type_settings(&self, settings: &Settings) -> Result<()> {
        for (id, value) in [
            ("hotel-url", &settings.hotel_url),
            ("hotel-key", &settings.hotel_key),
            ("band-url", &settings.band_url),
            ("band-key", &settings.band_key),
            ("delay", &settings.delay),
            ("window", &settings.window),
            ("recheck", &settings.recheck),
        ] {
            self.type_into(id, value).await?;
        }
        Ok(())
    }

    /// Waits until `#id`'s text contains `needle` (case-insensitive); returns the text.
    pub async fn wait_text(&self, id: &str, needle: &str) -> Result<()> {
        let needle = needle.to_lowercase();
        until(&format!("#{id} to say {needle:?}"), DEADLINE, || async {
            let text = self.text(id).await?;
            Ok(if text.to_lowercase().contains(&needle) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(format!("{text:?}"))
            })
        })
        .await
    }

    /// Every slot button of `service`'s table, in page order.
    pub async fn slots(&self, service: Service) -> Result<Vec<SlotView>> {
        let script = r#"
            const [table] = arguments;
            return Array.from(document.querySelectorAll('#' + table + ' button[data-slot]')).map(b => ({
                slot: Number(b.dataset.slot),
                state: b.dataset.state || '',
                pair: b.dataset.pair === 'true',
                busy: b.getAttribute('aria-busy') === 'true',
            }));
        "#;
        let table = format!("{}-slots", service.name());
        let value = self.client.execute(script, vec![json!(table)]).await?;
        serde_json::from_value(value).context("reading the slot buttons")
    }

    /// One slot button, if shown.
    pub async fn slot(&self, service: Service, slot: u16) -> Result<Option<SlotView>> {
        Ok(self
            .slots(service)
            .await?
            .into_iter()
            .find(|s| s.slot == slot))
    }

    pub async fn click_slot(&self, service: Service, slot: u16) -> Result<()> {
        let css = format!("#{}-slots button[data-slot=\"{slot}\"]", service.name());
        let button = self
            .client
            .find(Locator::Css(&css))
            .await
            .with_context(|| format!("finding {css}"))?;
        button
            .click()
            .await
            .with_context(|| format!("clicking {css}"))
    }

    /// Waits until `service`'s slot shows `state` and is no longer busy.
    pub async fn wait_slot(&self, service: Service, slot: u16, state: &str) -> Result<()> {
        let what = format!("{} slot {slot} to be {state}", service.name());
        until(&what, DEADLINE, || async {
            Ok(match self.slot(service, slot).await? {
                Some(view) if view.state == state && !view.busy => ControlFlow::Break(()),
                other => ControlFlow::Continue(format!("{other:?}")),
            })
        })
        .await
    }

    /// Waits until both tables show at least `count` free slots.
    pub async fn wait_free_slots(&self, count: usize) -> Result<()> {
        for service in Service::ALL {
            self.wait_free(service, count).await?;
        }
        Ok(())
    }

    /// Waits until `service`'s table shows at least `count` free slots.
    pub async fn wait_free(&self, service: Service, count: usize) -> Result<()> {
        let what = format!("{count} free {} slots", service.name());
        until(&what, DEADLINE, || async {
            let slots = self.slots(service).await?;
            let free = slots.iter().filter(|s| s.state == "free").count();
            Ok(if free >= count {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(format!("{free} free"))
            })
        })
        .await
    }

    /// The slots of the `#common-slots` list, in page order.
    pub async fn common_slots(&self) -> Result<Vec<u16>> {
        let script = r#"
            return Array.from(document.querySelectorAll('#common-slots li[data-slot]'))
                .map(li => Number(li.dataset.slot));
        "#;
        let value = self.client.execute(script, vec![]).await?;
        serde_json::from_value(value).context("reading #common-slots")
    }

    /// The slot buttons of `service`'s table marked `data-common="true"`, in page order.
    pub async fn common_marks(&self, service: Service) -> Result<Vec<u16>> {
        let script = r#"
            const [table] = arguments;
            return Array.from(document.querySelectorAll(
                '#' + table + ' button[data-slot][data-common="true"]'
            )).map(b => Number(b.dataset.slot));
        "#;
        let table = format!("{}-slots", service.name());
        let value = self.client.execute(script, vec![json!(table)]).await?;
        serde_json::from_value(value).context("reading the common marks")
    }

    /// The hold bars of `#race-timeline`'s SVG, in drawing order.
    pub async fn timeline_holds(&self) -> Result<Vec<TimelineHold>> {
        let script = r#"
            return Array.from(document.querySelectorAll('#race-timeline svg rect.hold')).map(r => ({
                service: r.dataset.service || '',
                slot: Number(r.dataset.slot),
                held: r.dataset.held === 'true',
            }));
        "#;
        let value = self.client.execute(script, vec![]).await?;
        serde_json::from_value(value).context("reading the timeline's bars")
    }

    /// Presses and releases `key` on whatever has the focus, as a keyboard does.
    pub async fn press(&self, key: fantoccini::key::Key) -> Result<()> {
        use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".to_string())
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        self.client
            .perform_actions(keys)
            .await
            .with_context(|| format!("pressing {key:?}"))
    }

    /// The focused element, as `tag#id` (`#id` empty when it has none), e.g. `button#auto-start`.
    pub async fn focused(&self) -> Result<String> {
        let script = r#"
            const el = document.activeElement;
            return el ? el.tagName.toLowerCase() + '#' + el.id : '';
        "#;
        let value = self.client.execute(script, vec![]).await?;
        serde_json::from_value(value).context("reading document.activeElement")
    }

    /// Whether `#settings-panel` is unfolded.
    pub async fn settings_open(&self) -> Result<bool> {
        let value = self
            .client
            .execute(
                "return document.getElementById('settings-panel').open;",
                vec![],
            )
            .await?;
        serde_json::from_value(value).context("reading #settings-panel's open")
    }

    /// How many elements match `selector`.
    pub async fn count(&self, selector: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(selector)).await?.len())
    }

    /// `document.visibilityState`: `visible` or `hidden`.
    pub async fn visibility(&self) -> Result<String> {
        let value = self
            .client
            .execute("return document.visibilityState;", vec![])
            .await?;
        serde_json::from_value(value).context("reading document.visibilityState")
    }

    /// The service's error line (empty when there is none).
    pub async fn error(&self, service: Service) -> Result<String> {
        self.text(&format!("{}-error", service.name())).await
    }

    pub async fn status(&self) -> Result<Status> {
        let status = self.by_id("status").await?;
        let auto = status.attr("data-auto").await?.unwrap_or_default();
        let pair = status
            .attr("data-pair")
            .await?
            .and_then(|p| p.trim().parse().ok());
        let text = status.text().await?;
        Ok(Status { auto, pair, text })
    }

    /// Waits until the status line shows a matched pair; returns it.
    pub async fn wait_pair(&self, deadline: Duration) -> Result<u16> {
        until(
            "the status line to show a matched pair",
            deadline,
            || async {
                let status = self.status().await?;
                Ok(match status.pair {
                    Some(pair) => ControlFlow::Break(pair),
                    None => ControlFlow::Continue(format!("{status:?}")),
                })
            },
        )
        .await
    }

    /// Waits until `#status` has `data-auto` equal to `auto`.
    pub async fn wait_auto(&self, auto: &str) -> Result<Status> {
        until(&format!("auto-pair to be {auto}"), DEADLINE, || async {
            let status = self.status().await?;
            Ok(if status.auto == auto {
                ControlFlow::Break(status)
            } else {
                ControlFlow::Continue(format!("{status:?}"))
            })
        })
        .await
    }

    /// Texts of `selector`'s matches, e.g. the activity log's lines.
    pub async fn texts(&self, selector: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for element in self.client.find_all(Locator::Css(selector)).await? {
            out.push(element.text().await?);
        }
        Ok(out)
    }

    /// The whole page's HTML, to check no key leaks into it.
    pub async fn source(&self) -> Result<String> {
        Ok(self.client.source().await?)
    }

    /// Saves a screenshot of the window as `<name>.png` among the scenario's artifacts.
    pub async fn screenshot(&self, artifacts: &Artifacts, name: &str) -> Result<()> {
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot")?;
        artifacts.write(&format!("{name}.png"), &png)?;
        Ok(())
    }

    async fn by_id(&self, id: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .find(Locator::Id(id))
            .await
            .map_err(|e| anyhow!("finding #{id}: {e}"))
    }
}
