//! Shared helpers: a real emulator on 127.0.0.1:0 (the one-request-a-second rule enforced,
//! as the course's servers expect it) and the built `hotelband` binary run against it.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use hotelband_server::inspect::{Admin, Change, ChangeOp, State, first_conflict};
use hotelband_server::{Config, Crowd, Faults, Running, User};
use tokio::process::{Child, Command};
use tokio::time::Instant;

/// The user the client runs as, and its key (64 hex digits, like the course's).
pub const USER: &str = "cli";
pub const KEY: &str = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e";
/// Another user, to take slots from under the client.
pub const OTHER: &str = "other";
pub const OTHER_KEY: &str = "0ddba11000000000000000000000000000000000000000000000000000000000";
/// No holds at either service, as [`Emulator::holds`] reports it.
pub const NOTHING: [Vec<u16>; 2] = [Vec::new(), Vec::new()];
const ADMIN_KEY: &str = "ad000000000000000000000000000000000000000000000000000000000000ad";

/// A running emulator and its admin client.
pub struct Emulator {
    pub running: Running,
    pub admin: Admin,
    http: reqwest::Client,
    /// Its pacing rule's interval (one request per interval per user and service).
    interval: Duration,
    /// When the last run of the binary against it (see [`Emulator::run`]) ended.
    last_run_ended: Mutex<Option<Instant>>,
}

/// Faults and crowds for [`Emulator::start`]; index 0 is the hotel, 1 the band.
#[derive(Default)]
pub struct World {
    pub faults: [Faults; 2],
    pub crowd: [Crowd; 2],
    pub dist: Option<PathBuf>,
}

impl Emulator {
    pub async fn start(world: World) -> Emulator {
        let config = Config {
            users: vec![User::new(USER, KEY), User::new(OTHER, OTHER_KEY)],
            admin_token: ADMIN_KEY.to_owned(),
            faults: world.faults,
            crowd: world.crowd,
            dist: world.dist,
            seed: 11,
            ..Config::default()
        };
        let interval = config.pacing.min_interval;
        let running = hotelband_server::start(config)
            .await
            .expect("the emulator starts");
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let admin = Admin::new(http.clone(), running.url(), ADMIN_KEY.to_owned());
        Emulator {
            running,
            admin,
            http,
            interval,
            last_run_ended: Mutex::new(None),
        }
    }

    /// Runs `hotelband ARGS` against this emulator with the client's key at both services, to
    /// its end. See [`Emulator::run_with`].
    pub async fn run(&self, args: &[String]) -> Run {
        self.run_with(args, [Some(KEY), Some(KEY)]).await
    }

    /// Runs `hotelband ARGS` against this emulator with the given keys, to its end, starting
    /// it no sooner than the pacing interval after the previous run ended. Each process paces
    /// itself, but two cannot pace each other: a process's requests have all arrived when it
    /// ends, so from then on one interval keeps the pair of them within the rule.
    pub async fn run_with(&self, args: &[String], keys: [Option<&str>; 2]) -> Run {
        let previous = *self.last_run_ended.lock().expect("not poisoned");
        if let Some(ended) = previous {
            tokio::time::sleep_until(ended + self.interval).await;
        }
        let run = run_with(args, keys).await;
        *self.last_run_ended.lock().expect("not poisoned") = Some(Instant::now());
        run
    }

    /// `--hotel-url U --band-url U` for this emulator.
    pub fn urls(&self) -> Vec<String> {
        let url = self.running.url();
        vec![
            "--hotel-url".into(),
            format!("{url}/hotel/api"),
            "--band-url".into(),
            format!("{url}/band/api"),
        ]
    }

    pub async fn state(&self) -> State {
        self.admin.state().await.expect("admin state")
    }

    pub async fn history(&self) -> Vec<Change> {
        self.admin.history().await.expect("admin history")
    }

    /// The other user takes `slot` at `service` (so the client cannot).
    pub async fn other_reserves(&self, service: &str, slot: u16) {
        let url = format!("{}/{service}/api/reservation/{slot}", self.running.url());
        let response = self
            .http
            .post(url)
            .bearer_auth(OTHER_KEY)
            .send()
            .await
            .expect("the other user's request");
        assert_eq!(response.status().as_u16(), 200, "the other user's reserve");
    }

    /// The rules held and the client left exactly one matched pair (returned), no orphan,
    /// and no pacing violation.
    pub async fn assert_one_clean_pair(&self, log: &str) -> u16 {
        let state = self.state().await;
        let pair = state
            .matched_pair(USER)
            .unwrap_or_else(|held| panic!("not one matched pair: {held}\n{log}"));
        self.assert_clean(log).await;
        // The history agrees: replaying the client's changes leaves exactly that pair.
        let mut held = [
            std::collections::BTreeSet::new(),
            std::collections::BTreeSet::new(),
        ];
        for change in self.history().await.iter().filter(|c| c.user == USER) {
            let side = &mut held[usize::from(change.service == "band")];
            match change.op {
                ChangeOp::Reserve => side.insert(change.slot),
                ChangeOp::Release => side.remove(&change.slot),
            };
        }
        let only_pair = std::collections::BTreeSet::from([pair]);
        assert_eq!(
            held,
            [only_pair.clone(), only_pair],
            "unmatched in the history\n{log}"
        );
        pair
    }

