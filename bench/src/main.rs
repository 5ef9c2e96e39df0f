//! `hotelband-bench`: runs the matrix and writes the "Pairing strategy" section of
//! BENCHMARKS.md plus SVG charts. `make bench` runs it with the defaults.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use hotelband_bench::matrix::{self, Plan};
use hotelband_bench::report::{self, Context};
use hotelband_bench::run::RunResult;
use hotelband_bench::scenario::{Cell, ClientKind, Crowding, FaultPreset, Settings, Start};
use hotelband_bench::{charts, machine};

/// Benchmarks the pairing strategy against the naive script over a faults x competitors matrix.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Markdown file whose "Pairing strategy" section is (re)written; others are kept.
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: PathBuf,
    /// Where the SVG charts go.
    #[arg(long, default_value = "bench/charts")]
    charts: PathBuf,
    /// Hand-written reading of the figures, included under "What the numbers say".
    #[arg(long, default_value = "bench/analysis.md")]
    analysis: PathBuf,
    /// Seeded runs per cell, start and client.
    #[arg(long, default_value_t = 32)]
    seeds: u64,
    /// Seconds each client runs from Start before it is stopped.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Runs in flight at once (each waits on the 1 s pacing most of the time).
    #[arg(long, default_value_t = 72)]
    jobs: usize,
    /// Also write each run's figures and client log here, one file per run.
    #[arg(long)]
    dump: Option<PathBuf>,
    /// The crowd reserves random free slots in 1..=N.
    #[arg(long, default_value_t = hotelband_bench::scenario::CROWD_WINDOW)]
    crowd_window: u16,
    /// Competitors per service, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0,10,30")]
    competitors: Vec<usize>,
    /// Seconds a client waits after its emulator starts, in cells with a crowd, so that it
    /// meets the crowd's steady state.
    #[arg(long, default_value_t = 10)]
    crowd_warmup: u64,
    /// Fault presets, comma-separated: none, 503 (503 at 20 %), mixed.
    #[arg(long, value_delimiter = ',', default_value = "none,503,mixed", value_parser = fault_preset)]
    faults: Vec<FaultPreset>,
    /// Clients, comma-separated: ours, naive (the report's ratios to naive need both).
    #[arg(long, value_delimiter = ',', default_value = "ours,naive", value_parser = client_kind)]
    clients: Vec<ClientKind>,
    /// Starts, comma-separated: cold, warm.
    #[arg(long, value_delimiter = ',', default_value = "cold,warm", value_parser = start_kind)]
    starts: Vec<Start>,
    /// Also run the saturated cell (a crowd filling the window, no faults).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    saturated: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut cells: Vec<Cell> = args
        .faults
        .iter()
        .flat_map(|&fault| {
            args.competitors.iter().map(move |&n| Cell {
                fault,
                crowd: Crowding::Competitors(n),
            })
        })
        .collect();
    if args.saturated {
        cells.push(Cell {
            fault: FaultPreset::None,
            crowd: Crowding::Saturated,
        });
    }
    let plan = Plan {
        cells,
        starts: args.starts.clone(),
        seeds: (1..=args.seeds).collect(),
        clients: args.clients.clone(),
        settings: Settings {
            duration: Duration::from_secs(args.duration),
            crowd_window: args.crowd_window,
            crowd_warmup: Duration::from_secs(args.crowd_warmup),
            ..Settings::default()
        },
        jobs: args.jobs,
    };
    let date = machine::now_utc();
    let load_before = machine::load();
    let started = Instant::now();
    eprintln!(
        "hotelband-bench: {} runs, {} at a time, {} s each",
        plan.runs().len(),
        plan.jobs,
        args.duration
    );
    let (results, failures) = matrix::run_all(&plan, |done, total, outcome| match outcome {
        Ok(r) => eprintln!(
            "[{done}/{total}] {} {} {} seed {}: first pair {}, final slot {}, orphans {}, violations {}",
            r.client,
            r.scenario.cell,
            r.scenario.start,
            r.scenario.seed,
            r.first_pair
                .map_or("-".to_owned(), |d| format!("{:.2} s", d.as_secs_f64())),
            r.final_slot.map_or("-".to_owned(), |s| s.to_string()),
            r.orphans,
            r.violations,
        ),
        Err(failed) => eprintln!(
            "[{done}/{total}] {} {} {} seed {}: FAILED: {}",
            failed.client,
            failed.scenario.cell,
            failed.scenario.start,
            failed.scenario.seed,
            failed.error
        ),
    })
    .await;
    let wall = started.elapsed();
    if let Some(dir) = &args.dump
        && let Err(error) = dump(dir, &results)
    {
        eprintln!(
            "hotelband-bench: cannot dump runs to {}: {error}",
            dir.display()
        );
    }

    let mut chart_links = Vec::new();
    let mut chart_errors = Vec::new();
    if let Err(error) = std::fs::create_dir_all(&args.charts) {
        chart_errors.push(format!("{}: {error}", args.charts.display()));
    } else {
        type Chart = fn(&Plan, &[RunResult], &Path) -> Result<(), charts::ChartError>;
        let charts: [(&str, &str, Chart); 4] = [
            (
                "Time to first pair, cold",
                "time_to_pair.svg",
                charts::time_to_pair,
            ),
            (
                "Time to first pair, warm",
                "time_to_pair_warm.svg",
                charts::warm_time_to_pair,
            ),
            ("Final slot", "final_slot.svg", charts::final_slot),
            ("Openings held", "openings.svg", charts::openings),
        ];
        for (title, file, draw) in charts {
            let path = args.charts.join(file);
            match draw(&plan, &results, &path) {
                Ok(()) => chart_links.push((title.to_owned(), link(&args.out, &path))),
                Err(error) => chart_errors.push(error.to_string()),
            }
        }
    }

    let context = Context {
        command: format!(
            "cargo run --release -p hotelband-bench -- --out {} --seeds {} --duration {} --jobs {} --crowd-window {} --competitors {} --crowd-warmup {} --saturated {}{}",
            args.out.display(),
            args.seeds,
            args.duration,
            args.jobs,
            args.crowd_window,
            args.competitors
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(","),
            args.crowd_warmup,
            args.saturated,
            part_of_matrix(&args),
        ),
        machine: machine::describe(),
        date,
        wall_secs: wall.as_secs_f64(),
        load: (load_before, machine::load()),
        failures: failures
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} seed {}: {}",
                    f.client, f.scenario.cell, f.scenario.start, f.scenario.seed, f.error
                )
            })
            .chain(chart_errors.iter().cloned())
            .collect(),
        charts: chart_links,
        analysis: std::fs::read_to_string(&args.analysis).ok(),
    };
    let section = report::section(&plan, &results, &context);
    let document = std::fs::read_to_string(&args.out).unwrap_or_default();
    if let Err(error) = std::fs::write(&args.out, report::splice(&document, &section)) {
        eprintln!(
            "hotelband-bench: cannot write {}: {error}",
            args.out.display()
        );
        return ExitCode::FAILURE;
    }
    eprintln!(
        "hotelband-bench: {} runs in {:.0} s, {} failed; wrote {}",
        results.len() + failures.len(),
        wall.as_secs_f64(),
        failures.len(),
        args.out.display()
    );
    if failures.is_empty() && chart_errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The `--faults`, `--clients` and `--starts` of a run of part of the matrix, as typed.
