//! The matrix: fault presets x competitors x seeds, and the emulator each run gets.

use std::fmt;
use std::time::Duration;

use hotelband_server::{Config, Crowd, Faults, Pacing, User};

/// The name under which the benchmarked client talks to its emulator.
pub const CLIENT_USER: &str = "bench";

/// How much goes wrong at both services.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultPreset {
    /// Every request is served.
    None,
    /// 20 % of requests get a 503 before processing.
    Unavailable20,
    /// 503 30 % + 500 10 % + lost reply 10 % + latency uniform in 0..2 s.
    Mixed,
}

impl FaultPreset {
    /// The presets of the matrix, mildest first.
    pub const ALL: [FaultPreset; 3] = [
        FaultPreset::None,
        FaultPreset::Unavailable20,
        FaultPreset::Mixed,
    ];

    /// Short label for tables and charts.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            FaultPreset::None => "none",
            FaultPreset::Unavailable20 => "503 20%",
            FaultPreset::Mixed => "mixed",
        }
    }

    /// The emulator's fault settings for this preset (the same at both services).
    #[must_use]
    pub fn faults(self) -> Faults {
        match self {
            FaultPreset::None => Faults::default(),
            FaultPreset::Unavailable20 => Faults {
                p503: 0.2,
                ..Faults::default()
            },
            FaultPreset::Mixed => Faults {
                p503: 0.3,
                p500: 0.1,
                p_lost: 0.1,
                latency_ms: (0, 2_000),
                ..Faults::default()
            },
        }
    }
}

impl fmt::Display for FaultPreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Which client a run measures.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClientKind {
    /// The core `Session` (the page's planner) through the native driver.
    Ours,
    /// The naive sequential script.
    Naive,
}

impl ClientKind {
    /// Both clients, ours first.
    pub const ALL: [ClientKind; 2] = [ClientKind::Ours, ClientKind::Naive];

    /// Short label for tables and charts.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            ClientKind::Ours => "ours",
            ClientKind::Naive => "naive",
        }
    }
}

impl fmt::Display for ClientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One cell of the matrix with one seed: everything that makes two runs comparable.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scenario {
    /// Faults at both services.
    pub fault: FaultPreset,
    /// Competing users per service (the emulator's crowd).
    pub competitors: usize,
    /// Seed of the emulator's fault dice and crowd, and of the client's jitter.
    pub seed: u64,
}

/// Settings shared by every run of a benchmark.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The pacing rule: the least gap between two requests to one service (1 s for real).
    pub delay: Duration,
    /// How long a client runs before it is told to stop.
    pub duration: Duration,
    /// After the stop, how long it may take to finish.
    pub grace: Duration,
    /// Candidate slots `1..=window` (the assignment's first 20), for both clients.
    pub window: u16,
    /// How often a held pair looks for a better one, for both clients.
    pub recheck: Duration,
    /// The emulator's slack for timer jitter before a request counts as a violation.
    pub tolerance: Duration,
    /// The crowd reserves random free slots in `1..=crowd_window`.
    pub crowd_window: u16,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            delay: Duration::from_secs(1),
            duration: Duration::from_secs(30),
            grace: Duration::from_secs(30),
            window: 20,
            recheck: Duration::from_secs(5),
            tolerance: Duration::from_millis(50),
            crowd_window: CROWD_WINDOW,
        }
    }
}

impl Settings {
    /// The lower bound on time-to-first-pair: 3 paced requests per service (read holds, read
    /// free slots, reserve) are 2 gaps of `delay`.
    #[must_use]
    pub fn bound(&self) -> Duration {
        self.delay * 2
    }
}

/// The default of [`Settings::crowd_window`]. Wide enough that 30 members (2 holds each,
/// nearly all the time) leave about 40 % of these slots free at each service, so openings in
/// the clients' first 20 come and go instead of never existing.
pub const CROWD_WINDOW: u16 = 100;

/// The crowd of `competitors` members at one service: they hold early slots for 5-20 s each
/// (at most 2 at a time) and think 1-5 s between reservations, as classmates did in the labs.
#[must_use]
pub fn crowd(competitors: usize, settings: &Settings) -> Crowd {
    Crowd {
        size: competitors,
        hold_ms: (5_000, 20_000),
        think_ms: (1_000, 5_000),
        window: settings.crowd_window,
    }
}

/// The emulator of one run: one user (the client), the scenario's faults and crowd at both
/// services, pacing enforced with 429 so any violation is both counted and felt.
#[must_use]
pub fn emulator_config(
    scenario: Scenario,
    settings: &Settings,
    client_token: &str,
    admin_token: &str,
) -> Config {
    let crowd = crowd(scenario.competitors, settings);
    let faults = scenario.fault.faults();
    Config {
        users: vec![User::new(CLIENT_USER, client_token)],
        admin_token: admin_token.to_owned(),
        pacing: Pacing {
            min_interval: settings.delay,
            tolerance: settings.tolerance,
            enforce: true,
        },
        faults: [faults.clone(), faults],
        crowd: [crowd.clone(), crowd],
        seed: scenario.seed,
        ..Config::default()
    }
}
