//! Issue 7, "never crash, never drift, never lose a word": one module per item of the issue.
//! The edit property test is in tests/proptest_edits.rs; fuzzing is in fuzz/ (FUZZING.md).

mod common;

use std::time::{Duration, Instant};

use common::Client;
use serde_json::{json, Value};

const LEDE: &str = "The city council voted 7-2 on Tuesday to approve a new stadium for the Harbor FC soccer club, ending months of debate.";
const QUOTE: &str = "“We listened to every neighbour who came to speak,” Mayor Linda Okafor said after the vote, promising a review of traffic plans.";
const OPPOSE: &str = "Opponents, led by the Eastside Residents Association, said they would ask a judge to block construction before the spring.";

fn caps() -> Value {
    json!({
        "textDocument": {"publishDiagnostics": {"relatedInformation": true, "versionSupport": true}},
        "workspace": {"workspaceEdit": {"documentChanges": true}}
    })
}

fn started() -> Client {
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(caps(), Value::Null);
    c
}

fn codes(d: &Value) -> Vec<String> {
    d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

fn error_code(r: &Value) -> Option<i64> {
    r["error"]["code"].as_i64()
}

/// The next response with `"id": null` (the reply to a message whose id is unknown).
fn null_id_response(c: &mut Client) -> Value {
    c.wait_for(|m| m.get("method").is_none() && m.get("id") == Some(&Value::Null))
}

/// The session still works: a request is answered and a new document gets diagnostics.
fn still_serving(c: &mut Client, uri: &str) {
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": "file:///never-opened.txt"},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    c.open(uri, "plaintext", &format!("{LEDE}\n\n{OPPOSE}\n\n{LEDE}\n"));
    assert_eq!(codes(&c.diagnostics(uri, 1)), ["duplicate-paragraph"]);
}

mod server_panics {
    use super::*;

    const MARKER: &str = "PANIC-MARKER-4f1c";

    fn armed() -> Client {
        let mut c = Client::spawn_with_env(&["lsp"], &[("COPYDESK_TEST_PANIC_ON", MARKER)]);
        c.initialize(caps(), Value::Null);
        c
    }

    #[test]
    fn analysis_panic_is_logged_and_the_server_keeps_serving() {
        let mut c = armed();
        let bad = "file:///drafts/bad.txt";
        c.open(bad, "plaintext", &format!("{LEDE}\n\n{MARKER}\n\n{LEDE}\n"));
        let log = c.wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains("deliberate panic"))
        });
        assert_eq!(log["params"]["type"], 1, "logged as an error: {log}");
        assert!(log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("bad.txt"));
        // The panicked version gets an empty result rather than stale diagnostics.
        let d = c.diagnostics(bad, 1);
        assert_eq!(d["diagnostics"], json!([]));
        // Requests on the panicked document are answered at once, not after a timeout.
        let t = Instant::now();
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": bad},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}},
                   "context": {"diagnostics": []}}),
        );
        assert!(r.get("error").is_none(), "{r}");
        assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
        // Other documents are served, and the bad one recovers once the marker is gone.
        still_serving(&mut c, "file:///drafts/other.txt");
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": bad, "version": 2},
                   "contentChanges": [{"text": format!("{LEDE}\n\n{QUOTE}\n\n{LEDE}\n")}]}),
        );
        assert_eq!(codes(&c.diagnostics(bad, 2)), ["duplicate-paragraph"]);
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn repeated_analysis_panics_do_not_wear_the_server_down() {
        let mut c = armed();
        let uri = "file:///drafts/flaky.txt";
        c.open(uri, "plaintext", MARKER);
        for v in 2..=30 {
            let text = if v % 2 == 0 {
                format!("{LEDE}\n{LEDE}\n")
            } else {
                format!("{MARKER} {v}")
            };
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}),
            );
            let d = c.diagnostics(uri, v);
            assert_eq!(d["version"], v);
            assert_eq!(
                d["diagnostics"].as_array().unwrap().len(),
                (v % 2 == 0) as usize
            );
        }
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn handler_panic_is_an_internal_error_reply_and_the_next_request_works() {
        let mut c = armed();
        // The hook panics in a request handler whose parameters contain the marker.
        let uri = format!("file:///drafts/{MARKER}.txt");
        c.open(&uri, "plaintext", &format!("{LEDE}\n{LEDE}\n"));
        assert_eq!(codes(&c.diagnostics(&uri, 1)), ["duplicate-paragraph"]);
        let params = json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
               "context": {"diagnostics": []}});
        for _ in 0..3 {
            let r = c.request("textDocument/codeAction", params.clone());
            assert_eq!(error_code(&r), Some(-32603), "{r}");
            assert!(r["error"]["message"]
                .as_str()
                .unwrap()
                .contains("textDocument/codeAction"));
            c.wait_for(|m| {
                m["method"] == "window/logMessage"
                    && m["params"]["message"]
                        .as_str()
                        .is_some_and(|s| s.contains("internal error in textDocument/codeAction"))
            });
        }
        still_serving(&mut c, "file:///drafts/other.txt");
        assert_eq!(c.shutdown_and_exit(), 0);
    }
}

