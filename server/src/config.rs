//! What the emulator is told at start: users, pacing, faults and crowds per service, the seed,
//! and the proxy allow-list; plus the optional config file (`--config FILE`, JSON).
//!
//! Tokens are secrets: every `Debug` here redacts them, and nothing else in the crate prints them
//! except `main`, which prints the demo users' tokens and the admin token on purpose.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The name of the user `/demo` hands out and `--demo` prints.
pub const DEMO_USER: &str = "demo";

/// Everything the emulator can be told at start.
#[derive(Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The built page (`dist/`), served at `/` with an SPA fallback to `index.html`.
    pub dist: Option<PathBuf>,
    /// Slots per service, numbered `1..=slots`.
    pub slots: u16,
    /// Holds one user may have per service at once.
    pub max_holds: usize,
    /// Who may call the services; each token is valid at both.
    pub users: Vec<User>,
    /// Bearer token of `/admin/*`.
    pub admin_token: String,
    /// The one-request-per-interval rule.
    pub pacing: Pacing,
    /// Injected faults; index 0 is the hotel, 1 the band.
    pub faults: [Faults; 2],
    /// Simulated competitors; index 0 is the hotel, 1 the band.
    pub crowd: [Crowd; 2],
    /// Seed of every fault die and crowd move, so that a run can be replayed.
    pub seed: u64,
    /// Upstream hosts (`host` or `host:port`, loopback ports included) the proxy may reach
    /// besides this emulator's own services.
    pub proxy_allow: Vec<String>,
    /// Let the proxy reach every port of `localhost`, `127.0.0.1` and `[::1]` (still not this
    /// emulator's own `/proxy`): any local service becomes reachable through it.
    pub proxy_any_local: bool,
    /// Answer CORS for any origin instead of only the emulator's own: any web page the user
    /// visits can then call the APIs, `/demo` and the proxy.
    pub cors_any_origin: bool,
    /// Connections, timeouts and body sizes.
    pub limits: Limits,
}

/// What bounds the emulator's memory and sockets (see "Security" in `server/README.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; further ones wait in the listen backlog.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, and how long a keep-alive
    /// connection may stay idle before its next request.
    pub header_timeout: Duration,
    /// How long a client may take to send a request body.
    pub body_timeout: Duration,
    /// Proxied requests in flight at once (each buffers at most `MAX_BODY` of request body
    /// and `proxy_max_reply` of reply); further ones wait.
    pub proxy_concurrency: usize,
    /// Largest upstream reply the proxy passes back (bytes); above it, a 502.
    pub proxy_max_reply: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            proxy_concurrency: 16,
            proxy_max_reply: 4 << 20,
        }
    }
}

/// Most members of one crowd: each is a task, and a crowd larger than the slots it can
/// hold only spins.
pub const MAX_CROWD: usize = 1_000;

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            dist: None,
            slots: 200,
            max_holds: 2,
            users: vec![User::new(DEMO_USER, random_token())],
            admin_token: random_token(),
            pacing: Pacing::default(),
            faults: [Faults::default(), Faults::default()],
            crowd: [Crowd::default(), Crowd::default()],
            seed: 0,
            proxy_allow: Vec::new(),
            proxy_any_local: false,
            cors_any_origin: false,
            limits: Limits::default(),
        }
    }
}

