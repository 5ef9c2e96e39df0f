//! SVG charts of the matrix, cell by cell, one bar per client: time to first pair cold and warm
//! (with the physical limit), final slot, and the share of openings held in time.
//! The SVG backend writes text as `<text>` elements, so no font files are needed.

use std::path::Path;

use plotters::prelude::*;

use crate::limits::Limits;
use crate::matrix::Plan;
use crate::run::RunResult;
use crate::scenario::ClientKind;
use crate::summary::Summary;

/// Why a chart was not written.
#[derive(Debug, thiserror::Error)]
#[error("chart {path}: {reason}")]
pub struct ChartError {
    path: String,
    reason: String,
}

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 480;

/// The colour of each client's bars.
fn colour(client: ClientKind) -> RGBColor {
    match client {
        ClientKind::Ours => RGBColor(31, 119, 180),
        ClientKind::Naive => RGBColor(255, 127, 14),
    }
}

/// The colour of the reference bars (best achievable slot).
const REFERENCE: RGBColor = RGBColor(150, 150, 150);

/// A series of bars: its legend, its colour, and per cell (bar height, whisker top).
type Series = (String, RGBColor, Vec<Option<(f64, f64)>>);

/// One bar group per cell, one bar per client.
struct Bars {
    labels: Vec<String>,
    series: Vec<Series>,
}

impl Bars {
    fn from(plan: &Plan, results: &[RunResult], pick: fn(&Summary) -> Option<(f64, f64)>) -> Self {
        let cells = &plan.cells;
        let labels = cells.iter().map(ToString::to_string).collect();
        let series = plan
            .clients
            .iter()
            .map(|&client| {
                let values = cells
                    .iter()
                    .map(|&cell| pick(&Summary::of(results, cell, client)))
                    .collect();
                (client.label().to_owned(), colour(client), values)
            })
            .collect();
        Bars { labels, series }
    }

    /// Adds a series from the summaries of `client`'s runs.
    fn with(
        mut self,
        plan: &Plan,
        results: &[RunResult],
        label: &str,
        client: ClientKind,
        pick: fn(&Summary) -> Option<(f64, f64)>,
    ) -> Self {
        let values = plan
            .cells
            .iter()
            .map(|&cell| pick(&Summary::of(results, cell, client)))
            .collect();
        self.series.push((label.to_owned(), REFERENCE, values));
        self
    }

    fn top(&self) -> f64 {
        self.series
            .iter()
            .flat_map(|(_, _, values)| values.iter().flatten())
            .map(|&(bar, whisker)| bar.max(whisker))
            .fold(0.0, f64::max)
    }
}

/// Median time to first pair from a cold Start (bar) and p95 (whisker) per cell and client,
/// with the physical limit delay + RTT.
pub fn time_to_pair(plan: &Plan, results: &[RunResult], path: &Path) -> Result<(), ChartError> {
    let bars = Bars::from(plan, results, |s| s.first_pair);
    let limit = Limits::measure(plan.settings.delay.as_secs_f64(), results).map(Limits::cold);
    draw(
        path,
        "Time to first pair, cold, s (bar: median, whisker: p95; dashed: delay + RTT) - faults / competitors",
        &bars,
        (bars.top().max(limit.unwrap_or(0.0)) * 1.15).max(1.0),
        limit,
    )
}

/// The same from a warm Start (both free lists read before it), with the limit of one RTT.
pub fn warm_time_to_pair(
    plan: &Plan,
    results: &[RunResult],
    path: &Path,
) -> Result<(), ChartError> {
    let bars = Bars::from(plan, results, |s| s.warm_first_pair);
    let limit = Limits::measure(plan.settings.delay.as_secs_f64(), results).map(Limits::warm);
    draw(
        path,
        "Time to first pair, warm (from Start), s (bar: median, whisker: p95; dashed: one RTT) - faults / competitors",
        &bars,
        (bars.top().max(limit.unwrap_or(0.0)) * 1.15).max(0.5),
        limit,
    )
}

