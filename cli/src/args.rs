//! The command line. Keys are never arguments (a command line is visible to every user of the
//! machine and lands in shell histories): they come from `api.ini` or the environment.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hotelband_core::{
    MAX_DELAY, MAX_RETRIES, MAX_WINDOW, MIN_DELAY, Millis, Service, Slot, decimal_nanos,
    nanos_to_ms,
};

/// Books the same slot at the hotel and the band, from a terminal.
///
/// Configure with `--ini FILE` (the course's api.ini), or with `--hotel-url` and `--band-url`
/// and the keys in HOTELBAND_HOTEL_KEY and HOTELBAND_BAND_KEY. Exit codes: 0 done (for `pair`:
/// a pair is held), 1 refused or no pair, 2 usage or configuration error (a refused key
/// included), 3 a service unreachable or failing after the retries.
#[derive(Debug, Parser)]
#[command(name = "hotelband", version)]
pub struct Cli {
    /// Where the services are and how to talk to them.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The course's api.ini ([hotel] and [band] url and key, [global] retries and delay).
    #[arg(long, global = true, value_name = "FILE", conflicts_with_all = ["hotel_url", "band_url"])]
    pub ini: Option<std::path::PathBuf>,
    /// The hotel's base URL (key from HOTELBAND_HOTEL_KEY).
    #[arg(long, global = true, value_name = "URL")]
    pub hotel_url: Option<String>,
    /// The band's base URL (key from HOTELBAND_BAND_KEY).
    #[arg(long, global = true, value_name = "URL")]
    pub band_url: Option<String>,
    /// Seconds between two requests to one service, retries included; 1 to 3600.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_delay)]
    pub delay: Option<Millis>,
    /// Attempts per operation, retries included; 1 to 10.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_RETRIES)))]
    pub retries: Option<u32>,
    /// A CORS proxy prefix put in front of every URL, e.g. http://127.0.0.1:8080/proxy/.
    #[arg(long, global = true, value_name = "PREFIX")]
    pub proxy: Option<String>,
    /// Only slots 1..=N are paired and listed by `free` (default 20).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_WINDOW)))]
    pub window: Option<u16>,
    /// One JSON object per line (events, results) instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the free slots (the first window, or --all).
    Free {
        /// Which service.
        #[arg(value_enum, default_value_t = Which::Both)]
        which: Which,
        /// Every free slot, not just the window.
        #[arg(long)]
        all: bool,
    },
    /// List the slots you hold.
    Mine {
        /// Which service.
        #[arg(value_enum, default_value_t = Which::Both)]
        which: Which,
    },
    /// Reserve one slot at one service.
    Reserve {
        /// Where.
        #[arg(value_enum)]
        service: One,
        /// Which slot (1 or more).
        slot: Slot,
    },
    /// Release one of your slots at one service.
    Cancel {
        /// Where.
        #[arg(value_enum)]
        service: One,
        /// Which slot (1 or more).
        slot: Slot,
    },
    /// Pair on the earliest slot free at both and stop, keeping the pair (--watch: keep
    /// upgrading; Ctrl-C: stop now, keeping the pair; twice: abort at once).
    Pair(PairArgs),
}

/// `pair`'s options.
#[derive(Debug, Args)]
pub struct PairArgs {
    /// Stop after this many seconds.
    #[arg(long = "for", value_name = "SECONDS", value_parser = parse_seconds)]
    pub for_: Option<Duration>,
    /// Keep upgrading to a better pair (make-before-break) after the first, until slot 1 is
    /// held at both, --for elapses or Ctrl-C.
    #[arg(long)]
    pub watch: bool,
    /// Release everything at both services at exit (the pair too).
    #[arg(long)]
    pub release_all: bool,
}

/// One service, or both.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The hotel.
    Hotel,
    /// The band.
    Band,
    /// Both services.
    Both,
}

impl Which {
    /// The services named, hotel first.
    #[must_use]
    pub fn services(self) -> Vec<Service> {
        match self {
            Which::Hotel => vec![Service::Hotel],
            Which::Band => vec![Service::Band],
            Which::Both => Service::ALL.to_vec(),
        }
    }
}

/// Exactly one service.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum One {
    /// The hotel.
    Hotel,
    /// The band.
    Band,
}

impl From<One> for Service {
    fn from(one: One) -> Service {
        match one {
            One::Hotel => Service::Hotel,
            One::Band => Service::Band,
        }
    }
}

/// Seconds as people type them (`1`, `1.5`), read by the core's one delay parser, within
/// [`MIN_DELAY`]..=[`MAX_DELAY`].
fn parse_delay(text: &str) -> Result<Millis, String> {
    let secs = text.trim();
    let nanos =
        decimal_nanos(secs).ok_or_else(|| format!("`{text}` is not a number of seconds"))?;
    let ms = Millis(nanos_to_ms(nanos));
    // As the page checks: the minimum before rounding (0.9996 s is below a second).
    if nanos < MIN_DELAY.0.saturating_mul(1_000_000) || ms > MAX_DELAY {
        return Err(format!(
            "{secs} s is outside {}..={} (the services allow one request a second)",
            MIN_DELAY.0 / 1000,
            MAX_DELAY.0 / 1000
        ));
    }
    Ok(ms)
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of seconds"))?;
    if secs == 0 {
        return Err("at least 1 second".to_owned());
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_below_a_second_are_refused() {
        assert_eq!(parse_delay("1"), Ok(Millis(1000)));
        assert_eq!(parse_delay("1.5"), Ok(Millis(1500)));
        assert!(parse_delay("0.5").is_err());
        assert!(parse_delay("abc").is_err());
        assert!(parse_delay("NaN").is_err());
        assert!(parse_delay("7200").is_err());
        assert_eq!(parse_delay(" 3600 "), Ok(MAX_DELAY));
        assert_eq!(parse_delay("1.0004"), Ok(MIN_DELAY));
        assert_eq!(parse_delay("3600.0004"), Ok(MAX_DELAY));
        for bad in ["0.9996", "3600.0005", "1e3", "-2", "+2", "inf", ""] {
            assert!(parse_delay(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_help_names_the_cores_limits() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        assert!(
            help.contains(&format!("; 1 to {}\n", MAX_DELAY.0 / 1000)),
            "{help}"
        );
        assert!(help.contains(&format!("; 1 to {MAX_RETRIES}\n")), "{help}");
    }

    #[test]
    fn slots_are_checked_before_anything_is_sent() {
        let parse = |args: &[&str]| Cli::try_parse_from(args.iter().copied());
        assert!(parse(&["hotelband", "reserve", "hotel", "5"]).is_ok());
        for bad in ["0", "abc", "-1", "70000"] {
            let error = parse(&["hotelband", "reserve", "band", bad]).expect_err(bad);
            assert_eq!(error.exit_code(), 2, "{bad}");
        }
        assert!(parse(&["hotelband", "pair", "--for", "0"]).is_err());
    }

    #[test]
    fn ini_and_urls_exclude_each_other() {
        let both = [
            "hotelband",
            "--ini",
            "a.ini",
            "--hotel-url",
            "http://h",
            "free",
        ];
        assert!(Cli::try_parse_from(both).is_err());
        let after = ["hotelband", "free", "hotel", "--json", "--window", "30"];
        let cli = Cli::try_parse_from(after).expect("global options after the command");
        assert!(cli.global.json);
        assert_eq!(cli.global.window, Some(30));
    }
}