// Hand-written so that `{:?}` of a config can be logged: tokens never appear.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("dist", &self.dist)
            .field("slots", &self.slots)
            .field("max_holds", &self.max_holds)
            .field("users", &self.users)
            .field("admin_token", &"<redacted>")
            .field("pacing", &self.pacing)
            .field("faults", &self.faults)
            .field("crowd", &self.crowd)
            .field("seed", &self.seed)
            .field("proxy_allow", &self.proxy_allow)
            .field("proxy_any_local", &self.proxy_any_local)
            .field("cors_any_origin", &self.cors_any_origin)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Config {
    /// Rejects what would make the services ambiguous: no slots, empty or shared tokens,
    /// duplicate names, impossible probabilities.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.slots == 0 {
            return Err(ConfigError::NoSlots);
        }
        let mut names = std::collections::HashSet::new();
        let mut tokens = std::collections::HashSet::new();
        for user in &self.users {
            if user.name.is_empty() || user.name.starts_with("crowd-") {
                return Err(ConfigError::BadName(user.name.clone()));
            }
            if !names.insert(user.name.as_str()) {
                return Err(ConfigError::DuplicateName(user.name.clone()));
            }
            if user.token.is_empty() || !tokens.insert(user.token.as_str()) {
                return Err(ConfigError::BadToken(user.name.clone()));
            }
        }
        if self.admin_token.is_empty() {
            return Err(ConfigError::NoAdminToken);
        }
        for faults in &self.faults {
            faults.validate()?;
        }
        for crowd in &self.crowd {
            crowd.validate()?;
        }
        let l = &self.limits;
        if l.max_connections == 0 || l.proxy_concurrency == 0 || l.header_timeout.is_zero() {
            return Err(ConfigError::BadLimits);
        }
        Ok(())
    }

    /// Applies a config file on top of `self` (fields the file names replace ours).
    pub fn apply_file(&mut self, file: ConfigFile) {
        if let Some(users) = file.users {
            self.users = users
                .into_iter()
                .map(|u| User::new(u.name, u.token))
                .collect();
        }
        if let Some(slots) = file.slots {
            self.slots = slots;
        }
        if let Some(max_holds) = file.max_holds {
            self.max_holds = max_holds;
        }
        if let Some(admin_token) = file.admin_token {
            self.admin_token = admin_token;
        }
        if let Some(pacing) = file.pacing {
            self.pacing = pacing;
        }
        if let Some(seed) = file.seed {
            self.seed = seed;
        }
        if let Some(allow) = file.proxy_allow {
            self.proxy_allow = allow;
        }
        for (i, service) in [file.hotel, file.band].into_iter().enumerate() {
            if let Some(service) = service {
                if let Some(faults) = service.faults {
                    self.faults[i] = faults;
                }
                if let Some(crowd) = service.crowd {
                    self.crowd[i] = crowd;
                }
            }
        }
    }

    /// The `--demo` preset: a small crowd per service on early slots and mild faults.
    pub fn demo_preset(&mut self) {
        let faults = Faults::mild();
        let crowd = Crowd {
            size: 5,
            hold_ms: (5_000, 20_000),
            think_ms: (2_000, 8_000),
            window: 20,
        };
        self.faults = [faults.clone(), faults];
        self.crowd = [crowd.clone(), crowd];
    }
}

/// Why a config was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `slots` is 0.
    #[error("slots must be at least 1")]
    NoSlots,
    /// A user name is empty or uses the crowd's `crowd-` prefix.
    #[error("user name {0:?} is empty or reserved")]
    BadName(String),
    /// Two users share a name (holds are counted by name).
    #[error("user name {0:?} appears twice")]
    DuplicateName(String),
    /// A user's token is empty or another user's too (the token itself is not shown).
    #[error("the token of user {0:?} is empty or shared with another user")]
    BadToken(String),
    /// The admin token is empty.
    #[error("the admin token is empty")]
    NoAdminToken,
    /// A probability is outside `0..=1`.
    #[error("fault probability {0} is outside 0..=1")]
    BadProbability(f64),
    /// `p503 + p500 + p_lost` is above 1.
    #[error("fault probabilities p503 + p500 + p_lost add up to {0}, more than 1")]
    ProbabilitySum(f64),
    /// A crowd is larger than [`MAX_CROWD`].
    #[error("crowd size {0} is above the maximum of {MAX_CROWD}")]
    CrowdTooLarge(usize),
    /// A zero connection cap, proxy concurrency or header timeout (nothing could be served).
    #[error("max connections, proxy concurrency and header timeout must be above 0")]
    BadLimits,
    /// The config file could not be read or parsed.
    #[error("config file {path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// A caller of the services. Holds are counted by `name`; the token is a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// Shown in `/admin`, the history and the logs.
    pub name: String,
    /// Bearer token; never printed by `Debug`.
    pub token: String,
}

impl User {
    /// A user from a name and a token.
    pub fn new(name: impl Into<String>, token: impl Into<String>) -> Self {
        User {
            name: name.into(),
            token: token.into(),
        }
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// The pacing rule: one request per `min_interval` per user per service. On the wire
/// (`/admin/pacing`, `/admin/state`, config files) in milliseconds: `min_interval_ms`
/// (required), `tolerance_ms` (default 50), `enforce` (default true).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pacing {
    /// Least time between two requests of one user to one service.
    #[serde(rename = "min_interval_ms", with = "millis")]
    pub min_interval: Duration,
    /// Slack for timer and network jitter: a request `min_interval - tolerance` after the
    /// previous one still passes.
    #[serde(
        rename = "tolerance_ms",
        with = "millis",
        default = "default_tolerance"
    )]
    pub tolerance: Duration,
    /// `false`: violations are only counted, the request is served (existing clients run as is).
    #[serde(default = "default_enforce")]
    pub enforce: bool,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            min_interval: Duration::from_secs(1),
            tolerance: default_tolerance(),
            enforce: default_enforce(),
        }
    }
}

