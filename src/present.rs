//! Turning the core's snapshot and errors into what the page shows: slot states and plain
//! words. Pure code, so it is tested natively.

use hotelband_core::{ApiError, AutoState, Failure, Op, Service, ServiceView, Slot, View};

/// What one slot button shows (`data-state`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum SlotState {
    Free,
    Mine,
    Taken,
    Unknown,
}

impl SlotState {
    /// The `data-state` value and CSS class.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            SlotState::Free => "free",
            SlotState::Mine => "mine",
            SlotState::Taken => "taken",
            SlotState::Unknown => "unknown",
        }
    }

    /// A text mark, so the state is not told by colour alone.
    pub(crate) const fn mark(self) -> &'static str {
        match self {
            SlotState::Free => "free",
            SlotState::Mine => "mine",
            SlotState::Taken => "taken",
            SlotState::Unknown => "?",
        }
    }
}

/// Everything one slot button needs.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct SlotLook {
    /// free / mine / taken / unknown.
    pub(crate) state: SlotState,
    /// Part of the matched pair.
    pub(crate) pair: bool,
    /// An operation on it is queued or in flight.
    pub(crate) busy: bool,
    /// Among the common slots (see [`common_slots`]).
    pub(crate) common: bool,
    /// On the user's avoid list: auto-pair leaves it alone (a click still reserves it).
    pub(crate) avoided: bool,
}

impl SlotLook {
    /// Before anything is read.
    pub(crate) const UNKNOWN: SlotLook = SlotLook {
        state: SlotState::Unknown,
        pair: false,
        busy: false,
        common: false,
        avoided: false,
    };

    /// The button's classes: its state, then `pair`, `common` and `avoided` when they apply.
    pub(crate) fn class(self) -> String {
        format!(
            "slot {}{}{}{}",
            self.state.name(),
            if self.pair { " pair" } else { "" },
            if self.common { " common" } else { "" },
            if self.avoided { " avoided" } else { "" },
        )
    }

    /// The word shown under the number, so neither the state, the pair nor the avoid list is
    /// told by colour alone: an avoided slot open to a click says so.
    pub(crate) const fn mark(self) -> &'static str {
        if self.pair {
            "pair"
        } else if self.avoided && matches!(self.state, SlotState::Free | SlotState::Unknown) {
            "avoid"
        } else {
            self.state.mark()
        }
    }

    /// What the button's look tells sighted people beyond its text (the ★, the dashed
    /// border, the dimming), for the accessible name: it follows the visible text, so the
    /// name starts with what is shown ("7 free") and voice control can say it.
    pub(crate) fn unseen_words(self) -> String {
        let mut words = Vec::new();
        if self.state == SlotState::Unknown {
            words.push("not read yet");
        }
        if self.pair {
            words.push("held at both");
        } else if self.common {
            words.push("open at both");
        }
        if self.avoided {
            words.push("on the avoid list");
        }
        if self.busy {
            words.push("working");
        }
        if words.is_empty() {
            String::new()
        } else {
            format!(", {}", words.join(", "))
        }
    }

    /// A click does something: reserve a free slot or cancel one of mine.
    pub(crate) fn clickable(self) -> bool {
        matches!(self.state, SlotState::Free | SlotState::Mine)
    }
}

/// How slot `n` of `service` looks in `view`.
pub(crate) fn slot_look(view: &View, service: Service, n: u16) -> SlotLook {
    let sv: &ServiceView = &view.services[service.index()];
    let slot = Slot::new(n);
    let has = |list: &[Slot]| slot.is_some_and(|s| list.binary_search(&s).is_ok());
    // The core's rule (ServiceView docs): mine, else free, else taken once a free list exists.
    let state = if has(&sv.holds) {
        SlotState::Mine
    } else if sv.free_at.is_none() {
        SlotState::Unknown
    } else if has(&sv.free) {
        SlotState::Free
    } else {
        SlotState::Taken
    };
    let busy = sv.pending.iter().any(|op| match op {
        Op::Reserve(s) | Op::Cancel(s) => Some(*s) == slot,
        _ => false,
    });
    SlotLook {
        state,
        pair: slot.is_some() && view.pair == slot,
        busy,
        common: false,
        avoided: slot.is_some_and(|s| view.avoid.contains(s)),
    }
}

