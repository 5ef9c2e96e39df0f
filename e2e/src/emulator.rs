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
