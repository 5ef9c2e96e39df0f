//! Which of the two emulated services a request, a setting or a change belongs to.

/// One of the two emulated services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// `/hotel/api`, index 0 in `Config::faults` and `Config::crowd`.
    Hotel,
    /// `/band/api`, index 1.
    Band,
}

impl Service {
    /// Both, in index order.
    pub const ALL: [Service; 2] = [Service::Hotel, Service::Band];

    /// 0 for the hotel, 1 for the band.
    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Service::Hotel => 0,
            Service::Band => 1,
        }
    }

    /// `"hotel"` or `"band"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Service::Hotel => "hotel",
            Service::Band => "band",
        }
    }

    /// The service named `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Service::ALL.into_iter().find(|s| s.name() == name)
    }
}
