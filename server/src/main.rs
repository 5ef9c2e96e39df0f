//! `hotelband-server`: runs the emulator. `--demo` adds a small crowd and mild faults; the page
//! URL, the demo user's token and the admin token are printed at start (and nowhere else).

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use hotelband_server::{Config, ConfigFile, DEMO_USER, User};

/// Emulator of the hotel and band reservation services; serves the page and a CORS proxy.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The built page, served at `/`.
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Slots per service.
    #[arg(long)]
    slots: Option<u16>,
    /// Seed of the fault dice and crowd moves (default: random, printed).
    #[arg(long)]
    seed: Option<u64>,
    /// A JSON file of users, pacing, faults and crowds (see server/README.md).
    #[arg(long)]
    config: Option<PathBuf>,
    /// A user as NAME=TOKEN (repeatable); replaces the default `demo` user unless one is named
    /// `demo`.
    #[arg(long = "token", value_name = "NAME=TOKEN")]
    tokens: Vec<String>,
    /// The admin token (default: random, printed).
    #[arg(long)]
    admin_token: Option<String>,
    /// Another host (or host:port; a local one needs its port) the proxy may reach
    /// (repeatable).
    #[arg(long = "proxy-allow", value_name = "HOST")]
    proxy_allow: Vec<String>,
    /// Let the proxy reach every local port (any local service becomes reachable through it).
    #[arg(long)]
    proxy_any_local: bool,
    /// Answer CORS for any origin, not only the emulator's own, and serve any `Host` name, not
    /// only localhost and IP addresses (any web page can then use it).
    #[arg(long)]
    cors_any_origin: bool,
    /// Connections served at once; more wait in the backlog.
    #[arg(long, value_name = "N")]
    max_connections: Option<usize>,
    /// Milliseconds a client may take to send a request's headers (or stay idle between two).
    #[arg(long, value_name = "MS")]
    header_timeout_ms: Option<u64>,
    /// Milliseconds a client may pause while sending a request body.
    #[arg(long, value_name = "MS")]
    body_timeout_ms: Option<u64>,
    /// Proxied requests in flight at once; more wait.
    #[arg(long, value_name = "N")]
    proxy_concurrency: Option<usize>,
    /// Largest upstream reply the proxy passes back, in bytes.
    #[arg(long, value_name = "BYTES")]
    proxy_max_reply: Option<usize>,
    /// Count pacing violations but serve them (no 429).
    #[arg(long)]
    no_pacing_enforce: bool,
    /// A crowd of 5 per service on slots 1..=20 and mild faults, like the real thing.
    #[arg(long)]
    demo: bool,
}

fn config_from(args: &Args) -> Result<Config, String> {
    let mut config = Config {
        addr: args.addr,
        dist: Some(args.dist.clone()),
        seed: args.seed.unwrap_or_else(|| getrandom::u64().unwrap_or(0)),
        ..Config::default()
    };
    if args.demo {
        config.demo_preset();
    }
    if let Some(path) = &args.config {
        config.apply_file(ConfigFile::read(path).map_err(|e| e.to_string())?);
    }
    if !args.tokens.is_empty() {
        let mut users = Vec::new();
        for entry in &args.tokens {
            let Some((name, token)) = entry.split_once('=') else {
                // The entry may be a bare token: do not echo it.
                return Err("--token expects NAME=TOKEN".to_owned());
            };
            users.push(User::new(name, token));
        }
        // Flags add to the file's users; the generated demo user only stays without others.
        if args.config.is_none() {
            config.users.clear();
        }
        config.users.extend(users);
    }
    if let Some(slots) = args.slots {
        config.slots = slots;
    }
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let Some(admin) = &args.admin_token {
        config.admin_token = admin.clone();
    }
    config.proxy_allow.extend(args.proxy_allow.iter().cloned());
    config.proxy_any_local |= args.proxy_any_local;
    config.cors_any_origin |= args.cors_any_origin;
    let limits = &mut config.limits;
    if let Some(n) = args.max_connections {
        limits.max_connections = n;
    }
    if let Some(ms) = args.header_timeout_ms {
        limits.header_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = args.body_timeout_ms {
        limits.body_timeout = Duration::from_millis(ms);
    }
    if let Some(n) = args.proxy_concurrency {
        limits.proxy_concurrency = n;
    }
    if let Some(n) = args.proxy_max_reply {
        limits.proxy_max_reply = n;
    }
    if args.no_pacing_enforce {
        config.pacing.enforce = false;
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs on stderr, so stdout carries only the start-up banner.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let config = match config_from(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hotelband-server: {e}");
            return ExitCode::from(2);
        }
    };
    if !args.dist.join("index.html").is_file() {
        eprintln!(
            "hotelband-server: warning: {} has no index.html (build the page with `make dist`)",
            args.dist.display()
        );
    }
    let demo_token = config
        .users
        .iter()
        .find(|u| u.name == DEMO_USER)
        .map(|u| u.token.clone());
    let names: Vec<String> = config.users.iter().map(|u| u.name.clone()).collect();
    // A person needs the URL and the keys (the banner below); the whole config is for debugging.
    tracing::debug!(config = ?config, "starting");
    let admin_token = config.admin_token.clone();
    let seed = config.seed;
    let mut running = match hotelband_server::start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hotelband-server: cannot start on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let url = running.url();
    println!("hotelband: open {url}/");
    println!("  hotel API : {url}/hotel/api");
    println!("  band API  : {url}/band/api");
    match &demo_token {
        Some(token) => println!("  demo key (hotel and band): {token}"),
        None => println!("  users: {}", names.join(", ")),
    }
    println!("  admin token: {admin_token}");
    println!("  seed: {seed}");
    tokio::select! {
        // Without a signal handler (an error here) it runs until it fails.
        Ok(()) = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
        error = running.failed() => {
            tracing::error!(%error, "the server stopped");
            eprintln!("hotelband-server: the server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
