//! The emulator under test, started in-process on an ephemeral port with the built page.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

pub use hotelband_server::{Config, Running};

/// The workspace root: the parent of this package.
#[must_use]
pub fn workspace_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // This package is always a direct member directory of the workspace (`e2e/`).
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `<workspace>/dist`, if the page has been built; a missing page is an error, never a skip,
/// so that CI cannot pass without having tested anything.
pub fn dist_dir() -> Result<PathBuf> {
    let dist = workspace_dir().join("dist");
    if !dist.join("index.html").is_file() {
        bail!(
            "{} is missing: the browser tests need the built page; run `make dist` first",
            dist.join("index.html").display()
        );
    }
    Ok(dist)
}

/// Starts the emulator with `config`, listening on 127.0.0.1 on a free port and serving `dist/`.
pub async fn start(mut config: Config) -> Result<Running> {
    config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
    config.dist = Some(dist_dir()?);
    hotelband_server::start(config)
        .await
        .context("starting the emulator")
}

/// The emulator of a scenario, which the scenario may restart on the same address (the page's
/// settings keep working) with its state lost, as a restarted process would.
#[derive(Debug)]
pub struct Emulator {
    config: Config,
    url: String,
    // `None` only during a restart.
    running: tokio::sync::Mutex<Option<Running>>,
}

impl Emulator {
    /// Starts the emulator as [`start`] does.
    pub async fn start(config: Config) -> Result<Self> {
        let running = start(config.clone()).await?;
        Ok(Emulator {
            url: running.url(),
            // What `start` serves with, at the address it got: a restart serves the same.
            config: Config {
                addr: running.addr(),
                dist: Some(dist_dir()?),
                ..config
            },
            running: tokio::sync::Mutex::new(Some(running)),
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    #[must_use]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stops the emulator, closing every connection (a request in flight gets no reply), and
    /// starts a fresh one with the same configuration on the same address: no holds, no
    /// history, no counters.
    pub async fn restart(&self) -> Result<()> {
        let mut running = self.running.lock().await;
        if let Some(old) = running.take() {
            old.stop().await;
        }
        let listener = tokio::net::TcpListener::bind(self.config.addr)
            .await
            .with_context(|| format!("listening on {} again", self.config.addr))?;
        let fresh = hotelband_server::start_on(listener, self.config.clone())
            .context("restarting the emulator")?;
        *running = Some(fresh);
        Ok(())
    }
}
