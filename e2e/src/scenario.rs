//! One browser scenario: a fresh emulator, WebDriver server and browser profile, in Chromium or
//! Firefox, torn down even when the body fails, with console errors checked and artifacts kept.

use anyhow::{Context as _, Result, anyhow, bail, ensure};
use hotelband_server::{Config, User};
use tokio::sync::Mutex;

use crate::admin::{Admin, ChangeOp};
use crate::artifacts::Artifacts;
use crate::browser::{Browser, Engine};
use crate::console;
use crate::driver::Driver;
use crate::emulator::Emulator;
use crate::page::{Page, Service, Settings};

/// One browser at a time keeps two cores from turning slowness into flaky deadlines.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Long enough for a pair under mixed faults and a crowd at one request a second.
pub const PAIR_DEADLINE: std::time::Duration = std::time::Duration::from_secs(150);

/// The user the page signs in as. Test data, not a secret.
pub const USER: &str = "alice";
const USER_TOKEN: &str = "a11ce0000000000000000000000000000000000000000000000000000000a11c";
/// A second, competing user for scenarios that need one.
pub const RIVAL: &str = "bob";
const RIVAL_TOKEN: &str = "b0b0000000000000000000000000000000000000000000000000000000000b0b";
/// The user the emulator's `/demo` hands out, for the "use the local emulator" preset.
pub const DEMO: &str = "demo";
const DEMO_TOKEN: &str = "de30000000000000000000000000000000000000000000000000000000000de3";
const ADMIN_TOKEN: &str = "ad00000000000000000000000000000000000000000000000000000000000ad0";

/// Console errors every scenario tolerates: the browser's own line for an API reply with an
/// error status, which a page cannot suppress. Errors from the page's code are never allowed.
const ALWAYS_ALLOWED: &[&str] = &["the server responded with a status of"];

/// [`USER`], [`RIVAL`] and [`DEMO`].
fn users() -> Vec<User> {
    [(USER, USER_TOKEN), (RIVAL, RIVAL_TOKEN), (DEMO, DEMO_TOKEN)]
        .into_iter()
        .map(|(name, token)| User {
            name: name.to_string(),
            token: token.to_string(),
        })
        .collect()
}

/// What a scenario needs before its body runs.
#[derive(Debug)]
pub struct Setup {
    name: String,
    config: Config,
    allowed: Vec<String>,
    engine: Engine,
}

impl Setup {
    /// A scenario named `name` (its artifact directory) on an emulator with users
    /// [`USER`], [`RIVAL`] and [`DEMO`], no faults, no crowd and the real 1 s pacing rule.
    #[must_use]
    pub fn new(name: &str) -> Self {
        let config = Config {
            users: users(),
            admin_token: ADMIN_TOKEN.to_string(),
            ..Config::default()
        };
        Setup {
            name: name.to_string(),
            config,
            allowed: ALWAYS_ALLOWED.iter().map(|s| s.to_string()).collect(),
            engine: Engine::default(),
        }
    }

    /// Runs in `engine` (Chromium by default); Firefox's artifacts go to `firefox/<scenario>/`.
    #[must_use]
    pub fn engine(mut self, engine: Engine) -> Self {
        self.engine = engine;
        self
    }

    /// Also tolerates console errors containing `needle`, e.g. the browser's line for a
    /// connection the emulator drops on purpose.
    #[must_use]
    pub fn allow_console(mut self, needle: &str) -> Self {
        self.allowed.push(needle.to_string());
        self
    }

    /// Adjusts the emulator's configuration (faults, crowd, seed, ...).
    #[must_use]
    pub fn emulator(mut self, adjust: impl FnOnce(&mut Config)) -> Self {
        adjust(&mut self.config);
        self
    }

