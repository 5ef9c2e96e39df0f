//! The race as a picture: what the session did over the last minutes, kept from its events
//! and snapshots, and laid out as plain shapes for `#race-timeline`'s SVG. Pure code (no web
//! types), so it is tested natively; the component only turns shapes into elements.
//!
//! A tab is left open for hours, so the data is bounded twice: anything that ended before the
//! span shown is dropped, and each list keeps at most [`CAP`] items whatever happens.

use std::collections::VecDeque;

use hotelband_core::{Event, EventKind, Millis, Service, Slot, View};

/// How far back the picture looks by default, and how far back the data is kept.
pub(crate) const SPAN: Millis = Millis(10 * 60 * 1000);
/// The spans a person can pick (`#timeline-span`): the default, and a close-up of the last
/// minute, where a first pair and its upgrades are more than slivers.
pub(crate) const SPANS: [Millis; 2] = [SPAN, Millis(60 * 1000)];
/// Items kept per list; a pair is rechecked every few seconds at most, so a sane session
/// stays far below this in [`SPAN`], and a runaway one cannot grow the page.
pub(crate) const CAP: usize = 256;

/// One hold of ours at one service, from when we learnt of it to when it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hold {
    pub(crate) service: Service,
    pub(crate) slot: Slot,
    pub(crate) from: Millis,
    /// `None` while held.
    pub(crate) to: Option<Millis>,
    /// It vanished from our holds without our releasing it.
    pub(crate) lost: bool,
}

/// A time the same slot was our matched pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PairSpan {
    pub(crate) slot: Slot,
    pub(crate) from: Millis,
    pub(crate) to: Option<Millis>,
}

/// A moment worth a mark.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Moment {
    /// A better pair was held (make-before-break).
    Upgrade,
    /// The matched pair was gone and no better one replaced it.
    PairLost,
    /// An operation at this service failed for good.
    Failure(Service),
}

/// What the picture is drawn from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Timeline {
    holds: VecDeque<Hold>,
    pairs: VecDeque<PairSpan>,
    moments: VecDeque<(Millis, Moment)>,
}

impl Timeline {
    /// Feeds one of the session's events.
    pub(crate) fn on_event(&mut self, event: &Event) {
        let at = event.at;
        match &event.kind {
            EventKind::Reserved { service, slot } => self.open_hold(*service, *slot, at),
            EventKind::Released { service, slot } => self.close_hold(*service, *slot, at, false),
            EventKind::PairUpgraded { .. } => push(&mut self.moments, (at, Moment::Upgrade)),
            EventKind::Failed { service, .. } | EventKind::ServiceStopped { service, .. } => {
                push(&mut self.moments, (at, Moment::Failure(*service)));
            }
            _ => {}
        }
    }

    /// Feeds the session's snapshot after the events of the same input: holds read from the
    /// service that no event announced (adopted at start, or a lost reply that did land) open
    /// a bar; a bar whose slot is no longer held ends as lost; the pair spans follow
    /// `view.pair`. Then drops what is too old.
    pub(crate) fn on_view(&mut self, now: Millis, view: &View) {
        for service in Service::ALL {
            let sv = &view.services[service.index()];
            if sv.holds_at.is_none() || !sv.holds_known {
                continue;
            }
            let gone: Vec<Slot> = self
                .open_holds(service)
                .filter(|s| sv.holds.binary_search(s).is_err())
                .collect();
            for slot in gone {
                self.close_hold(service, slot, now, true);
            }
            for &slot in &sv.holds {
                self.open_hold(service, slot, now);
            }
        }
        let current = self.pairs.back().filter(|p| p.to.is_none()).map(|p| p.slot);
        if current != view.pair {
            if let Some(open) = self.pairs.back_mut().filter(|p| p.to.is_none()) {
                open.to = Some(now);
                // An upgrade replaces the pair with a better one; anything else lost it.
                if view.pair.is_none_or(|new| new > open.slot) {
                    push(&mut self.moments, (now, Moment::PairLost));
                }
            }
            if let Some(slot) = view.pair {
                push(
                    &mut self.pairs,
                    PairSpan {
                        slot,
                        from: now,
                        to: None,
                    },
                );
            }
        }
        self.prune(now);
    }

