//! The whole matrix, many runs at once. The work is waiting on the 1 s pacing, not computing,
//! so runs overlap freely up to `jobs` at a time, each on its own emulator.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

use crate::run::{self, RunError, RunResult};
use crate::scenario::{Cell, ClientKind, Scenario, Settings, Start};

/// Least time between the starts of two runs.
const LAUNCH_SPACING: Duration = Duration::from_millis(200);

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The cells (faults x crowd), in the order the tables show them.
    pub cells: Vec<Cell>,
    /// Cold, warm or both, in every cell.
    pub starts: Vec<Start>,
    /// Seeds run in every cell, for every client and start.
    pub seeds: Vec<u64>,
    /// The clients compared.
    pub clients: Vec<ClientKind>,
    /// Shared by every run.
    pub settings: Settings,
    /// Runs in flight at once.
    pub jobs: usize,
}

impl Plan {
    /// Every (client, scenario) of the plan, cell by cell.
    #[must_use]
    pub fn runs(&self) -> Vec<(ClientKind, Scenario)> {
        let mut runs = Vec::new();
        for &seed in &self.seeds {
            for &cell in &self.cells {
                for &start in &self.starts {
                    for &client in &self.clients {
                        runs.push((client, Scenario { cell, start, seed }));
                    }
                }
            }
        }
        runs
    }
}

/// A run that produced no figures, with what it was.
#[derive(Debug)]
pub struct Failed {
    /// The client.
    pub client: ClientKind,
    /// The scenario.
    pub scenario: Scenario,
    /// Why.
    pub error: RunError,
}

/// Runs the whole plan; `progress` hears of each run as it ends (done, total).
pub async fn run_all(
    plan: &Plan,
    progress: impl Fn(usize, usize, &Result<RunResult, Failed>),
) -> (Vec<RunResult>, Vec<Failed>) {
    let http = crate::http::client();
    let permits = Arc::new(Semaphore::new(plan.jobs.max(1)));
    let runs = plan.runs();
    let total = runs.len();
    let launches = Arc::new(Mutex::new(Instant::now()));
    let mut tasks = JoinSet::new();
    for (client, scenario) in runs {
        let http = http.clone();
        let permits = Arc::clone(&permits);
        let launches = Arc::clone(&launches);
        let settings = plan.settings.clone();
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring only waits.
            let _permit = permits.acquire_owned().await;
            // Launches are spaced: started all at once, dozens of emulators and clients would
            // make their first requests in one burst, and the arrival jitter of that burst
            // alone would look like pacing violations.
            {
                let mut next = launches.lock().await;
                sleep_until(*next).await;
                *next = Instant::now() + LAUNCH_SPACING;
            }
            run::run(&http, client, scenario, &settings)
                .await
                .map_err(|error| Failed {
                    client,
                    scenario,
                    error,
                })
        });
    }
    let (mut results, mut failures) = (Vec::new(), Vec::new());
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        done += 1;
        match joined {
            Ok(outcome) => {
                progress(done, total, &outcome);
                match outcome {
                    Ok(result) => results.push(result),
                    Err(failed) => failures.push(failed),
                }
            }
            // A panicking run is a bug in the bench or a dependency: surface it.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    results.sort_by_key(|result| (result.scenario, result.client));
    (results, failures)
}