    /// Runs `body` against a fresh emulator and browser, then checks the console.
    pub async fn run(self, body: impl AsyncFnOnce(&Scenario) -> Result<()>) -> Result<()> {
        let _turn = ONE_AT_A_TIME.lock().await;
        let engine = self.engine;
        let (dir, driver_log) = match engine {
            Engine::Chromium => (self.name.clone(), "chromedriver.log"),
            Engine::Firefox => (format!("firefox/{}", self.name), "geckodriver.log"),
        };
        let artifacts = Artifacts::create(&dir)?;
        let emulator = Emulator::start(self.config).await?;
        let driver = Driver::start(engine, &artifacts.dir().join(driver_log)).await?;
        let browser = Browser::launch(engine, &driver).await?;
        let page = Page::new(browser.client().clone());
        let scenario = Scenario {
            admin: Admin::new(
                // Keeps no idle connection: a restart of the emulator closes them all, and a
                // request sent on one the pool still held would be lost.
                reqwest::Client::builder()
                    .pool_max_idle_per_host(0)
                    .build()?,
                emulator.url(),
                ADMIN_TOKEN.to_string(),
            ),
            page,
            artifacts,
            emulator,
            engine,
        };
        let client = browser.client().clone();
        let failure_shot = scenario.artifacts.dir().join("failure.png");

        let outcome = body(&scenario).await;

        // Whatever happened, read the console and keep a picture of a failure.
        let entries = console::entries(engine, &client, driver.log())
            .await
            .unwrap_or_default();
        if outcome.is_err()
            && let Ok(png) = client.screenshot().await
        {
            let _ = std::fs::write(&failure_shot, png);
        }
        let closed = browser.close().await;
        drop(driver);
        outcome?;
        closed?;

        let bad = console::unexpected(&entries, &self.allowed);
        if !bad.is_empty() {
            let lines: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
            bail!(
                "{}: unexpected console errors:\n{}",
                scenario.artifacts.dir().display(),
                lines.join("\n")
            );
        }
        Ok(())
    }
}

/// What a scenario's body works with.
#[derive(Debug)]
pub struct Scenario {
    /// Restartable on its address (see [`Emulator::restart`]).
    pub emulator: Emulator,
    pub admin: Admin,
    pub page: Page,
    pub artifacts: Artifacts,
    /// The browser the page runs in.
    pub engine: Engine,
}

impl Scenario {
    /// The page's URL on the emulator.
    #[must_use]
    pub fn url(&self) -> String {
        format!("{}/", self.emulator.url())
    }

    /// Settings for [`USER`] against this emulator, 1 s apart, window 20, recheck 2 s.
    #[must_use]
    pub fn settings(&self) -> Settings {
        let base = self.emulator.url();
        Settings {
            hotel_url: format!("{base}/hotel/api"),
            hotel_key: USER_TOKEN.to_string(),
            band_url: format!("{base}/band/api"),
            band_key: USER_TOKEN.to_string(),
            delay: "1".to_string(),
            window: "20".to_string(),
            recheck: "2".to_string(),
        }
    }

    /// The emulator's users, for a second emulator that should know the same keys.
    #[must_use]
    pub fn users(&self) -> Vec<User> {
        users()
    }