    fn open_holds(&self, service: Service) -> impl Iterator<Item = Slot> + '_ {
        self.holds
            .iter()
            .filter(move |h| h.service == service && h.to.is_none())
            .map(|h| h.slot)
    }

    fn open_hold(&mut self, service: Service, slot: Slot, at: Millis) {
        if self.open_holds(service).all(|s| s != slot) {
            push(
                &mut self.holds,
                Hold {
                    service,
                    slot,
                    from: at,
                    to: None,
                    lost: false,
                },
            );
        }
    }

    fn close_hold(&mut self, service: Service, slot: Slot, at: Millis, lost: bool) {
        let open = self
            .holds
            .iter_mut()
            .find(|h| h.service == service && h.slot == slot && h.to.is_none());
        if let Some(hold) = open {
            hold.to = Some(at.max(hold.from));
            hold.lost = lost;
        }
    }

    fn prune(&mut self, now: Millis) {
        let start = now.saturating_sub(SPAN);
        self.holds.retain(|h| h.to.is_none_or(|to| to >= start));
        self.pairs.retain(|p| p.to.is_none_or(|to| to >= start));
        self.moments.retain(|(at, _)| *at >= start);
    }
}

/// Appends, dropping the oldest item beyond [`CAP`].
fn push<T>(list: &mut VecDeque<T>, item: T) {
    if list.len() >= CAP {
        list.pop_front();
    }
    list.push_back(item);
}

/// Width of the SVG's coordinate space.
pub(crate) const WIDTH: f64 = 640.0;
/// Room for the row labels on the left.
const LEFT: f64 = 64.0;
/// Room after the plot, so the "now" label fits.
const RIGHT: f64 = 16.0;
const LANE_HEAD: f64 = 18.0;
const ROW: f64 = 14.0;
const AXIS: f64 = 22.0;
/// The axis is cut in this many equal steps ("-10 min", "-8 min", … "now").
const AXIS_STEPS: u64 = 5;

/// A bar: one hold.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bar {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
    pub(crate) service: Service,
    pub(crate) slot: u16,
    pub(crate) held: bool,
    pub(crate) lost: bool,
}

/// A text at a place.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Label {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) text: String,
}

/// A mark at `x` spanning `y0..y1`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tick {
    pub(crate) x: f64,
    pub(crate) y0: f64,
    pub(crate) y1: f64,
    pub(crate) moment: Moment,
}

/// Everything the SVG shows, in its coordinates.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Picture {
    pub(crate) height: f64,
    /// "hotel", "band" and "slot N" on the left.
    pub(crate) labels: Vec<Label>,
    /// One per hold in the span.
    pub(crate) bars: Vec<Bar>,
    /// The matched pair, drawn around its bars at both services.
    pub(crate) pairs: Vec<Bar>,
    /// Upgrades and losses across the plot; failures on their service's lane.
    pub(crate) ticks: Vec<Tick>,
    /// The time axis ("-10 min" … "now").
    pub(crate) axis: Vec<Label>,
    /// The plot's bottom, where the axis line is.
    pub(crate) axis_y: f64,
}

