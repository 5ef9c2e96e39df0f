//! The emulator under test, started in-process on an ephemeral port with the built page.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

pub use hotelband_server::{Config, Running};

/// The workspace root: the parent of this package.
#[must_use]
pub fn workspace_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // This package is always a direct member directory of the workspace (`e2e/`).
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `<workspace>/dist`, if the page has been built from the sources in the tree; a missing or
/// stale page is an error, never a skip, so that CI cannot pass without having tested the
/// page as it is.
pub fn dist_dir() -> Result<PathBuf> {
    let dist = workspace_dir().join("dist");
    if !dist.join("index.html").is_file() {
        bail!(
            "{} is missing: the browser tests need the built page; run `make dist` first",
            dist.join("index.html").display()
        );
    }
    check_built_from_tree(&dist)?;
    Ok(dist)
}

/// Whether `dist` was built from the sources in the tree now: trunk's pre-build hook wrote
/// `source-stamp`, the hash `scripts/source-stamp.sh` prints of them, and the same script must
/// print the same hash now.
fn check_built_from_tree(dist: &Path) -> Result<()> {
    let stamp_path = dist.join("source-stamp");
    let built = std::fs::read_to_string(&stamp_path).with_context(|| {
        format!(
            "reading {}: dist/ was not built by `make dist`; run `make dist`",
            stamp_path.display()
        )
    })?;
    let script = workspace_dir().join("scripts").join("source-stamp.sh");
    let run = Command::new("bash")
        .arg(&script)
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !run.status.success() {
        bail!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&run.stderr).trim()
        );
    }
    let now = String::from_utf8_lossy(&run.stdout);
    if built.trim() != now.trim() {
        bail!(
            "{} is stale: it was built from other sources than the tree's (stamp {}, the tree \
             now {}); run `make dist`",
            dist.display(),
            built.trim(),
            now.trim()
        );
    }
    Ok(())
}

/// Starts the emulator with `config`, listening on 127.0.0.1 on a free port and serving `dist/`.
pub async fn start(mut config: Config) -> Result<Running> {
    config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
    config.dist = Some(dist_dir()?);
    hotelband_server::start(config)
        .await
        .context("starting the emulator")
}
