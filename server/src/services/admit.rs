//! Steps 1–3 of a service request: the caller, its pacing, and the fault dice.

use tokio::time::Instant;

use crate::config::Pacing;
use crate::faults::{self, Before, Dice};
use crate::pacing::{self, Verdict};
use crate::state::{Desk, UserId};

use super::refused::Refused;

/// Steps 1–3, under one lock so that the dice are rolled in arrival order: the caller, its
/// pacing, and the dice it rolls (or the script's fate for a write).
pub(super) fn admit(
    desk: &mut Desk,
    pacing: &Pacing,
    caller: Option<UserId>,
    is_write: bool,
    arrival: Instant,
) -> Result<(UserId, Dice), Refused> {
    desk.counters.requests += 1;
    let user = caller.ok_or(Refused::BadToken)?;
    pace(desk, pacing, user, arrival)?;
    let dice = roll_dice(desk, is_write);
    outage(desk, arrival)?;
    fault_before(desk, dice.before)?;
    Ok((user, dice))
}

/// Step 2: the pacing rule on arrival. A violation is counted, and when enforced refused
/// without resetting the user's clock; otherwise the arrival resets it.
fn pace(desk: &mut Desk, rule: &Pacing, user: UserId, arrival: Instant) -> Result<(), Refused> {
    let slot = user.0 as usize;
    let last = desk.last_arrival.get(slot).copied().flatten();
    if let Verdict::TooEarly { wait } = pacing::judge(rule, last, arrival) {
        desk.count_violation(user);
        if rule.enforce {
            let window = rule.min_interval;
            return Err(Refused::TooFast { wait, window });
        }
    }
    if desk.last_arrival.len() <= slot {
        desk.last_arrival.resize(slot + 1, None);
    }
    desk.last_arrival[slot] = Some(arrival);
    Ok(())
}

/// Step 3a: every request rolls the dice (so the stream stays aligned with arrivals); the
/// first writes take their fate from the script instead.
fn roll_dice(desk: &mut Desk, is_write: bool) -> Dice {
    let dice = faults::roll(&desk.faults, &mut desk.rng);
    match is_write.then(|| desk.next_scripted_write()).flatten() {
        Some(fate) => faults::scripted(dice, fate),
        None => dice,
    }
}

/// Step 3b: during an outage (`/admin/outage`), a proxy's HTML 502 page in place of
/// processing. Pacing was counted and the dice rolled first: the service behind the proxy is
/// still judged on what the client sends, so hammering an outage shows as violations.
fn outage(desk: &Desk, arrival: Instant) -> Result<(), Refused> {
    match desk.outage_until {
        Some(until) if arrival < until => Err(Refused::BadGateway),
        _ => Ok(()),
    }
}

/// Step 3c: an injected 503 or 500 in place of processing, counted as a fault.
fn fault_before(desk: &mut Desk, before: Option<Before>) -> Result<(), Refused> {
    match before {
        None => Ok(()),
        Some(Before::Unavailable) => {
            desk.counters.fault_503 += 1;
            Err(Refused::Unavailable)
        }
        Some(Before::ServerError) => {
            desk.counters.fault_500 += 1;
            Err(Refused::ServerError)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::{Config, Faults, Scripted};
    use crate::state::World;

    fn refusal(result: Result<(UserId, Dice), Refused>) -> Option<Refused> {
        result.err()
    }

    /// Arrivals on a made-up clock: the rules of `pacing.rs` as the services apply them.
    #[test]
    fn a_429_keeps_the_clock_and_an_unenforced_violation_resets_it() {
        let mut world = World::new(&Config::default());
        let user = world.user_id("demo");
        let desk = &mut world.services[0];
        let rule = Pacing::default();
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let arrive = |desk: &mut Desk, rule: &Pacing, ms| {
            refusal(admit(desk, rule, Some(user), false, at(ms)))
        };
        assert_eq!(arrive(desk, &rule, 0), None);
        assert_eq!(
            arrive(desk, &rule, 500),
            Some(Refused::TooFast {
                wait: Duration::from_millis(500),
                window: Duration::from_secs(1)
            })
        );
        // The 429 did not move the clock: a second after the first request is in time.
        assert_eq!(arrive(desk, &rule, 1000), None);
        let lax = Pacing {
            enforce: false,
            ..rule
        };
        assert_eq!(arrive(desk, &lax, 1100), None, "served, but counted");
        // ...and it reset the clock.
        assert!(matches!(
            arrive(desk, &rule, 2000),
            Some(Refused::TooFast { wait, .. }) if wait == Duration::from_millis(100)
        ));
        assert_eq!(desk.counters.violations, 3);
        assert_eq!(
            refusal(admit(desk, &rule, None, false, at(9000))),
            Some(Refused::BadToken)
        );
        assert_eq!(desk.counters.requests, 6);
    }

    #[test]
    fn the_script_decides_writes_only() {
        let mut world = World::new(&Config::default());
        let user = world.user_id("demo");
        let desk = &mut world.services[1];
        desk.set_faults(Faults {
            script: vec![Scripted::ServerError, Scripted::Unavailable],
            ..Faults::default()
        });
        let rule = Pacing {
            min_interval: Duration::ZERO,
            ..Pacing::default()
        };
        let now = Instant::now();
        let mut arrive = |is_write| refusal(admit(desk, &rule, Some(user), is_write, now));
        assert_eq!(arrive(false), None, "a read leaves the script alone");
        assert_eq!(arrive(true), Some(Refused::ServerError));
        assert_eq!(arrive(false), None);
        assert_eq!(arrive(true), Some(Refused::Unavailable));
        assert_eq!(arrive(true), None, "the script is used up");
        assert_eq!((desk.counters.fault_500, desk.counters.fault_503), (1, 1));
    }
}
