//! The session-1 commands, `free`, `mine`, `reserve` and `cancel`: one operation through the
//! session (so paced, retried and verified as the page does it), waited for, then printed.
//! `free` marks the slots `--avoid` names; `reserve` takes any slot (the user means it).

use hotelband_core::{Event, EventKind, Op, Service, ServiceView, Slot};
use serde_json::json;

use crate::args::Which;
use crate::driver::Driver;
use crate::exit::Exit;
use crate::output::{Output, marked_slot_list, slot_list, slot_numbers};

/// `free`: the free slots of the window (or `all` of them) at the services named.
pub async fn free(driver: &mut Driver, out: &mut Output, which: Which, all: bool) -> Exit {
    let services = which.services();
    let (answered, exit) = read(driver, out, &services, |side| side.free_at.is_some()).await;
    let view = driver.session().view();
    let window = driver.session().config().window;
    let avoid = &view.avoid;
    let avoided = |slots: &[Slot]| -> Vec<Slot> {
        slots
            .iter()
            .copied()
            .filter(|&slot| avoid.contains(slot))
            .collect()
    };
    let shown = |service: Service| -> Vec<Slot> {
        let free = view.services[service.index()].free.iter().copied();
        free.filter(|slot| all || slot.get() <= window).collect()
    };
    let scope = if all {
        "all slots".to_owned()
    } else {
        format!("slots 1-{window}")
    };
    for &service in &answered {
        let slots = shown(service);
        out.text(&format!(
            "{service} free ({scope}): {}",
            marked_slot_list(&slots, avoid)
        ));
        out.object(&json!({
            "type": "free",
            "service": service.name(),
            "window": (!all).then_some(window),
            "slots": slot_numbers(&slots),
            "avoided": slot_numbers(&avoided(&slots)),
        }));
    }
    if answered.len() == 2 {
        let band = shown(Service::Band);
        let common: Vec<Slot> = shown(Service::Hotel)
            .into_iter()
            .filter(|slot| band.contains(slot))
            .collect();
        out.text(&format!(
            "free at both ({scope}): {}",
            marked_slot_list(&common, avoid)
        ));
        out.object(&json!({
            "type": "free",
            "service": "both",
            "window": (!all).then_some(window),
            "slots": slot_numbers(&common),
            "avoided": slot_numbers(&avoided(&common)),
        }));
    }
    exit
}

/// `mine`: the slots held at the services named.
pub async fn mine(driver: &mut Driver, out: &mut Output, which: Which) -> Exit {
    let services = which.services();
    let (answered, exit) = read(driver, out, &services, |side| side.holds_at.is_some()).await;
    let view = driver.session().view();
    for &service in &answered {
        let holds = &view.services[service.index()].holds;
        out.text(&format!("{service} holds: {}", slot_list(holds)));
        out.object(&json!({
            "type": "holds",
            "service": service.name(),
            "slots": slot_numbers(holds),
        }));
    }
    exit
}

/// `reserve` and `cancel`: one write, waited for until it took effect or failed for good.
pub async fn write(driver: &mut Driver, out: &mut Output, service: Service, op: Op) -> Exit {
    let now = driver.now();
    match op {
        Op::Reserve(slot) => driver.session_mut().reserve(now, service, slot),
        Op::Cancel(slot) => driver.session_mut().cancel(now, service, slot),
        // The command line only builds writes.
        Op::Available | Op::Holds => return Exit::Usage,
    }
    let mut events = Vec::new();
    loop {
        driver.dispatch(&mut events);
        for event in events.drain(..) {
            let exit = match &event.kind {
                EventKind::Reserved { service: s, slot } if *s == service => {
                    (op == Op::Reserve(*slot)).then_some(Exit::Done)
                }
                EventKind::Released { service: s, slot } if *s == service => {
                    (op == Op::Cancel(*slot)).then_some(Exit::Done)
                }
                EventKind::Failed {
                    service: s,
                    op: failed,
                    error,
                } if *s == service && *failed == op => Some(Exit::of(error)),
                EventKind::ServiceStopped { service: s, error } if *s == service => {
                    Some(Exit::of(error))
                }
                _ => None,
            };
            if let Some(exit) = exit {
                report(out, &event, exit);
                hint(out, driver.session().config().retries, service, exit);
                return exit;
            }
        }
        driver.wait(&mut events, None).await;
    }
}

/// Re-reads both services until each one in `services` has `answered` or failed for good;
/// returns those that answered, and the exit code of the failures.
async fn read(
    driver: &mut Driver,
    out: &mut Output,
    services: &[Service],
    answered: impl Fn(&ServiceView) -> bool,
) -> (Vec<Service>, Exit) {
    // The core reads both services at once (holds, then free slots); only the ones asked
    // for are waited for and shown.
    let now = driver.now();
    driver.session_mut().refresh(now);
    let mut failed: Vec<(Service, Exit)> = Vec::new();
    let mut events = Vec::new();
    loop {
        driver.dispatch(&mut events);
        for event in events.drain(..) {
            let (service, error) = match &event.kind {
                EventKind::Failed { service, error, .. }
                | EventKind::ServiceStopped { service, error } => (*service, error),
                _ => continue,
            };
            let asked = services.contains(&service);
            if asked && !failed.iter().any(|(s, _)| *s == service) {
                let exit = Exit::of(error);
                report(out, &event, exit);
                hint(out, driver.session().config().retries, service, exit);
                failed.push((service, exit));
            }
        }
        let view = driver.session().view();
        let settled = |service: &Service| {
            answered(&view.services[service.index()]) || failed.iter().any(|(s, _)| s == service)
        };
        if services.iter().all(settled) {
            let ok = services
                .iter()
                .copied()
                .filter(|service| !failed.iter().any(|(s, _)| s == service))
                .collect();
            let exit = failed.iter().map(|&(_, exit)| exit).max();
            return (ok, exit.unwrap_or(Exit::Done));
        }
        driver.wait(&mut events, None).await;
    }
}

/// The event that ended a command: a result line, or a failure (stderr for people).
fn report(out: &mut Output, event: &Event, exit: Exit) {
    if exit == Exit::Done || out.is_json() {
        out.event(event);
    } else {
        out.error(&event.kind.to_string());
    }
}

/// What to check after a failure the user can fix (`retries`: attempts per operation).
pub(crate) fn hint(out: &mut Output, retries: u32, service: Service, exit: Exit) {
    let attempts = retries.max(1);
    match exit {
        Exit::Unreachable => out.error(&format!(
            "the {service} did not answer usably after {attempts} attempts: check its URL \
             (and --proxy), or try again later"
        )),
        Exit::Usage => out.error(&format!(
            "the {service} refused its key: check [{service}] key in api.ini, or {}",
            crate::settings::KEY_VARS[service.index()]
        )),
        Exit::Done | Exit::Refused => {}
    }
}
