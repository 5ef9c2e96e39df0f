//! A private chromedriver on a free port, killed (with the Chromium it started) on drop.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use rustix::process::{Pid, Signal, kill_process_group};
use tokio::time::Instant;

/// Debian's `chromium-driver`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long chromedriver may take to answer `/status`; it is usually well under a second.
const READY_DEADLINE: Duration = Duration::from_secs(30);

/// How long the process group gets to exit on SIGTERM before it is killed outright.
const EXIT_GRACE: Duration = Duration::from_secs(3);

/// A running chromedriver.
#[derive(Debug)]
pub struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    /// Starts chromedriver on a free port in a process group of its own, so that dropping it
    /// also ends every Chromium process it started, and waits until it says it is ready.
    /// Its own output (start-up lines only: no command is logged at the default level, so no
    /// typed key) goes to `log`.
    pub async fn start(log: &Path) -> Result<Self> {
        let port = free_port()?;
        let out = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {CHROMEDRIVER} (Debian package chromium-driver)"))?;
        let mut driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        driver.wait_ready(log).await?;
        Ok(driver)
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn wait_ready(&mut self, log: &Path) -> Result<()> {
        let http = reqwest::Client::new();
        let status = format!("{}/status", self.url);
        let started = Instant::now();
        loop {
            if let Some(exit) = self.child.try_wait()? {
                bail!(
                    "chromedriver exited at start-up ({exit}); see {}",
                    log.display()
                );
            }
            if let Ok(reply) = http.get(&status).send().await {
                let body: serde_json::Value = reply.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    return Ok(());
                }
            }
            if started.elapsed() > READY_DEADLINE {
                bail!(
                    "chromedriver did not answer {status} within {READY_DEADLINE:?}; see {}",
                    log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The group id is chromedriver's pid (process_group(0)); Chromium and its helpers inherit
        // it. A failure means the group is already gone.
        let group = Pid::from_child(&self.child);
        let _ = kill_process_group(group, Signal::TERM);
        let until = std::time::Instant::now() + EXIT_GRACE;
        while std::time::Instant::now() < until {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = kill_process_group(group, Signal::KILL);
        let _ = self.child.wait();
    }
}

/// A port nobody listened on a moment ago. Chromedriver cannot report a port it picked itself,
/// so the small race with another process taking the port is accepted; it shows as a start-up
/// failure naming the log.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .context("finding a free port for chromedriver")?;
    Ok(listener.local_addr()?.port())
}