/// Lays out the last `span` (at most [`SPAN`], what is kept) up to `now`: per service a lane
/// with a row per slot held in that time.
pub(crate) fn draw(timeline: &Timeline, now: Millis, span: Millis) -> Picture {
    let span_ms = span.0.clamp(1, SPAN.0);
    let plot = WIDTH - LEFT - RIGHT;
    let (end, span) = (now.0 as f64, span_ms as f64);
    // Early in a page's life the span reaches before its clock's zero: `now` stays at the
    // right end all the same, so the axis always reads "-10 min … now".
    let start = end - span;
    // `max` and `min`, not `clamp`: clamp's NaN assertion formats floats, which alone brings
    // Rust's float printing (~13 KB) into the wasm.
    let x = |t: Millis| LEFT + ((t.0 as f64).max(start).min(end) - start) / span * plot;
    let shown = |to: Option<Millis>| to.is_none_or(|to| to.0 as f64 >= start);
    let holds: Vec<&Hold> = timeline.holds.iter().filter(|h| shown(h.to)).collect();
    let pairs: Vec<&PairSpan> = timeline.pairs.iter().filter(|p| shown(p.to)).collect();
    let moments: Vec<&(Millis, Moment)> = timeline
        .moments
        .iter()
        .filter(|(at, _)| shown(Some(*at)))
        .collect();
    let mut picture = Picture::default();
    let mut y = 0.0;
    let mut rows_of = [Vec::new(), Vec::new()];
    for service in Service::ALL {
        let mut slots: Vec<Slot> = holds
            .iter()
            .filter(|h| h.service == service)
            .map(|h| h.slot)
            .collect();
        hotelband_core::sort_slots(&mut slots);
        slots.dedup();
        picture.labels.push(Label {
            x: 4.0,
            y: y + LANE_HEAD - 5.0,
            text: service.name().to_owned(),
        });
        let lane_top = y;
        y += LANE_HEAD;
        let rows: Vec<(Slot, f64)> = slots
            .iter()
            .enumerate()
            .map(|(i, &s)| (s, y + i as f64 * ROW))
            .collect();
        for (slot, row_y) in &rows {
            picture.labels.push(Label {
                x: 12.0,
                y: row_y + ROW - 3.0,
                text: format!("slot {slot}"),
            });
        }
        y += ROW * rows.len().max(1) as f64;
        for (at, moment) in &moments {
            if *moment == Moment::Failure(service) {
                picture.ticks.push(Tick {
                    x: x(*at),
                    y0: lane_top + LANE_HEAD - 6.0,
                    y1: lane_top + LANE_HEAD,
                    moment: *moment,
                });
            }
        }
        rows_of[service.index()] = rows;
    }
    picture.axis_y = y;
    let row_y = |service: Service, slot: Slot| {
        rows_of[service.index()]
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, y)| *y)
    };
    for hold in &holds {
        let Some(top) = row_y(hold.service, hold.slot) else {
            continue;
        };
        let (x0, x1) = (x(hold.from), x(hold.to.unwrap_or(now)));
        picture.bars.push(Bar {
            x: x0,
            y: top + 2.0,
            // At least a sliver, so a hold of a moment still shows.
            w: (x1 - x0).max(1.5),
            h: ROW - 4.0,
            service: hold.service,
            slot: hold.slot.get(),
            held: hold.to.is_none(),
            lost: hold.lost,
        });
    }
    for pair in &pairs {
        let (x0, x1) = (x(pair.from), x(pair.to.unwrap_or(now)));
        for service in Service::ALL {
            if let Some(top) = row_y(service, pair.slot) {
                picture.pairs.push(Bar {
                    x: x0,
                    y: top + 0.5,
                    w: (x1 - x0).max(1.5),
                    h: ROW - 1.0,
                    service,
                    slot: pair.slot.get(),
                    held: pair.to.is_none(),
                    lost: false,
                });
            }
        }
    }
    for (at, moment) in &moments {
        if matches!(moment, Moment::Upgrade | Moment::PairLost) {
            picture.ticks.push(Tick {
                x: x(*at),
                y0: 0.0,
                y1: y,
                moment: *moment,
            });
        }
    }
    for i in 0..=AXIS_STEPS {
        let ago = span_ms - span_ms * i / AXIS_STEPS;
        picture.axis.push(Label {
            x: LEFT + i as f64 / AXIS_STEPS as f64 * plot,
            y: y + AXIS - 6.0,
            text: ago_words(ago),
        });
    }
    picture.height = y + AXIS;
    picture
}

/// An axis label: "now", "-2 min", "-12 s".
fn ago_words(ago_ms: u64) -> String {
    match ago_ms {
        0 => "now".to_owned(),
        ms if ms % 60_000 == 0 => format!("-{} min", ms / 60_000),
        ms => format!("-{} s", ms / 1000),
    }
}

