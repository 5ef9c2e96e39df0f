//! The harness's console check is live in each engine: an error logged by the page and an
//! uncaught exception fail the scenario, naming them.

use hotelband_e2e::{Engine, Setup};

in_both_engines!(a_console_error_and_an_uncaught_exception_fail_the_scenario);
async fn a_console_error_and_an_uncaught_exception_fail_the_scenario(
    engine: Engine,
) -> anyhow::Result<()> {
    let outcome = Setup::new("console-check")
        .engine(engine)
        .run(async |s| {
            s.page.open(&s.url()).await?;
            // The throw runs in a task of its own, as a page's would; the second timer, queued
            // after it, reports back once it has run.
            s.page
                .client()
                .execute_async(
                    r#"const done = arguments[0];
                       console.error('e2e check: logged');
                       setTimeout(() => { throw new Error('e2e check: uncaught'); });
                       setTimeout(done);"#,
                    vec![],
                )
                .await?;
            Ok(())
        })
        .await;
    let error = format!(
        "{:#}",
        outcome.expect_err("the console errors fail the scenario")
    );
    assert!(error.contains("e2e check: logged"), "{error}");
    assert!(error.contains("e2e check: uncaught"), "{error}");
    Ok(())
}
