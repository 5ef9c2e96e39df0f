//! The machine a benchmark ran on, in one line, and the date.

use time::OffsetDateTime;

/// e.g. `2 cores (nproc), Intel(R) Xeon(R) ... (/proc/cpuinfo), 8 GiB RAM, Linux`.
#[must_use]
pub fn describe() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kib| format!(", {:.1} GiB RAM", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!(
        "{cores} cores (nproc), {model} (/proc/cpuinfo){memory}, {}",
        std::env::consts::OS
    )
}

/// The 1, 5 and 15 minute load averages (`/proc/loadavg`), or `?` where unknown.
#[must_use]
pub fn load() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    if fields.len() == 3 {
        fields.join(" / ")
    } else {
        "?".to_owned()
    }
}

/// Now, UTC, as `YYYY-MM-DD HH:MM UTC`.
#[must_use]
pub fn now_utc() -> String {
    utc_text(OffsetDateTime::now_utc())
}

fn utc_text(at: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        let at = |secs| utc_text(OffsetDateTime::from_unix_timestamp(secs).expect("in range"));
        assert_eq!(at(0), "1970-01-01 00:00 UTC");
        assert_eq!(at(11_016 * 86_400 + 3_723), "2000-02-29 01:02 UTC");
        assert_eq!(at(20_782 * 86_400 + 86_399), "2026-11-25 23:59 UTC");
    }
}
