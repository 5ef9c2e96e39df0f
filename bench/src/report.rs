//! The "Pairing strategy" section of BENCHMARKS.md: tables, targets, command, machine.
//! Other sections of the file belong to other benchmarks and are kept as they are.

use std::fmt::Write as _;

use crate::cells::{of_oracle, opt, share, times};
use crate::limits::{Limits, ratio};
use crate::matrix::Plan;
use crate::run::{OPENING_WITHIN, RunResult};
use crate::scenario::{Cell, ClientKind, SATURATED_CROWD, SATURATED_THINK_MS};
use crate::summary::{Duel, Summary};
use crate::targets::targets;

/// The heading this module owns.
pub const HEADING: &str = "## Pairing strategy";

/// What the section says besides the figures.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The command that produced it.
    pub command: String,
    /// The machine, one line.
    pub machine: String,
    /// When the run started (UTC, RFC 3339-ish).
    pub date: String,
    /// Load averages (1 / 5 / 15 min) before and after the run: the machine is shared.
    pub load: (String, String),
    /// Wall-clock time of the whole matrix, seconds.
    pub wall_secs: f64,
    /// Runs that produced no figures, one line each.
    pub failures: Vec<String>,
    /// Charts, as paths relative to the markdown file.
    pub charts: Vec<(String, String)>,
    /// Hand-written reading of the figures (bench/analysis.md), kept across regenerations.
    pub analysis: Option<String>,
}

