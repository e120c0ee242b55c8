//! End-to-end over stdio: hover, definition, references, symbols, rename and quote lenses.

mod common;

use common::{apply_edits, position, Client};
use serde_json::{json, Value};

const URI: &str = "file:///drafts/summit.txt";
const DRAFT: &str = "Ukrainian President Volodymyr Zelensky arrived in Brussels on Monday.\n“Security guarantees without allies are not real guarantees,” he told the Guardian on Tuesday.\nZelensky later met NATO officials.\n";

fn open() -> Client {
    let mut c = Client::spawn(&["lsp"]);
    c.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Value::Null,
    );
    c.open(URI, "plaintext", DRAFT);
    c.diagnostics(URI, 1);
    c
}

fn at(needle: &str, nth: usize) -> Value {
    let off = DRAFT.match_indices(needle).nth(nth).unwrap().0;
    position(DRAFT, off)
}

#[test]
fn hover_on_a_pronoun_says_who_it_is() {
    let mut c = open();
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": at("he told", 0)}),
    );
    let md = r["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        md.starts_with("*he* → **Volodymyr Zelensky** · person"),
        "{md}"
    );
    assert!(md.contains("President · Ukraine"), "{md}");
    assert!(md.contains("Quoted 1 time"), "{md}");
    // Hover on a quote names its speaker, cue and addressee.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": at("guarantees without", 0)}),
    );
    let md = r["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains(
            "Speaker: **Volodymyr Zelensky** (President, Ukraine) · told the Guardian · Tuesday"
        ),
        "{md}"
    );
    // Nothing to say about plain words.
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": at("arrived", 0)}),
    );
    assert!(r["result"].is_null());
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn definition_and_references_cover_every_mention() {
    let mut c = open();
    let r = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": URI}, "position": at("Zelensky later", 0)}),
    );
    assert_eq!(r["result"]["range"]["start"], at("Volodymyr", 0));
    let r = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": at("Zelensky later", 0), "context": {"includeDeclaration": true}}),
    );
    let starts: Vec<Value> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"].clone())
        .collect();
    assert_eq!(
        starts,
        vec![
            at("Volodymyr", 0),
            at("he told", 0),
            at("Zelensky later", 0)
        ]
    );
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn document_symbols_group_actors_by_kind() {
    let mut c = open();
    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let groups = r["result"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["People", "Organizations", "Places"]);
    let person = &groups[0]["children"][0];
    assert_eq!(person["name"], "Volodymyr Zelensky");
    assert_eq!(person["detail"], "President · Ukraine · 3 mentions");
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn rename_changes_names_and_leaves_pronouns() {
    let mut c = open();
    let r = c.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": URI}, "position": at("he told", 0)}),
    );
    assert!(r["result"].is_null(), "pronouns are not renamed: {r}");
    let r = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": URI}, "position": at("Volodymyr", 0), "newName": "Volodymyr Zelenskyy"}),
    );
    let edits = r["result"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    let renamed = apply_edits(DRAFT, edits);
    assert!(
        renamed.starts_with("Ukrainian President Volodymyr Zelenskyy arrived"),
        "{renamed}"
    );
    assert!(renamed.contains("he told the Guardian"));
    assert!(renamed.contains("Zelenskyy later met"));
    assert_eq!(c.shutdown_and_exit(), 0);
}

#[test]
fn code_lens_above_each_quote_and_the_quotes_by_speaker_command() {
    let mut c = open();
    let r = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    let lenses = r["result"].as_array().unwrap();
    assert_eq!(lenses.len(), 1);
    let cmd = &lenses[0]["command"];
    assert_eq!(
        cmd["title"],
        "Volodymyr Zelensky · told the Guardian · Tuesday · 8 words"
    );
    assert_eq!(cmd["command"], "copydesk.showQuotes");
    assert_eq!(cmd["arguments"][0], URI);
    assert_eq!(cmd["arguments"][2].as_array().unwrap().len(), 1);
    let r = c.request(
        "workspace/executeCommand",
        json!({"command": "copydesk.quotesBySpeaker", "arguments": [URI, at("he told", 0)]}),
    );
    assert_eq!(r["result"][0]["range"]["start"], at("“Security", 0));
    assert_eq!(c.shutdown_and_exit(), 0);
}
