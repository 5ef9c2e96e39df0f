//! What the user reads: plain lines for people (with a live status line when stdout is a
//! terminal), or one JSON object per line for scripts (`--json`). Errors for people go to
//! stderr; with `--json` they are objects on stdout like everything else.
//!
//! Nothing here ever receives a key: events and errors come from the core, whose texts are
//! made safe there (long hex runs and bearer tokens redacted).

use std::io::{IsTerminal, Write};

use hotelband_core::{AvoidSet, Event, EventKind, Service, Slot, View, describe};
use serde_json::{Value, json};

/// Where the lines go.
#[derive(Debug)]
pub struct Output {
    json: bool,
    /// A status line may be drawn (stdout is a terminal and the output is for people).
    live: bool,
    /// The status line now on screen, if any.
    status: Option<String>,
}

impl Output {
    /// Output for people or (`json`) scripts; the status line only on a terminal.
    #[must_use]
    pub fn new(json: bool) -> Self {
        Output {
            json,
            live: !json && std::io::stdout().is_terminal(),
            status: None,
        }
    }

    /// Whether the output is JSON lines.
    #[must_use]
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// A line for people (ignored with `--json`).
    pub fn text(&mut self, line: &str) {
        if !self.json {
            self.print(line);
        }
    }

    /// An object for scripts (ignored without `--json`).
    pub fn object(&mut self, value: &Value) {
        if self.json {
            self.print(&value.to_string());
        }
    }

    /// A failure: to stderr for people, an `error` object for scripts.
    pub fn error(&mut self, message: &str) {
        if self.json {
            self.print(&json!({"type": "error", "message": message}).to_string());
        } else {
            self.clear_status();
            eprintln!("hotelband: {message}");
        }
    }

    /// One of the core's events, in the page's words, stamped with the seconds since start.
    pub fn event(&mut self, event: &Event) {
        if self.json {
            self.print(&event_json(event).to_string());
        } else {
            let secs = Stamp(event.at.0);
            self.print(&format!("{secs} {}", event.kind));
        }
    }

    /// Redraws the live status line (people on a terminal only).
    pub fn status(&mut self, line: String) {
        if !self.live || self.status.as_ref() == Some(&line) {
            return;
        }
        let mut stdout = std::io::stdout().lock();
        // A terminal that went away is not worth failing for; the lines that matter follow.
        let _ = write!(stdout, "\r\x1b[2K{line}");
        let _ = stdout.flush();
        self.status = Some(line);
    }

    /// Removes the status line, so that the next line starts clean.
    pub fn clear_status(&mut self) {
        if self.status.take().is_some() {
            let mut stdout = std::io::stdout().lock();
            let _ = write!(stdout, "\r\x1b[2K");
            let _ = stdout.flush();
        }
    }

    fn print(&mut self, line: &str) {
        let redraw = self.status.clone();
        self.clear_status();
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) ends the reading, not the booking: keep going quietly.
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
        drop(stdout);
        if let Some(line) = redraw {
            self.status(line);
        }
    }
}

/// Session milliseconds as `  12.3s`, the prefix of an event line.
struct Stamp(u64);

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:>5}.{}s", self.0 / 1000, self.0 % 1000 / 100)
    }
}

/// An event as a JSON object: `type`, `at_ms`, `kind`, the fields of the kind, and `text`
/// (the page's words).
#[must_use]
pub fn event_json(event: &Event) -> Value {
    let mut value = json!({
        "type": "event",
        "at_ms": event.at.0,
        "text": event.kind.to_string(),
    });
    let fields = match &event.kind {
        EventKind::Reserved { service, slot } => {
            json!({"kind": "reserved", "service": service.name(), "slot": slot.get()})
        }
        EventKind::Released { service, slot } => {
            json!({"kind": "released", "service": service.name(), "slot": slot.get()})
        }
        EventKind::PairSecured { slot } => json!({"kind": "pair_secured", "slot": slot.get()}),
        EventKind::PairUpgraded { from, to } => {
            json!({"kind": "pair_upgraded", "from": from.get(), "to": to.get()})
        }
        EventKind::NoCommonSlot => json!({"kind": "no_common_slot"}),
        EventKind::Failed { service, op, error } => json!({
            "kind": "failed",
            "service": service.name(),
            "op": describe(*op),
            "error": error.to_string(),
        }),
        EventKind::ServiceStopped { service, error } => json!({
            "kind": "service_stopped",
            "service": service.name(),
            "error": error.to_string(),
        }),
        EventKind::Auto(state) => json!({"kind": "auto", "state": state.name()}),
        // The core may add kinds; the text still says what happened.
        _ => json!({"kind": "other"}),
    };
    if let (Value::Object(value), Value::Object(fields)) = (&mut value, fields) {
        value.extend(fields);
    }
    value
}

