//! The timeline [`Picture`] as SVG markup. Every text in it is the page's own (service
//! names, slot numbers, axis labels), never a server's or a user's, so nothing needs escaping
//! beyond what the numbers already are.

use std::fmt::Write as _;

use crate::timeline::{Bar, Moment, Picture, WIDTH};

/// Whole units of the coordinate space: integer formatting is much smaller in wasm than
/// float formatting, and the picture needs no finer grain. Coordinates are never negative.
fn px(v: f64) -> u32 {
    (v + 0.5) as u32
}

/// The `<svg>` element for `p`, with the hooks of e2e/DOM.md.
pub(crate) fn markup(p: &Picture) -> String {
    let mut out = String::with_capacity(4096);
    // Writing to a String cannot fail, here and below.
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{} holds and {} marks" preserveAspectRatio="xMinYMin meet">"#,
        px(WIDTH),
        px(p.height),
        p.bars.len(),
        p.ticks.len()
    );
    let _ = write!(
        out,
        r#"<line class="axis" x1="0" x2="{}" y1="{y}" y2="{y}"/>"#,
        px(WIDTH),
        y = px(p.axis_y)
    );
    for bar in &p.pairs {
        rect(&mut out, bar, "pair-span");
    }
    for bar in &p.bars {
        rect(&mut out, bar, "hold");
    }
    for t in &p.ticks {
        let (class, service) = match t.moment {
            Moment::Upgrade => ("upgrade", None),
            Moment::PairLost => ("pair-lost", None),
            Moment::Failure(s) => ("failure", Some(s.name())),
        };
        let _ = write!(out, r#"<line class="{class}"#);
        if let Some(name) = service {
            let _ = write!(out, r#" {name}" data-service="{name}"#);
        }
        let _ = write!(
            out,
            r#"" x1="{x}" x2="{x}" y1="{}" y2="{}"/>"#,
            px(t.y0),
            px(t.y1),
            x = px(t.x)
        );
    }
    for l in &p.labels {
        let _ = write!(
            out,
            r#"<text class="label" x="{}" y="{}">{}</text>"#,
            px(l.x),
            px(l.y),
            l.text
        );
    }
    for l in &p.axis {
        let _ = write!(
            out,
            r#"<text class="tick" text-anchor="middle" x="{}" y="{}">{}</text>"#,
            px(l.x),
            px(l.y),
            l.text
        );
    }
    out.push_str("</svg>");
    out
}

fn rect(out: &mut String, b: &Bar, class: &str) {
    let service = b.service.name();
    let _ = write!(
        out,
        r#"<rect class="{class} {service}{}{}" data-service="{service}" data-slot="{}""#,
        if b.held { " held" } else { "" },
        if b.lost { " lost" } else { "" },
        b.slot
    );
    if b.held {
        out.push_str(r#" data-held="true""#);
    }
    if b.lost {
        out.push_str(r#" data-lost="true""#);
    }
    // At least one unit wide, so a hold of a moment still shows.
    let _ = write!(
        out,
        r#" x="{}" y="{}" width="{}" height="{}"/>"#,
        px(b.x),
        px(b.y),
        px(b.w).max(1),
        px(b.h)
    );
}

#[cfg(test)]
mod tests {
    use hotelband_core::Service;

    use super::*;
    use crate::timeline::{Label, Tick};

    fn bar(service: Service, slot: u16, held: bool) -> Bar {
        Bar {
            x: 100.4,
            y: 20.0,
            w: 0.2,
            h: 10.0,
            service,
            slot,
            held,
            lost: !held,
        }
    }

    #[test]
    fn every_shape_has_its_hook() {
        let p = Picture {
            height: 120.0,
            labels: vec![Label {
                x: 4.0,
                y: 13.0,
                text: "hotel".to_owned(),
            }],
            bars: vec![bar(Service::Hotel, 2, true), bar(Service::Band, 5, false)],
            pairs: vec![bar(Service::Band, 2, true)],
            ticks: vec![
                Tick {
                    x: 50.0,
                    y0: 0.0,
                    y1: 98.0,
                    moment: Moment::Upgrade,
                },
                Tick {
                    x: 60.0,
                    y0: 12.0,
                    y1: 18.0,
                    moment: Moment::Failure(Service::Band),
                },
            ],
            axis: vec![],
            axis_y: 98.0,
        };
        let svg = markup(&p);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains(r#"viewBox="0 0 640 120""#), "{svg}");
        assert!(svg.contains(
            r#"<rect class="hold hotel held" data-service="hotel" data-slot="2" data-held="true" x="100" y="20" width="1" height="10"/>"#
        ), "{svg}");
        assert!(
            svg.contains(
                r#"<rect class="hold band lost" data-service="band" data-slot="5" data-lost="true""#
            ),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect class="pair-span band held" data-service="band" data-slot="2""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<line class="upgrade" x1="50" x2="50" y1="0" y2="98"/>"#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<line class="failure band" data-service="band" x1="60""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<text class="label" x="4" y="13">hotel</text>"#),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 3);
    }
}
