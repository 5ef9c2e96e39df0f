//! A private WebDriver server (chromedriver or geckodriver) on a free port, killed with the
//! browser it started on drop.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use rustix::process::{Pid, Signal, kill_process_group};
use tokio::time::Instant;

use crate::browser::Engine;

/// Debian's `chromium-driver`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// geckodriver from the crate registry (`scripts/toolchain.sh --browser`), found on `PATH`.
pub const GECKODRIVER: &str = "geckodriver";

/// How long the driver may take to answer `/status`; it is usually well under a second.
const READY_DEADLINE: Duration = Duration::from_secs(30);

/// How long the process group gets to exit on SIGTERM before it is killed outright.
const EXIT_GRACE: Duration = Duration::from_secs(3);

/// A running WebDriver server.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Driver {
    /// Starts `engine`'s driver on a free port in a process group of its own, so that dropping
    /// it also ends every browser process it started, and waits until it says it is ready.
    /// Its output goes to `log`: start-up lines and, for Firefox, the browser's console (see
    /// [`crate::console`]); no command is logged at the default level, so no typed key.
    pub async fn start(engine: Engine, log: &Path) -> Result<Self> {
        let port = free_port()?;
        let out = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let (program, args, package) = match engine {
            Engine::Chromium => (
                CHROMEDRIVER,
                vec![format!("--port={port}")],
                "Debian package chromium-driver",
            ),
            // The BiDi port on 0 (the system picks one): its default, 9222, is shared by every
            // geckodriver on the machine.
            Engine::Firefox => (
                GECKODRIVER,
                vec![format!("--port={port}"), "--websocket-port=0".to_string()],
                "`cargo install geckodriver --locked`, run by scripts/toolchain.sh --browser",
            ),
        };
        let child = Command::new(program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {program} ({package})"))?;
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log: log.to_path_buf(),
        };
        driver.wait_ready(program).await?;
        Ok(driver)
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The file the driver's (and for Firefox, the browser's) output goes to.
    #[must_use]
    pub fn log(&self) -> &Path {
        &self.log
    }

    async fn wait_ready(&mut self, program: &str) -> Result<()> {
        let http = reqwest::Client::new();
        let status = format!("{}/status", self.url);
        let started = Instant::now();
        loop {
            if let Some(exit) = self.child.try_wait()? {
                bail!(
                    "{program} exited at start-up ({exit}); see {}",
                    self.log.display()
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
                    "{program} did not answer {status} within {READY_DEADLINE:?}; see {}",
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group id is the driver's pid (process_group(0)); the browser and its helpers
        // inherit it. A failure means the group is already gone.
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

/// A port nobody listened on a moment ago. A driver cannot report a port it picked itself,
/// so the small race with another process taking the port is accepted; it shows as a start-up
/// failure naming the log.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .context("finding a free port for the WebDriver server")?;
    Ok(listener.local_addr()?.port())
}