mod protocol_abuse {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn malformed_json_gets_a_parse_error_and_the_session_goes_on() {
        let mut c = started();
        for body in [
            "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ",
            "",
            "not json at all",
            "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}}",
        ] {
            c.send_raw(&frame(body));
            let r = null_id_response(&mut c);
            assert_eq!(error_code(&r), Some(-32700), "{body:?}: {r}");
        }
        // Invalid UTF-8 in the body.
        c.send_raw(b"Content-Length: 4\r\n\r\n\"\xff\xfe\"");
        assert_eq!(error_code(&null_id_response(&mut c)), Some(-32700));
        still_serving(&mut c, "file:///after-bad-json.txt");
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn json_that_is_not_json_rpc_gets_invalid_request() {
        let mut c = started();
        for body in [
            "[1, 2]",
            "{\"hello\": 1}",
            "42",
            "{\"jsonrpc\": \"2.0\", \"method\": 5}",
        ] {
            c.send_raw(&frame(body));
            let r = null_id_response(&mut c);
            assert_eq!(error_code(&r), Some(-32600), "{body:?}: {r}");
        }
        // When the id can be read, the reply carries it.
        c.send_raw(&frame(
            r#"{"jsonrpc": "1.0", "id": 77, "method": "initialize"}"#,
        ));
        let r = c.wait_for(|m| m.get("id") == Some(&json!(77)));
        assert_eq!(error_code(&r), Some(-32600), "{r}");
        still_serving(&mut c, "file:///after-invalid-request.txt");
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    /// Sends `bad` and then a good request: the good one is answered, and `bad` got a
    /// parse error reply (id null).
    fn bad_then_good(c: &mut Client, bad: &[u8], id: i64) {
        c.send_raw(bad);
        let good = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction",
            "params": {"textDocument": {"uri": "file:///x"},
                       "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                       "context": {"diagnostics": []}}})
        .to_string();
        c.send_raw(format!("Content-Length: {}\r\n\r\n{good}", good.len()).as_bytes());
        let reply = c.wait_for(|m| m.get("id") == Some(&json!(id)));
        assert!(reply.get("error").is_none(), "{reply}");
        let r = null_id_response(c);
        assert_eq!(
            error_code(&r),
            Some(-32700),
            "{}: {r}",
            String::from_utf8_lossy(bad)
        );
    }

    #[test]
    fn bad_headers_are_reported_and_the_stream_resynchronises() {
        let mut c = started();
        let body = r#"{"jsonrpc":"2.0","method":"$/ignored"}"#;
        let cases: Vec<Vec<u8>> = vec![
            // Content-Length that is not a number; the body that follows is skipped.
            format!("Content-Length: abc\r\n\r\n{body}").into(),
            format!("Content-Length: -3\r\n\r\n{body}").into(),
            format!("Content-Length: 999999999999999999999999\r\n\r\n{body}").into(),
            format!("Content-Length:\r\n\r\n{body}").into(),
            // No Content-Length at all.
            format!("Content-Type: application/json\r\n\r\n{body}").into(),
            // Garbage where a header should be.
            b"\x00\x01garbage\r\n\r\n".to_vec(),
            b"{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}".to_vec(),
            vec![b'z'; 20_000],
            // A header that never ends.
            format!("Content-Length: 5\r\nX-Pad: {}", "p".repeat(20_000)).into(),
        ];
        for (i, bad) in cases.iter().enumerate() {
            bad_then_good(&mut c, bad, 1000 + i as i64);
        }
        // Lower-case header names, LF-only line ends, a Content-Type before the length and
        // blank lines between messages are accepted without complaint.
        let r = r#"{"jsonrpc":"2.0","id":500,"method":"$/noSuchMethod"}"#;
        c.send_raw(
            format!("\r\n\ncontent-type: application/vscode-jsonrpc; charset=utf-8\ncontent-length: {}\n\n{r}", r.len())
                .as_bytes(),
        );
        let reply = c.wait_for(|m| m.get("id") == Some(&json!(500)));
        assert_eq!(error_code(&reply), Some(-32601), "{reply}");
        assert!(
            c.backlog.iter().all(|m| m.get("error").is_none()),
            "{:?}",
            c.backlog
        );
        still_serving(&mut c, "file:///after-bad-headers.txt");
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn huge_content_length_then_end_of_input_exits_without_hanging() {
        let mut c = started();
        c.send_raw(b"Content-Length: 400000000\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":");
        c.close_stdin();
        assert_eq!(c.exit_within(Duration::from_secs(10)), Some(1));
    }

    #[test]
    fn over_limit_message_is_refused_without_buffering_it() {
        let mut c = started();
        // Announce more than the limit (512 MiB) but send only the start: the server answers
        // at once instead of waiting for the body.
        c.send_raw(b"Content-Length: 600000000\r\n\r\n{\"jsonrpc\":");
        let r = null_id_response(&mut c);
        assert_eq!(error_code(&r), Some(-32600), "{r}");
        c.close_stdin();
        assert_eq!(c.exit_within(Duration::from_secs(10)), Some(1));
    }

    #[test]
    fn unknown_methods() {
        let mut c = started();
        let r = c.request("copydesk/noSuchMethod", json!({}));
        assert_eq!(error_code(&r), Some(-32601), "{r}");
        let r = c.request("$/noSuchMethod", json!({}));
        assert_eq!(error_code(&r), Some(-32601), "{r}");
        // Unknown notifications are ignored: no reply, and the session goes on.
        c.notify("copydesk/noSuchNotification", json!({"x": 1}));
        c.notify("$/noSuchNotification", Value::Null);
        still_serving(&mut c, "file:///after-unknown.txt");
        assert!(
            c.backlog.iter().all(|m| m.get("error").is_none()),
            "{:?}",
            c.backlog
        );
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn requests_before_initialize_get_server_not_initialized() {
        let mut c = Client::spawn(&["lsp"]);
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": "file:///x"},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": []}}),
        );
        assert_eq!(error_code(&r), Some(-32002), "{r}");
        let r = c.request("shutdown", Value::Null);
        assert_eq!(error_code(&r), Some(-32002), "{r}");
        // Notifications before initialize are dropped, not fatal.
        c.open("file:///early.txt", "plaintext", LEDE);
        let init = c.initialize(caps(), Value::Null);
        assert_eq!(init["result"]["serverInfo"]["name"], "copydesk");
        // A second initialize is refused.
        let r = c.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert_eq!(error_code(&r), Some(-32600), "{r}");
        still_serving(&mut c, "file:///after-init.txt");
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn requests_and_edits_on_unknown_documents() {
        let mut c = started();
        let unknown = json!({"uri": "file:///never-opened.txt"});
        let at = json!({"line": 3, "character": 5});
        let range = json!({"start": at, "end": at});
        let requests = [
            (
                "textDocument/codeAction",
                json!({"textDocument": unknown, "range": range, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/hover",
                json!({"textDocument": unknown, "position": at}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": unknown, "position": at}),
            ),
            (
                "textDocument/references",
                json!({"textDocument": unknown, "position": at, "context": {"includeDeclaration": true}}),
            ),
            (
                "textDocument/documentSymbol",
                json!({"textDocument": unknown}),
            ),
            ("textDocument/codeLens", json!({"textDocument": unknown})),
            (
                "textDocument/rename",
                json!({"textDocument": unknown, "position": at, "newName": "X"}),
            ),
            (
                "textDocument/prepareRename",
                json!({"textDocument": unknown, "position": at}),
            ),
        ];
        for (method, params) in requests {
            let r = c.request(method, params);
            // Null or empty; or, for a feature this build does not offer, MethodNotFound.
            let ok = match r.get("error") {
                None => r["result"].is_null() || r["result"] == json!([]),
                Some(e) => e["code"] == -32601,
            };
            assert!(ok, "{method}: {r}");
        }
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": "file:///never-opened.txt", "version": 2},
                   "contentChanges": [{"range": range, "text": "x"}]}),
        );
        c.notify("textDocument/didClose", json!({"textDocument": unknown}));
        still_serving(&mut c, "file:///after-unknown-uris.txt");
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn positions_past_the_end_and_inverted_ranges_clamp() {
        let mut c = started();
        let uri = "file:///drafts/clamp.txt";
        c.open(uri, "plaintext", &format!("{LEDE}\n{QUOTE}"));
        c.diagnostics(uri, 1);
        let change = |v: i64, l0: u32, c0: u32, l1: u32, c1: u32, text: &str| {
            json!({"textDocument": {"uri": uri, "version": v},
                   "contentChanges": [{"range": {"start": {"line": l0, "character": c0},
                                                 "end": {"line": l1, "character": c1}}, "text": text}]})
        };
        // Past the end of the last line, past the last line, u32::MAX everywhere.
        c.notify(
            "textDocument/didChange",
            change(2, 1, 10_000, 1, 10_000, "\n"),
        );
        c.notify("textDocument/didChange", change(3, 99, 0, 120, 7, OPPOSE));
        c.notify(
            "textDocument/didChange",
            change(4, u32::MAX, u32::MAX, u32::MAX, u32::MAX, "\n"),
        );
        // Inverted: from the end of line 0 back to its start is the same as start..end.
        c.notify("textDocument/didChange", change(5, 0, 10_000, 0, 0, LEDE));
        // Past the end of line 0 (which ends with LF) does not eat the line break.
        c.notify("textDocument/didChange", change(6, 0, 500, 0, 600, ""));
        let want = format!("{LEDE}\n{QUOTE}\n{OPPOSE}\n");
        let fresh = "file:///drafts/fresh.txt";
        c.open(fresh, "plaintext", &want);
        let key = |d: &Value| -> Vec<String> {
            d["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| format!("{} {} {}", x["range"], x["code"], x["message"]))
                .collect()
        };
        let got = c.diagnostics(uri, 6);
        let reference = c.diagnostics(fresh, 1);
        assert_eq!(key(&got), key(&reference));
        // A full replacement with the same text proves the server's copy was identical.
        let text_probe = format!("{want}{LEDE}\n");
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 7},
                   "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": format!("{LEDE}\n")}]}),
        );
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": fresh, "version": 2}, "contentChanges": [{"text": text_probe}]}),
        );
        assert_eq!(key(&c.diagnostics(uri, 7)), key(&c.diagnostics(fresh, 2)));
        // Requests with out-of-range and inverted ranges.
        for (a, b) in [
            ((9999, 0), (0, 0)),
            ((0, u32::MAX), (u32::MAX, 0)),
            ((2, 5), (1, 3)),
        ] {
            let r = c.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri},
                       "range": {"start": {"line": a.0, "character": a.1}, "end": {"line": b.0, "character": b.1}},
                       "context": {"diagnostics": []}}),
            );
            assert!(r.get("error").is_none(), "{r}");
        }
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    #[test]
    fn shutdown_then_exit_is_0_and_exit_alone_is_1() {
        assert_eq!(started().shutdown_and_exit(), 0);
        let mut c = started();
        c.notify("exit", Value::Null);
        assert_eq!(c.exit_within(Duration::from_secs(10)), Some(1));
        // exit before initialize, too.
        let mut c = Client::spawn(&["lsp"]);
        c.notify("exit", Value::Null);
        assert_eq!(c.exit_within(Duration::from_secs(10)), Some(1));
    }

    #[test]
    fn end_of_input_exits_without_hanging() {
        // Mid-session, with a document open and no shutdown: status 1.
        let mut c = started();
        c.open("file:///eof.txt", "plaintext", &format!("{LEDE}\n{LEDE}\n"));
        c.close_stdin();
        assert_eq!(c.exit_within(Duration::from_secs(10)), Some(1));
        // Before anything was said.
        let mut c = Client::spawn(&["lsp"]);
        c.close_stdin();
        assert_eq!(c.exit_within(Duration::from_secs(10)), Some(1));
        // After shutdown, end of input is as good as exit: status 0.
        let mut c = started();
        let r = c.request("shutdown", Value::Null);
        assert!(r.get("error").is_none());
        c.close_stdin();
        assert_eq!(c.exit_within(Duration::from_secs(10)), Some(0));
    }

    #[test]
    fn garbage_between_edits_loses_no_edit() {
        let mut c = started();
        let uri = "file:///drafts/noisy.txt";
        c.open(uri, "plaintext", "");
        let mut text = String::new();
        for v in 2..=60 {
            // Short enough (under 15 words) never to be near-duplicates of each other.
            let line = format!("Line {v} of the noisy draft, kept short.\n");
            let end = common::position(&text, text.len());
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": v},
                       "contentChanges": [{"range": {"start": end, "end": end}, "text": line}]}),
            );
            text.push_str(&line);
            match v % 4 {
                0 => c.send_raw(&frame("{broken")),
                1 => c.send_raw(b"Content-Length: x\r\n\r\n{}"),
                2 => c.send_raw(&frame("[]")),
                _ => c.notify("copydesk/unknown", json!({})),
            }
        }
        // Paste the first line again at the end: exactly one duplicate if no edit was lost.
        let first = text.lines().next().unwrap().to_string();
        let end = common::position(&text, text.len());
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 61},
                   "contentChanges": [{"range": {"start": end, "end": end}, "text": format!("{first}\n")}]}),
        );
        let d = c.diagnostics(uri, 61);
        assert_eq!(codes(&d), ["duplicate-paragraph"], "{d}");
        assert_eq!(d["diagnostics"][0]["range"]["start"]["line"], 59);
        assert_eq!(c.shutdown_and_exit(), 0);
    }
}

