//! The race as a picture: what the session did over the last minutes, kept from its events
//! and snapshots, and laid out as plain shapes for `#race-timeline`'s SVG. Pure code (no web
//! types), so it is tested natively; `timeline_svg.rs` only turns shapes into elements.
//!
//! The plot's x is time on the core's clock, not a position relative to "now": the shapes
//! stay put while time passes and the plot slides over them (its `viewBox`), so a second
//! going by moves the picture without redrawing it.
//!
//! A tab is left open for hours, so the data is bounded twice: anything that ended before the
//! span shown is dropped, and each list keeps at most [`CAP`] items whatever happens.

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;

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
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
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
    /// Feeds one of the session's events; says whether the timeline changed.
    pub(crate) fn on_event(&mut self, event: &Event) -> bool {
        let at = event.at;
        match &event.kind {
            EventKind::Reserved { service, slot } => self.open_hold(*service, *slot, at),
            EventKind::Released { service, slot } => self.close_hold(*service, *slot, at, false),
            EventKind::PairUpgraded { .. } => {
                push(&mut self.moments, (at, Moment::Upgrade));
                true
            }
            EventKind::Failed { service, .. } | EventKind::ServiceStopped { service, .. } => {
                push(&mut self.moments, (at, Moment::Failure(*service)));
                true
            }
            _ => false,
        }
    }

    /// Feeds the session's snapshot after the events of the same input: holds read from the
    /// service that no event announced (adopted at start, or a lost reply that did land) open
    /// a bar; a bar whose slot is no longer held ends as lost; the pair spans follow
    /// `view.pair`. Then drops what is too old. Says whether the timeline changed.
    pub(crate) fn on_view(&mut self, now: Millis, view: &View) -> bool {
        let mut changed = false;
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
                changed |= self.close_hold(service, slot, now, true);
            }
            for &slot in &sv.holds {
                changed |= self.open_hold(service, slot, now);
            }
        }
        let current = self.pairs.back().filter(|p| p.to.is_none()).map(|p| p.slot);
        if current != view.pair {
            changed = true;
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
        self.prune(now) || changed
    }

    fn open_holds(&self, service: Service) -> impl Iterator<Item = Slot> + '_ {
        self.holds
            .iter()
            .filter(move |h| h.service == service && h.to.is_none())
            .map(|h| h.slot)
    }

    /// Opens a bar unless one is open for that slot; says whether it did.
    fn open_hold(&mut self, service: Service, slot: Slot, at: Millis) -> bool {
        let new = self.open_holds(service).all(|s| s != slot);
        if new {
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
        new
    }

    /// Ends the open bar of that slot, if any; says whether there was one.
    fn close_hold(&mut self, service: Service, slot: Slot, at: Millis, lost: bool) -> bool {
        let open = self
            .holds
            .iter_mut()
            .find(|h| h.service == service && h.slot == slot && h.to.is_none());
        let Some(hold) = open else {
            return false;
        };
        hold.to = Some(at.max(hold.from));
        hold.lost = lost;
        true
    }

    /// Drops what ended before the longest span; says whether anything went.
    fn prune(&mut self, now: Millis) -> bool {
        let start = now.saturating_sub(SPAN);
        let before = (self.holds.len(), self.pairs.len(), self.moments.len());
        self.holds.retain(|h| h.to.is_none_or(|to| to >= start));
        self.pairs.retain(|p| p.to.is_none_or(|to| to >= start));
        self.moments.retain(|(at, _)| *at >= start);
        before != (self.holds.len(), self.pairs.len(), self.moments.len())
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
pub(crate) const WIDTH: u32 = 640;
/// Room for the row labels on the left: the plot starts here.
pub(crate) const LEFT: u32 = 64;
/// Room after the plot, so the "now" label fits.
const RIGHT: u32 = 16;
/// Width of the plot, over which the span shown is stretched.
pub(crate) const PLOT: u32 = WIDTH - LEFT - RIGHT;
const LANE_HEAD: u32 = 18;
const ROW: u32 = 14;
const AXIS: u32 = 22;
/// The axis is cut in this many equal steps ("-10 min", "-8 min", … "now").
const AXIS_STEPS: u64 = 5;
/// A bar is drawn at least this many units wide, so a hold of a moment still shows.
const SLIVER: f64 = 1.5;

/// A bar: one hold, or the matched pair outlined at one service. x is time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Bar {
    pub(crate) from: Millis,
    /// `None` while held: the bar reaches the plot's right end, wherever that is.
    pub(crate) to: Option<Millis>,
    pub(crate) y: u32,
    pub(crate) h: u32,
    pub(crate) service: Service,
    pub(crate) slot: u16,
    pub(crate) lost: bool,
}

impl Bar {
    pub(crate) fn held(&self) -> bool {
        self.to.is_none()
    }

    /// Its width in ms when the plot ends at `end` and shows `span`.
    pub(crate) fn width(&self, end: Millis, span: Millis) -> f64 {
        let to = self.to.unwrap_or(end).max(self.from);
        let sliver = SLIVER * span.0 as f64 / f64::from(PLOT);
        ((to.0 - self.from.0) as f64).max(sliver)
    }
}

/// A text at a place, in the SVG's units.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Label {
    pub(crate) x: u32,
    pub(crate) y: u32,
    pub(crate) text: String,
}

