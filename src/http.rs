//! The page's HTTP calls: carrying a core [`Request`] to a service and turning whatever
//! happens into an [`Outcome`], and reading the emulator's demo keys.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Method, Request as Fetch, RequestBuilder};
use gloo_timers::callback::Timeout;
use hotelband_core::{Millis, Op, Outcome};
use serde::Deserialize;
use web_sys::AbortController;

/// Where and how to send one request; the key is only ever put in the header.
pub(crate) struct Target<'a> {
    /// What is asked: gives the method ([`Op::method`]); its path is already in `url`.
    pub(crate) op: Op,
    /// Proxy prefix + base + path.
    pub(crate) url: &'a str,
    /// The bearer key.
    pub(crate) key: &'a str,
    /// Abort after this long and report [`Outcome::Timeout`].
    pub(crate) timeout: Millis,
}

/// Sends one request and reports what happened; never fails, never mentions the key.
pub(crate) async fn send(target: Target<'_>) -> Outcome {
    let controller = AbortController::new().ok();
    let timed_out = Rc::new(Cell::new(false));
    // Dropping the guard when this function returns cancels the abort timer.
    let _guard = controller.as_ref().map(|c| {
        let (c, flag) = (c.clone(), Rc::clone(&timed_out));
        let ms = u32::try_from(target.timeout.0).unwrap_or(u32::MAX);
        Timeout::new(ms, move || {
            flag.set(true);
            c.abort();
        })
    });
    let builder = RequestBuilder::new(target.url).method(method(target.op));
    let signal = controller.as_ref().map(AbortController::signal);
    let sent = builder
        .header("Authorization", &format!("Bearer {}", target.key))
        .abort_signal(signal.as_ref())
        .send()
        .await;
    let failed = |e: gloo_net::Error| {
        if timed_out.get() {
            Outcome::Timeout
        } else {
            Outcome::Network(in_words(&hide_key(&e.to_string(), target.key)))
        }
    };
    let response = match sent {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let status = response.status();
    let reason = response.status_text();
    let retry_after = response.headers().get("retry-after");
    match response.text().await {
        Ok(body) => Outcome::Http {
            status,
            reason,
            retry_after,
            body,
        },
        Err(e) => failed(e),
    }
}

/// The core's [`Op::method`] as the fetch API's type.
fn method(op: Op) -> Method {
    // Invariant: the core names GET, POST or DELETE, all valid method tokens.
    Method::from_bytes(op.method().as_bytes()).expect("Op::method is a valid HTTP method")
}

/// Browser error texts do not include header values, but be sure: no key in any message. An
/// empty key (none entered yet) hides nothing.
fn hide_key(message: &str, key: &str) -> String {
    if key.is_empty() {
        message.to_owned()
    } else {
        message.replace(key, "<key>")
    }
}

/// A browser's error text as a user reads it.
fn in_words(message: &str) -> String {
    // "TypeError: Failed to fetch" says less to a user than the plain reason.
    let text = message.strip_prefix("TypeError: ").unwrap_or(message);
    if text.is_empty() {
        "the request failed".to_owned()
    } else {
        text.to_owned()
    }
}

/// The emulator's demo accounts, from `GET /demo` on the page's own origin:
/// `{"hotel_key":..,"band_key":..}`, other fields ignored.
#[derive(Deserialize)]
pub(crate) struct DemoKeys {
    /// Key for `<origin>/hotel/api`.
    pub(crate) hotel_key: String,
    /// Key for `<origin>/band/api`.
    pub(crate) band_key: String,
}

/// Reads the demo keys; the error is in plain words.
pub(crate) async fn demo_keys(origin: &str) -> Result<DemoKeys, String> {
    let url = format!("{origin}/demo");
    let response = Fetch::get(&url).send().await.map_err(|e| {
        format!(
            "cannot reach the emulator at {url}: {}",
            in_words(&e.to_string())
        )
    })?;
    if !response.ok() {
        return Err(format!(
            "the emulator answered {} {} at {url} — is this page served by `hotelband-server --demo`?",
            response.status(),
            response.status_text()
        ));
    }
    let unreadable = || format!("{url} did not return the demo keys");
    let body = response.text().await.map_err(|_| unreadable())?;
    serde_json::from_str(&body).map_err(|_| unreadable())
}

#[cfg(test)]
mod tests {
    use hotelband_core::{Op, Slot};

    use super::{Method, hide_key, in_words, method};

    #[test]
    fn every_op_is_sent_with_the_cores_method() {
        let slot = Slot::new(7).expect("non-zero");
        assert_eq!(method(Op::Available), Method::GET);
        assert_eq!(method(Op::Holds), Method::GET);
        assert_eq!(method(Op::Reserve(slot)), Method::POST);
        assert_eq!(method(Op::Cancel(slot)), Method::DELETE);
    }

    #[test]
    fn errors_hold_no_key_and_no_js_noise() {
        assert_eq!(in_words("TypeError: Failed to fetch"), "Failed to fetch");
        assert_eq!(in_words(""), "the request failed");
        assert_eq!(hide_key("bad header sekrit", "sekrit"), "bad header <key>");
        assert_eq!(hide_key("no key here", ""), "no key here");
    }
}