/// Slots as `3, 7, 12`, or `none`.
#[must_use]
pub fn slot_list(slots: &[Slot]) -> String {
    marked_slot_list(slots, &AvoidSet::new())
}

/// Slots as [`slot_list`] writes them, each avoided one marked: `3, 7 (avoided), 12`.
#[must_use]
pub fn marked_slot_list(slots: &[Slot], avoid: &AvoidSet) -> String {
    if slots.is_empty() {
        return "none".to_owned();
    }
    slots
        .iter()
        .map(|&slot| {
            if avoid.contains(slot) {
                format!("{slot} (avoided)")
            } else {
                slot.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Slots as JSON numbers.
#[must_use]
pub fn slot_numbers(slots: &[Slot]) -> Value {
    Value::from(slots.iter().map(|slot| slot.get()).collect::<Vec<_>>())
}

/// The live status line of `pair`: the planner, the pair, the holds, what is under way.
#[must_use]
pub fn status_line(view: &View) -> String {
    let pair = view
        .pair
        .map_or_else(|| "none".to_owned(), |slot| slot.to_string());
    let mut line = format!("auto-pair {} | pair: {pair}", view.auto.name());
    for service in Service::ALL {
        let side = &view.services[service.index()];
        line.push_str(&format!(" | {service} holds {}", slot_list(&side.holds)));
        if let Some(op) = side.pending.first() {
            line.push_str(&format!(" ({})", describe(*op).to_lowercase()));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use hotelband_core::{ApiError, Millis, Op};

    use super::*;

    fn slot(n: u16) -> Slot {
        Slot::new(n).expect("test slots are non-zero")
    }

    #[test]
    fn events_become_objects_with_the_pages_words() {
        let event = Event {
            at: Millis(1500),
            kind: EventKind::Reserved {
                service: Service::Band,
                slot: slot(7),
            },
        };
        let value = event_json(&event);
        assert_eq!(value["type"], "event");
        assert_eq!(value["kind"], "reserved");
        assert_eq!(value["service"], "band");
        assert_eq!(value["slot"], 7);
        assert_eq!(value["at_ms"], 1500);
        assert_eq!(value["text"], "Reserved slot 7 at the band");
        let failed = Event {
            at: Millis(0),
            kind: EventKind::Failed {
                service: Service::Hotel,
                op: Op::Reserve(slot(3)),
                error: ApiError::SlotUnavailable("Slot is not available.".into()),
            },
        };
        let value = event_json(&failed);
        assert_eq!(value["op"], "Reserving slot 3");
        assert_eq!(value["error"], "slot not available: Slot is not available.");
    }

    #[test]
    fn the_status_line_says_what_is_held_and_under_way() {
        let mut view = hotelband_core::Session::new(Millis(0), Default::default()).view();
        view.pair = Some(slot(4));
        view.services[0].holds = vec![slot(4)];
        view.services[1].holds = vec![slot(4), slot(9)];
        view.services[1].pending = vec![Op::Cancel(slot(9))];
        assert_eq!(
            status_line(&view),
            "auto-pair off | pair: 4 | hotel holds 4 | band holds 4, 9 (releasing slot 9)"
        );
    }

    #[test]
    fn lists_and_times_read_plainly() {
        assert_eq!(slot_list(&[]), "none");
        assert_eq!(slot_list(&[slot(3), slot(12)]), "3, 12");
        assert_eq!(Stamp(12_345).to_string(), "   12.3s");
        assert_eq!(slot_numbers(&[slot(4)]), json!([4]));
        let avoid = "7-9".parse().expect("valid");
        assert_eq!(
            marked_slot_list(&[slot(3), slot(7), slot(12)], &avoid),
            "3, 7 (avoided), 12"
        );
        assert_eq!(marked_slot_list(&[], &avoid), "none");
    }
}
