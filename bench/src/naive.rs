//! The naive baseline, in the style of the original assignment scripts: one request at a time,
//! a fixed 1 s sleep after each, a fixed number of tries, the first 20 free slots of each
//! service, the earliest common one booked hotel first; to upgrade it releases everything and
//! then rebooks. It trusts its own bookkeeping: a write whose reply was lost is simply "failed".

use std::collections::BTreeSet;
use std::time::Duration;

use hotelband_core::{Op, Outcome, Service, Slot};
use tokio::time::{Instant, sleep, sleep_until, timeout_at};

use crate::http::{self, Endpoint};
use crate::trace::Trace;

/// The script's settings.
#[derive(Clone, Debug)]
pub struct NaiveConfig {
    /// Tries per request (api.ini `retries`).
    pub retries: u32,
    /// The fixed sleep after every request (the rule's 1 s).
    pub sleep: Duration,
    /// How many entries of each free list it looks at.
    pub window: usize,
    /// How long it waits, holding a pair, before looking for a better one.
    pub recheck: Duration,
    /// How long it waits for one reply.
    pub timeout: Duration,
    /// It starts no new cycle after this long after Start.
    pub duration: Duration,
    /// Warm start: read both free lists first and press Start this long after; the first
    /// cycle then books from those lists without reading again. `None`: Start at once (cold).
    pub warm_lead: Option<Duration>,
    /// After that, how long its last cycle may take before it is abandoned.
    pub grace: Duration,
}

impl Default for NaiveConfig {
    fn default() -> Self {
        NaiveConfig {
            retries: 3,
            sleep: Duration::from_secs(1),
            window: 20,
            recheck: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            duration: Duration::from_secs(40),
            warm_lead: None,
            grace: Duration::from_secs(30),
        }
    }
}

/// Runs the script against `endpoints` (hotel, band) and returns what it did.
pub async fn run(client: &reqwest::Client, endpoints: [Endpoint; 2], config: NaiveConfig) -> Trace {
    let origin = Instant::now();
    let warm_lead = config.warm_lead;
    let mut script = Script {
        client,
        endpoints,
        config,
        origin,
        held: [BTreeSet::new(), BTreeSet::new()],
        pair: None,
        known: None,
        trace: Trace::default(),
    };
    if let Some(lead) = warm_lead {
        // The lists are read on screen before the click; a failed read leaves a cold cycle.
        if let Some(hotel) = script.free(Service::Hotel).await
            && let Some(band) = script.free(Service::Band).await
        {
            script.known = Some([hotel, band]);
        }
        sleep_until(origin + lead).await;
    }
    let clicked = Instant::now();
    script.trace.clicked_at = clicked.duration_since(origin);
    let stop_at = clicked + script.config.duration;
    let abandon_at = stop_at + script.config.grace;
    let mut settled = true;
    while Instant::now() < stop_at {
        // Every cycle is finished before the script looks at the clock: it stops at a point
        // where its own bookkeeping says it holds a pair or nothing, as a user pressing
        // Ctrl-C between two steps would.
        if timeout_at(abandon_at, script.cycle()).await.is_err() {
            settled = false;
            break;
        }
        if script.pair.is_some() {
            sleep_until(stop_at.min(Instant::now() + script.config.recheck)).await;
        }
    }
    let mut trace = script.trace;
    trace.stopped_at = stop_at.saturating_duration_since(origin);
    trace.ended_at = origin.elapsed();
    trace.settled = settled;
    trace
}

struct Script<'a> {
    client: &'a reqwest::Client,
    endpoints: [Endpoint; 2],
    config: NaiveConfig,
    origin: Instant,
    /// What it believes it holds, from the replies it got.
    held: [BTreeSet<Slot>; 2],
    pair: Option<Slot>,
    /// Free lists read before a warm Start, used by the first cycle only.
    known: Option<[Vec<Slot>; 2]>,
    trace: Trace,
}