mod huge_input {
    use super::*;

    /// Deterministic news-like text: paragraphs of 20 to 80 words from a 5,000-word
    /// vocabulary (with curly quotes and an accent here and there), blank lines between,
    /// and about one paragraph in a hundred pasted twice.
    pub fn draft(bytes: usize, seed: u64) -> String {
        let mut s = seed;
        let mut next = move |n: usize| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) as usize) % n
        };
        let vocab: Vec<String> = (0..5000)
            .map(|_| {
                let len = 2 + next(8);
                let mut w: String = (0..len).map(|_| (b'a' + next(26) as u8) as char).collect();
                match next(40) {
                    0 => w = format!("“{w}”"),
                    1 => w.push('é'),
                    _ => {}
                }
                w
            })
            .collect();
        let mut out = String::with_capacity(bytes + 1000);
        let mut paras: Vec<(usize, usize)> = Vec::new();
        while out.len() < bytes {
            let start = out.len();
            if next(100) == 0 && !paras.is_empty() {
                let (a, b) = paras[next(paras.len())];
                let copy = out[a..b].to_string();
                out.push_str(&copy);
            } else {
                for i in 0..20 + next(60) {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&vocab[next(vocab.len())]);
                }
                out.push('.');
            }
            paras.push((start, out.len()));
            out.push_str("\n\n");
        }
        out
    }

    fn peak_rss_mb(pid: u32) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024)
    }

    /// A small document opened while a big one is being analysed still gets its
    /// diagnostics promptly. Returns the latency.
    fn small_doc_latency(c: &mut Client, uri: &str) -> Duration {
        let t = Instant::now();
        c.open(uri, "plaintext", &format!("{LEDE}\n\n{OPPOSE}\n\n{LEDE}\n"));
        assert_eq!(codes(&c.diagnostics(uri, 1)), ["duplicate-paragraph"]);
        t.elapsed()
    }

    fn insert_at(c: &mut Client, uri: &str, version: i64, line: u64, character: u64, text: &str) {
        let at = json!({"line": line, "character": character});
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": at, "end": at}, "text": text}]}),
        );
    }

    #[test]
    fn one_megabyte_single_line_keeps_the_server_responsive() {
        let mut c = started();
        let mut line = draft(1_100_000, 3).replace("\n\n", " ");
        line.truncate(line.trim_end().len());
        assert!(!line.contains('\n'), "newline at {:?}", line.find('\n'));
        assert!(line.len() >= 1 << 20, "{}", line.len());
        let uri = "file:///drafts/one-line.txt";
        c.open(uri, "plaintext", &line);
        let small = small_doc_latency(&mut c, "file:///drafts/small-1.txt");
        assert!(
            small < Duration::from_secs(5),
            "small document waited {small:?}"
        );
        c.diagnostics(uri, 1);
        // Quote attribution is skipped on a paragraph this long, and the log says so.
        let log = c.wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains("whose quotes are not attributed"))
        });
        assert!(log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("one-line.txt"));
        // Keystrokes in the middle and at the end of the line, past its end, and a paste
        // that splits it; then the diagnostics of the last version arrive.
        let units = line.chars().map(char::len_utf16).sum::<usize>() as u64;
        for v in 2..40 {
            insert_at(
                &mut c,
                uri,
                v,
                0,
                [units / 2, units, units + 999][v as usize % 3],
                "x",
            );
        }
        insert_at(
            &mut c,
            uri,
            40,
            0,
            units / 3,
            &format!("\n\n{LEDE}\n\n{LEDE}\n\n"),
        );
        let d = c.diagnostics(uri, 40);
        assert_eq!(d["version"], 40);
        assert!(
            codes(&d).contains(&"duplicate-paragraph".to_string()),
            "{d}"
        );
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": 0, "character": units}, "end": {"line": 0, "character": units + 5}},
                   "context": {"diagnostics": []}}),
        );
        assert!(r.get("error").is_none(), "{r}");
        let small = small_doc_latency(&mut c, "file:///drafts/small-2.txt");
        assert!(
            small < Duration::from_secs(5),
            "small document waited {small:?}"
        );
        assert_eq!(c.shutdown_and_exit(), 0);
    }

    fn big_diagnostics(c: &mut Client, uri: &str, version: i64) -> Value {
        c.wait_for_within(Duration::from_secs(120), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        })["params"]
            .clone()
    }

    /// Run by hand (release build; it takes about a minute, too long for every CI run):
    /// `cargo test --release --test robustness huge_input -- --ignored --nocapture`.
    /// Results are recorded in FUZZING.md ("Huge input").
    #[test]
    #[ignore = "50 MB draft: run by hand in release (see FUZZING.md)"]
    fn fifty_megabyte_draft_bounded_memory_and_responsive() {
        let text = draft(50_000_000, 11);
        let mb = text.len() as f64 / 1e6;
        let mut c = started();
        let uri = "file:///drafts/huge.txt";
        let t = Instant::now();
        c.open(uri, "plaintext", &text);
        let sent = t.elapsed();
        let small = small_doc_latency(&mut c, "file:///drafts/small-1.txt");
        let d = big_diagnostics(&mut c, uri, 1);
        let first = t.elapsed();
        let findings = d["diagnostics"].as_array().unwrap().len();
        // A keystroke in the middle of the document.
        let t = Instant::now();
        let mid_line = (text[..text.len() / 2].matches('\n').count()) as u64;
        insert_at(&mut c, uri, 2, mid_line, 0, "x");
        let small2 = small_doc_latency(&mut c, "file:///drafts/small-2.txt");
        let d2 = big_diagnostics(&mut c, uri, 2);
        let second = t.elapsed();
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": mid_line, "character": 0}, "end": {"line": mid_line, "character": 0}},
                   "context": {"diagnostics": []}}),
        );
        assert!(r.get("error").is_none());
        let rss = peak_rss_mb(c.pid()).unwrap_or(0);
        let log: Vec<String> = c
            .backlog
            .iter()
            .filter(|m| m["method"] == "window/logMessage")
            .map(|m| m["params"]["message"].to_string())
            .collect();
        eprintln!(
            "huge_input: {mb:.1} MB, {findings} findings; didOpen sent in {sent:?}; \
             first diagnostics after {first:?}; small doc meanwhile {small:?}; \
             keystroke -> diagnostics {second:?} (small doc meanwhile {small2:?}); \
             server peak RSS {rss} MB; log: {log:?}"
        );
        assert_eq!(d2["version"], 2);
        assert!(small < Duration::from_secs(5) && small2 < Duration::from_secs(5));
        // Linear, about 17x the text with actors and quotes (FUZZING.md); catches a blow-up.
        assert!(
            rss < 24 * mb as u64,
            "peak RSS {rss} MB for a {mb} MB draft"
        );
        assert_eq!(c.shutdown_and_exit(), 0);
    }
}