/// A mark at time `at` spanning `y0..y1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Tick {
    pub(crate) at: Millis,
    pub(crate) y0: u32,
    pub(crate) y1: u32,
    pub(crate) moment: Moment,
}

/// Everything the SVG shows: the rows and labels in the SVG's units, the plot's shapes with
/// time as x (see the module's notes and [`plot_view_box`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Picture {
    pub(crate) height: u32,
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
    pub(crate) axis_y: u32,
}

/// Lays out what overlaps the last `span` (at most [`SPAN`], what is kept) up to `now`: per
/// service a lane with a row per slot held in that time. The result changes only when the
/// data does or something leaves the span, not as time passes.
pub(crate) fn draw(timeline: &Timeline, now: Millis, span: Millis) -> Picture {
    let span = span.min(SPAN);
    let start = now.saturating_sub(span);
    let shown = |to: Option<Millis>| to.is_none_or(|to| to >= start);
    let holds: Vec<&Hold> = timeline.holds.iter().filter(|h| shown(h.to)).collect();
    let pairs: Vec<&PairSpan> = timeline.pairs.iter().filter(|p| shown(p.to)).collect();
    let moments: Vec<&(Millis, Moment)> = timeline
        .moments
        .iter()
        .filter(|(at, _)| shown(Some(*at)))
        .collect();
    let mut picture = Picture::default();
    let mut y = 0;
    let mut rows_of = [Vec::new(), Vec::new()];
    for service in Service::ALL {
        let mut slots: Vec<Slot> = holds
            .iter()
            .filter(|h| h.service == service)
            .map(|h| h.slot)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        picture.labels.push(Label {
            x: 4,
            y: y + LANE_HEAD - 5,
            text: service.name().to_owned(),
        });
        let lane_top = y;
        y += LANE_HEAD;
        let rows: Vec<(Slot, u32)> = slots.into_iter().zip((y..).step_by(ROW as usize)).collect();
        for (slot, row_y) in &rows {
            picture.labels.push(Label {
                x: 12,
                y: row_y + ROW - 3,
                text: format!("slot {slot}"),
            });
        }
        y += ROW * rows.len().max(1) as u32;
        for (at, moment) in &moments {
            if *moment == Moment::Failure(service) {
                picture.ticks.push(Tick {
                    at: *at,
                    y0: lane_top + LANE_HEAD - 6,
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
        picture.bars.push(Bar {
            from: hold.from,
            to: hold.to,
            y: top + 2,
            h: ROW - 4,
            service: hold.service,
            slot: hold.slot.get(),
            lost: hold.lost,
        });
    }
    for pair in &pairs {
        for service in Service::ALL {
            if let Some(top) = row_y(service, pair.slot) {
                picture.pairs.push(Bar {
                    from: pair.from,
                    to: pair.to,
                    y: top + 1,
                    h: ROW - 2,
                    service,
                    slot: pair.slot.get(),
                    lost: false,
                });
            }
        }
    }
    for (at, moment) in &moments {
        if matches!(moment, Moment::Upgrade | Moment::PairLost) {
            picture.ticks.push(Tick {
                at: *at,
                y0: 0,
                y1: y,
                moment: *moment,
            });
        }
    }
    for i in 0..=AXIS_STEPS {
        let ago = span.0 - span.0 * i / AXIS_STEPS;
        picture.axis.push(Label {
            // i ≤ AXIS_STEPS, so this stays within the plot.
            x: LEFT + (u64::from(PLOT) * i / AXIS_STEPS) as u32,
            y: y + AXIS - 6,
            text: ago_words(ago),
        });
    }
    picture.height = y + AXIS;
    // Each shape is its own key in the view; a twin (two holds opened and closed at the same
    // instant) would draw on top of the other anyway.
    distinct(&mut picture.bars);
    distinct(&mut picture.pairs);
    distinct(&mut picture.ticks);
    picture
}

/// Drops repeats, keeping the first of each.
fn distinct<T: Clone + Eq + Hash>(items: &mut Vec<T>) {
    let mut seen = HashSet::with_capacity(items.len());
    items.retain(|item| seen.insert(item.clone()));
}

/// The plot's `viewBox` when it ends at `end` and shows `span`: x is time in ms (the start
/// may lie before the clock's zero early in a page's life), y the picture's own units.
pub(crate) fn plot_view_box(end: Millis, span: Millis, height: u32) -> String {
    let start = i128::from(end.0) - i128::from(span.0);
    format!("{start} 0 {} {height}", span.0)
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
        let bars: Vec<(Service, u16, bool)> = p
            .bars
            .iter()
            .map(|b| (b.service, b.slot, b.held()))
            .collect();
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
        let pairs: Vec<(u16, bool)> = p.pairs.iter().map(|b| (b.slot, b.held())).collect();
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
        assert_eq!(
            (hotel_5.from, hotel_5.to),
            (Millis(1_000), Some(Millis(11_000)))
        );
        assert_eq!(hotel_5.width(Millis(20_000), SPAN), 10_000.0);
        // A held bar reaches the plot's end, wherever it is.
        assert_eq!(hotel_2.from, Millis(8_000));
        assert_eq!(hotel_2.width(Millis(20_000), SPAN), 12_000.0);
        assert_eq!(hotel_2.width(Millis(21_000), SPAN), 13_000.0);
        let band_rows = p.bars[1].y;
        assert!(
            band_rows > hotel_5.y,
            "the band's lane is below the hotel's"
        );
        assert!(p.bars.iter().all(|b| b.y + b.h <= p.axis_y));
    }

    #[test]
    fn the_picture_stays_put_while_time_passes() {
        let t = race();
        let p = draw(&t, Millis(20_000), SPAN);
        assert_eq!(draw(&t, Millis(300_000), SPAN), p, "nothing left the span");
        assert_eq!(
            plot_view_box(Millis(20_000), SPAN, p.axis_y),
            format!("-580000 0 600000 {}", p.axis_y)
        );
        // Slot 5's holds ended at 11 s and 12 s: ten minutes later their rows go.
        let later = draw(&t, Millis(612_500), SPAN);
        assert_eq!(later.bars.len(), 2);
        assert!(later.labels.iter().all(|l| l.text != "slot 5"));
    }

    #[test]
    fn a_reply_that_changes_nothing_says_so() {
        let mut t = race();
        assert!(!t.on_view(Millis(13_000), &view(&[2], &[2], Some(2))));
        assert!(!t.on_event(&event(13_000, EventKind::Auto(AutoState::Done))));
        assert!(t.on_event(&reserved(14_000, Service::Hotel, 1)));
        assert!(
            !t.on_event(&reserved(14_500, Service::Hotel, 1)),
            "already open"
        );
        assert!(
            t.on_view(Millis(15_000), &view(&[2], &[2], None)),
            "pair lost"
        );
    }

    #[test]
    fn twin_shapes_are_drawn_once() {
        let mut t = Timeline::default();
        for _ in 0..2 {
            t.on_event(&reserved(1_000, Service::Band, 4));
            t.on_event(&event(
                1_000,
                EventKind::Released {
                    service: Service::Band,
                    slot: s(4),
                },
            ));
        }
        let failed = event(
            1_000,
            EventKind::Failed {
                service: Service::Hotel,
                op: Op::Available,
                error: ApiError::Timeout,
            },
        );
        t.on_event(&failed);
        t.on_event(&failed);
        let p = draw(&t, Millis(2_000), SPAN);
        assert_eq!((p.bars.len(), p.ticks.len()), (1, 1));
    }

    #[test]
    fn a_moment_of_a_hold_is_still_a_sliver() {
        let bar = Bar {
            from: Millis(5_000),
            to: Some(Millis(5_000)),
            y: 0,
            h: 10,
            service: Service::Hotel,
            slot: 1,
            lost: false,
        };
        // 1.5 units of the 560-unit plot: about 1.6 s of ten minutes, 0.16 s of one.
        let ten = bar.width(Millis(9_000), SPAN);
        assert!((ten - 1.5 * 600_000.0 / 560.0).abs() < 1e-9, "{ten}");
        assert!(bar.width(Millis(9_000), SPANS[1]) < ten);
        // A held bar that began after the plot's end is a sliver too, not negative.
        let early_end = Bar { to: None, ..bar };
        assert!(early_end.width(Millis(4_000), SPAN) > 0.0);
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
        let start = Millis(now + 900).saturating_sub(SPAN);
        assert!(
            p.bars.iter().all(|b| b.to.is_none_or(|to| to >= start)),
            "nothing older than the span is drawn"
        );
    }

    #[test]
    fn a_shorter_span_shows_only_what_overlaps_it() {
        // The race ends at 12 s; a minute later only the held pair (2 at both) overlaps the
        // last minute, while the ten-minute span still shows all four holds.
        let t = race();
        let close = draw(&t, Millis(72_500), SPANS[1]);
        let bars: Vec<(u16, bool)> = close.bars.iter().map(|b| (b.slot, b.held())).collect();
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
        assert!(p.bars.iter().all(|b| b.width(Millis(0), SPAN) > 0.0));
    }
}
