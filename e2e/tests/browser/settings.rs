//! Settings: a wrong key, api.ini import, and what bad input leaves intact.

use std::ops::ControlFlow;

use hotelband_e2e::{Admin, DEADLINE, DEMO, Engine, Service, Setup, USER, until};

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_is_reported_and_the_other_service_still_works() -> anyhow::Result<()> {
    Setup::new("wrong-key")
        .run(async |s| {
            s.page.open(&s.url()).await?;
            let mut settings = s.settings();
            settings.hotel_key = "f".repeat(64);
            s.page.fill_settings(&settings).await?;
            s.page.wait_text("hotel-error", "key").await?;
            s.page.wait_free(Service::Band, 20).await?;
            assert_eq!(s.page.value("band-url").await?, settings.band_url);
            let error = s.page.error(Service::Hotel).await?;
            assert!(
                !error.contains(&"f".repeat(64)),
                "the key shows in {error:?}"
            );
            s.page.screenshot(&s.artifacts, "wrong-key").await
        })
        .await
}

in_both_engines!(api_ini_import_fills_the_form_and_a_broken_one_is_refused);
async fn api_ini_import_fills_the_form_and_a_broken_one_is_refused(
    engine: Engine,
) -> anyhow::Result<()> {
    Setup::new("ini-import")
        .engine(engine)
        .run(async |s| {
            s.page.open(&s.url()).await?;
            let hotel_key = "1".repeat(64);
            let band_key = "2".repeat(64);
            let ini = format!(
                "[hotel]\nurl = http://127.0.0.1:1/hotel/api\nkey = {hotel_key}\n\n\
                 [band]\nurl = http://127.0.0.1:1/band/api\nkey = {band_key}\n\n\
                 [global]\nretries = 4\ndelay = 2\n"
            );
            s.page.type_into("ini-text", &ini).await?;
            s.page.click("ini-import").await?;
            s.page.wait_text("ini-status", "fill").await?;
            assert_eq!(
                s.page.value("hotel-url").await?,
                "http://127.0.0.1:1/hotel/api"
            );
            assert_eq!(
                s.page.value("band-url").await?,
                "http://127.0.0.1:1/band/api"
            );
            assert_eq!(s.page.value("hotel-key").await?, hotel_key);
            assert_eq!(s.page.value("band-key").await?, band_key);
            assert_eq!(s.page.value("retries").await?, "4");
            s.page.screenshot(&s.artifacts, "imported").await?;

            s.page
                .type_into("ini-text", "[hotel]\nurl = ftp://x\n")
                .await?;
            s.page.click("ini-import").await?;
            s.page.wait_text("ini-status", "not an http(s) url").await?;
            assert_eq!(
                s.page.value("hotel-url").await?,
                "http://127.0.0.1:1/hotel/api",
                "a refused file changes nothing"
            );
            Ok(())
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_delay_is_explained_and_nothing_is_lost() -> anyhow::Result<()> {
    Setup::new("bad-input")
        .run(async |s| {
            s.open_signed_in().await?;
            s.page.type_into("delay", "0.2").await?;
            s.page.type_into("window", "abc").await?;
            s.page.click("save-settings").await?;
            let errors = s.page.texts(".field-error").await?.join(" | ");
            assert!(!errors.trim().is_empty(), "no field error shown");
            assert_eq!(s.page.value("hotel-url").await?, s.settings().hotel_url);
            s.page.screenshot(&s.artifacts, "refused").await?;
            // The saved settings still work: the tables load.
            s.page.wait_free_slots(20).await
        })
        .await
}

in_both_engines!(the_local_emulator_preset_signs_in_as_the_demo_user);
async fn the_local_emulator_preset_signs_in_as_the_demo_user(engine: Engine) -> anyhow::Result<()> {
    Setup::new("use-emulator")
        .engine(engine)
        .run(async |s| {
            s.page.open(&s.url()).await?;
            s.page.click("use-emulator").await?;
            s.page.wait_free_slots(20).await?;
            let base = s.emulator.url();
            assert_eq!(
                s.page.value("hotel-url").await?,
                format!("{base}/hotel/api")
            );
            assert_eq!(s.page.value("band-url").await?, format!("{base}/band/api"));
            s.page.click_slot(Service::Band, 7).await?;
            s.page.wait_slot(Service::Band, 7, "mine").await?;
            assert_eq!(s.admin.state().await?.band.holds_of(DEMO), [7]);
            Ok(())
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_url_and_an_html_page_are_explained() -> anyhow::Result<()> {
    Setup::new("unreachable-and-html")
        // The browser's own line for the refused connection.
        .allow_console("net::ERR_CONNECTION_REFUSED")
        .run(async |s| {
            s.page.open(&s.url()).await?;
            let mut settings = s.settings();
            // A port nobody listens on any more; the "band" is the page itself, an HTML document.
            let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
            settings.hotel_url = format!("http://{closed}/hotel/api");
            settings.band_url = format!("{}/not-an-api", s.emulator.url());
            s.page.fill_settings(&settings).await?;
            s.page.wait_text("hotel-error", &closed.to_string()).await?;
            until("the band error to be shown", DEADLINE, || async {
                let error = s.page.error(Service::Band).await?;
                Ok(if error.trim().is_empty() {
                    ControlFlow::Continue("no band error yet".to_string())
                } else {
                    ControlFlow::Break(())
                })
            })
            .await?;
            let band_error = s.page.error(Service::Band).await?;
            assert!(
                !band_error.contains("<html"),
                "raw HTML shown: {band_error:?}"
            );
            s.page
                .screenshot(&s.artifacts, "unreachable-and-html")
                .await?;
            assert_eq!(s.page.value("hotel-url").await?, settings.hotel_url);
            assert_eq!(s.page.value("band-key").await?, settings.band_key);
            Ok(())
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cors_proxy_prefix_reaches_another_server() -> anyhow::Result<()> {
    Setup::new("cors-proxy")
        // The upstream's port is only known later; a listed host would do as well.
        .emulator(|c| c.proxy_any_local = true)
        .run(async |s| {
            // A second emulator with the same users stands in for the course's servers.
            let upstream = hotelband_server::start(hotelband_server::Config {
                users: s.users(),
                admin_token: s.admin_token().to_string(),
                ..hotelband_server::Config::default()
            })
            .await?;
            let upstream_admin = Admin::new(
                reqwest::Client::new(),
                upstream.url(),
                s.admin_token().to_string(),
            );
            s.page.open(&s.url()).await?;
            let mut settings = s.settings();
            settings.hotel_url = format!("{}/hotel/api", upstream.url());
            settings.band_url = format!("{}/band/api", upstream.url());
            s.page
                .type_into("proxy", &format!("{}/proxy/", s.emulator.url()))
                .await?;
            s.page.fill_settings(&settings).await?;
            s.page.wait_free_slots(20).await?;
            s.page.click_slot(Service::Hotel, 4).await?;
            s.page.wait_slot(Service::Hotel, 4, "mine").await?;
            assert_eq!(upstream_admin.state().await?.hotel.holds_of(USER), [4]);
            assert!(s.admin.state().await?.hotel.holds_of(USER).is_empty());
            Ok(())
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn polite_is_off_by_default_and_stored_with_the_settings() -> anyhow::Result<()> {
    Setup::new("polite")
        .run(async |s| {
            s.open_signed_in().await?;
            assert_eq!(s.page.count("#polite:checked").await?, 0, "off by default");
            s.page.reveal("recheck").await?;
            let label = s.page.texts("label[for=recheck]").await?.join(" ");
            assert!(
                label.contains("polite"),
                "the recheck says when it applies: {label:?}"
            );
            s.page.click("polite").await?;
            s.page.click("save-settings").await?;
            s.page.wait_text("settings-status", "Saved").await?;
            s.page.reload().await?;
            assert_eq!(
                s.page.count("#polite:checked").await?,
                1,
                "kept across a reload"
            );
            s.page.click("polite").await?;
            s.page.click("save-settings").await?;
            s.page.wait_text("settings-status", "Saved").await?;
            s.page.reload().await?;
            assert_eq!(
                s.page.count("#polite:checked").await?,
                0,
                "unticked is kept too"
            );
            Ok(())
        })
        .await
}
