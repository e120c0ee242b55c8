//! Peak memory of the real server process on a 1M-word draft.
//!
//! Starts the release `copydesk lsp` binary, opens the generated 1,000,000-word draft,
//! waits for its diagnostics, types 20 characters (waiting for each edit's diagnostics),
//! and reads the process's peak resident set (`VmHWM` in /proc/PID/status, Linux only).
//! Target (issue 6): at most 10 × the text size + 30 MB.
//!
//! `cargo bench --bench memory` (a plain program, not criterion; it prints one table).
//! Also honours a name filter like the criterion benches: `cargo bench -- memory`.

#[path = "support/gen.rs"]
mod gen;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn frame(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
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
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// (VmHWM, VmRSS) in KiB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn main() {
    // `cargo bench -- FILTER` passes FILTER to every bench target; run only if it matches.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty()
        && !filters
            .iter()
            .any(|f| "memory/peak_rss/1M".contains(f.as_str()))
    {
        return;
    }
    if !cfg!(target_os = "linux") {
        println!("memory: needs /proc (Linux); skipped");
        return;
    }
    let words = 1_000_000;
    let draft = gen::draft(words, 1);
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start copydesk");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<Value>();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        while let Some(m) = read_message(&mut r) {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    let mut send = |v: &Value| {
        stdin.write_all(&frame(&v.to_string())).unwrap();
        stdin.flush().unwrap();
    };
    let wait = |pred: &dyn Fn(&Value) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = rx.recv_timeout(left).expect("server answers in time");
            if pred(&m) {
                return;
            }
        }
    };
    send(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    wait(&|m| m["id"] == 1);
    send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let (base_hwm, _) = memory(pid);
    let uri = "file:///bench/memory-1M.txt";
    let t0 = Instant::now();
    send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "plaintext", "version": 1, "text": draft.text}}}),
    );
    let is_diag = |m: &Value, v: i64| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["version"].as_i64() >= Some(v)
    };
    wait(&|m| is_diag(m, 1));
    let open_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let (open_hwm, open_rss) = memory(pid);
    let line = draft.text[..draft.text.len() / 2].matches('\n').count();
    for v in 2..22 {
        send(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": v},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0},
                "end": {"line": line, "character": 0}}, "text": "x"}]}}),
        );
        wait(&|m| is_diag(m, v));
    }
    let (edit_hwm, edit_rss) = memory(pid);
    send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    wait(&|m| m["id"] == 2);
    send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let _ = child.wait();

    let text_mb = draft.text.len() as f64 / 1e6;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let limit_mib = (10.0 * draft.text.len() as f64 + 30e6) / (1024.0 * 1024.0);
    println!(
        "memory/peak_rss/1M: {} words, text {:.2} MB ({} bytes)",
        draft.words,
        text_mb,
        draft.text.len()
    );
    println!("  after initialize:       VmHWM {:7.1} MiB", mib(base_hwm));
    println!(
        "  after didOpen:          VmHWM {:7.1} MiB, VmRSS {:7.1} MiB (diagnostics in {open_ms:.0} ms, over a pipe)",
        mib(open_hwm),
        mib(open_rss)
    );
    println!(
        "  after 20 edits:         VmHWM {:7.1} MiB, VmRSS {:7.1} MiB",
        mib(edit_hwm),
        mib(edit_rss)
    );
    println!(
        "  target 10 × text + 30 MB = {:.1} MiB: {} (peak = {:.1} × text size)",
        limit_mib,
        if mib(edit_hwm) <= limit_mib {
            "met"
        } else {
            "NOT met"
        },
        edit_hwm as f64 * 1024.0 / draft.text.len() as f64
    );
}
