//! Fault containment: a panic in a handler or in an analysis never takes the server down.
//!
//! - [`Guarded`] wraps the whole `LspService`. Every handler future (and the synchronous
//!   part of dispatch) runs under `catch_unwind`; a panic is logged with
//!   `window/logMessage` and a request gets a JSON-RPC internal error (-32603) reply. The
//!   wrapper polls the handler future exactly when tower-lsp-server would, so the
//!   edits-in-order invariant (first poll in arrival order) is unchanged.
//! - [`analyze`] runs one analysis under `catch_unwind`; the worker then publishes an
//!   empty result for that version and starts over with a fresh cache.
//! - [`Guarded`] also answers the synthetic messages `framing` puts in place of malformed
//!   input (see `super::framing`), with the JSON-RPC error they carry.
//!
//! Test hook (test-only, documented here and in FUZZING.md): when the environment variable
//! `COPYDESK_TEST_PANIC_ON` is set to a non-empty marker at startup, an analysis of a text
//! containing the marker panics, and so does a request handler whose parameters contain
//! it. It is read once; when unset the cost is one `OnceLock` load per call.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::{Client, ExitedError};

use crate::analysis::{Analysis, Analyzer, Config, Format};

/// The method name of the synthetic request `framing` sends for a malformed message.
pub const INVALID_MESSAGE: &str = "$/copydesk/invalidMessage";

/// The environment variable of the test-only panic hook.
pub const TEST_PANIC_ENV: &str = "COPYDESK_TEST_PANIC_ON";

fn test_marker() -> Option<&'static str> {
    static MARKER: OnceLock<Option<String>> = OnceLock::new();
    MARKER
        .get_or_init(|| std::env::var(TEST_PANIC_ENV).ok().filter(|m| !m.is_empty()))
        .as_deref()
}

/// Test-only: panics when the panic hook is armed and `text` contains its marker.
pub fn test_panic_hook(site: &str, text: &str) {
    if let Some(marker) = test_marker() {
        if text.contains(marker) {
            panic!("{TEST_PANIC_ENV}: deliberate panic in {site}");
        }
    }
}

/// The message of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Runs one analysis, containing a panic. On a panic the analyser's cache is dropped (it may
/// be half-updated) and the panic message is returned.
pub fn analyze(
    analyzer: &mut Analyzer,
    text: &str,
    unchanged: Option<(usize, usize)>,
    format: Format,
    config: &Config,
) -> Result<Analysis, String> {
    let run = catch_unwind(AssertUnwindSafe(|| {
        test_panic_hook("analysis", text);
        analyzer.analyze_in_place(text, unchanged, format, config)
    }));
    run.map_err(|payload| {
        *analyzer = Analyzer::new();
        panic_message(payload.as_ref())
    })
}

/// The JSON-RPC error reply for a request whose handler panicked.
fn internal_error(method: &str, message: &str) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: format!("copydesk: internal error in {method}: {message}").into(),
        data: None,
    }
}

/// The `LspService` wrapper that contains panics; see the module documentation.
pub struct Guarded<S> {
    inner: S,
    client: Client,
}

impl<S> Guarded<S> {
    pub fn new(inner: S, client: Client) -> Self {
        Guarded { inner, client }
    }
}

async fn report(
    client: Client,
    method: String,
    id: Option<Id>,
    message: String,
) -> Option<Response> {
    client
        .log_message(
            MessageType::ERROR,
            format!("copydesk: internal error in {method} (the server keeps running): {message}"),
        )
        .await;
    id.map(|id| Response::from_error(id, internal_error(&method, &message)))
}

/// The reply to a synthetic invalid-message request from `framing`.
fn invalid_message_reply(req: Request) -> Option<Response> {
    let (_, id, params) = req.into_parts();
    let params = params.unwrap_or_default();
    let code = params["code"].as_i64().unwrap_or(-32700);
    let message = params["message"]
        .as_str()
        .unwrap_or("invalid message")
        .to_string();
    let id = params
        .get("id")
        .and_then(|v| serde_json::from_value::<Id>(v.clone()).ok())
        .or(id)
        .unwrap_or(Id::Null);
    Some(Response::from_error(
        id,
        Error {
            code: ErrorCode::from(code),
            message: message.into(),
            data: None,
        },
    ))
}

impl<S> Service<Request> for Guarded<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = BoxFuture<'static, Result<Option<Response>, ExitedError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if req.method() == INVALID_MESSAGE {
            return futures::future::ready(Ok(invalid_message_reply(req))).boxed();
        }
        let method = req.method().to_string();
        let id = req.id().cloned();
        let armed = test_marker().is_some() && id.is_some() && method != "shutdown";
        let probe = if armed {
            serde_json::to_string(&req).ok()
        } else {
            None
        };
        let client = self.client.clone();
        let inner = &mut self.inner;
        let fut = match catch_unwind(AssertUnwindSafe(|| inner.call(req))) {
            Ok(fut) => fut,
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                return report(client, method, id, message).map(Ok).boxed();
            }
        };
        async move {
            let run = AssertUnwindSafe(async move {
                let result = fut.await;
                if let Some(request) = probe {
                    test_panic_hook("a request handler", &request);
                }
                result
            });
            match run.catch_unwind().await {
                // tower-lsp-server drops its MethodNotFound reply to unknown `$/` requests,
                // but a request must be answered (LSP: "$/" requests get MethodNotFound).
                Ok(Ok(None)) if id.is_some() => {
                    let mut error = Error::method_not_found();
                    error.data = Some(method.into());
                    Ok(id.map(|id| Response::from_error(id, error)))
                }
                Ok(result) => result,
                Err(payload) => {
                    let message = panic_message(payload.as_ref());
                    Ok(report(client, method, id, message).await)
                }
            }
        }
        .boxed()
    }
}