    /// The admin token of this scenario's emulators.
    #[must_use]
    pub fn admin_token(&self) -> &'static str {
        ADMIN_TOKEN
    }

    /// [`RIVAL`] reserves (`POST`) or releases (`DELETE`) `slot` at `service` directly, beside
    /// the page; anything but a 200 is an error.
    pub async fn rival(&self, method: reqwest::Method, service: Service, slot: u16) -> Result<()> {
        self.competitor(RIVAL, method, service, slot).await
    }

    /// Like [`Scenario::rival`], as `user`: [`RIVAL`], or [`DEMO`] where a scenario whose page
    /// does not use it needs a second competitor (each keeps its own one-a-second rule).
    pub async fn competitor(
        &self,
        user: &str,
        method: reqwest::Method,
        service: Service,
        slot: u16,
    ) -> Result<()> {
        let token = match user {
            RIVAL => RIVAL_TOKEN,
            DEMO => DEMO_TOKEN,
            _ => bail!("{user} is not a competitor"),
        };
        let url = format!(
            "{}/{}/api/reservation/{slot}",
            self.emulator.url(),
            service.name()
        );
        let reply = reqwest::Client::new()
            .request(method.clone(), &url)
            .bearer_auth(token)
            .send()
            .await
            .with_context(|| format!("{user}: {method} {url}"))?;
        ensure!(
            reply.status() == 200,
            "{user}: {method} {url}: {}",
            reply.status()
        );
        Ok(())
    }

    /// Requests the emulator has received, per service (`[hotel, band]`).
    pub async fn requests(&self) -> Result<[u64; 2]> {
        let state = self.admin.state().await?;
        Ok(state.services().map(|service| service.counters.requests))
    }

    /// [`USER`]'s changes in the emulator's history, oldest first, as `(service, op, slot)`.
    pub async fn our_changes(&self) -> Result<Vec<(String, ChangeOp, u16)>> {
        let history = self.admin.history().await?;
        Ok(history
            .into_iter()
            .filter(|c| c.user == USER)
            .map(|c| (c.service, c.op, c.slot))
            .collect())
    }

    /// Waits until each service has received `more` requests beyond `from` (a
    /// [`Scenario::requests`] taken earlier): the page worked on for that many rounds.
    pub async fn wait_requests(
        &self,
        from: [u64; 2],
        more: u64,
        deadline: std::time::Duration,
    ) -> Result<[u64; 2]> {
        let what = format!("{more} more requests at each service");
        crate::wait::until(&what, deadline, || async {
            let now = self.requests().await?;
            Ok(if (0..2).all(|i| now[i] >= from[i] + more) {
                std::ops::ControlFlow::Break(now)
            } else {
                std::ops::ControlFlow::Continue(format!("{now:?}, from {from:?}"))
            })
        })
        .await
    }

    /// Starts an outage at `service` (`PUT /admin/outage/{service}`): for `length` every
    /// request gets a reverse proxy's HTML 502 page.
    pub async fn outage(&self, service: Service, length: std::time::Duration) -> Result<()> {
        let url = format!("{}/admin/outage/{}", self.emulator.url(), service.name());
        let for_ms = u64::try_from(length.as_millis())?;
        let reply = reqwest::Client::new()
            .put(&url)
            .bearer_auth(ADMIN_TOKEN)
            .json(&serde_json::json!({ "for_ms": for_ms }))
            .send()
            .await
            .with_context(|| format!("PUT {url}"))?;
        ensure!(reply.status() == 200, "PUT {url}: {}", reply.status());
        Ok(())
    }

    /// The key the page uses; tests check it never shows on the page.
    #[must_use]
    pub fn user_token(&self) -> &'static str {
        USER_TOKEN
    }

    /// Opens the page and fills the settings for [`USER`].
    pub async fn open_signed_in(&self) -> Result<()> {
        self.page.open(&self.url()).await?;
        self.page.fill_settings(&self.settings()).await
    }

    /// With a rival on slot 1 at both services, auto-pair pairs on 2 (seen on the page and at
    /// the emulator): the start of every scenario about what happens once slot 1 frees.
    pub async fn pair_on_2_behind_a_rival(&self) -> Result<()> {
        for service in Service::ALL {
            self.rival(reqwest::Method::POST, service, 1).await?;
        }
        self.open_signed_in().await?;
        self.page.click("auto-start").await?;
        ensure!(
            self.page.wait_pair(PAIR_DEADLINE).await? == 2,
            "the page pairs on 2"
        );
        ensure!(
            self.wait_matched_pair(PAIR_DEADLINE).await? == 2,
            "the emulator holds 2"
        );
        Ok(())
    }

    /// Waits until the emulator shows [`USER`] holding exactly one matched pair; returns it.
    pub async fn wait_matched_pair(&self, deadline: std::time::Duration) -> Result<u16> {
        crate::wait::until("a matched pair at the emulator", deadline, || async {
            let state = self.admin.state().await?;
            Ok(match state.matched_pair(USER) {
                Ok(slot) => std::ops::ControlFlow::Break(slot),
                Err(now) => std::ops::ControlFlow::Continue(now),
            })
        })
        .await
        .map_err(|e| anyhow!(e))
        .context("waiting for the pair")
    }
}
