//! Edit → publishDiagnostics latency through the real server, in process:
//! `copydesk::lsp::serve` over `tokio::io::duplex`, on a two-worker runtime as the binary
//! uses. Each measurement starts just before the message's bytes are written and ends
//! when the client has read and parsed the `publishDiagnostics` for the new version.
//!
//! - `lsp/did_change/{10k,100k,1M}`: a one-character insertion in the middle of the draft
//!   (each edit makes a text never seen before, so the edited paragraph is a cache miss).
//! - `lsp/did_open/1M`: opening a 1M-word draft (a new URI each time) to its diagnostics.
//!
//! `cargo bench --bench lsp`

#[path = "support/gen.rs"]
mod gen;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

use copydesk::analysis::{paragraphs, Format};

struct Server {
    rt: Runtime,
    to_server: DuplexStream,
    /// (uri, version) of each publishDiagnostics, in arrival order.
    published: mpsc::UnboundedReceiver<(String, Option<i64>)>,
    next_id: i64,
}

fn frame(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<Value> {
    let mut len = None;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let t = line.trim_end();
        if t.is_empty() {
            break;
        }
        if let Some(v) = t.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).await.ok()?;
    serde_json::from_slice(&body).ok()
}

impl Server {
    fn start() -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (to_server, server_in) = tokio::io::duplex(1 << 20);
        let (server_out, from_server) = tokio::io::duplex(1 << 20);
        let (tx, published) = mpsc::unbounded_channel();
        rt.spawn(async move {
            copydesk::lsp::serve(server_in, server_out).await;
        });
        let (reply_tx, mut reply_rx) = mpsc::unbounded_channel::<Value>();
        rt.spawn(async move {
            let mut r = BufReader::new(from_server);
            while let Some(m) = read_message(&mut r).await {
                if m["method"] == "textDocument/publishDiagnostics" {
                    let p = &m["params"];
                    let uri = p["uri"].as_str().unwrap_or_default().to_string();
                    let _ = tx.send((uri, p["version"].as_i64()));
                } else if m.get("id").is_some() && m.get("method").is_none() {
                    let _ = reply_tx.send(m);
                }
            }
        });
        let mut s = Server {
            rt,
            to_server,
            published,
            next_id: 0,
        };
        s.next_id += 1;
        s.send(
            &json!({"jsonrpc": "2.0", "id": s.next_id, "method": "initialize", "params": {
                "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": true}}}
            }}),
        );
        s.rt.block_on(reply_rx.recv()).expect("initialize reply");
        s.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        s
    }

    fn send(&mut self, msg: &Value) {
        let bytes = frame(&msg.to_string());
        self.send_raw(&bytes);
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let w = &mut self.to_server;
        self.rt
            .block_on(async { w.write_all(bytes).await })
            .expect("write");
    }

    /// Waits for the diagnostics of `uri` at `version` (or newer), discarding others.
    fn wait(&mut self, uri: &str, version: i64) {
        let rx = &mut self.published;
        self.rt.block_on(async {
            let deadline = Duration::from_secs(60);
            tokio::time::timeout(deadline, async {
                while let Some((u, v)) = rx.recv().await {
                    if u == uri && v.is_some_and(|v| v >= version) {
                        return;
                    }
                }
                panic!("server closed");
            })
            .await
            .expect("diagnostics within 60 s")
        })
    }

    fn open_message(uri: &str, escaped_text: &str) -> Vec<u8> {
        frame(&format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"plaintext","version":1,"text":{escaped_text}}}}}}}"#
        ))
    }
}

/// UTF-16 (line, column) of a byte offset.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = before[line_start..].chars().map(char::len_utf16).sum();
    (line as u32, col as u32)
}

const SIZES: [(usize, &str); 3] = [(10_000, "10k"), (100_000, "100k"), (1_000_000, "1M")];

fn did_change(c: &mut Criterion) {
    let mut g = c.benchmark_group("lsp");
    for &(words, label) in &SIZES {
        let draft = gen::draft(words, 1);
        let mut server = Server::start();
        let uri = format!("file:///bench/change-{label}.txt");
        let escaped = serde_json::to_string(&draft.text).unwrap();
        server.send_raw(&Server::open_message(&uri, &escaped));
        server.wait(&uri, 1);
        // 16 typing places in different paragraphs (so different lines) around the middle;
        // inserting at a fixed (line, column) again and again keeps the others valid.
        let paras = paragraphs::split(&draft.text, Format::Plain);
        let mid = paras.len() / 2;
        let sites: Vec<(u32, u32)> = paras[mid - 8..mid + 8]
            .iter()
            .map(|p| {
                let body = &draft.text[p.span.start..p.span.end];
                position(
                    &draft.text,
                    p.span.start + body.find(' ').map_or(0, |k| k + 1),
                )
            })
            .collect();
        let mut version = 1i64;
        if words >= 1_000_000 {
            g.sampling_mode(SamplingMode::Flat)
                .sample_size(20)
                .measurement_time(Duration::from_secs(5));
        } else {
            g.sampling_mode(SamplingMode::Flat)
                .sample_size(30)
                .measurement_time(Duration::from_secs(3));
        }
        g.warm_up_time(Duration::from_millis(500));
        g.bench_function(BenchmarkId::new("did_change", label), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    version += 1;
                    let (line, col) = sites[version as usize % sites.len()];
                    let msg = frame(
                        &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                            "textDocument": {"uri": uri, "version": version},
                            "contentChanges": [{"range": {
                                "start": {"line": line, "character": col},
                                "end": {"line": line, "character": col}}, "text": "x"}]
                        }})
                        .to_string(),
                    );
                    let t0 = Instant::now();
                    server.send_raw(&msg);
                    server.wait(&uri, version);
                    total += t0.elapsed();
                }
                total
            })
        });
    }
    g.finish();
}

fn did_open(c: &mut Criterion) {
    let mut g = c.benchmark_group("lsp");
    let (words, label) = SIZES[2];
    let draft = gen::draft(words, 1);
    let escaped = serde_json::to_string(&draft.text).unwrap();
    let mut server = Server::start();
    let mut n = 0;
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function(BenchmarkId::new("did_open", label), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let uri = format!("file:///bench/open-{n}.txt");
                let msg = Server::open_message(&uri, &escaped);
                let t0 = Instant::now();
                server.send_raw(&msg);
                server.wait(&uri, 1);
                total += t0.elapsed();
                server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didClose",
                    "params": {"textDocument": {"uri": uri}}}));
                // Outside the timing: closing frees the last draft's analysis on the
                // server's threads, which the next open should not share its cores with.
                std::thread::sleep(Duration::from_millis(300));
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, did_change, did_open);
criterion_main!(benches);
