//! Carries one request to a service over real HTTP and reports what came back as an
//! [`Outcome`], exactly as the page does: any status is a response, the body is kept as text.

use std::fmt;
use std::time::Duration;

use hotelband_core::{Op, Outcome};
use reqwest::Method;
use reqwest::header::RETRY_AFTER;

/// One service as a client sees it: its base URL and the key it sends.
#[derive(Clone)]
pub struct Endpoint {
    /// e.g. `http://127.0.0.1:PORT/hotel/api`, no trailing slash; a CORS proxy prefix, when one
    /// is used, is already in front (`http://127.0.0.1:8080/proxy/https://host/hotel/api`).
    pub base: String,
    /// The bearer key; never printed (see `Debug`).
    pub key: String,
}

// Keys never reach a log, so `Debug` leaves them out.
impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("base", &self.base)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// The core's [`Op::method`] as reqwest's type.
fn method(op: Op) -> Method {
    // Invariant: the core names GET, POST or DELETE, all valid method tokens.
    Method::from_bytes(op.method().as_bytes()).expect("Op::method is a valid HTTP method")
}

/// Sends `op` to `endpoint` and waits at most `timeout` for the whole reply.
pub async fn send(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    op: Op,
    timeout: Duration,
) -> Outcome {
    let url = format!("{}{}", endpoint.base, op.path());
    let method = method(op);
    let exchange = async {
        let response = client
            .request(method, url)
            .bearer_auth(&endpoint.key)
            .send()
            .await?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await?;
        Ok::<_, reqwest::Error>(Outcome::Http {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or_default().to_owned(),
            retry_after,
            body,
        })
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(error)) => Outcome::Network(describe(&error)),
        Err(_elapsed) => Outcome::Timeout,
    }
}

/// A short, safe description: reqwest's own text carries the URL, which we keep out of logs.
fn describe(error: &reqwest::Error) -> String {
    if error.is_connect() {
        "could not connect".to_owned()
    } else if error.is_body() || error.is_decode() {
        "the reply was cut short".to_owned()
    } else if error.is_timeout() {
        "timed out".to_owned()
    } else {
        "the connection was lost".to_owned()
    }
}

/// The one client of a process: http and https (rustls, bundled roots), no redirects (a
/// redirect could carry the key elsewhere), no system proxy (a proxy is a prefix the user
/// names, `--proxy`), a small pool.
#[must_use]
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(4)
        .build()
        // Building fails only when a TLS backend or the system resolver config cannot load:
        // rustls with bundled roots and no system proxy lookup has neither to load.
        .expect("a rustls reqwest client with bundled roots always builds")
}

#[cfg(test)]
mod tests {
    use hotelband_core::{Op, Slot};
    use reqwest::Method;

    use super::method;

    #[test]
    fn every_op_is_sent_with_the_cores_method() {
        let slot = Slot::new(7).expect("non-zero");
        assert_eq!(method(Op::Available), Method::GET);
        assert_eq!(method(Op::Holds), Method::GET);
        assert_eq!(method(Op::Reserve(slot)), Method::POST);
        assert_eq!(method(Op::Cancel(slot)), Method::DELETE);
    }
}