fn default_tolerance() -> Duration {
    Duration::from_millis(50)
}

fn default_enforce() -> bool {
    true
}

/// A `Duration` as whole milliseconds (saturating at `u64::MAX`).
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// Injected faults of one service. The default injects nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Probability of a 503 (with `Retry-After`) before processing.
    pub p503: f64,
    /// Probability of a 500 before processing.
    pub p500: f64,
    /// Probability that an applied reserve or cancel loses its reply: the client gets a 503
    /// or a reply cut off mid-body (half each, by the seeded die).
    pub p_lost: f64,
    /// Uniform delay range `(lo, hi)` in ms before processing, so that concurrent requests can
    /// be applied out of order.
    pub latency_ms: (u64, u64),
    /// What happens to the first writes (reserve or cancel) of any user, in arrival order, in
    /// place of the dice: a test that needs a fault meets it by construction, not by luck.
    /// Left out of the JSON when empty, so that faults read back as they always did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub script: Vec<Scripted>,
}

/// One write's scripted fate (see [`Faults::script`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scripted {
    /// Processed normally, whatever the dice say.
    #[serde(rename = "ok")]
    Ok,
    /// 503 with `Retry-After`, not processed.
    #[serde(rename = "503")]
    Unavailable,
    /// 500, not processed.
    #[serde(rename = "500")]
    ServerError,
    /// Applied, then answered with a 503.
    #[serde(rename = "lost-503")]
    LostUnavailable,
    /// Applied, then the reply is cut off mid-body.
    #[serde(rename = "lost-cut")]
    LostDropped,
}

impl Faults {
    /// The `--demo` faults: 503 5 %, 500 1 %, lost reply 1 %, 20–200 ms latency.
    #[must_use]
    pub fn mild() -> Self {
        Faults {
            p503: 0.05,
            p500: 0.01,
            p_lost: 0.01,
            latency_ms: (20, 200),
            script: Vec::new(),
        }
    }

    /// Every probability in `0..=1` (NaN refused), and their sum at most 1.
    pub fn validate(&self) -> Result<(), ConfigError> {
        /// Slack for decimal fractions that add up to 1 only on paper (0.7 + 0.2 + 0.1).
        const ROUNDING: f64 = 1e-9;
        for p in [self.p503, self.p500, self.p_lost] {
            if !(0.0..=1.0).contains(&p) {
                return Err(ConfigError::BadProbability(p));
            }
        }
        let sum = self.p503 + self.p500 + self.p_lost;
        if sum > 1.0 + ROUNDING {
            return Err(ConfigError::ProbabilitySum(sum));
        }
        Ok(())
    }
}

/// Simulated competitors of one service. The default is no crowd.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Crowd {
    /// Members; each is a user `crowd-<service>-<i>`.
    pub size: usize,
    /// How long a member keeps a hold, uniform `(lo, hi)` ms.
    pub hold_ms: (u64, u64),
    /// Pause between a member's reservations, uniform `(lo, hi)` ms.
    pub think_ms: (u64, u64),
    /// Members only reserve slots `1..=window` (0 means every slot).
    pub window: u16,
}

impl Crowd {
    /// At most [`MAX_CROWD`] members.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.size > MAX_CROWD {
            return Err(ConfigError::CrowdTooLarge(self.size));
        }
        Ok(())
    }
}

/// The config file (`--config FILE`, JSON).
/// Every field is optional and replaces the default or the earlier flag.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Replaces the user list (and so the default `demo` user).
    pub users: Option<Vec<UserEntry>>,
    /// Slots per service.
    pub slots: Option<u16>,
    /// Holds per user per service.
    pub max_holds: Option<usize>,
    /// Admin token.
    pub admin_token: Option<String>,
    /// Pacing in ms.
    pub pacing: Option<Pacing>,
    /// Fault and crowd seed.
    pub seed: Option<u64>,
    /// Extra proxy upstreams.
    pub proxy_allow: Option<Vec<String>>,
    /// Hotel faults and crowd.
    pub hotel: Option<ServiceFile>,
    /// Band faults and crowd.
    pub band: Option<ServiceFile>,
}

/// One user in a config file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    /// Name.
    pub name: String,
    /// Token.
    pub token: String,
}

impl fmt::Debug for UserEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserEntry")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// One service's section of a config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    /// Faults of the service.
    pub faults: Option<Faults>,
    /// Crowd of the service.
    pub crowd: Option<Crowd>,
}