fn part_of_matrix(args: &Args) -> String {
    let mut text = String::new();
    let join = |labels: Vec<&str>| labels.join(",");
    if args.faults != FaultPreset::ALL {
        let labels = args.faults.iter().map(|fault| match fault {
            FaultPreset::None => "none",
            FaultPreset::Unavailable20 => "503",
            FaultPreset::Mixed => "mixed",
        });
        text.push_str(&format!(" --faults {}", join(labels.collect())));
    }
    if args.clients != ClientKind::ALL {
        let labels = args.clients.iter().map(|client| client.label());
        text.push_str(&format!(" --clients {}", join(labels.collect())));
    }
    if args.starts != Start::ALL {
        let labels = args.starts.iter().map(|start| start.label());
        text.push_str(&format!(" --starts {}", join(labels.collect())));
    }
    text
}

fn fault_preset(text: &str) -> Result<FaultPreset, String> {
    match text {
        "none" => Ok(FaultPreset::None),
        "503" => Ok(FaultPreset::Unavailable20),
        "mixed" => Ok(FaultPreset::Mixed),
        _ => Err(format!("{text:?}: expected none, 503 or mixed")),
    }
}

fn client_kind(text: &str) -> Result<ClientKind, String> {
    ClientKind::ALL
        .into_iter()
        .find(|kind| kind.label() == text)
        .ok_or_else(|| format!("{text:?}: expected ours or naive"))
}