    /// The history breaks no rule and the client made no pacing violation.
    pub async fn assert_clean(&self, log: &str) {
        let history = self.history().await;
        assert_eq!(first_conflict(&history, 2), None, "{log}");
        let state = self.state().await;
        for service in state.services() {
            assert_eq!(service.violations_of(USER), 0, "pacing violations\n{log}");
        }
    }

    /// A fresh emulator where the other user holds hotel 1 and band 2, so the strategy's slot
    /// is 3.
    pub async fn start_with_slot_3_next() -> Emulator {
        let emulator = Emulator::start(World::default()).await;
        emulator.other_reserves("hotel", 1).await;
        emulator.other_reserves("band", 2).await;
        emulator
    }

    /// A `pair --watch --json` run ended by itself, its pair `pair` good enough: exit 0, a
    /// final object saying so, the auto-pair done, and exactly that one clean pair here.
    pub async fn assert_watch_ended_good_enough(&self, run: &Run, pair: u16) {
        let log = run.log();
        assert_eq!(run.code, 0, "{log}");
        let objects = run.objects();
        let last = objects.last().expect("a final object");
        assert_eq!(last["reason"], "good_enough", "{log}");
        assert_eq!(last["pair"], pair, "{log}");
        assert!(
            objects
                .iter()
                .any(|o| o["kind"] == "auto" && o["state"] == "done"),
            "{log}"
        );
        assert_eq!(self.assert_one_clean_pair(&log).await, pair);
    }

    /// The client's holds at the emulator, `[hotel, band]`.
    pub async fn holds(&self) -> [Vec<u16>; 2] {
        self.state().await.services().map(|s| s.holds_of(USER))
    }

    /// How many times the client's history reserved `slot` at `service`.
    pub async fn reserves_of(&self, service: &str, slot: u16) -> usize {
        self.history()
            .await
            .iter()
            .filter(|c| c.user == USER && c.service == service && c.slot == slot)
            .filter(|c| c.op == ChangeOp::Reserve)
            .count()
    }
}

/// What a finished run of the binary printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Everything printed, for assertion messages.
    pub fn log(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// Stdout as JSON objects, one per line (panics on a line that is not one).
    pub fn objects(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {line}\n{}", self.log()))
            })
            .collect()
    }

    /// Exit 0, and each of `lines` printed (somewhere) on stdout.
    pub fn assert_success_printing(&self, lines: &[&str]) {
        let log = self.log();
        assert_eq!(self.code, 0, "{log}");
        for line in lines {
            assert!(self.stdout.contains(line), "{line:?} missing\n{log}");
        }
    }

    /// Neither key of the test appears anywhere in the output.
    pub fn assert_no_key(&self) {
        for key in [KEY, OTHER_KEY] {
            assert!(
                !self.stdout.contains(key),
                "a key in stdout\n{}",
                self.log()
            );
            assert!(
                !self.stderr.contains(key),
                "a key in stderr\n{}",
                self.log()
            );
        }
    }
}

/// `hotelband ARGS` with `keys` as HOTELBAND_HOTEL_KEY / HOTELBAND_BAND_KEY (`None`: unset).
pub fn command(args: &[String], keys: [Option<&str>; 2]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hotelband"));
    command
        .args(args)
        .env_remove("HOTELBAND_HOTEL_KEY")
        .env_remove("HOTELBAND_BAND_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (var, key) in ["HOTELBAND_HOTEL_KEY", "HOTELBAND_BAND_KEY"]
        .into_iter()
        .zip(keys)
    {
        if let Some(key) = key {
            command.env(var, key);
        }
    }
    command
}

/// Runs `hotelband ARGS` with the client's key at both services, to its end: for runs that
/// send nothing (refused input) or reach no emulator; the others go through [`Emulator::run`].
pub async fn run(args: &[String]) -> Run {
    run_with(args, [Some(KEY), Some(KEY)]).await
}

/// Runs `hotelband ARGS` with the given keys, to its end (at most two minutes).
pub async fn run_with(args: &[String], keys: [Option<&str>; 2]) -> Run {
    let child = command(args, keys).spawn().expect("the binary starts");
    finish(child).await
}

/// Waits for a spawned binary to end (at most two minutes) and collects its output.
pub async fn finish(child: Child) -> Run {
    let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("the binary ends within two minutes")
        .expect("the binary's output");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `base` followed by `more`, as owned arguments.
pub fn args(base: &[String], more: &[&str]) -> Vec<String> {
    base.iter()
        .cloned()
        .chain(more.iter().map(|s| (*s).to_owned()))
        .collect()
}

/// A fresh directory under the target's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

/// Sends SIGINT to `child`, as Ctrl-C in its terminal would.
pub fn interrupt(child: &Child) {
    let pid = child.id().expect("the child is running");
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -INT {pid}");
}
