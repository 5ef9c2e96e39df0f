//! Browser scenarios: headless Chromium against the emulator on an ephemeral port, one at a time.

mod auto_pair;
mod manual;
mod settings;

/// A direct client of the emulator's API, for a competitor acting beside the page.
pub(crate) async fn api(
    method: reqwest::Method,
    base: &str,
    service: hotelband_e2e::Service,
    path: &str,
    token: &str,
) -> anyhow::Result<reqwest::StatusCode> {
    let url = format!("{base}/{}/api{path}", service.name());
    let reply = reqwest::Client::new()
        .request(method, &url)
        .bearer_auth(token)
        .send()
        .await?;
    Ok(reply.status())
}