mod huge_input_limits {
    use super::*;

    #[test]
    fn a_flood_of_findings_is_capped_with_a_notice() {
        let mut c = started();
        let uri = "file:///drafts/pasted-5000-times.txt";
        let text = format!("{LEDE}\n\n").repeat(5000);
        c.open(uri, "plaintext", &text);
        let d = c.diagnostics(uri, 1);
        assert_eq!(d["diagnostics"].as_array().unwrap().len(), 2000);
        assert_eq!(
            d["diagnostics"][0]["range"]["start"]["line"], 2,
            "the first ones are kept"
        );
        let log = c.wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains("4999 findings"))
        });
        assert_eq!(log["params"]["type"], 2, "a warning: {log}");
        // The fix-all action is bounded the same way, and applies.
        let r = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        );
        let edits = r["result"][0]["edit"]["documentChanges"][0]["edits"]
            .as_array()
            .unwrap();
        assert_eq!(edits.len(), 2000);
        let fixed = common::apply_edits(&text, edits);
        assert_eq!(fixed.matches(LEDE).count(), 3000);
        // Below the cap again: everything is shown, and no new notice.
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2},
                   "contentChanges": [{"text": format!("{LEDE}\n\n{LEDE}\n")}]}),
        );
        assert_eq!(codes(&c.diagnostics(uri, 2)), ["duplicate-paragraph"]);
        assert_eq!(c.shutdown_and_exit(), 0);
    }
}

