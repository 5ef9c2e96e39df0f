//! The accept loop. axum's own `serve` cannot close a connection without answering, which a
//! lost reply needs; so each connection is served by hyper directly, and a response marked
//! `DropConnection` becomes a service error, on which hyper closes the socket unanswered.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use crate::reply::DropConnection;

/// Returned to hyper to make it drop the connection.
#[derive(Debug, thiserror::Error)]
#[error("reply deliberately lost")]
struct LostReply;

/// Serves `router` on `listener` until the task is aborted; aborting it also ends every open
/// connection (they live in its `JoinSet`).
pub(crate) async fn serve(listener: TcpListener, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Usually out of file descriptors: wait for some to close rather than spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small JSON replies: do not let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let router = router.clone();
                async move {
                    let response: Response = match router.oneshot(request.map(Body::new)).await {
                        Ok(r) => r,
                        Err(never) => match never {},
                    };
                    if response.extensions().get::<DropConnection>().is_some() {
                        Err(LostReply)
                    } else {
                        Ok::<_, LostReply>(response)
                    }
                }
            });
            // A client that vanishes or a deliberate drop ends the connection with an error;
            // neither concerns anyone else.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
