//! `hotelband`: parse the command line (usage errors exit 2), run it, exit with its code.

use std::process::ExitCode;

use clap::Parser;
use hotelband_cli::args::Cli;
use hotelband_cli::exit::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One thread is plenty: the work is waiting for two paced services.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("hotelband: cannot start the async runtime: {error}");
            return ExitCode::from(Exit::Unreachable.code());
        }
    };
    let exit = runtime.block_on(hotelband_cli::run(cli));
    // Requests still in flight (a read of a service not asked about, an abort) are dropped.
    runtime.shutdown_background();
    ExitCode::from(exit.code())
}
