//! The logs append: a new line adds a row and leaves the others (and a selection in them)
//! alone; "Pause updates" stops the logs and the timeline, and resuming catches up.

use std::ops::ControlFlow;

use anyhow::Context as _;
use hotelband_e2e::{DEADLINE, Scenario, Service, Setup, until};
use serde_json::json;

/// Clicks hotel slot `slot` by script: a pointer click would move the selection.
async fn reserve_by_script(s: &Scenario, slot: u16) -> anyhow::Result<()> {
    let script = r#"
        document.querySelector('#hotel-slots button[data-slot="' + arguments[0] + '"]').click();
    "#;
    s.page.client().execute(script, vec![json!(slot)]).await?;
    Ok(())
}

/// Rows of the activity log and the request log.
async fn log_rows(s: &Scenario) -> anyhow::Result<(usize, usize)> {
    Ok((
        s.page.count("#activity-log li").await?,
        s.page.count("#request-log tr").await?,
    ))
}

/// Waits until both logs have more rows than `before`.
async fn wait_rows_after(s: &Scenario, before: (usize, usize)) -> anyhow::Result<()> {
    until("a new row in both logs", DEADLINE, || async {
        let now = log_rows(s).await?;
        Ok(if now.0 > before.0 && now.1 > before.1 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(format!("{now:?}, before {before:?}"))
        })
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_line_appends_and_a_selection_in_the_log_survives() -> anyhow::Result<()> {
    Setup::new("log-append")
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.wait_free_slots(20).await?;
            until("rows in both logs", DEADLINE, || async {
                let rows = log_rows(s).await?;
                Ok(if rows.0 > 0 && rows.1 > 0 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(format!("{rows:?}"))
                })
            })
            .await?;
            // Mark the first row of each log (a property only this node carries) and select
            // the activity log's first line.
            let mark = r"
                const li = document.querySelector('#activity-log li');
                const tr = document.querySelector('#request-log tr');
                li.keptNode = true;
                tr.keptNode = true;
                const range = document.createRange();
                range.selectNodeContents(li);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                window.kept = { li, tr, anchor: selection.anchorNode, text: selection.toString() };
                return window.kept.text;
            ";
            let selected = s.page.client().execute(mark, vec![]).await?;
            let selected = selected.as_str().context("the selected text")?.to_owned();
            assert!(!selected.trim().is_empty(), "the first line has text");
            let before = log_rows(s).await?;

            reserve_by_script(s, 5).await?;
            s.page.wait_slot(Service::Hotel, 5, "mine").await?;
            wait_rows_after(s, before).await?;

            let check = r"
                const selection = window.getSelection();
                const li = document.querySelector('#activity-log li');
                const tr = document.querySelector('#request-log tr');
                return {
                    li_kept: li === window.kept.li && li.keptNode === true,
                    tr_kept: tr === window.kept.tr && tr.keptNode === true,
                    anchor_kept: selection.anchorNode === window.kept.anchor,
                    anchor_connected: !!selection.anchorNode && selection.anchorNode.isConnected,
                    text: selection.toString(),
                    rebuilt_rows: Array.from(document.querySelectorAll('#activity-log li'))
                        .filter(row => row.keptNode).length,
                };
            ";
            let after = s.page.client().execute(check, vec![]).await?;
            assert_eq!(
                after,
                json!({
                    "li_kept": true,
                    "tr_kept": true,
                    "anchor_kept": true,
                    "anchor_connected": true,
                    "text": selected,
                    "rebuilt_rows": 1,
                }),
                "the old rows and the selection stay as they were"
            );
            s.page.screenshot(&s.artifacts, "selection-kept").await
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn pausing_stops_the_logs_and_the_timeline_and_resuming_catches_up() -> anyhow::Result<()> {
    Setup::new("pause-updates")
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.wait_free_slots(20).await?;
            let pressed = async || -> anyhow::Result<Option<String>> {
                Ok(s.page
                    .client()
                    .find(fantoccini::Locator::Id("pause-updates"))
                    .await?
                    .attr("aria-pressed")
                    .await?)
            };
            assert_eq!(pressed().await?.as_deref(), Some("false"));
            s.page.click("pause-updates").await?;
            assert_eq!(pressed().await?.as_deref(), Some("true"));
            let before = log_rows(s).await?;
            let last_request = s.page.texts("#request-log tr:last-child").await?;

            // The slot table still follows (the reply has been published), the paused views
            // do not.
            s.page.click_slot(Service::Hotel, 5).await?;
            s.page.wait_slot(Service::Hotel, 5, "mine").await?;
            assert_eq!(log_rows(s).await?, before, "the logs stood still");
            assert_eq!(
                s.page.texts("#request-log tr:last-child").await?,
                last_request
            );
            assert!(
                s.page.timeline_holds().await?.is_empty(),
                "the timeline stood still"
            );
            s.page.screenshot(&s.artifacts, "paused").await?;

            s.page.click("pause-updates").await?;
            assert_eq!(pressed().await?.as_deref(), Some("false"));
            wait_rows_after(s, before).await?;
            until("the hold on the timeline", DEADLINE, || async {
                let holds = s.page.timeline_holds().await?;
                Ok(
                    if holds
                        .iter()
                        .any(|h| h.service == "hotel" && h.slot == 5 && h.held)
                    {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(format!("{holds:?}"))
                    },
                )
            })
            .await?;
            let log = s.page.texts("#request-log tr").await?.join("\n");
            assert!(log.contains("POST"), "the reserve is in the log: {log}");
            Ok(())
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_column_of_the_request_log_is_in_view_in_a_laptop_window() -> anyhow::Result<()> {
    Setup::new("request-log-columns")
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.wait_free_slots(20).await?;
            // A reserve and a cancel: the longest paths and methods the log shows.
            s.page.click_slot(Service::Band, 12).await?;
            s.page.wait_slot(Service::Band, 12, "mine").await?;
            s.page.click_slot(Service::Band, 12).await?;
            s.page.wait_slot(Service::Band, 12, "free").await?;
            let measure = r"
                const table = document.querySelector('#request-log').closest('table');
                const scroller = table.parentElement;
                const box = scroller.getBoundingClientRect();
                const last = table.querySelector('thead th:last-child').getBoundingClientRect();
                return {
                    window: window.innerWidth,
                    overflow: table.scrollWidth - scroller.clientWidth,
                    last_column_cut: last.right > box.left + scroller.clientWidth + 0.5,
                };
            ";
            let seen = s.page.client().execute(measure, vec![]).await?;
            assert_eq!(seen["window"], json!(1400), "the suite's window: {seen}");
            assert!(
                seen["overflow"].as_i64().is_some_and(|o| o <= 0)
                    && seen["last_column_cut"] == json!(false),
                "the table fits its panel: {seen}"
            );
            s.page.screenshot(&s.artifacts, "request-log").await
        })
        .await
}
