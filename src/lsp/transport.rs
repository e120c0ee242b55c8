//! The server's side of the connection: messages that `framing` has already read and
//! decoded go to the service, its replies and the server's own requests to the client go
//! out framed, each in one write.
//!
//! tower-lsp-server's `Server` does the same over a byte stream, so it would frame and
//! decode every message a second time, and its read buffer keeps the size of the largest
//! message for the whole session (a million-word draft opened once: 8 MB). The scheduling
//! is the same as there: up to four requests are served at once, in the order they come.

use futures::channel::mpsc;
use futures::{future, join, stream, stream_select, FutureExt, SinkExt, StreamExt, TryFutureExt};
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types::notification::{Notification, PublishDiagnostics};
use tower_lsp_server::ls_types::{Diagnostic, PublishDiagnosticsParams, Uri};
use tower_lsp_server::ClientSocket;

/// Requests served at once (tower-lsp-server's default).
const CONCURRENCY: usize = 4;
/// Requests read ahead of those being served.
const QUEUE: usize = 100;

/// A message from the client, decoded.
#[derive(Debug)]
pub enum Incoming {
    /// A request or a notification.
    Request(Request),
    /// The answer to a request the server sent.
    Response(Response),
}

#[derive(Serialize)]
#[serde(untagged)]
enum Outgoing {
    Response(Response),
    Request(Request),
}

/// Notifications the server writes itself, serialised straight from their types.
/// tower-lsp-server's `Client` builds a `serde_json::Value` tree of every message first: on
/// a draft with hundreds of diagnostics that took longer than analysing the keystroke.
/// Bounded, like the `Client`: a client that stops reading holds the senders back instead
/// of letting messages pile up.
#[derive(Clone)]
pub struct Outbox(mpsc::Sender<Vec<u8>>);

/// Messages waiting to be written, beyond one per sender.
const OUTBOX: usize = 16;

impl Outbox {
    /// The outbox and what `serve` writes from it.
    pub fn new() -> (Outbox, mpsc::Receiver<Vec<u8>>) {
        let (tx, rx) = mpsc::channel(OUTBOX);
        (Outbox(tx), rx)
    }

    pub async fn publish_diagnostics(
        &self,
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    ) {
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        self.notify::<PublishDiagnostics>(params).await;
    }

    async fn notify<N: Notification>(&self, params: N::Params) {
        #[derive(Serialize)]
        struct Message<P> {
            jsonrpc: &'static str,
            method: &'static str,
            params: P,
        }
        let message = Message {
            jsonrpc: "2.0",
            method: N::METHOD,
            params,
        };
        if let Ok(body) = serde_json::to_vec(&message) {
            // Fails only once the session has ended.
            let _ = self.0.clone().send(body).await;
        }
    }

    /// Ends the stream once what was sent is written, whoever still holds an outbox.
    fn close(&mut self) {
        self.0.close_channel();
    }
}

/// Serves `incoming` until it ends or the client sends `exit`, writing to `output` the
/// replies, the requests of `socket` and what is sent to `outbox`.
pub async fn serve<O, S>(
    mut incoming: mpsc::Receiver<Incoming>,
    output: O,
    socket: ClientSocket,
    (mut outbox, notes): (Outbox, mpsc::Receiver<Vec<u8>>),
    mut service: S,
) where
    O: AsyncWrite,
    S: Service<Request, Response = Option<Response>> + Send + 'static,
    S::Error: std::fmt::Display,
    S::Future: Send,
{
    let (client_requests, mut client_responses) = socket.split();
    let (client_requests, client_abort) = stream::abortable(client_requests);
    let (mut responses_tx, responses_rx) = mpsc::channel(0);
    let (mut tasks_tx, tasks_rx) = mpsc::channel(QUEUE);

    let replies = tasks_rx
        .buffer_unordered(CONCURRENCY)
        .filter_map(future::ready)
        .map(|r| Ok(Outgoing::Response(r)))
        .forward(responses_tx.clone());

    let write = async move {
        let mut out = std::pin::pin!(output);
        let messages = stream_select!(responses_rx, client_requests.map(Outgoing::Request))
            .map(|m| serde_json::to_vec(&m).ok());
        let mut messages = stream_select!(messages, notes.map(Some));
        while let Some(body) = messages.next().await {
            let Some(body) = body else {
                continue;
            };
            let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            framed.extend_from_slice(&body);
            if out.write_all(&framed).await.is_err() || out.flush().await.is_err() {
                break; // the client is gone
            }
        }
    };

    let read = async {
        while let Some(message) = incoming.next().await {
            match message {
                Incoming::Request(req) => {
                    if future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
                        return; // the service has exited
                    }
                    // The server must stop at `exit`, even if the client keeps its end open.
                    let exit = req.method() == "exit";
                    let reply = service.call(req).unwrap_or_else(|_| None);
                    let _ = tasks_tx.send(reply).await;
                    if exit {
                        break;
                    }
                }
                Incoming::Response(res) => {
                    if client_responses.send(res).await.is_err() {
                        return;
                    }
                }
            }
        }
        tasks_tx.disconnect();
        responses_tx.disconnect();
        client_abort.abort();
        outbox.close();
    };

    join!(replies.map(|_| ()), write, read);
}