impl ConfigFile {
    /// Reads and parses the JSON file `path`.
    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        let fail = |reason: String| ConfigError::File {
            path: path.to_path_buf(),
            reason,
        };
        // TOML was read once; say so rather than report its first line as bad JSON.
        if path.extension().is_some_and(|e| e == "toml") {
            return Err(fail(
                "config files are JSON (see server/README.md)".to_owned(),
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        Self::parse(&text).map_err(fail)
    }

    /// Parses a config text. Parser messages may quote the input, so only their position
    /// survives (a token in a malformed file must not reach the terminal).
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| {
            format!(
                "invalid JSON at line {} column {} ({:?})",
                e.line(),
                e.column(),
                e.classify()
            )
        })
    }
}

/// 64 lowercase hex characters from the OS generator (the shape of a course key).
#[must_use]
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // Without OS randomness no secret can be made; there is no sensible fallback.
    getrandom::fill(&mut bytes).expect("the OS random generator is unavailable");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_tokens() {
        let config = Config::default();
        let shown = format!("{config:?}");
        assert!(!shown.contains(&config.admin_token));
        assert!(!shown.contains(&config.users[0].token));
        assert!(shown.contains("demo"));
    }

    #[test]
    fn default_tokens_are_64_hex() {
        let t = random_token();
        assert_eq!(t.len(), 64);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(t, random_token());
    }

    #[test]
    fn file_in_json() {
        let json = r#"{"users":[{"name":"alice","token":"a1"}],"slots":50,
            "pacing":{"min_interval_ms":500},"hotel":{"faults":{"p503":0.5}}}"#;
        let mut config = Config::default();
        config.apply_file(ConfigFile::parse(json).expect("valid file"));
        assert_eq!(config.users, vec![User::new("alice", "a1")]);
        assert_eq!(config.slots, 50);
        assert_eq!(config.pacing.min_interval, Duration::from_millis(500));
        assert_eq!(config.pacing.tolerance, Duration::from_millis(50));
        assert!(config.pacing.enforce);
        assert_eq!(config.faults[0].p503, 0.5);
        assert_eq!(config.faults[1], Faults::default());
        config.validate().expect("valid config");
    }

    #[test]
    fn pacing_travels_in_milliseconds() {
        let pacing = Pacing {
            min_interval: Duration::from_millis(1500),
            tolerance: Duration::from_millis(20),
            enforce: false,
        };
        let text = serde_json::to_string(&pacing).expect("serialises");
        assert_eq!(
            text,
            r#"{"min_interval_ms":1500,"tolerance_ms":20,"enforce":false}"#
        );
        assert_eq!(serde_json::from_str::<Pacing>(&text).ok(), Some(pacing));
        for bad in [r#"{"enforce":true}"#, r#"{"min_interval_ms":1,"x":1}"#] {
            assert!(serde_json::from_str::<Pacing>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_toml_file_is_refused_by_name() {
        let path = std::env::temp_dir().join(format!("hotelband-{}.toml", std::process::id()));
        std::fs::write(&path, "slots = 5\n").expect("temp file");
        let err = ConfigFile::read(&path).expect_err("TOML is not read");
        let _ = std::fs::remove_file(&path);
        assert!(err.to_string().contains("config files are JSON"), "{err}");
    }

    #[test]
    fn parse_errors_do_not_quote_the_input() {
        let err =
            ConfigFile::parse(r#"{"admin_token": secret-token-123}"#).expect_err("invalid JSON");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn validate_refuses_ambiguity() {
        let mut config = Config::default();
        config.users.push(User::new("demo", "other"));
        assert!(matches!(
            config.validate(),
            Err(ConfigError::DuplicateName(_))
        ));
        let mut config = Config::default();
        let token = config.users[0].token.clone();
        config.users.push(User::new("bob", token));
        assert!(matches!(config.validate(), Err(ConfigError::BadToken(_))));
        let mut config = Config::default();
        config.faults[1].p500 = 1.5;
        assert!(config.validate().is_err());
        let mut config = Config::default();
        config.faults[0] = Faults {
            p503: 0.5,
            p500: 0.3,
            p_lost: 0.3,
            ..Faults::default()
        };
        assert!(matches!(
            config.validate(),
            Err(ConfigError::ProbabilitySum(_))
        ));
        config.faults[0].p_lost = 0.2;
        config.validate().expect("0.5 + 0.3 + 0.2 is 1");
        config.crowd[1].size = MAX_CROWD + 1;
        assert!(matches!(
            config.validate(),
            Err(ConfigError::CrowdTooLarge(_))
        ));
        let config = Config {
            slots: 0,
            ..Config::default()
        };
        assert!(config.validate().is_err());
    }
}