/// Writes the whole section, heading included, ending with a newline.
#[must_use]
pub fn section(plan: &Plan, results: &[RunResult], context: &Context) -> String {
    let settings = &plan.settings;
    let delay = settings.delay.as_secs_f64();
    let limits = Limits::measure(delay, results);
    let mut out = String::new();
    let w = &mut out;
    // Writing to a String cannot fail.
    let _ = writeln!(w, "{HEADING}\n");
    let _ = writeln!(
        w,
        "How the core planner (`hotelband-core` `Session`, the page's machine, driven natively over \
         real HTTP by the terminal client's driver) compares with a naive sequential script, on a \
         fresh in-process emulator per run with the real {delay} s pacing (enforced: violations \
         get 429 and are counted).\n"
    );
    let _ = writeln!(
        w,
        "- Command: `{}` (`make bench` runs it with the defaults; `--seeds N --duration S` \
         makes a small matrix)",
        context.command
    );
    let _ = writeln!(w, "- Machine: {}", context.machine);
    let _ = writeln!(
        w,
        "- Run: {date}, {runs} runs ({seeds} seeds x {cells} cells x {starts} starts x {clients} \
         clients), {jobs} at a time, {wall:.0} s wall clock; load average (1 / 5 / 15 min) \
         {before} before, {after} after",
        date = context.date,
        runs = results.len(),
        seeds = plan.seeds.len(),
        cells = plan.cells.len(),
        starts = plan.starts.len(),
        clients = plan.clients.len(),
        jobs = plan.jobs,
        wall = context.wall_secs,
        before = context.load.0,
        after = context.load.1,
    );
    let _ = writeln!(
        w,
        "- Each client runs {dur} s from Start, then is stopped (ours: `Session::stop`, which \
         keeps the matched pair and cleans any half-made one; naive: finishes its cycle), with \
         {grace} s grace to settle. Ours runs the core's defaults with `window` {window} and \
         `recheck` {recheck} s; naive, like the course scripts, takes the first {window} entries \
         of each free list and rechecks every {recheck} s. The crowd (competitors, per service) \
         takes random free slots in 1..={crowd_window}, at most 2 at a time, holds each 5-20 s, \
         thinks 1-5 s; a client meets it {warmup} s after the emulator started, at its steady \
         state. The **saturated** cell has {saturated} members per service in 1..={window} \
         (twice the window's slots in holds) thinking {think_lo}-{think_hi} ms, no faults: the \
         achievable pair lies outside the window.",
        dur = settings.duration.as_secs_f64(),
        grace = settings.grace.as_secs_f64(),
        window = settings.window,
        recheck = settings.recheck.as_secs_f64(),
        crowd_window = settings.crowd_window,
        saturated = SATURATED_CROWD,
        warmup = settings.crowd_warmup.as_secs_f64(),
        think_lo = SATURATED_THINK_MS.0,
        think_hi = SATURATED_THINK_MS.1,
    );
    let _ = writeln!(
        w,
        "- **Cold** start: Start is the first thing the client does. **Warm** start: the client \
         reads both services first and Start comes {lead} s later, as a click with the tables on \
         screen; times are from Start. Ours does it through the core's public API: \
         `Session::refresh` (holds and free lists at both), then `Session::start`; naive reads \
         both free lists and its first cycle books from them without reading again.",
        lead = settings.warm_lead.as_secs_f64(),
    );
    let _ = writeln!(
        w,
        "- Faults (both services): none; 503 20%: 20% of requests get 503 before processing; \
         mixed: 503 30% + 500 10% + lost reply 10% (applied, then a 503 or a reply cut off \
         mid-body) + latency uniform 0-2 s.\n"
    );
    let _ = writeln!(w, "Definitions:\n");
    let _ = match limits {
        Some(limits) => writeln!(
            w,
            "- **Physical limits**: cold = delay + RTT = {cold:.3} s (one read, then one write a \
             paced delay later, per service, both services in parallel); warm = one RTT = \
             {rtt:.1} ms (the lists are known: one write per service). RTT = the median round \
             trip of every request in the quiet cell (no faults, no competitors) of this run. \
             *(/lim)* = figure / limit; *(/naive)* = ours / naive in the same cell.",
            cold = limits.cold(),
            rtt = limits.warm() * 1_000.0,
        ),
        None => writeln!(
            w,
            "- **Physical limits**: not measured (no quiet cell in this run), so no ratio to them."
        ),
    };
    let _ = writeln!(
        w,
        "- Every pair, slot, orphan and violation below is the **emulator's** account \
         (`/admin/history`, `/admin/state`), not the client's belief. *First pair* = the first \
         instant the server had the client holding one slot at both services. *Requests to \
         pair*: sent from Start until then, both services."
    );
    let _ = writeln!(
        w,
        "- **Achievable**: the best slot (any of the service's, not only the first {window}) \
         that was free to the client (held by nobody else) at both services at once for at \
         least {min_free:.1} s without a break during the run.",
        window = settings.window,
        min_free = settings.min_free().as_secs_f64(),
    );
    let _ = writeln!(
        w,
        "- **Opening**: a slot better than the client's pair, free to it at both services for \
         at least {min_free:.1} s; it starts when both hold (free, and our pair worse). *Held*: \
         our pair is that slot or better within {within:.1} s of its start. Openings in the last \
         {within:.1} s of the run are not judged.",
        min_free = settings.min_free().as_secs_f64(),
        within = OPENING_WITHIN.as_secs_f64(),
    );
    let _ = writeln!(
        w,
        "- *Orphans* = holds at the end at one service only. *Extra* = holds at the end besides \
         the final matched slot. *Breaches* (make-before-break): changes after which the \
         client's matched pair was worse or gone, i.e. it released a pair before holding a \
         better one at both. *Max holds*: the most at one service at once. *Shortest send gap*: \
         between two requests to one service as they left the client, with the longest lag \
         between deciding a request and sending it; the emulator counts a violation below \
         {min_gap} ms between arrivals. Medians and p95 are nearest-rank (observed values).\n",
        min_gap = settings
            .delay
            .saturating_sub(settings.tolerance)
            .as_millis(),
    );

    let summaries: Vec<Summary> = plan
        .cells
        .iter()
        .flat_map(|&cell| {
            plan.clients
                .iter()
                .map(move |&client| Summary::of(results, cell, client))
        })
        .collect();
    let naive_of = |cell: Cell| {
        summaries
            .iter()
            .find(|s| s.cell == cell && s.client == ClientKind::Naive)
    };
    let cold_limit = limits.map(Limits::cold);
    let warm_limit = limits.map(Limits::warm);

    let _ = writeln!(w, "### Time to pair\n");
    let _ = writeln!(
        w,
        "| faults | competitors | client | paired at end | cold first pair, median s (/lim, /naive) | \
         cold p95 s (/lim) | requests to pair, median | warm first pair, median s (/lim, /naive) | \
         warm p95 s (/lim) | time to achievable best, median s (/lim, /naive) (reached) | requests / min, median |"
    );
    let _ = writeln!(w, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for s in &summaries {
        let naive = naive_of(s.cell);
        let median = |pick: fn(&Summary) -> Option<(f64, f64)>| pick(s).map(|(m, _)| m);
        let p95 = |pick: fn(&Summary) -> Option<(f64, f64)>| pick(s).map(|(_, p)| p);
        let versus = |pick: fn(&Summary) -> Option<f64>| ratio(pick(s), naive.and_then(pick));
        let cold = median(|s| s.first_pair);
        let warm = median(|s| s.warm_first_pair);
        let _ = writeln!(
            w,
            "| {fault} | {crowd} | {client} | {paired}/{runs} | {cold} ({cl}, {cn}) | {cp} ({cpl}) | {req} | {warm} ({wl}, {wn}) | {wp} ({wpl}) | {best} ({bl}, {bn}) ({reached}/{achievable}) | {rpm} |",
            fault = s.cell.fault,
            crowd = s.cell.crowd,
            client = s.client,
            paired = s.paired_at_end,
            runs = s.runs,
            cold = opt(cold, 2),
            cl = times(ratio(cold, cold_limit)),
            cn = times(versus(|s| s.first_pair.map(|(m, _)| m))),
            cp = opt(p95(|s| s.first_pair), 2),
            cpl = times(ratio(p95(|s| s.first_pair), cold_limit)),
            req = opt(s.requests_to_pair, 0),
            warm = opt(warm, 3),
            wl = times(ratio(warm, warm_limit)),
            wn = times(versus(|s| s.warm_first_pair.map(|(m, _)| m))),
            wp = opt(p95(|s| s.warm_first_pair), 3),
            wpl = times(ratio(p95(|s| s.warm_first_pair), warm_limit)),
            best = opt(s.to_best, 1),
            bl = times(ratio(s.to_best, cold_limit)),
            bn = times(versus(|s| s.to_best)),
            reached = s.reached_best,
            achievable = s.achievable,
            rpm = opt(s.requests_per_minute, 0),
        );
    }

    let _ = writeln!(w, "\n### Slots, openings and safety\n");
    let _ = writeln!(
        w,
        "| faults | competitors | client | final slot median (best-worst) | mean (/naive) | \
         achievable median | final at achievable | openings held in {within:.1} s | orphans (runs) | \
         extra holds | violations | breaches | max holds | lost replies met | abandoned | \
         shortest send gap ms (max dispatch lag) |",
        within = OPENING_WITHIN.as_secs_f64(),
    );
    let _ = writeln!(
        w,
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for s in &summaries {
        let final_slot = match s.final_slot {
            Some((m, best, worst)) => format!("{m:.0} ({best}-{worst})"),
            None => "-".to_owned(),
        };
        let mean_versus = ratio(
            s.mean_final_slot,
            naive_of(s.cell).and_then(|n| n.mean_final_slot),
        );
        let _ = writeln!(
            w,
            "| {fault} | {crowd} | {client} | {final_slot} | {mean} ({mn}) | {ach} | {at}/{achievable} | {open} | {orph} ({orph_runs}) | {extra} | {viol} | {breaches} | {max_holds} | {lost} | {unsettled} | {gap} ({lag}) |",
            fault = s.cell.fault,
            crowd = s.cell.crowd,
            client = s.client,
            mean = opt(s.mean_final_slot, 1),
            mn = times(mean_versus),
            ach = opt(s.achievable_slot, 0),
            at = s.final_at_best,
            achievable = s.achievable,
            open = share(s.openings),
            orph = s.orphans,
            orph_runs = s.runs_with_orphans,
            extra = s.extra_holds,
            viol = s.violations,
            breaches = s.breaches,
            max_holds = s.max_holds,
            lost = s.lost_replies,
            unsettled = s.unsettled,
            gap = s
                .min_send_gap
                .map_or("-".to_owned(), |gap| gap.as_millis().to_string()),
            lag = s.max_dispatch_lag.as_millis(),
        );
    }

    let _ = writeln!(w, "\n### Openings against the best possible client\n");
    let _ = writeln!(
        w,
        "The oracle (`bench/src/oracle.rs`) keeps the same rules (at most 2 holds per service, \
         one request per {delay} s per service, make-before-break) but sees every change of the \
         services' state the instant it happens, needs no reads and meets no faults or latency: \
         it reserves the best slot free at both at its earliest paced slot at each service, \
         replayed on each run's history in the client's place. An opening of the client is \
         *holdable* when the oracle's pair is that slot or better within {within:.1} s of its \
         start; the client's figure is the share of holdable openings it held (cold runs).\n",
        within = OPENING_WITHIN.as_secs_f64(),
    );
    let _ = writeln!(
        w,
        "| faults | competitors | client | openings | holdable by the oracle | held, of the holdable |"
    );
    let _ = writeln!(w, "|---|---:|---|---:|---:|---:|");
    for s in &summaries {
        let _ = writeln!(
            w,
            "| {fault} | {crowd} | {client} | {seen} | {holdable} | {held} |",
            fault = s.cell.fault,
            crowd = s.cell.crowd,
            client = s.client,
            seen = s.yardstick.seen,
            holdable = s.yardstick.holdable,
            held = of_oracle(s.yardstick),
        );
    }

    let duels: Vec<(Cell, Duel)> = plan
        .cells
        .iter()
        .map(|&cell| (cell, Duel::of(results, cell)))
        .collect();
    if plan.clients.contains(&ClientKind::Naive) && plan.clients.contains(&ClientKind::Ours) {
        let _ = writeln!(w, "\n### Ours against naive, same seeded scenario (cold)\n");
        let _ = writeln!(
            w,
            "Same emulator seed (faults and crowd dice), separate emulators; the crowd's moves \
             still diverge once the two clients act differently. No pair ranks below any pair.\n"
        );
        let _ = writeln!(
            w,
            "| faults | competitors | ours better | same | ours worse (seeds) |"
        );
        let _ = writeln!(w, "|---|---:|---:|---:|---|");
        for (cell, duel) in &duels {
            let worse = if duel.ours_worse.is_empty() {
                "0".to_owned()
            } else {
                format!(
                    "{} ({})",
                    duel.ours_worse.len(),
                    duel.ours_worse
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {worse} |",
                cell.fault, cell.crowd, duel.ours_better, duel.same
            );
        }
    }

    let _ = writeln!(w, "\n### Targets (issue 8), ours\n");
    for line in targets(plan, results, &summaries, limits) {
        let _ = writeln!(w, "- {line}");
    }

    if !context.charts.is_empty() {
        let _ = writeln!(w, "\n### Charts\n");
        let images: Vec<String> = context
            .charts
            .iter()
            .map(|(title, path)| format!("![{title}]({path})"))
            .collect();
        let _ = writeln!(w, "{}", images.join("\n\n"));
    }
    if !context.failures.is_empty() {
        let _ = writeln!(w, "\n### Runs without figures\n");
        for failure in &context.failures {
            let _ = writeln!(w, "- {failure}");
        }
    }
    if let Some(analysis) = &context.analysis {
        let _ = writeln!(w, "\n### What the numbers say\n");
        let _ = writeln!(w, "{}", analysis.trim_end());
    }
    out
}

/// `document` with the [`HEADING`] section replaced by `section` (appended when absent). The
/// section runs to the next `## ` heading or the end; everything else is kept byte for byte.
#[must_use]
pub fn splice(document: &str, section: &str) -> String {
    let lines: Vec<&str> = document.split_inclusive('\n').collect();
    let start = lines.iter().position(|line| line.trim_end() == HEADING);
    let Some(start) = start else {
        let mut out = document.to_owned();
        if out.is_empty() {
            out.push_str("# Benchmarks\n\n");
        } else if !out.ends_with("\n\n") {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
        out.push_str(section);
        return out;
    };
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with("## "))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let mut out: String = lines[..start].concat();
    out.push_str(section);
    if end < lines.len() {
        out.push('\n');
        out.push_str(&lines[end..].concat());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "## Pairing strategy\n\nnew figures\n";

    #[test]
    fn splice_replaces_only_our_section() {
        let doc = "# Benchmarks\n\n## Emulator throughput\n\nfast\n\n## Pairing strategy\n\nold\n\n### sub\n\nold too\n\n## Page size\n\nsmall\n";
        assert_eq!(
            splice(doc, OURS),
            "# Benchmarks\n\n## Emulator throughput\n\nfast\n\n## Pairing strategy\n\nnew figures\n\n## Page size\n\nsmall\n"
        );
    }

    #[test]
    fn splice_appends_when_absent_and_creates_when_empty() {
        assert_eq!(
            splice("# Benchmarks\n\n## Page size\n\nsmall\n", OURS),
            "# Benchmarks\n\n## Page size\n\nsmall\n\n## Pairing strategy\n\nnew figures\n"
        );
        assert_eq!(splice("", OURS), format!("# Benchmarks\n\n{OURS}"));
    }

    #[test]
    fn splice_is_idempotent_at_the_end_of_the_file() {
        let once = splice("# Benchmarks\n\n## Page size\n\nsmall\n", OURS);
        assert_eq!(splice(&once, OURS), once);
    }
}