mod cli_inputs {
    //! Gaps left by tests/cli.rs: unreadable files and directories, links that go nowhere,
    //! FIFOs, bad bytes on standard input, a directory without drafts next to a good file.

    use super::*;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output, Stdio};

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("copydesk-robust-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// Runs `copydesk check`, failing the test if it does not finish in 20 s.
    fn check(args: &[&Path], stdin: &[u8]) -> Output {
        check_within(args, stdin, None)
    }

    /// `check`, its address space limited to `memory` bytes when given.
    fn check_within(args: &[&Path], stdin: &[u8], memory: Option<u64>) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_copydesk"));
        command
            .args(["check", "--format", "json"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(bytes) = memory {
            use std::os::unix::process::CommandExt;
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            // SAFETY: setrlimit is async-signal-safe, and `limit` is copied into the
            // closure, which only reads it.
            unsafe {
                command.pre_exec(move || {
                    if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        let mut child = command.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin);
        drop(input);
        let deadline = Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("copydesk check {args:?} hung");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child.wait_with_output().unwrap()
    }

    fn files(o: &Output) -> Vec<String> {
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    }

    fn stderr(o: &Output) -> String {
        String::from_utf8_lossy(&o.stderr).to_string()
    }

    fn good(dir: &Path) -> PathBuf {
        let p = dir.join("good.txt");
        std::fs::write(&p, format!("{LEDE}\n\n{LEDE}\n")).unwrap();
        p
    }

    /// A file longer than a draft can be (offsets are 32-bit) is refused by its size,
    /// before it is read: in 1 GiB of address space, which reading it would overrun.
    #[test]
    fn a_file_over_4_gib_is_refused_unread() {
        let d = tmpdir("huge");
        let good = good(&d);
        let huge = d.join("huge.txt");
        // Sparse: no disk space used.
        let f = std::fs::File::create(&huge).unwrap();
        f.set_len((4 << 30) + 1).unwrap();
        drop(f);
        let o = check_within(&[&huge, &good], b"", Some(1 << 30));
        let _ = std::fs::remove_dir_all(&d);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("{}: over 4 GiB, not checked", huge.display())),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            files(&o),
            [good.to_str().unwrap()],
            "the good file was checked"
        );
    }

    /// chmod 000 makes a file unreadable unless we are root (as in CI containers).
    fn unreadable(path: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).unwrap();
        std::fs::read_dir(path).is_err() && std::fs::read(path).is_err()
    }

    #[test]
    fn links_that_go_nowhere_are_named_and_the_rest_still_checked() {
        let d = tmpdir("links");
        let good = good(&d);
        std::os::unix::fs::symlink("loop.md", d.join("loop.md")).unwrap();
        std::os::unix::fs::symlink("nowhere.txt", d.join("gone.txt")).unwrap();
        // Walked: both links are reported, the good file is checked.
        let o = check(&[&d], b"");
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}: ", d.join("loop.md").display())),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "{}: no such file or directory",
                d.join("gone.txt").display()
            )),
            "{err}"
        );
        assert_eq!(files(&o), [good.to_str().unwrap()]);
        // Named on the command line: the same.
        let o = check(&[&d.join("loop.md"), &good], b"");
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("loop.md: "), "{}", stderr(&o));
        assert_eq!(files(&o).len(), 1);
    }

    #[test]
    fn unreadable_file_and_directory_are_named_and_the_walk_goes_on() {
        let d = tmpdir("unreadable");
        let good = good(&d);
        let secret = d.join("secret.txt");
        std::fs::write(&secret, LEDE).unwrap();
        let locked = d.join("a-locked");
        std::fs::create_dir_all(&locked).unwrap();
        std::fs::write(locked.join("inside.md"), LEDE).unwrap();
        if !(unreadable(&secret) && unreadable(&locked)) {
            eprintln!("skipped: running with privileges that ignore chmod 000 (root)");
            return;
        }
        let o = check(&[&d], b"");
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}: permission denied", secret.display())),
            "{err}"
        );
        assert!(
            err.contains(&format!("{}: permission denied", locked.display())),
            "{err}"
        );
        assert_eq!(files(&o), [good.to_str().unwrap()], "the walk went on");
    }

    #[test]
    fn a_fifo_named_like_a_draft_is_skipped_not_waited_on() {
        let d = tmpdir("fifo");
        let good = good(&d);
        let made = Command::new("mkfifo")
            .arg(d.join("pipe.txt"))
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let o = check(&[&d], b"");
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(files(&o), [good.to_str().unwrap()]);
    }

    #[test]
    fn a_directory_without_drafts_next_to_a_good_file() {
        let d = tmpdir("nodrafts-mixed");
        let good = good(&d);
        let empty = d.join("images");
        std::fs::create_dir_all(&empty).unwrap();
        std::fs::write(empty.join("photo.jpg"), b"\xff\xd8\xff").unwrap();
        let o = check(&[&empty, &good], b"");
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains(&format!("{}: no drafts", empty.display())),
            "{}",
            stderr(&o)
        );
        assert_eq!(files(&o), [good.to_str().unwrap()]);
    }

    #[test]
    fn bad_bytes_on_standard_input_are_named() {
        let dash = Path::new("-");
        let o = check(&[dash], b"caf\xc3\xa9 ok, then \xff bad");
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("<stdin>: invalid UTF-8 at byte 15"),
            "{}",
            stderr(&o)
        );
        let o = check(&[dash], b"GIF89a\x00\x00");
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("<stdin>: binary file"),
            "{}",
            stderr(&o)
        );
        // Empty standard input next to a good file: named, and the file is still checked.
        let d = tmpdir("stdin-mixed");
        let good = good(&d);
        let o = check(&[dash, &good], b"");
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("<stdin>: nothing on standard input"));
        assert_eq!(files(&o), [good.to_str().unwrap()]);
    }
}

