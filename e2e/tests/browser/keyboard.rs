//! A first run by keyboard alone: Tab to "Use the local emulator", Enter, Tab to Start, Enter,
//! and a pair; then, configured, the skip link leads past the folded settings.

use std::ops::ControlFlow;

use anyhow::{Result, bail, ensure};
use fantoccini::key::Key;
use hotelband_e2e::{DEMO, PAIR_DEADLINE, Page, Setup, until};

/// Presses Tab until `target` (`tag#id`) has the focus, at most `limit` times; returns how
/// many Tabs it took and every stop on the way.
async fn tab_to(page: &Page, target: &str, limit: usize) -> Result<(usize, Vec<String>)> {
    let mut stops = Vec::new();
    for tabs in 1..=limit {
        page.press(Key::Tab).await?;
        let focused = page.focused().await?;
        stops.push(focused.clone());
        if focused == target {
            return Ok((tabs, stops));
        }
    }
    bail!("{target} not reached in {limit} Tabs; the focus went {stops:?}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_run_pairs_by_keyboard_alone_and_the_skip_link_leads_to_the_tables() -> Result<()> {
    Setup::new("keyboard")
        .run(async |s| {
            s.page.open(&s.url()).await?;
            let (tabs, stops) = tab_to(&s.page, "button#use-emulator", 5).await?;
            ensure!(
                stops[0] == "a#skip",
                "the first Tab lands on {:?}, not the skip link",
                stops[0]
            );
            println!("\"Use the local emulator\" reached in {tabs} Tabs: {stops:?}");
            s.page.press(Key::Enter).await?;
            s.page.wait_text("settings-status", "Saved").await?;
            ensure!(
                !s.page.settings_open().await?,
                "the settings stay open once complete"
            );

            let (tabs, stops) = tab_to(&s.page, "button#auto-start", 5).await?;
            println!("Start reached in {tabs} more Tabs: {stops:?}");
            s.page.press(Key::Enter).await?;
            let pair = until("a matched pair at the emulator", PAIR_DEADLINE, || async {
                let state = s.admin.state().await?;
                Ok(match state.matched_pair(DEMO) {
                    Ok(slot) => ControlFlow::Break(slot),
                    Err(now) => ControlFlow::Continue(now),
                })
            })
            .await?;
            ensure!(pair == 1, "paired on {pair}, not 1");
            s.page.wait_auto("done").await?;

            // Configured: the setup is folded at load and the skip link jumps past it.
            s.page.reload().await?;
            ensure!(
                !s.page.settings_open().await?,
                "the settings are open on a configured page"
            );
            tab_to(&s.page, "a#skip", 1).await?;
            s.page.press(Key::Enter).await?;
            tab_to(&s.page, "button#auto-start", 1).await?;
            s.page.screenshot(&s.artifacts, "skip-link-used").await
        })
        .await
}
