//! `pair`: session 2 from a terminal. The core's planner reads, pairs on the earliest common
//! slot and (with `--watch`) keeps upgrading make-before-break; this loop prints its events,
//! the first common free slots (avoided ones left out) and a status line, and ends it cleanly:
//! when a good-enough pair (`--good-enough`, slot 1 by default) is held at both (auto-pair is
//! done), when the first pair is held (without `--watch`), when `--for` elapses, on Ctrl-C, or
//! when a service refuses the key or never answers. A clean stop keeps the pair and releases
//! the rest (`--release-all`: everything); a second Ctrl-C aborts at once.

use std::time::Duration;

use hotelband_core::{AutoState, Event, EventKind, Op, Service, Slot, View};
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::driver::{Driver, Woke};
use crate::exit::Exit;
use crate::oneshot::hint;
use crate::output::{Output, slot_list, slot_numbers, status_line};

/// How long a stop may take before the client gives up waiting and says what may be held:
/// the core abandons an operation a minute after it began, plus one request timeout.
const STOP_GRACE: Duration = Duration::from_secs(75);

/// How many common free slots are shown: the assignment shows the first 20.
const SHOWN_COMMON: usize = 20;

/// `pair`'s choices.
#[derive(Clone, Debug, Default)]
pub struct PairOptions {
    /// Stop after this long.
    pub for_: Option<Duration>,
    /// Keep upgrading after the first pair.
    pub watch: bool,
    /// Release everything at exit, the pair too.
    pub release_all: bool,
}

/// Why the planner is being stopped.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Why {
    /// A good-enough pair is held at both: auto-pair is done.
    GoodEnough,
    /// A pair is held and `--watch` was not asked for.
    Paired,
    /// `--for` elapsed.
    Elapsed,
    /// Ctrl-C.
    Interrupted,
    /// A service refused the key, or never answered usably: no pair can be made.
    Failed(Service, Exit),
}

impl Why {
    fn name(self) -> &'static str {
        match self {
            Why::GoodEnough => "good_enough",
            Why::Paired => "paired",
            Why::Elapsed => "elapsed",
            Why::Interrupted => "interrupted",
            Why::Failed(_, Exit::Usage) => "key_refused",
            Why::Failed(..) => "unreachable",
        }
    }
}

/// Runs `pair` until it has stopped cleanly (or was aborted); `interrupts` delivers Ctrl-C.
pub async fn pair(
    driver: &mut Driver,
    out: &mut Output,
    options: &PairOptions,
    interrupts: &mut mpsc::UnboundedReceiver<()>,
) -> Exit {
    let now = driver.now();
    driver.session_mut().start(now);
    let until = options.for_.map(|limit| Instant::now() + limit);
    // Set once the stop has begun: why, and when to give up waiting for it.
    let mut stopping: Option<(Why, Instant)> = None;
    let mut failure: Option<(Service, Exit)> = None;
    let mut ever_paired = false;
    let mut common_shown: Option<Vec<Slot>> = None;
    let mut events = Vec::new();
    loop {
        driver.dispatch(&mut events);
        let view = driver.session().view();
        for event in events.drain(..) {
            out.event(&event);
            if failure.is_none()
                && let Some((service, exit)) = fatal(&event, &view)
            {
                hint(out, driver.session().config().retries, service, exit);
                failure = Some((service, exit));
            }
        }
        ever_paired |= view.pair.is_some();
        show_common(out, &view, &mut common_shown);
        out.status(status_line(&view));

        match stopping {
            None => {
                let why = if view.auto == AutoState::Done {
                    Some(Why::GoodEnough)
                } else if !options.watch && view.pair.is_some() {
                    Some(Why::Paired)
                } else {
                    failure.map(|(service, exit)| Why::Failed(service, exit))
                };
                if let Some(why) = why {
                    stopping = Some((why, begin_stop(driver, out, options, why)));
                    continue;
                }
            }
            Some((why, _)) if stop_finished(driver, why) => {
                return finish(driver, out, options, why, failure, ever_paired);
            }
            Some(_) => {}
        }

        let deadline = match stopping {
            Some((_, give_up)) => Some(give_up),
            None => until,
        };
        tokio::select! {
            biased;
            Some(()) = interrupts.recv() => {
                if stopping.is_some() {
                    return abort(driver, out, "interrupted again");
                }
                stopping = Some((Why::Interrupted, begin_stop(driver, out, options, Why::Interrupted)));
            }
            woke = driver.wait(&mut events, deadline) => {
                if woke == Woke::Deadline {
                    if stopping.is_some() {
                        return abort(driver, out, "the stop did not finish in time");
                    }
                    stopping = Some((Why::Elapsed, begin_stop(driver, out, options, Why::Elapsed)));
                }
            }
        }
    }
}

/// A failure no pair can be made past: a refused key, or a service failing for good before it
/// ever answered (a wrong URL, a dead host). Later failures are the weather: the planner
/// keeps trying.
fn fatal(event: &Event, view: &View) -> Option<(Service, Exit)> {
    let (service, error) = match &event.kind {
        EventKind::ServiceStopped { service, error } | EventKind::Failed { service, error, .. } => {
            (*service, error)
        }
        _ => return None,
    };
    let side = &view.services[service.index()];
    let never_answered = side.free_at.is_none() && side.holds_at.is_none();
    let exit = Exit::of(error);
    (exit == Exit::Usage || (exit == Exit::Unreachable && never_answered))
        .then_some((service, exit))
}

