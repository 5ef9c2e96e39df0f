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

/// Who else reserves at each service.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Crowding {
    /// This many members per service, spread over `1..=Settings::crowd_window`.
    Competitors(usize),
    /// [`SATURATED_CROWD`] members per service, all in the clients' window `1..=Settings::window`:
    /// slots 1..window are taken at both nearly all the time, so the achievable pair lies
    /// outside the window.
    Saturated,
}

impl Crowding {
    /// Members per service.
    #[must_use]
    pub const fn members(self) -> usize {
        match self {
            Crowding::Competitors(n) => n,
            Crowding::Saturated => SATURATED_CROWD,
        }
    }
}

impl fmt::Display for Crowding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crowding::Competitors(n) => write!(f, "{n}"),
            Crowding::Saturated => f.write_str("saturated"),
        }
    }
}

/// Crowd members per service in the saturated cell: 2 holds each is twice the 20 slots of the
/// window, so a slot a member releases is taken again within a think time.
pub const SATURATED_CROWD: usize = 20;

/// The saturated crowd's think time, ms: short enough that a released slot of the window is
/// retaken well within the 2 s an opening needs (with 1-5 s, slots of 1..20 were still
/// achievable in a trial).
pub const SATURATED_THINK_MS: (u64, u64) = (100, 500);

/// One cell of the matrix: faults and crowd, the same for every seed and client.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    /// Faults at both services.
    pub fault: FaultPreset,
    /// The crowd at each service.
    pub crowd: Crowding,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.fault, self.crowd)
    }
}

/// How the client is started.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Start {
    /// Start is the first thing: nothing is known (a reload, the terminal client).
    Cold,
    /// The client reads both services' holds and free lists first and Start comes
    /// [`Settings::warm_lead`] later, as a user clicks with the tables on screen. Times are
    /// measured from Start.
    Warm,
}

impl Start {
    /// Both, cold first.
    pub const ALL: [Start; 2] = [Start::Cold, Start::Warm];

    /// Short label for tables and logs.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Start::Cold => "cold",
            Start::Warm => "warm",
        }
    }
}

impl fmt::Display for Start {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One cell of the matrix with one seed and one way to start: everything that makes two runs
/// comparable.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scenario {
    /// Faults and crowd.
    pub cell: Cell,
    /// Cold or warm.
    pub start: Start,
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
    /// The crowd reserves random free slots in `1..=crowd_window` (saturated cell: `1..=window`).
    pub crowd_window: u16,
    /// Warm starts: how long after the first reads Start comes.
    pub warm_lead: Duration,
    /// With a crowd, the client starts this long after the emulator, so that it meets the
    /// crowd's steady state (members start empty and need a few think times and paced moves
    /// to hold 2 slots each), not an empty early range.
    pub crowd_warmup: Duration,
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
            warm_lead: Duration::from_millis(2_500),
            crowd_warmup: Duration::from_secs(10),
        }
    }
}

impl Settings {
    /// How long a slot must stay free at both services to count as achievable, or as an
    /// opening: 2 x delay, time to see it in a free list and land a reserve a paced request
    /// later.
    #[must_use]
    pub fn min_free(&self) -> Duration {
        self.delay * 2
    }
}

/// The default of [`Settings::crowd_window`]. Wide enough that 30 members (2 holds each,
/// nearly all the time) leave about 40 % of these slots free at each service, so openings in
/// the clients' first 20 come and go instead of never existing.
pub const CROWD_WINDOW: u16 = 100;

/// The crowd at one service: members hold early slots for 5-20 s each (at most 2 at a time)
/// and think 1-5 s between reservations, as classmates did in the labs (the saturated crowd
/// thinks [`SATURATED_THINK_MS`]).
#[must_use]
pub fn crowd(crowding: Crowding, settings: &Settings) -> Crowd {
    Crowd {
        size: crowding.members(),
        hold_ms: (5_000, 20_000),
        think_ms: match crowding {
            Crowding::Competitors(_) => (1_000, 5_000),
            Crowding::Saturated => SATURATED_THINK_MS,
        },
        window: match crowding {
            Crowding::Competitors(_) => settings.crowd_window,
            Crowding::Saturated => settings.window,
        },
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
    let crowd = crowd(scenario.cell.crowd, settings);
    let faults = scenario.cell.fault.faults();
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
