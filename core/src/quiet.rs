//! When a session is quiet: the one definition the simulation's tests and the shells' drivers
//! (the CLI, the benchmark) wait for before they judge the services' state.

use crate::view::{AutoState, View};

impl View {
    /// No write queued or in flight at either service, and the planner neither making a pair
    /// nor releasing: our holds change only if something new happens. Reads may go on (while
    /// a better pair is possible the planner keeps reading free lists). A driver adds what
    /// only it knows, e.g. writes it sent that may still be on the wire.
    #[must_use]
    pub fn is_quiet(&self) -> bool {
        self.services
            .iter()
            .all(|service| service.pending.iter().all(|op| !op.is_write()))
            && self.auto != AutoState::Releasing
            && self.target.is_none()
    }
}

#[cfg(test)]
mod tests {
    use crate::api::{Op, Slot};
    use crate::view::{AutoState, ServiceView, View};

    fn view(pending: Vec<Op>, auto: AutoState, target: Option<Slot>) -> View {
        View {
            services: [
                ServiceView {
                    pending,
                    ..ServiceView::default()
                },
                ServiceView::default(),
            ],
            pair: None,
            auto,
            target,
            next_recheck: None,
            last_error: None,
            avoid: crate::AvoidSet::new(),
        }
    }

    #[test]
    fn reads_may_go_on_but_writes_releases_and_targets_are_not_quiet() {
        let slot = Slot::new(3).expect("non-zero");
        assert!(view(vec![Op::Available, Op::Holds], AutoState::Running, None).is_quiet());
        assert!(view(Vec::new(), AutoState::Off, None).is_quiet());
        assert!(!view(vec![Op::Reserve(slot)], AutoState::Off, None).is_quiet());
        assert!(!view(vec![Op::Cancel(slot)], AutoState::Running, None).is_quiet());
        assert!(!view(Vec::new(), AutoState::Releasing, None).is_quiet());
        assert!(!view(Vec::new(), AutoState::Running, Some(slot)).is_quiet());
    }
}