mod fuzz_regressions {
    //! Every input in fuzz/regressions/ (crashes and invariant failures the fuzzers found,
    //! see FUZZING.md) runs through the analysis, the quote scanner and the server.

    use super::*;
    use copydesk::analysis::quotes::scan;
    use copydesk::analysis::{analyze, Config, Format};

    fn inputs() -> Vec<(String, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        v.sort();
        assert!(!v.is_empty());
        v
    }

    #[test]
    fn regressions_analyse_without_panicking() {
        for (name, bytes) in inputs() {
            let text = String::from_utf8_lossy(&bytes);
            for format in [Format::Plain, Format::Markdown] {
                let a = analyze(&text, format, &Config::default());
                for f in &a.findings {
                    assert!(f.span.end <= text.len(), "{name}");
                }
            }
            let quotes = scan(&text);
            for q in &quotes {
                // depth counts exactly the quotes found around it.
                let around = quotes
                    .iter()
                    .filter(|o| o.open < q.open && q.end <= o.end)
                    .count();
                assert_eq!(q.depth as usize, around, "{name}: {q:?}");
            }
            for q in quotes {
                assert!(
                    q.open <= q.inner.0 && q.inner.0 <= q.inner.1,
                    "{name}: {q:?}"
                );
                assert!(
                    q.inner.1 <= q.end && q.end as usize <= text.len(),
                    "{name}: {q:?}"
                );
            }
        }
    }

