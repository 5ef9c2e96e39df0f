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

/// Whether `dist` is a release build of the sources in the tree now: trunk's pre-build hook
/// wrote `source-stamp`, the hash `scripts/source-stamp.sh` prints of them and the build's
/// profile, and the same script must print the same hash now.
fn check_built_from_tree(dist: &Path) -> Result<()> {
    let stamp_path = dist.join("source-stamp");
    let stamp = std::fs::read_to_string(&stamp_path).with_context(|| {
        format!(
            "reading {}: dist/ was not built by `make dist`; run `make dist`",
            stamp_path.display()
        )
    })?;
    let (built, profile) = stamp.trim().split_once(' ').unwrap_or((stamp.trim(), ""));
    if profile != "release" {
        bail!(
            "{} is a {profile:?} build (`trunk serve` writes one), not the release build the \
             tests drive; run `make dist`",
            dist.display()
        );
    }
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
    if built != now.trim() {
        bail!(
            "{} is stale: it was built from other sources than the tree's (stamp {built}, the \
             tree now {}); run `make dist`",
            dist.display(),
            now.trim()
        );
    }
    Ok(())
}
