//! `copydesk check` from the shell: output formats, exit statuses, bad inputs.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PARA: &str =
    "The city council voted 7-2 on Tuesday to approve a new stadium for the Harbor FC soccer club.";
const OTHER: &str =
    "Opponents said they would ask a judge to block construction before the spring thaw.";

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("copydesk-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn check(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("check")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn json_schema_version_1_with_spans_ranges_and_related() {
    let d = tmpdir("json");
    let path = d.join("draft.md");
    let text = format!("# Stadium vote\n\n{PARA}\n\n{OTHER}\n\n{PARA}\n");
    std::fs::write(&path, &text).unwrap();
    let o = check(&["--format", "json", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let file = &doc["files"][0];
    assert_eq!(file["path"], path.to_str().unwrap());
    assert_eq!(file["paragraphs"].as_array().unwrap().len(), 4);
    assert!(file["actors"].is_array() && file["quotes"].is_array());
    let diag = &file["diagnostics"][0];
    assert_eq!(diag["code"], "duplicate-paragraph");
    assert_eq!(diag["severity"], "warning");
    let start = text.rfind(PARA).unwrap();
    assert_eq!(diag["span"], serde_json::json!([start, start + PARA.len()]));
    assert_eq!(
        diag["range"]["start"],
        serde_json::json!({"line": 6, "character": 0})
    );
    let first = text.find(PARA).unwrap();
    assert_eq!(diag["related"][0]["span"][0], first);
    assert_eq!(diag["related"][0]["message"], "first copy");
}

/// The JSON is written as it is built (issue 7: a flood of pasted copies once took 5.6 GB):
/// several files, thousands of findings and text that needs escaping still make one valid
/// document, every finding included.
#[test]
fn json_of_many_files_and_thousands_of_findings_is_one_document() {
    let d = tmpdir("json-stream");
    let flood = d.join("flood.txt");
    std::fs::write(&flood, format!("{PARA}\n\n").repeat(3000)).unwrap();
    let odd = d.join("odd \"name\".txt");
    std::fs::write(&odd, "Tab\there, a backslash \\ and “quotes”.\n").unwrap();
    let o = check(
        &[
            "--format",
            "json",
            flood.to_str().unwrap(),
            odd.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["diagnostics"].as_array().unwrap().len(), 2999);
    assert_eq!(files[0]["paragraphs"].as_array().unwrap().len(), 3000);
    assert_eq!(files[1]["path"], odd.to_str().unwrap());
    assert!(o.stdout.ends_with(b"}\n"));
}

#[test]
fn human_format_and_clean_exit() {
    let d = tmpdir("human");
    let dup = d.join("dup.txt");
    std::fs::write(&dup, format!("{PARA}\n{OTHER}\n{PARA}\n")).unwrap();
    let o = check(&[dup.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let want = format!(
        "{}:3:1: warning[duplicate-paragraph] Duplicate of the paragraph at line 1",
        dup.display()
    );
    assert!(out.starts_with(&want), "{out}");
    assert!(out.contains(&format!("    | {PARA}")));
    let clean = d.join("clean.txt");
    std::fs::write(&clean, format!("{PARA}\n{OTHER}\n")).unwrap();
    assert_eq!(
        check(&[clean.to_str().unwrap()], None).status.code(),
        Some(0)
    );
}

#[test]
fn directories_are_walked_for_drafts_only() {
    let d = tmpdir("dir");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/a.markdown"), format!("{PARA}\n\n{PARA}\n")).unwrap();
    std::fs::write(d.join("notes.rs"), format!("{PARA}\n\n{PARA}\n")).unwrap();
    let o = check(&["--format", "json", d.to_str().unwrap()], None);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert!(files[0]["path"].as_str().unwrap().ends_with("a.markdown"));
    let empty = tmpdir("nodrafts");
    let o = check(&[empty.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no drafts"), "{}", stderr(&o));
}

#[test]
fn bad_inputs_are_named_and_the_rest_still_checked() {
    let d = tmpdir("bad");
    let good = d.join("good.txt");
    std::fs::write(&good, format!("{PARA}\n{PARA}\n")).unwrap();
    let binary = d.join("photo.txt");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    let latin1 = d.join("latin1.txt");
    std::fs::write(&latin1, b"caf\xe9 au lait").unwrap();
    let empty = d.join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let missing = d.join("missing.txt");
    let o = check(
        &[
            "--format",
            "json",
            good.to_str().unwrap(),
            binary.to_str().unwrap(),
            latin1.to_str().unwrap(),
            empty.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}: binary file", binary.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}: invalid UTF-8 at byte 3", latin1.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}: empty file", empty.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}: no such file or directory", missing.display())),
        "{err}"
    );
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        doc["files"].as_array().unwrap().len(),
        1,
        "the good file is still reported"
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let o = check(&["-"], Some(format!("{PARA}\n{PARA}\n").as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("<stdin>:2:1: warning"));
    let o = check(&["-"], Some(b""));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<stdin>: nothing on standard input"));
}

#[test]
fn usage_errors_exit_2_and_version_works() {
    let o = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("copydesk "));
}

#[test]
fn roster_from_config_and_bad_rosters_exit_2() {
    let d = tmpdir("roster");
    let draft = d.join("draft.txt");
    std::fs::write(&draft, "The Pentagon chief flew to Brussels on Monday.\n").unwrap();
    let good = d.join("good.toml");
    std::fs::write(
        &good,
        "[[actor]]\nname = \"Pete Hegseth\"\naliases = [\"the Pentagon chief\"]\n",
    )
    .unwrap();
    let o = check(
        &[
            "--format",
            "json",
            "--config",
            good.to_str().unwrap(),
            draft.to_str().unwrap(),
        ],
        None,
    );
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let actors = doc["files"][0]["actors"].as_array().unwrap();
    let h = actors
        .iter()
        .find(|a| a["name"] == "Pete Hegseth")
        .expect("roster actor");
    assert_eq!(h["mentions"][0]["via"], "roster");
    let bad = d.join("bad.toml");
    std::fs::write(&bad, "[[actor]]\nname = \"X\"\nkind = \"planet\"\n").unwrap();
    let o = check(
        &["--config", bad.to_str().unwrap(), draft.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 1: actor \"X\": kind \"planet\""),
        "{}",
        stderr(&o)
    );
}
