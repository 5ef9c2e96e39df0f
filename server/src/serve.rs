//! The accept loop, in place of `axum::serve`, for what that lacks: a cap on connections
//! served at once (the rest wait in the kernel's listen backlog, costing no descriptor here),
//! a deadline for each request's headers that also ends idle keep-alive connections, and an
//! error that ends the loop (logged by `main`) instead of being retried forever. Connections
//! are tasks of the loop's own, so ending the loop (dropping [`serve`]'s future) closes every
//! one of them, as a stopped process would.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::Limits;

/// Headers hyper itself accepts before its own (bodiless) 431; `head_limits` answers a JSON
/// 431 well below it.
const HYPER_MAX_HEADERS: usize = 256;
/// Pause after running out of file descriptors, so that the loop does not spin while
/// connections close.
const FD_PAUSE: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until a fatal listener error, which it returns.
pub(crate) async fn serve(listener: TcpListener, router: Router, limits: Limits) -> io::Error {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        // Forget the connections that ended, so the set holds only open ones.
        while connections.try_join_next().is_some() {}
        // A slot before `accept`: beyond the cap, clients wait in the backlog.
        let Ok(permit) = slots.clone().acquire_owned().await else {
            // The semaphore is never closed.
            return io::Error::other("connection slots closed");
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => match classify(&e) {
                AcceptError::ThisConnection => continue,
                AcceptError::OutOfDescriptors => {
                    tracing::warn!(error = %e, "accept: out of file descriptors");
                    tokio::time::sleep(FD_PAUSE).await;
                    continue;
                }
                AcceptError::Fatal => return e,
            },
        };
        // Small JSON replies: send them at once.
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let header_timeout = limits.header_timeout;
        connections.spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_headers(HYPER_MAX_HEADERS);
            // A connection's errors (a client gone, a header timeout) concern only it.
            if let Err(e) = http.serve_connection(TokioIo::new(stream), service).await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(permit);
        });
    }
}

/// What an `accept` error means for the loop.
#[derive(Debug, PartialEq, Eq)]
enum AcceptError {
    /// Only the connection being accepted failed (it was reset before we took it).
    ThisConnection,
    /// `EMFILE`/`ENFILE`/no buffers: passes once connections close.
    OutOfDescriptors,
    /// The listener itself is broken.
    Fatal,
}

fn classify(error: &io::Error) -> AcceptError {
    use io::ErrorKind as K;
    /// Linux `ENFILE`, `EMFILE`, `ENOBUFS`, `ENOMEM`.
    const RESOURCES: [i32; 4] = [23, 24, 105, 12];
    match error.kind() {
        K::ConnectionAborted | K::ConnectionReset | K::ConnectionRefused | K::Interrupted => {
            AcceptError::ThisConnection
        }
        _ if error.raw_os_error().is_some_and(|c| RESOURCES.contains(&c)) => {
            AcceptError::OutOfDescriptors
        }
        _ => AcceptError::Fatal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors() {
        let kind = |k| classify(&io::Error::from(k));
        assert_eq!(
            kind(io::ErrorKind::ConnectionAborted),
            AcceptError::ThisConnection
        );
        assert_eq!(
            classify(&io::Error::from_raw_os_error(24)),
            AcceptError::OutOfDescriptors
        );
        assert_eq!(
            classify(&io::Error::from_raw_os_error(22)),
            AcceptError::Fatal
        );
    }
}
