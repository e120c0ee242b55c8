//! End-to-end: the real binary, spoken to over stdio as an editor would.

mod common;

use common::{apply_edits, position, Client};
use serde_json::{json, Value};

const URI: &str = "file:///drafts/council.txt";

const LEDE: &str = "The city council voted 7-2 on Tuesday to approve a new stadium for the Harbor FC soccer club, ending months of debate.";
const QUOTE: &str = "“We listened to every neighbour who came to speak,” Mayor Linda Okafor said after the vote, promising a review of traffic plans.";
const OPPOSE: &str = "Opponents, led by the Eastside Residents Association, said they would ask a judge to block construction before the spring.";

fn caps() -> Value {
    json!({
        "textDocument": {"publishDiagnostics": {"relatedInformation": true, "versionSupport": true}},
        "workspace": {"workspaceEdit": {"documentChanges": true}}
    })
}

fn started(args: &[&str]) -> Client {
    let mut c = Client::spawn(args);
    let init = c.initialize(caps(), Value::Null);
    assert_eq!(init["result"]["serverInfo"]["name"], "copydesk");
    c
}

#[test]
fn duplicate_diagnostic_quick_fix_and_versioned_republish() {
    let mut c = started(&["lsp"]);
    let text = format!("{LEDE}\n\n{QUOTE}\n\n{LEDE}\n\n{OPPOSE}\n");
    c.open(URI, "plaintext", &text);
    let d = c.diagnostics(URI, 1);
    assert_eq!(d["version"], 1);
    let diags = d["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    let diag = &diags[0];
    assert_eq!(diag["code"], "duplicate-paragraph");
    assert_eq!(diag["severity"], 2);
    assert_eq!(diag["source"], "copydesk");
    assert_eq!(diag["message"], "Duplicate of the paragraph at line 1");
    assert_eq!(diag["range"]["start"], json!({"line": 4, "character": 0}));
    let related = &diag["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], URI);
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(related["message"], "first copy");

    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Remove duplicate paragraph")
        .expect("quick fix offered");
    assert_eq!(fix["kind"], "quickfix");
    let doc_edit = &fix["edit"]["documentChanges"][0];
    assert_eq!(doc_edit["textDocument"]["version"], 1);
    let edits = doc_edit["edits"].as_array().unwrap();
    let fixed = apply_edits(&text, edits);
    assert_eq!(fixed, format!("{LEDE}\n\n{QUOTE}\n\n{OPPOSE}\n"));

    // The client applies the edit and tells the server, incrementally.
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": changes}),
    );
    let d = c.diagnostics(URI, 2);
    assert_eq!(d["version"], 2);
    assert_eq!(d["diagnostics"], json!([]));
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn related_information_only_for_clients_that_accept_it() {
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(json!({}), Value::Null);
    let text = format!("{LEDE}\n\n{QUOTE}\n\n{LEDE}\n");
    c.open(URI, "plaintext", &text);
    let d = c.diagnostics(URI, 1);
    let diag = &d["diagnostics"][0];
    // The message still says where the first copy is.
    assert_eq!(diag["message"], "Duplicate of the paragraph at line 1");
    assert!(diag.get("relatedInformation").is_none(), "{diag}");
    // The quick fix does not depend on it.
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
    );
    let fix = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Remove duplicate paragraph")
        .expect("quick fix offered");
    let fixed = apply_edits(&text, fix["edit"]["changes"][URI].as_array().unwrap());
    assert_eq!(fixed, format!("{LEDE}\n\n{QUOTE}\n"));
}

#[test]
fn fix_all_source_action_removes_every_exact_copy() {
    let mut c = started(&["lsp", "--stdio"]);
    let text = format!("{LEDE}\n{QUOTE}\n{LEDE}\n{QUOTE}\n{OPPOSE}\n{LEDE}\n");
    c.open(URI, "plaintext", &text);
    assert_eq!(
        c.diagnostics(URI, 1)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = r["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "only the source action: {actions:?}");
    assert_eq!(actions[0]["title"], "Remove all duplicate paragraphs");
    let edits = actions[0]["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    assert_eq!(
        apply_edits(&text, edits),
        format!("{LEDE}\n{QUOTE}\n{OPPOSE}\n")
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

/// A tiny deterministic generator, so a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn char_boundary_floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[test]
fn hundreds_of_edits_sent_without_waiting_apply_in_order() {
    let mut c = started(&["lsp"]);
    let mut text = format!("{LEDE}\r\n{QUOTE}\r\n{OPPOSE}\r\n");
    c.open(URI, "plaintext", &text);
    let inserts = [
        "x",
        "é",
        "😀",
        "\n",
        "\r\n",
        "“",
        " Hegseth’s ",
        "",
        "👩‍👩‍👧 family\n",
    ];
    let mut rng = Lcg(7);
    let mut version = 1;
    for i in 0..600 {
        version += 1;
        let mut a = char_boundary_floor(&text, rng.next(text.len() + 1));
        let mut b = char_boundary_floor(&text, (a + [0, 0, 1, 3, 40][rng.next(5)]).min(text.len()));
        // Paste whole paragraphs, the last ones at the end, so the final text has duplicates.
        let ins = if i % 50 == 0 || i >= 596 {
            if i >= 596 {
                (a, b) = (text.len(), text.len());
            }
            format!("\n\n{}\n\n", [LEDE, QUOTE][i % 2])
        } else {
            inserts[rng.next(inserts.len())].to_string()
        };
        let change =
            json!({"range": {"start": position(&text, a), "end": position(&text, b)}, "text": ins});
        text.replace_range(a..b, &ins);
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [change]}),
        );
    }
    let incremental = c.diagnostics(URI, version);
    assert_eq!(incremental["version"], version);
    let fresh_uri = "file:///drafts/fresh.txt";
    c.open(fresh_uri, "plaintext", &text);
    let fresh = c.diagnostics(fresh_uri, 1);
    let key = common::diagnostic_keys;
    assert!(
        !key(&fresh).is_empty(),
        "the pasted paragraphs should be found"
    );
    assert_eq!(key(&incremental), key(&fresh));
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let mut c = Client::spawn(&["--stdio"]);
    let init = c.initialize(
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        Value::Null,
    );
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    let text = format!("😀 {LEDE}\n{QUOTE}\n😀 {LEDE}\n");
    c.open(URI, "plaintext", &text);
    let d = c.diagnostics(URI, 1);
    let range = &d["diagnostics"][0]["range"];
    assert_eq!(range["start"], json!({"line": 2, "character": 0}));
    assert_eq!(
        range["end"]["character"],
        text.lines().nth(2).unwrap().len()
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn utf16_is_the_default_and_counts_surrogate_pairs() {
    let mut c = started(&["lsp"]);
    let text = format!("😀 {LEDE}\n{QUOTE}\n😀 {LEDE}\n");
    c.open(URI, "plaintext", &text);
    let d = c.diagnostics(URI, 1);
    let line = text.lines().nth(2).unwrap();
    let units: usize = line.chars().map(char::len_utf16).sum();
    assert_eq!(d["diagnostics"][0]["range"]["end"]["character"], units);
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn settings_switch_rules_off_and_on() {
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(caps(), json!({"duplicates": {"enabled": false}}));
    let text = format!("{LEDE}\n{LEDE}\n");
    c.open(URI, "plaintext", &text);
    assert_eq!(c.diagnostics(URI, 1)["diagnostics"], json!([]));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"copydesk": {"duplicates": {"enabled": true}}}}),
    );
    let d = c.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
    });
    assert_eq!(d["params"]["diagnostics"][0]["code"], "duplicate-paragraph");
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let mut c = started(&["lsp"]);
    c.open(URI, "plaintext", &format!("{LEDE}\n{LEDE}\n"));
    assert_eq!(
        c.diagnostics(URI, 1)["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let d = c.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["diagnostics"] == json!([])
    });
    assert_eq!(d["params"]["uri"], URI);
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let mut c = started(&["lsp"]);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), 1);
}