    #[test]
    fn regressions_over_stdio() {
        let mut c = started();
        for (i, (_, bytes)) in inputs().into_iter().enumerate() {
            let uri = format!("file:///regression-{i}.md");
            c.open(&uri, "markdown", &String::from_utf8_lossy(&bytes));
            c.diagnostics(&uri, 1);
        }
        assert_eq!(c.shutdown_and_exit(), 0);
    }
}

/// An editor busy elsewhere stops reading the server's output while the reporter goes on
/// typing: the server must go on reading (and applying) edits while what it writes
/// waits, and once it is read again publish the diagnostics of the last version.
mod slow_client {
    use super::*;
    use common::framed;
    use std::io::{BufReader, Write};
    use std::sync::mpsc;

    /// A pipe's default capacity on Linux: 16 pages, whose first may be partly read.
    const PIPE: usize = 1 << 16;
    const PIPE_FULL: usize = PIPE - 4096;

    /// Bytes written to the pipe and not read yet.
    fn waiting_bytes(pipe: &std::process::ChildStdout) -> usize {
        use std::os::fd::AsRawFd;
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD writes one c_int through the pointer, which outlives the call.
        let r = unsafe { libc::ioctl(pipe.as_raw_fd(), libc::FIONREAD, &mut n) };
        assert_eq!(r, 0, "FIONREAD");
        n as usize
    }