impl Script<'_> {
    /// One pass: read both free lists, pick the earliest common slot, book it if it is better.
    async fn cycle(&mut self) {
        let [hotel, band] = match self.known.take() {
            Some(lists) => lists,
            None => {
                let Some(hotel) = self.free(Service::Hotel).await else {
                    return;
                };
                let Some(band) = self.free(Service::Band).await else {
                    return;
                };
                [hotel, band]
            }
        };
        let window = self.config.window;
        let band: BTreeSet<Slot> = band.into_iter().take(window).collect();
        let Some(best) = hotel
            .into_iter()
            .take(window)
            .find(|slot| band.contains(slot))
        else {
            self.note("no common slot in the first 20");
            return;
        };
        if let Some(pair) = self.pair {
            if best >= pair {
                return;
            }
            self.note(format!(
                "slot {best} is better than {pair}: releasing everything"
            ));
            self.release_all().await;
        }
        if !self.write(Service::Hotel, Op::Reserve(best)).await {
            return;
        }
        if !self.write(Service::Band, Op::Reserve(best)).await {
            self.write(Service::Hotel, Op::Cancel(best)).await;
            return;
        }
        self.pair = Some(best);
        self.note(format!("booked slot {best} at both"));
        let at = self.origin.elapsed();
        self.trace.observe_pair(at, self.pair);
    }

    async fn release_all(&mut self) {
        for service in Service::ALL {
            let held: Vec<Slot> = self.held[service.index()].iter().copied().collect();
            for slot in held {
                self.write(service, Op::Cancel(slot)).await;
            }
        }
        self.pair = None;
        let at = self.origin.elapsed();
        self.trace.observe_pair(at, None);
    }

    /// The free list, or `None` when every try failed or the reply made no sense.
    async fn free(&mut self, service: Service) -> Option<Vec<Slot>> {
        let body = self.request(service, Op::Available).await?;
        let slots = parse_slots(&body);
        if slots.is_none() {
            self.note(format!("{service}: unreadable free list"));
        }
        slots
    }

    /// A reserve or cancel; updates the bookkeeping on success and forgets the slot on failure
    /// of a cancel (the script has no way to tell an applied-but-lost write from a refused one).
    async fn write(&mut self, service: Service, op: Op) -> bool {
        let done = self.request(service, op).await.is_some();
        let held = &mut self.held[service.index()];
        match op {
            Op::Reserve(slot) if done => {
                held.insert(slot);
            }
            Op::Cancel(slot) => {
                held.remove(&slot);
            }
            _ => {}
        }
        done
    }

    /// Sends `op` up to `retries` times; a 200 returns the body. Sleeps the fixed second after
    /// every request, whatever happened.
    async fn request(&mut self, service: Service, op: Op) -> Option<String> {
        for attempt in 1..=self.config.retries {
            let endpoint = &self.endpoints[service.index()];
            self.trace.count_request(service);
            let at = self.origin.elapsed();
            self.trace.sent(service, at, Duration::ZERO);
            let outcome = http::send(self.client, endpoint, op, self.config.timeout).await;
            self.trace.replied(self.origin.elapsed().saturating_sub(at));
            sleep(self.config.sleep).await;
            let retry = match outcome {
                Outcome::Http {
                    status: 200, body, ..
                } => return Some(body),
                Outcome::Http { status, .. } => {
                    self.note(format!("{service} {op:?}: HTTP {status} (try {attempt})"));
                    status == 404 || status == 429 || status >= 500
                }
                Outcome::Network(reason) => {
                    self.note(format!("{service} {op:?}: {reason} (try {attempt})"));
                    true
                }
                Outcome::Timeout => {
                    self.note(format!("{service} {op:?}: timed out (try {attempt})"));
                    true
                }
            };
            if !retry {
                return None;
            }
        }
        None
    }

    fn note(&mut self, line: impl Into<String>) {
        let at = self.origin.elapsed();
        self.trace.note(at, line);
    }
}

/// `[{"id":"10"},{"id":15}]` -> slots, ascending; ids may be strings or numbers.
fn parse_slots(body: &str) -> Option<Vec<Slot>> {
    let items: Vec<serde_json::Value> = serde_json::from_str(body).ok()?;
    let mut slots = items
        .iter()
        .map(|item| {
            let id = item.get("id")?;
            let number = match id {
                serde_json::Value::String(text) => text.parse::<u16>().ok()?,
                other => u16::try_from(other.as_u64()?).ok()?,
            };
            Slot::new(number)
        })
        .collect::<Option<Vec<Slot>>>()?;
    slots.sort_unstable();
    Some(slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(numbers: &[u16]) -> Vec<Slot> {
        numbers.iter().filter_map(|&n| Slot::new(n)).collect()
    }

    #[test]
    fn free_lists_accept_string_and_number_ids_and_come_out_sorted() {
        assert_eq!(
            parse_slots(r#"[{"id":"15"},{"id":10},{"id":"17"}]"#),
            Some(slots(&[10, 15, 17]))
        );
        assert_eq!(parse_slots("[]"), Some(Vec::new()));
    }

    #[test]
    fn free_lists_that_are_not_slot_lists_are_refused() {
        assert_eq!(parse_slots("<html>Bad gateway</html>"), None);
        assert_eq!(parse_slots(r#"[{"id":"0"}]"#), None);
        assert_eq!(parse_slots(r#"[{"id":"abc"}]"#), None);
        assert_eq!(parse_slots(r#"[{"slot":"3"}]"#), None);
    }
}
