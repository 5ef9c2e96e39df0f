//! `hotelband` from a terminal: the core's [`hotelband_core::Session`] (the machine the page
//! runs) driven natively over HTTP(S) with reqwest and tokio. Session-1 commands (`free`,
//! `mine`, `reserve`, `cancel`) and session 2 (`pair`), for people or (`--json`) scripts.
//!
//! [`driver`] and [`http`] are the one native driver, shared with the benchmark.

pub mod args;
pub mod driver;
pub mod exit;
pub mod http;
pub mod oneshot;
pub mod output;
pub mod pair;
pub mod settings;

use args::{Cli, Command};
use driver::Driver;
use exit::Exit;
use hotelband_core::Op;
use output::Output;
use pair::PairOptions;

/// Runs one command line to its end; keys come from the process environment.
pub async fn run(cli: Cli) -> Exit {
    let mut out = Output::new(cli.global.json);
    let settings = match settings::resolve(&cli.global, |name| std::env::var(name).ok()) {
        Ok(settings) => settings,
        Err(error) => {
            out.error(&error.to_string());
            return Exit::Usage;
        }
    };
    let mut core = settings.core;
    if let Command::Pair(args) = &cli.command
        && let Some(good_enough) = args.good_enough
    {
        core.good_enough = good_enough;
    }
    let mut driver = Driver::new(http::client(), settings.endpoints, core);
    match cli.command {
        Command::Free { which, all } => oneshot::free(&mut driver, &mut out, which, all).await,
        Command::Mine { which } => oneshot::mine(&mut driver, &mut out, which).await,
        Command::Reserve { service, slot } => {
            oneshot::write(&mut driver, &mut out, service.into(), Op::Reserve(slot)).await
        }
        Command::Cancel { service, slot } => {
            oneshot::write(&mut driver, &mut out, service.into(), Op::Cancel(slot)).await
        }
        Command::Pair(args) => {
            let mut interrupts = match pair::interrupts() {
                Ok(interrupts) => interrupts,
                Err(error) => {
                    out.error(&format!("cannot listen for Ctrl-C: {error}"));
                    return Exit::Usage;
                }
            };
            let options = PairOptions {
                for_: args.for_,
                watch: args.watch,
                release_all: args.release_all,
            };
            pair::pair(&mut driver, &mut out, &options, &mut interrupts).await
        }
    }
}