    #[test]
    fn edits_sent_while_output_is_unread_are_all_applied() {
        let mut child = common::start(&["lsp"], &[]);
        let mut stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        stdin
            .write_all(&framed(
                &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": null, "rootUri": null, "capabilities": caps()}}),
            ))
            .unwrap();
        while common::read_message(&mut out).expect("initialize reply")["id"] != 1 {}
        // Each version has two hundred duplicate paragraphs: a few of its diagnostics
        // messages fill the pipe to the client.
        let pairs: String = (0..200)
            .map(|i| format!("{i}. {LEDE}\n\n{i}. {LEDE}\n\n"))
            .collect();
        let uri = "file:///slow.txt";
        // More than the pipe to the server holds (about 160 KB): a server that stopped
        // reading would block the writes below.
        let edits = 600;
        let mut text = pairs.clone();
        for m in [
            json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
                {"uri": uri, "languageId": "plaintext", "version": 1, "text": pairs}}}),
        ] {
            stdin.write_all(&framed(&m)).unwrap();
        }
        stdin.flush().unwrap();
        // The first version's diagnostics are more than the pipe holds: once the pipe is
        // full the server's write of them waits, and every edit below arrives meanwhile.
        let deadline = Instant::now() + common::TIMEOUT;
        while waiting_bytes(out.get_ref()) < PIPE_FULL {
            assert!(
                Instant::now() < deadline,
                "the first diagnostics never filled the pipe: {} bytes",
                waiting_bytes(out.get_ref())
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let mut messages = Vec::new();
        for v in 2..=edits + 1 {
            // A new paragraph at the top, a copy of an earlier one every third time.
            let insert = if v % 3 == 0 {
                format!("{}. {LEDE}\n\n", v % 200)
            } else {
                format!("{QUOTE} ({v})\n\n")
            };
            text.insert_str(0, &insert);
            messages.push(
                json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": v},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                    "end": {"line": 0, "character": 0}}, "text": insert}]}}),
            );
        }
        // Written on a thread, nothing read meanwhile: a server that stopped reading its
        // input would block these writes, and the test would fail at the deadline below
        // instead of hanging.
        let (done_tx, done) = mpsc::channel();
        std::thread::spawn(move || {
            for m in &messages {
                if stdin.write_all(&framed(m)).is_err() {
                    return;
                }
            }
            let _ = stdin.flush();
            let _ = done_tx.send(stdin);
        });
        let Ok(stdin) = done.recv_timeout(common::TIMEOUT) else {
            let _ = child.kill();
            panic!("the server stopped reading edits while its output went unread");
        };
        let want = copydesk::analysis::analyze(
            &text,
            copydesk::analysis::Format::Plain,
            &copydesk::analysis::Config::default(),
        )
        .findings
        .len();
        assert!(want > 200, "{want} findings");
        // Read from here as every other test reads: a server that never answers fails
        // the test at the deadline instead of hanging it.
        let mut c = Client::adopt(child, stdin, out, 1);
        let mut published = Vec::new();
        let last = loop {
            let m = c.wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            });
            published.push((m["params"]["version"].clone(), m.to_string().len()));
            if m["params"]["version"] == edits + 1 {
                break m["params"].clone();
            }
        };
        assert_eq!(published[0].0, 1, "{published:?}");
        assert!(published[0].1 > PIPE, "{published:?}");
        assert_eq!(last["diagnostics"].as_array().unwrap().len(), want);
        assert_eq!(c.shutdown_and_exit(), 0);
    }
}
