//! chromedriver's own session endpoints that fantoccini does not wrap (`se/log`,
//! `goog/cdp/execute`): a `POST /session/{id}/<path>` with a JSON body.

use fantoccini::wd::WebDriverCompatibleCommand;

/// `POST /session/{id}/{path}` with `body`, for [`fantoccini::Client::issue_cmd`].
#[derive(Debug)]
pub(crate) struct SessionPost {
    /// After `session/{id}/`, e.g. `se/log`.
    pub(crate) path: &'static str,
    /// The JSON body.
    pub(crate) body: String,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}