/// The looks of slots `1..=shown` of `service`, with the common ones (the first `window` of
/// [`common_slots`]) marked: one snapshot per table, so 200 buttons read one shared Vec.
pub(crate) fn table_looks(view: &View, service: Service, shown: u16, window: u16) -> Vec<SlotLook> {
    let common = common_slots(view, usize::from(window));
    (1..=shown)
        .map(|n| SlotLook {
            common: Slot::new(n).is_some_and(|s| common.binary_search(&s).is_ok()),
            ..slot_look(view, service, n)
        })
        .collect()
}

/// The first `limit` slots open to us at both services, ascending: at each service either in
/// the last free list or held by us. A slot we hold at one service and that is free at the
/// other is as good a pair as one free at both, so it counts too. Avoided slots are left out:
/// the list offers what auto-pair would take.
pub(crate) fn common_slots(view: &View, limit: usize) -> Vec<Slot> {
    let [hotel, band] = &view.services;
    let open = |sv: &ServiceView, s: &Slot| {
        sv.free.binary_search(s).is_ok() || sv.holds.binary_search(s).is_ok()
    };
    let mut candidates: Vec<Slot> = hotel.free.iter().chain(&hotel.holds).copied().collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .filter(|s| open(band, s) && !view.avoid.contains(*s))
        .take(limit)
        .collect()
}

/// How many slots "Show all" shows for `service`: its whole range as far as the service has
/// told (the highest slot in its free list or our holds), never fewer than the window. The
/// range is the server's business (200, 500, 550 over the years), so nothing is assumed.
pub(crate) fn whole_range(view: &View, service: Service, window: u16) -> u16 {
    let sv = &view.services[service.index()];
    let last = |list: &[Slot]| list.last().map_or(0, |s| s.get());
    window.max(last(&sv.free)).max(last(&sv.holds))
}

/// The last failure, if it is still true now: not once the pair is final (done), nor once
/// the service it came from has answered since (a later read superseded it; the log keeps
/// it). A service that stopped on a refused key never answers again, so that stays.
pub(crate) fn current_error(view: &View) -> Option<&Failure> {
    if view.auto == AutoState::Done {
        return None;
    }
    view.last_error.as_ref().filter(|failure| {
        let sv = &view.services[failure.service.index()];
        sv.free_at
            .max(sv.holds_at)
            .is_none_or(|ok| ok <= failure.at)
    })
}

/// An error of `service` (reached at `url`) while doing `op`, in plain words.
pub(crate) fn error_words(service: Service, url: &str, op: Option<Op>, error: &ApiError) -> String {
    let name = service.name();
    let slot = match op {
        Some(Op::Reserve(s) | Op::Cancel(s)) => format!("slot {s}"),
        _ => "that slot".to_owned(),
    };
    match error {
        ApiError::ReservationLimit(_) => {
            format!("you already hold 2 {name} slots — cancel one first")
        }
        ApiError::InvalidToken(_) => {
            format!("the {name} rejected the key — check it in Settings")
        }
        ApiError::Network(why) => format!("cannot reach the {name} at {url}: {why}"),
        ApiError::Timeout => format!("the {name} at {url} did not answer in time"),
        ApiError::SlotUnavailable(_) => match op {
            Some(Op::Cancel(_)) => format!("{slot} is not yours at the {name}"),
            _ => format!("{slot} is no longer free at the {name}"),
        },
        ApiError::BadSlot(_) => format!("{slot} does not exist at the {name}"),
        ApiError::BadRequest(why) => format!("the {name} refused the request: {why}"),
        ApiError::NotProcessed(_) => {
            format!("the {name} did not process the request — try again")
        }
        ApiError::RateLimited { .. } => {
            format!("the {name} says we are asking too fast — slowing down")
        }
        ApiError::Server { status, message } => {
            format!("the {name} failed: {status} {message}")
        }
        ApiError::Decode(why) => format!("the {name} sent a reply that cannot be read: {why}"),
        other => format!("the {name}: {other}"),
    }
}

/// A wall-clock `HH:MM:SS` for milliseconds since the Unix epoch, in the browser's offset
/// (`offset_min` east of UTC).
pub(crate) fn clock(epoch_ms: f64, offset_min: i64) -> String {
    if !epoch_ms.is_finite() {
        return "--:--:--".to_owned();
    }
    // Truncation is what a clock does; the value is finite.
    let secs = (epoch_ms / 1000.0).floor() as i64 + offset_min * 60;
    let day = secs.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", day / 3600, (day % 3600) / 60, day % 60)
}

