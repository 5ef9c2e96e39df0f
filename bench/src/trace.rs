//! What a client did during one run, as the client saw it, on the wall clock of the run.

use std::time::Duration;

use hotelband_core::{Service, Slot};

/// The client's belief about its matched pair changed at `at` (time since the client started).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PairChange {
    /// Since the client started.
    pub at: Duration,
    /// The pair it now believes it holds.
    pub pair: Option<Slot>,
}

/// One run of one client.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Every change of the matched pair the client believes it holds, in order.
    pub pairs: Vec<PairChange>,
    /// HTTP requests sent, retries included, indexed by [`Service::index`].
    pub requests: [u32; 2],
    /// The client's own log lines (events of the core, steps of the baseline), timestamped.
    pub log: Vec<(Duration, String)>,
    /// When Start came (zero for a cold start; after the first reads for a warm one).
    pub clicked_at: Duration,
    /// When each request left, in order, both services.
    pub sent_at: Vec<Duration>,
    /// How long each reply took, from its request leaving to the reply (or failure) back.
    pub round_trips: Vec<Duration>,
    /// When the client was told to stop.
    pub stopped_at: Duration,
    /// When it had finished what it was doing (or was abandoned).
    pub ended_at: Duration,
    /// False when it was still busy at the end of the grace period and was abandoned.
    pub settled: bool,
    /// When the last request to each service left (as its sending task started).
    last_sent: [Option<Duration>; 2],
    /// The shortest gap between two requests leaving for the same service, as seen on the
    /// client: a pacing violation at the server with no short gap here was made on the way.
    pub min_send_gap: Option<Duration>,
    /// The longest wait between the client deciding to send a request and its task starting.
    pub max_dispatch_lag: Duration,
}

impl Trace {
    /// Records the pair the client believes it holds now, if that changed.
    pub fn observe_pair(&mut self, at: Duration, pair: Option<Slot>) {
        let current = self.pairs.last().and_then(|change| change.pair);
        if current != pair {
            self.pairs.push(PairChange { at, pair });
        }
    }

    /// Counts one request to `service`.
    pub fn count_request(&mut self, service: Service) {
        self.requests[service.index()] += 1;
    }

    /// Records that a request to `service` left at `at`, `lag` after it was decided.
    pub fn sent(&mut self, service: Service, at: Duration, lag: Duration) {
        let last = &mut self.last_sent[service.index()];
        if let Some(previous) = *last {
            let gap = at.saturating_sub(previous);
            self.min_send_gap = Some(self.min_send_gap.map_or(gap, |min| min.min(gap)));
        }
        *last = Some(at);
        self.sent_at.push(at);
        self.max_dispatch_lag = self.max_dispatch_lag.max(lag);
    }

    /// Records that a reply came back `round_trip` after its request left.
    pub fn replied(&mut self, round_trip: Duration) {
        self.round_trips.push(round_trip);
    }

    /// Requests that left from Start until `since_start` after it (a warm start's reads before
    /// Start are not counted).
    #[must_use]
    pub fn requests_until(&self, since_start: Duration) -> usize {
        let until = self.clicked_at + since_start;
        self.sent_at
            .iter()
            .filter(|&&at| at >= self.clicked_at && at <= until)
            .count()
    }

    /// Adds a line to the client's log.
    pub fn note(&mut self, at: Duration, line: impl Into<String>) {
        self.log.push((at, line.into()));
    }

    /// When the client first held a matched pair.
    #[must_use]
    pub fn first_pair(&self) -> Option<Duration> {
        self.pairs
            .iter()
            .find(|change| change.pair.is_some())
            .map(|change| change.at)
    }

    /// When the client first held `slot` as its matched pair.
    #[must_use]
    pub fn first_holding(&self, slot: Slot) -> Option<Duration> {
        self.pairs
            .iter()
            .find(|change| change.pair == Some(slot))
            .map(|change| change.at)
    }

    /// The pair the client believed it held at the end.
    #[must_use]
    pub fn final_pair(&self) -> Option<Slot> {
        self.pairs.last().and_then(|change| change.pair)
    }

    /// Requests to both services.
    #[must_use]
    pub fn total_requests(&self) -> u32 {
        self.requests.iter().sum()
    }
}
