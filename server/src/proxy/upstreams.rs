//! Which upstreams the proxy may reach: this emulator's own services, the listed hosts, and
//! every local port only with `--proxy-any-local`; never this emulator's own `/proxy`.

use url::Url;

use crate::config::Config;

/// Hosts of this machine: their ports need listing, or `--proxy-any-local`.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];
/// Paths of this emulator that its proxy may reach: the services, nothing else.
const OWN_SERVICES: [&str; 2] = ["/hotel/api", "/band/api"];

/// The allow-list.
pub(super) struct Upstreams {
    /// Lowercased `host` or `host:port` entries.
    allow: Vec<String>,
    /// Every loopback port is allowed (`--proxy-any-local`).
    any_local: bool,
    /// The port this emulator listens on (none for a router without a socket).
    own_port: Option<u16>,
}

/// Whether an upstream may be reached.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Allowed,
    /// Not listed: 403.
    NotAllowed,
    /// This emulator's own `/proxy`: 508.
    Loop,
    /// This emulator, but not one of its services: 403.
    OwnNonService,
}

impl Upstreams {
    pub(super) fn new(config: &Config) -> Self {
        Upstreams {
            allow: config
                .proxy_allow
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
            any_local: config.proxy_any_local,
            own_port: Some(config.addr.port()).filter(|&p| p != 0),
        }
    }

    /// Whether `url` may be reached.
    pub(super) fn judge(&self, url: &Url) -> Verdict {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return Verdict::NotAllowed;
        };
        let port = url.port_or_known_default();
        let with_port = port.map(|p| format!("{host}:{p}"));
        if LOOPBACK.contains(&host.as_str()) {
            if port.is_some() && port == self.own_port {
                let path = url.path();
                let under = |base: &str| {
                    path.strip_prefix(base)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                };
                return if OWN_SERVICES.into_iter().any(under) {
                    Verdict::Allowed
                } else if under("/proxy") {
                    Verdict::Loop
                } else {
                    Verdict::OwnNonService
                };
            }
            if self.any_local {
                return Verdict::Allowed;
            }
        }
        let listed = self.allow.iter().any(|a| {
            (*a == host && !LOOPBACK.contains(&a.as_str())) || Some(a) == with_port.as_ref()
        });
        if listed {
            Verdict::Allowed
        } else {
            Verdict::NotAllowed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(allow: &[&str], any_local: bool) -> Upstreams {
        Upstreams::new(&Config {
            addr: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            proxy_allow: allow.iter().map(|&h| h.to_owned()).collect(),
            proxy_any_local: any_local,
            ..Config::default()
        })
    }

    #[test]
    fn own_services_only_and_never_own_proxy() {
        for any_local in [false, true] {
            let proxy = proxy(&["localhost", "127.0.0.1:8080"], any_local);
            let judge = |u: &str| proxy.judge(&Url::parse(u).expect("url"));
            for own in [
                "127.0.0.1:8080",
                "localhost:8080",
                "[::1]:8080",
                "127.1:8080",
            ] {
                assert_eq!(
                    judge(&format!("http://{own}/hotel/api/reservation")),
                    Verdict::Allowed
                );
                assert_eq!(judge(&format!("http://{own}/band/api")), Verdict::Allowed);
                assert_eq!(
                    judge(&format!("http://{own}/proxy/http://a/")),
                    Verdict::Loop
                );
                assert_eq!(
                    judge(&format!("http://{own}/hotel/api/../../proxy/x")),
                    Verdict::Loop
                );
                assert_eq!(
                    judge(&format!("http://{own}/admin/state")),
                    Verdict::OwnNonService
                );
                assert_eq!(
                    judge(&format!("http://{own}/hotel/apix")),
                    Verdict::OwnNonService
                );
                assert_eq!(judge(&format!("http://{own}/demo")), Verdict::OwnNonService);
            }
            // Other local ports: only with the flag, or listed with their port.
            let other = if any_local {
                Verdict::Allowed
            } else {
                Verdict::NotAllowed
            };
            assert_eq!(judge("http://127.0.0.1:9/x"), other);
            assert_eq!(
                judge("http://localhost/x"),
                other,
                "a bare loopback name lists no port"
            );
        }
        let listed = proxy(&["127.0.0.1:9"], false);
        assert_eq!(
            listed.judge(&Url::parse("http://127.0.0.1:9/x").expect("url")),
            Verdict::Allowed
        );
    }

    #[test]
    fn allow_list() {
        let proxy = proxy(&["Course.Example", "other.example:8443"], false);
        let ok = |u: &str| proxy.judge(&Url::parse(u).expect("url")) == Verdict::Allowed;
        assert!(!ok("http://127.0.0.1:9/x"));
        assert!(!ok("http://localhost/x"));
        assert!(!ok("http://[::1]:8081/x"));
        assert!(ok("https://course.example/hotel/api"));
        assert!(ok("https://other.example:8443/x"));
        assert!(!ok("https://other.example/x"));
        assert!(!ok("https://evil.example/x"));
        assert!(!ok("http://127.0.0.2/x"));
        assert!(!ok("https://course.example.evil.example/x"));
    }
}