/// A short, stable, non-reversible name for a set of keys and URLs (FNV-1a, 64 bits), so two
/// tabs of one account agree on a lock name without the keys leaving this page.
pub(crate) fn account_tag(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use hotelband_core::{AutoState, Millis};

    use super::*;

    fn s(n: u16) -> Slot {
        Slot::new(n).unwrap()
    }

    fn view() -> View {
        let hotel = ServiceView {
            free: vec![s(2), s(5)],
            free_at: Some(Millis(10)),
            holds: vec![s(3)],
            holds_at: Some(Millis(10)),
            holds_known: true,
            pending: vec![Op::Available, Op::Reserve(s(5))],
            stopped: None,
        };
        View {
            services: [hotel, ServiceView::default()],
            pair: Some(s(3)),
            auto: AutoState::Running,
            target: None,
            next_recheck: None,
            last_error: None,
            avoid: hotelband_core::AvoidSet::new(),
        }
    }

    #[test]
    fn states_follow_holds_then_free_list() {
        let v = view();
        let st = |n| slot_look(&v, Service::Hotel, n).state;
        assert_eq!(st(2), SlotState::Free);
        assert_eq!(st(3), SlotState::Mine);
        assert_eq!(st(4), SlotState::Taken);
        assert_eq!(st(0), SlotState::Taken);
        assert_eq!(slot_look(&v, Service::Band, 2).state, SlotState::Unknown);
    }

    #[test]
    fn pair_and_busy_marks() {
        let v = view();
        assert!(slot_look(&v, Service::Hotel, 3).pair);
        assert!(!slot_look(&v, Service::Hotel, 2).pair);
        assert!(slot_look(&v, Service::Hotel, 5).busy);
        assert!(!slot_look(&v, Service::Hotel, 2).busy);
    }

    #[test]
    fn an_unread_free_list_makes_other_slots_unknown() {
        let mut v = view();
        v.services[0].free_at = None;
        assert_eq!(slot_look(&v, Service::Hotel, 4).state, SlotState::Unknown);
        assert_eq!(slot_look(&v, Service::Hotel, 3).state, SlotState::Mine);
    }

    #[test]
    fn errors_in_plain_words() {
        let w = |e: ApiError, op| error_words(Service::Hotel, "http://h/api", op, &e);
        assert_eq!(
            w(
                ApiError::ReservationLimit("x".into()),
                Some(Op::Reserve(s(4)))
            ),
            "you already hold 2 hotel slots — cancel one first"
        );
        assert_eq!(
            w(ApiError::InvalidToken("x".into()), None),
            "the hotel rejected the key — check it in Settings"
        );
        assert_eq!(
            w(ApiError::Network("refused".into()), None),
            "cannot reach the hotel at http://h/api: refused"
        );
        assert_eq!(
            w(
                ApiError::SlotUnavailable("x".into()),
                Some(Op::Cancel(s(7)))
            ),
            "slot 7 is not yours at the hotel"
        );
        let page = w(
            ApiError::Server {
                status: 502,
                message: "Bad Gateway".into(),
            },
            None,
        );
        assert_eq!(page, "the hotel failed: 502 Bad Gateway");
    }

    fn listed(free: &[u16], holds: &[u16]) -> ServiceView {
        ServiceView {
            free: free.iter().map(|&n| s(n)).collect(),
            free_at: Some(Millis(1)),
            holds: holds.iter().map(|&n| s(n)).collect(),
            holds_at: Some(Millis(1)),
            holds_known: true,
            ..ServiceView::default()
        }
    }

    #[test]
    fn common_slots_are_open_at_both_ascending_and_capped() {
        let mut v = view();
        v.services = [
            listed(&[1, 4, 6, 8, 9], &[3, 7]),
            listed(&[3, 4, 8, 9, 250], &[6]),
        ];
        let common = |v: &View, limit| {
            common_slots(v, limit)
                .iter()
                .map(|s| s.get())
                .collect::<Vec<_>>()
        };
        // 1: taken at the band; 3: ours at the hotel, free at the band; 6: the reverse;
        // 7: ours at the hotel, taken at the band.
        assert_eq!(common(&v, 20), [3, 4, 6, 8, 9]);
        assert_eq!(common(&v, 2), [3, 4]);
        assert!(common(&v, 0).is_empty());
        v.avoid = "4, 7-8".parse().unwrap();
        assert_eq!(common(&v, 20), [3, 6, 9], "avoided slots are left out");
        v.avoid = hotelband_core::AvoidSet::new();
        v.services[1] = ServiceView::default();
        assert!(
            common(&v, 20).is_empty(),
            "nothing is common before the band is read"
        );
    }

    #[test]
    fn tables_mark_the_common_slots_within_the_window() {
        let mut v = view();
        v.services = [listed(&[2, 4, 5], &[]), listed(&[2, 4, 5], &[])];
        let looks = table_looks(&v, Service::Band, 6, 2);
        let marked: Vec<u16> = (1..=6)
            .filter(|&n| looks[usize::from(n) - 1].common)
            .collect();
        assert_eq!(marked, [2, 4], "only the first `window` common slots");
        assert_eq!(looks[1].state, SlotState::Free);
    }

    #[test]
    fn avoided_slots_are_marked_in_words_and_never_common() {
        let mut v = view();
        v.services = [listed(&[2, 4, 5], &[3]), listed(&[2, 3, 4, 5], &[])];
        v.pair = None;
        v.avoid = "3-4".parse().unwrap();
        let looks = table_looks(&v, Service::Hotel, 6, 20);
        let avoided: Vec<u16> = (1..=6)
            .filter(|&n| looks[usize::from(n) - 1].avoided)
            .collect();
        assert_eq!(avoided, [3, 4]);
        let mark = |n: usize| looks[n - 1].mark();
        assert_eq!(
            [mark(1), mark(2), mark(3), mark(4)],
            ["taken", "free", "mine", "avoid"]
        );
        assert!(!looks[2].common && !looks[3].common && looks[4].common);
    }

    #[test]
    fn the_whole_range_is_what_the_service_listed() {
        let mut v = view();
        v.services = [listed(&[2, 540], &[3]), listed(&[], &[12])];
        assert_eq!(whole_range(&v, Service::Hotel, 20), 540);
        assert_eq!(whole_range(&v, Service::Band, 20), 20);
        assert_eq!(whole_range(&v, Service::Band, 5), 12);
    }

    fn failure(service: Service, at: u64) -> Failure {
        Failure {
            service,
            at: Millis(at),
            text: format!("{service}: Reserving slot 1: slot not available"),
        }
    }

    #[test]
    fn an_error_is_current_until_its_service_answers_or_the_pair_is_final() {
        let mut v = view();
        v.services[0].free_at = Some(Millis(10));
        v.services[0].holds_at = Some(Millis(10));
        v.last_error = Some(failure(Service::Hotel, 10));
        assert!(current_error(&v).is_some(), "learnt with the last reply");
        v.services[0].free_at = Some(Millis(11));
        assert!(current_error(&v).is_none(), "a later read superseded it");

        v.last_error = Some(failure(Service::Band, 5));
        assert!(current_error(&v).is_some(), "the band never answered");
        v.services[1].holds_at = Some(Millis(6));
        assert!(current_error(&v).is_none());

        v.last_error = Some(failure(Service::Band, 7));
        v.auto = AutoState::Done;
        assert!(current_error(&v).is_none(), "slot 1 held at both: old news");
    }

    #[test]
    fn a_slot_is_named_by_its_visible_text_first() {
        let look = SlotLook {
            pair: true,
            common: true,
            ..SlotLook {
                state: SlotState::Mine,
                ..SlotLook::UNKNOWN
            }
        };
        assert_eq!(look.mark(), "pair");
        assert_eq!(look.unseen_words(), ", held at both");
        let common = SlotLook {
            pair: false,
            ..look
        };
        assert_eq!(common.unseen_words(), ", open at both");
        assert_eq!(look.class(), "slot mine pair common");
        assert_eq!(SlotLook::UNKNOWN.mark(), "?");
        assert_eq!(SlotLook::UNKNOWN.unseen_words(), ", not read yet");
        assert!(!SlotLook::UNKNOWN.clickable());
    }

    #[test]
    fn clock_formats_in_local_offset() {
        assert_eq!(clock(0.0, 0), "00:00:00");
        assert_eq!(clock(3_723_000.0, 60), "02:02:03");
        assert_eq!(clock(0.0, -30), "23:30:00");
        assert_eq!(clock(f64::NAN, 0), "--:--:--");
    }

    #[test]
    fn account_tag_depends_on_every_part_and_hides_them() {
        let a = account_tag(&["k1", "k2"]);
        assert_eq!(a, account_tag(&["k1", "k2"]));
        assert_ne!(a, account_tag(&["k1k", "2"]));
        assert_ne!(a, account_tag(&["k2", "k1"]));
        assert_eq!(a.len(), 16);
        assert!(!a.contains("k1"));
    }
}