/// The share of openings held within 2.5 s, percent, per cell and client (cold runs); cells
/// without openings have no bar.
pub fn openings(plan: &Plan, results: &[RunResult], path: &Path) -> Result<(), ChartError> {
    let bars = Bars::from(plan, results, |s| {
        s.openings
            .share()
            .map(|share| (share * 100.0, share * 100.0))
    });
    draw(
        path,
        "Openings held within 2.5 s, % (a better slot free at both for >= 2 s; dashed: 95 %) - faults / competitors",
        &bars,
        110.0,
        Some(95.0),
    )
}

/// Median final slot (bar) and the worst final slot (whisker) per cell and client; lower is
/// better. Runs ending without a pair are left out (see the tables).
pub fn final_slot(plan: &Plan, results: &[RunResult], path: &Path) -> Result<(), ChartError> {
    let bars = Bars::from(plan, results, |s| {
        s.final_slot
            .map(|(median, _, worst)| (median, f64::from(worst)))
    })
    .with(
        plan,
        results,
        "achievable (ours' runs)",
        ClientKind::Ours,
        |s| s.achievable_slot.map(|median| (median, median)),
    );
    draw(
        path,
        "Final slot (bar: median, whisker: worst run; grey: best achievable, median; lower is better) - faults / competitors",
        &bars,
        (bars.top() * 1.15).max(2.0),
        None,
    )
}

fn draw(
    path: &Path,
    title: &str,
    bars: &Bars,
    y_max: f64,
    reference: Option<f64>,
) -> Result<(), ChartError> {
    let fail = |reason: String| ChartError {
        path: path.display().to_string(),
        reason,
    };
    let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
    let cells = bars.labels.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(-0.5f64..(cells as f64 - 0.5), 0f64..y_max)
        .map_err(|e| fail(e.to_string()))?;
    let labels = bars.labels.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(cells)
        .x_label_formatter(&move |x| {
            let index = x.round();
            if (x - index).abs() < 1e-6 && index >= 0.0 {
                labels.get(index as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_labels(8)
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(|e| fail(e.to_string()))?;

    let clients = bars.series.len().max(1) as f64;
    let group = 0.8;
    let width = group / clients;
    for (k, (label, style, values)) in bars.series.iter().enumerate() {
        let style = *style;
        let left = |cell: usize| cell as f64 - group / 2.0 + k as f64 * width;
        chart
            .draw_series(values.iter().enumerate().filter_map(|(cell, value)| {
                let (bar, _) = (*value)?;
                let x0 = left(cell) + width * 0.1;
                let x1 = left(cell) + width * 0.9;
                Some(Rectangle::new([(x0, 0.0), (x1, bar)], style.filled()))
            }))
            .map_err(|e| fail(e.to_string()))?
            .label(label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], style.filled()));
        chart
            .draw_series(values.iter().enumerate().filter_map(|(cell, value)| {
                let (bar, whisker) = (*value)?;
                let x = left(cell) + width / 2.0;
                Some(PathElement::new(
                    [(x, bar), (x, whisker)],
                    BLACK.stroke_width(1),
                ))
            }))
            .map_err(|e| fail(e.to_string()))?;
    }
    if let Some(level) = reference {
        let x0 = -0.5;
        let x1 = cells as f64 - 0.5;
        // Dashes by hand: short segments along the line.
        let dashes = (0..(cells * 10)).map(|i| {
            let a = x0 + (x1 - x0) * i as f64 / (cells * 10) as f64;
            let b = a + (x1 - x0) / (cells * 20) as f64;
            PathElement::new([(a, level), (b, level)], RED.stroke_width(1))
        });
        chart.draw_series(dashes).map_err(|e| fail(e.to_string()))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(|e| fail(e.to_string()))?;
    root.present().map_err(|e| fail(e.to_string()))
}
