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

#[cfg(test)]
mod tests {
    use super::*;

    /// A `dist` holding only `stamp` as its source stamp (none if `None`).
    fn dist_with(stamp: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        if let Some(stamp) = stamp {
            std::fs::write(dir.path().join("source-stamp"), stamp).expect("write");
        }
        dir
    }

    fn tree_stamp() -> String {
        let run = Command::new("bash")
            .arg(workspace_dir().join("scripts").join("source-stamp.sh"))
            .output()
            .expect("the stamp script runs");
        assert!(run.status.success());
        String::from_utf8(run.stdout)
            .expect("hex")
            .trim()
            .to_owned()
    }

    #[test]
    fn a_release_build_of_the_tree_is_accepted() {
        let dist = dist_with(Some(&format!("{} release\n", tree_stamp())));
        check_built_from_tree(dist.path()).expect("accepted");
    }

    #[test]
    fn a_dist_from_other_sources_a_debug_build_or_no_stamp_is_refused() {
        let other = "0".repeat(64);
        let tree = tree_stamp();
        for (stamp, says) in [
            (Some(format!("{other} release\n")), "is stale"),
            (Some(format!("{tree} debug\n")), "\"debug\" build"),
            (Some(tree.clone()), "build (`trunk serve`"),
            (None, "was not built by `make dist`"),
        ] {
            let dist = dist_with(stamp.as_deref());
            let error = check_built_from_tree(dist.path()).expect_err("refused");
            assert!(format!("{error:#}").contains(says), "{stamp:?}: {error:#}");
            assert!(
                format!("{error:#}").contains("run `make dist`"),
                "{error:#}"
            );
        }
    }
}