/// Whether the stop is over: nothing left to do, or only re-reading a service that never
/// answered (nothing was ever written there by this run, so nothing of it can be left).
fn stop_finished(driver: &Driver, why: Why) -> bool {
    if driver.is_quiet() {
        return true;
    }
    let Why::Failed(dead, Exit::Unreachable) = why else {
        return false;
    };
    let view = driver.session().view();
    let side = &view.services[dead.index()];
    let never_answered = side.free_at.is_none() && side.holds_at.is_none();
    never_answered
        && view.auto != AutoState::Running
        && view.services[dead.other().index()].pending.is_empty()
        && side.pending.iter().all(|op| !op.is_write())
}

/// Tells the planner to stop (keeping the pair, or releasing everything) and says so;
/// returns when to give up waiting.
fn begin_stop(driver: &mut Driver, out: &mut Output, options: &PairOptions, why: Why) -> Instant {
    let now = driver.now();
    let keeps = if options.release_all {
        driver.session_mut().stop_and_release_all(now);
        "releasing everything"
    } else {
        // With a good-enough pair the planner is done already: there is nothing to stop.
        if why != Why::GoodEnough {
            driver.session_mut().stop(now);
        }
        "keeping the pair, releasing the rest"
    };
    let reason = match why {
        Why::GoodEnough => "the pair is good enough (--good-enough, slot 1 by default)",
        Why::Paired => "a pair is held (--watch keeps upgrading)",
        Why::Elapsed => "--for elapsed",
        Why::Interrupted => "interrupted; Ctrl-C again aborts at once",
        Why::Failed(_, Exit::Usage) => "a service refused the key",
        Why::Failed(..) => "a service did not answer",
    };
    out.clear_status();
    out.text(&format!("Stopping: {reason}; {keeps}"));
    out.object(&json!({"type": "stopping", "reason": why.name()}));
    Instant::now() + STOP_GRACE
}

/// The stop has finished: what is held, and the exit code.
fn finish(
    driver: &Driver,
    out: &mut Output,
    options: &PairOptions,
    why: Why,
    failure: Option<(Service, Exit)>,
    ever_paired: bool,
) -> Exit {
    let view = driver.session().view();
    let [hotel, band] = view.services.each_ref().map(|side| side.holds.clone());
    out.clear_status();
    match view.pair {
        Some(slot) => out.text(&format!(
            "Holding slot {slot} at both the hotel and the band"
        )),
        None => out.text("No pair held"),
    }
    out.text(&format!(
        "hotel holds: {}; band holds: {}",
        slot_list(&hotel),
        slot_list(&band)
    ));
    out.object(&json!({
        "type": "final",
        "reason": why.name(),
        "pair": view.pair.map(Slot::get),
        "hotel": slot_numbers(&hotel),
        "band": slot_numbers(&band),
    }));
    let failed = failure.map_or(Exit::Refused, |(_, exit)| exit);
    if options.release_all {
        let all_released = hotel.is_empty() && band.is_empty();
        return if ever_paired && all_released {
            Exit::Done
        } else {
            failed
        };
    }
    if view.pair.is_some() {
        Exit::Done
    } else {
        failed
    }
}

/// Leaves at once, saying what may still be held (holds as last known, and writes that were
/// queued or in flight: one of those may still land).
fn abort(driver: &Driver, out: &mut Output, why: &str) -> Exit {
    let view = driver.session().view();
    out.clear_status();
    let mut parts = Vec::new();
    let mut object = json!({"type": "aborted", "why": why});
    for service in Service::ALL {
        let side = &view.services[service.index()];
        let mut maybe: Vec<Slot> = side.holds.clone();
        for op in &side.pending {
            if let Op::Reserve(slot) | Op::Cancel(slot) = op
                && !maybe.contains(slot)
            {
                maybe.push(*slot);
            }
        }
        maybe.sort_unstable();
        parts.push(format!("{service} {}", slot_list(&maybe)));
        object[service.name()] = slot_numbers(&maybe);
    }
    out.error(&format!(
        "aborted ({why}); may still be held: {} (check with `hotelband mine`)",
        parts.join("; ")
    ));
    out.object(&object);
    Exit::Refused
}

/// Prints the first common free slots when they change.
fn show_common(out: &mut Output, view: &View, shown: &mut Option<Vec<Slot>>) {
    let [hotel, band] = &view.services;
    if hotel.free_at.is_none() || band.free_at.is_none() {
        return;
    }
    let common: Vec<Slot> = hotel
        .free
        .iter()
        .filter(|slot| band.free.contains(slot) && !view.avoid.contains(**slot))
        .take(SHOWN_COMMON)
        .copied()
        .collect();
    if shown.as_ref() == Some(&common) {
        return;
    }
    let avoiding = if view.avoid.is_empty() {
        String::new()
    } else {
        format!(", avoiding {}", view.avoid)
    };
    out.text(&format!(
        "Free at both (first {SHOWN_COMMON}{avoiding}): {}",
        slot_list(&common)
    ));
    out.object(&json!({"type": "common_free", "slots": slot_numbers(&common)}));
    *shown = Some(common);
}

/// Ctrl-C as a stream; registered before this returns, so no interrupt is missed after it.
pub fn interrupts() -> std::io::Result<mpsc::UnboundedReceiver<()>> {
    let (tx, rx) = mpsc::unbounded_channel();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut signals = signal(SignalKind::interrupt())?;
        tokio::spawn(async move {
            while signals.recv().await.is_some() {
                if tx.send(()).is_err() {
                    break;
                }
            }
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if tx.send(()).is_err() {
                break;
            }
        }
    });
    Ok(rx)
}