fn start_kind(text: &str) -> Result<Start, String> {
    Start::ALL
        .into_iter()
        .find(|start| start.label() == text)
        .ok_or_else(|| format!("{text:?}: expected cold or warm"))
}

/// One file per run: its figures, the openings judged, the client's timestamped log, then the
/// emulator's history (everyone's changes) on the same clock.
fn dump(dir: &Path, results: &[RunResult]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for r in results {
        let name = format!(
            "{}-{}-{}-{}-{}.log",
            r.client,
            r.scenario.cell.fault.label().replace([' ', '%'], ""),
            r.scenario.cell.crowd,
            r.scenario.start,
            r.scenario.seed
        );
        let mut text = format!(
            "first pair {:?}, best achievable {:?}, time to best {:?}, final {:?}, orphans {}, \
             extra {}, violations {}, breaches {}, openings {:?}, requests {:?}, min send gap {:?}, \
             max dispatch lag {:?}\n",
            r.first_pair,
            r.best_achievable,
            r.time_to_best,
            r.final_slot,
            r.orphans,
            r.extra_holds,
            r.violations,
            r.breaches,
            r.openings,
            r.trace.requests,
            r.trace.min_send_gap,
            r.trace.max_dispatch_lag,
        );
        // Emulator times on the client log's clock (seconds since the client started).
        let origin = r
            .detail
            .offset_ms
            .saturating_sub(r.trace.clicked_at.as_millis() as u64);
        let secs = |at_ms: u64| (at_ms as f64 - origin as f64) / 1000.0;
        for j in &r.detail.judged {
            text.push_str(&format!(
                "opening slot {} from {:.3} to {:.3}: {}\n",
                j.slot,
                secs(j.start),
                secs(j.end),
                j.held_at
                    .map_or("missed".to_owned(), |at| format!("held at {:.3}", secs(at)))
            ));
        }
        for (at, line) in &r.trace.log {
            text.push_str(&format!("{:8.3} {line}\n", at.as_secs_f64()));
        }
        for change in &r.detail.history {
            text.push_str(&format!(
                "{:8.3} emulator {} {} {:?} {} {:?}\n",
                secs(change.at_ms),
                change.service,
                change.user,
                change.op,
                change.slot,
                change.reply
            ));
        }
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// `chart` as the markdown file at `out` should link it: relative when both are relative to
/// the working directory and the file sits in it, absolute otherwise.
fn link(out: &Path, chart: &Path) -> String {
    let beside_cwd = out.parent().is_none_or(|p| p.as_os_str().is_empty());
    if beside_cwd && chart.is_relative() {
        chart.display().to_string()
    } else {
        std::path::absolute(chart)
            .unwrap_or_else(|_| chart.to_path_buf())
            .display()
            .to_string()
    }
}