/// The words for a span in the picker and the heading: "10 minutes", "1 minute".
pub(crate) fn span_words(span: Millis) -> String {
    match span.0 / 60_000 {
        1 => "1 minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use hotelband_core::{ApiError, AutoState, Op, ServiceView};

    use super::*;

    fn s(n: u16) -> Slot {
        Slot::new(n).unwrap()
    }

    fn event(at: u64, kind: EventKind) -> Event {
        Event {
            at: Millis(at),
            kind,
        }
    }

    fn reserved(at: u64, service: Service, n: u16) -> Event {
        event(
            at,
            EventKind::Reserved {
                service,
                slot: s(n),
            },
        )
    }

    fn view(hotel: &[u16], band: &[u16], pair: Option<u16>) -> View {
        let sv = |holds: &[u16]| ServiceView {
            holds: holds.iter().map(|&n| s(n)).collect(),
            holds_at: Some(Millis(1)),
            holds_known: true,
            ..ServiceView::default()
        };
        View {
            services: [sv(hotel), sv(band)],
            pair: pair.map(s),
            auto: AutoState::Running,
            target: None,
            next_recheck: None,
            last_error: None,
            avoid: hotelband_core::AvoidSet::new(),
        }
    }

    /// A pair at 5, an upgrade to 2 (make-before-break), and a failure at the band.
    fn race() -> Timeline {
        let mut t = Timeline::default();
        t.on_event(&reserved(1_000, Service::Hotel, 5));
        t.on_event(&reserved(2_000, Service::Band, 5));
        t.on_view(Millis(2_000), &view(&[5], &[5], Some(5)));
        t.on_event(&reserved(8_000, Service::Hotel, 2));
        t.on_event(&reserved(9_000, Service::Band, 2));
        t.on_event(&event(
            9_000,
            EventKind::PairUpgraded {
                from: s(5),
                to: s(2),
            },
        ));
        t.on_view(Millis(9_000), &view(&[2, 5], &[2, 5], Some(2)));
        t.on_event(&event(
            10_000,
            EventKind::Failed {
                service: Service::Band,
                op: Op::Cancel(s(5)),
                error: ApiError::Timeout,
            },
        ));
        t.on_event(&event(
            11_000,
            EventKind::Released {
                service: Service::Hotel,
                slot: s(5),
            },
        ));
        t.on_event(&event(
            12_000,
            EventKind::Released {
                service: Service::Band,
                slot: s(5),
            },
        ));
        t.on_view(Millis(12_000), &view(&[2], &[2], Some(2)));
        t
    }

    #[test]
    fn one_bar_per_hold_with_the_pair_and_the_moments() {
        let p = draw(&race(), Millis(20_000), SPAN);
        let bars: Vec<(Service, u16, bool)> =
            p.bars.iter().map(|b| (b.service, b.slot, b.held)).collect();
        assert_eq!(
            bars,
            [
                (Service::Hotel, 5, false),
                (Service::Band, 5, false),
                (Service::Hotel, 2, true),
                (Service::Band, 2, true),
            ]
        );
        assert!(p.bars.iter().all(|b| !b.lost));
        // Pair 5 from 2 s to 9 s, then pair 2: each at both services.
        let pairs: Vec<(u16, bool)> = p.pairs.iter().map(|b| (b.slot, b.held)).collect();
        assert_eq!(pairs, [(5, false), (5, false), (2, true), (2, true)]);
        let moments: Vec<Moment> = p.ticks.iter().map(|t| t.moment).collect();
        assert_eq!(moments, [Moment::Failure(Service::Band), Moment::Upgrade]);
        assert_eq!(p.axis.first().map(|l| l.text.as_str()), Some("-10 min"));
        assert_eq!(p.axis.last().map(|l| l.text.as_str()), Some("now"));
    }

    #[test]
    fn bars_sit_on_their_slot_rows_in_time_order() {
        let p = draw(&race(), Millis(20_000), SPAN);
        let hotel_5 = &p.bars[0];
        let hotel_2 = &p.bars[2];
        assert!(hotel_2.y < hotel_5.y, "slot 2's row is above slot 5's");
        assert!(hotel_5.x < hotel_2.x, "slot 5 was held first");
        // A held bar reaches the right end of the plot, "now".
        assert!((hotel_2.x + hotel_2.w - (WIDTH - RIGHT)).abs() < 1e-9);
        assert!(
            p.bars
                .iter()
                .all(|b| b.x >= LEFT && b.x + b.w <= WIDTH - RIGHT + 1e-9)
        );
        let band_rows = p.bars[1].y;
        assert!(
            band_rows > hotel_5.y,
            "the band's lane is below the hotel's"
        );
    }

    #[test]
    fn a_hold_that_vanishes_unreleased_is_lost_and_so_is_the_pair() {
        let mut t = Timeline::default();
        t.on_event(&reserved(1_000, Service::Hotel, 3));
        t.on_event(&reserved(1_000, Service::Band, 3));
        t.on_view(Millis(1_000), &view(&[3], &[3], Some(3)));
        t.on_view(Millis(4_000), &view(&[3], &[], None));
        let lost: Vec<&Hold> = t.holds.iter().filter(|h| h.lost).collect();
        assert_eq!(lost.len(), 1);
        assert_eq!(
            (lost[0].service, lost[0].to),
            (Service::Band, Some(Millis(4_000)))
        );
        let p = draw(&t, Millis(5_000), SPAN);
        assert!(p.ticks.iter().any(|t| t.moment == Moment::PairLost));
    }

    #[test]
    fn holds_read_from_the_service_are_adopted_once() {
        let mut t = Timeline::default();
        t.on_view(Millis(500), &view(&[7], &[], None));
        t.on_view(Millis(1_500), &view(&[7], &[], None));
        t.on_event(&reserved(1_600, Service::Hotel, 7));
        assert_eq!(t.holds.len(), 1);
        // While a write's outcome is unknown nothing is concluded from the holds.
        let mut unsure = view(&[], &[], None);
        unsure.services[0].holds_known = false;
        t.on_view(Millis(2_000), &unsure);
        assert!(t.holds.iter().all(|h| h.to.is_none()));
    }

    #[test]
    fn the_data_stays_bounded_over_hours() {
        let mut t = Timeline::default();
        let mut now = 0;
        // A hold and a release at one service every second for three hours.
        for i in 0..10_800u64 {
            now = i * 1_000;
            let slot = (i % 20) as u16 + 1;
            t.on_event(&reserved(now, Service::Hotel, slot));
            t.on_event(&event(
                now + 500,
                EventKind::Failed {
                    service: Service::Band,
                    op: Op::Available,
                    error: ApiError::Timeout,
                },
            ));
            t.on_event(&event(
                now + 900,
                EventKind::Released {
                    service: Service::Hotel,
                    slot: s(slot),
                },
            ));
            t.on_view(Millis(now + 900), &view(&[], &[], None));
        }
        assert!(t.holds.len() <= CAP && t.moments.len() <= CAP);
        let p = draw(&t, Millis(now + 900), SPAN);
        assert!(p.bars.len() <= CAP);
        assert!(
            p.bars.iter().all(|b| b.x >= LEFT),
            "nothing older than the span is drawn"
        );
    }

    #[test]
    fn a_shorter_span_shows_only_what_overlaps_it() {
        // The race ends at 12 s; a minute later only the held pair (2 at both) overlaps the
        // last minute, while the ten-minute span still shows all four holds.
        let t = race();
        let close = draw(&t, Millis(72_500), SPANS[1]);
        let bars: Vec<(u16, bool)> = close.bars.iter().map(|b| (b.slot, b.held)).collect();
        assert_eq!(bars, [(2, true), (2, true)]);
        assert!(
            close.ticks.is_empty(),
            "the upgrade and failure are older than a minute"
        );
        let axis: Vec<&str> = close.axis.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(axis, ["-1 min", "-48 s", "-36 s", "-24 s", "-12 s", "now"]);
        assert_eq!(draw(&t, Millis(72_500), SPAN).bars.len(), 4);
        assert_eq!(span_words(SPANS[0]), "10 minutes");
        assert_eq!(span_words(SPANS[1]), "1 minute");
    }

    #[test]
    fn time_going_backwards_does_not_panic() {
        let mut t = race();
        t.on_event(&reserved(100, Service::Band, 9));
        t.on_event(&event(
            50,
            EventKind::Released {
                service: Service::Band,
                slot: s(9),
            },
        ));
        t.on_view(Millis(10), &view(&[], &[], None));
        let p = draw(&t, Millis(0), SPAN);
        assert!(p.bars.iter().all(|b| b.w > 0.0 && b.x.is_finite()));
    }
}
