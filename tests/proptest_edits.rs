//! Issue 7, edits: random incremental edit sequences never make the server's text drift from
//! the client's, and the diagnostics after a burst equal a fresh analysis of the final text.
//!
//! The reference model is a `String` edited with LSP semantics as clients that split lines on
//! LF count them: positions are (line, UTF-16 column), lines end at `\n` only (a lone `\r`
//! is a character; see src/analysis/line_index.rs), columns past a line's end clamp to
//! before its `\n`, lines past the end clamp to the end of the text, a column inside a
//! surrogate pair moves to the character's start, and an inverted range is its mirror.
//!
//! Volume per `cargo test` (debug build): `document_*` 250 cases × 40 edits = 10,000 edits
//! in process, `stdio_*` 16 sessions × 250 edits = 4,000 edits over stdio: 14,000 edits; about 10 s.

mod common;

use common::Client;
use copydesk::analysis::line_index::Encoding;
use copydesk::analysis::{analyze, Config, Format, LineIndex};
use copydesk::lsp::document::Document;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

const PARAS: [&str; 3] = [
    "The city council voted 7-2 on Tuesday to approve a new stadium for the Harbor FC soccer club, ending months of debate.",
    "“We listened to every neighbour who came to speak,” Mayor Linda Okafor said after the vote, promising a review of traffic plans.",
    "Opponents, led by the Eastside Residents Association, said they would ask a judge to block construction before the spring.",
];

/// Insertions: plain, CRLF, lone CR, emoji (surrogate pairs in UTF-16), ZWJ sequences,
/// combining marks (alone, too), quotes, and whole paragraphs.
fn insertion() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("x".to_string()),
        2 => Just(" ".to_string()),
        2 => Just("\n".to_string()),
        2 => Just("\r\n".to_string()),
        1 => Just("\r".to_string()),
        2 => Just("😀".to_string()),
        1 => Just("👩‍👩‍👧".to_string()),
        1 => Just("🏳️‍🌈 flag".to_string()),
        1 => Just("e\u{301}".to_string()),
        1 => Just("\u{301}".to_string()),
        1 => Just("\u{200D}".to_string()),
        1 => Just("“quoted”".to_string()),
        1 => Just("é\r\nñ\n".to_string()),
        3 => Just(String::new()),
        2 => (0..3usize).prop_map(|i| format!("\n\n{}\n\n", PARAS[i])),
        1 => (0..3usize).prop_map(|i| format!("{}\r\n", PARAS[i])),
        1 => "[a-z😀\u{301}\r\n ]{0,12}",
    ]
}

/// Where an edit's endpoint goes.
#[derive(Clone, Debug)]
enum Pos {
    /// A byte fraction of the text, moved to a char boundary: always a valid position.
    Byte(f64),
    /// Any (line, column), possibly past the end of the line or of the document, or inside
    /// a surrogate pair.
    Raw(u32, u32),
    /// The end of a given line, plus some (0: exactly at the end, before its line break).
    LineEnd(u32, u32),
    Max,
}

fn pos() -> impl Strategy<Value = Pos> {
    prop_oneof![
        6 => (0.0..=1.0f64).prop_map(Pos::Byte),
        2 => (0..12u32, 0..140u32).prop_map(|(l, c)| Pos::Raw(l, c)),
        2 => (0..12u32, 0..4u32).prop_map(|(l, c)| Pos::LineEnd(l, c)),
        1 => Just(Pos::Max),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Edit {
        a: Pos,
        b: Pos,
        text: String,
    },
    /// A delete of a short run after `a` (the common keystroke).
    Backspace {
        a: Pos,
        len: usize,
    },
    /// A full-text replacement (no range).
    Replace(String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (pos(), pos(), insertion()).prop_map(|(a, b, text)| Op::Edit { a, b, text }),
        5 => (pos(), insertion()).prop_map(|(a, text)| Op::Edit { a: a.clone(), b: a, text }),
        4 => (pos(), 1..6usize).prop_map(|(a, len)| Op::Backspace { a, len }),
        1 => (0..3usize).prop_map(|i| Op::Replace(format!("{}\r\n\r\n{}\n", PARAS[i], PARAS[(i + 1) % 3]))),
    ]
}

fn seed_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(format!("{}\r\n\r\n{}\r\n", PARAS[0], PARAS[1])),
        Just(format!("{}\n{}\n{}", PARAS[0], PARAS[1], PARAS[2])),
        Just("a😀b\r\nsecond\rthird\nfourth 👩‍👩‍👧 e\u{301}\n".to_string()),
    ]
}

// ---- the reference model ----

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The UTF-16 position of a byte offset (on a char boundary).
fn position_of(text: &str, offset: usize) -> Position {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let col: usize = text[starts[line]..offset]
        .chars()
        .map(char::len_utf16)
        .sum();
    Position::new(line as u32, col as u32)
}

/// The byte offset of an LSP position, with the clamping rules in the module docs.
fn offset_of(text: &str, p: Position) -> usize {
    let starts = line_starts(text);
    let Some(&start) = starts.get(p.line as usize) else {
        return text.len();
    };
    let mut units = 0usize;
    for (i, c) in text[start..].char_indices() {
        if c == '\n' || units + c.len_utf16() > p.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn resolve(text: &str, p: &Pos) -> Position {
    match *p {
        Pos::Byte(f) => position_of(text, floor_boundary(text, (f * text.len() as f64) as usize)),
        Pos::Raw(l, c) => Position::new(l, c),
        Pos::LineEnd(l, extra) => {
            let starts = line_starts(text);
            let line = (l as usize).min(starts.len() - 1);
            let end = text[starts[line]..]
                .find('\n')
                .map_or(text.len(), |i| starts[line] + i);
            let p = position_of(text, end);
            Position::new(line as u32, p.character + extra)
        }
        Pos::Max => Position::new(u32::MAX, u32::MAX),
    }
}

/// Turns an op into a change event against `text`, and applies it to `text` (the model).
fn step(text: &mut String, op: &Op) -> TextDocumentContentChangeEvent {
    let (range, new) = match op {
        Op::Replace(t) => {
            *text = t.clone();
            return TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: t.clone(),
            };
        }
        Op::Edit { a, b, text: t } => (Range::new(resolve(text, a), resolve(text, b)), t.clone()),
        Op::Backspace { a, len } => {
            let s = resolve(text, a);
            let start = offset_of(text, s);
            let end: usize = start
                + text[start..]
                    .chars()
                    .take(*len)
                    .map(char::len_utf8)
                    .sum::<usize>();
            (Range::new(s, position_of(text, end)), String::new())
        }
    };
    let x = offset_of(text, range.start);
    let y = offset_of(text, range.end);
    text.replace_range(x.min(y)..x.max(y), &new);
    TextDocumentContentChangeEvent {
        range: Some(range),
        range_length: None,
        text: new,
    }
}

mod edits_proptest {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 250, ..ProptestConfig::default() })]

        /// The server's document equals the model after every one of 40 random edits.
        #[test]
        fn document_matches_the_model_after_every_edit(
            seed in seed_text(),
            ops in prop::collection::vec(op(), 40),
        ) {
            let mut model = seed.clone();
            let mut doc = Document::new(&seed, 1, Format::Plain);
            for (i, op) in ops.iter().enumerate() {
                let change = step(&mut model, op);
                doc.apply(&change, Encoding::Utf16);
                prop_assert_eq!(doc.text(), model.as_str(), "after edit {}: {:?}", i, change);
            }
        }
    }

    /// The server's diagnostics, as an LSP client sees them, for a fresh analysis of `text`.
    fn expected_diagnostics(text: &str) -> Vec<String> {
        let a = analyze(text, Format::Plain, &Config::default());
        let lines = LineIndex::new(text);
        let pos = |o: usize| {
            let lc = lines.line_col(o, Encoding::Utf16);
            json!({"line": lc.line, "character": lc.col})
        };
        let mut v: Vec<String> = a
            .findings
            .iter()
            .map(|f| {
                let range = json!({"start": pos(f.span.start), "end": pos(f.span.end)});
                format!("{} \"{}\" \"{}\"", range, f.code.as_str(), f.message)
            })
            .collect();
        v.sort();
        v
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, max_shrink_iters: 64, ..ProptestConfig::default() })]

        /// 250 edits sent over stdio without waiting (1 to 3 changes per didChange), then the
        /// published diagnostics equal a fresh analysis of the client's final text.
        #[test]
        fn stdio_burst_ends_with_the_diagnostics_of_a_fresh_analysis(
            seed in seed_text(),
            ops in prop::collection::vec(op(), 250),
            batches in prop::collection::vec(1..=3usize, 250),
        ) {
            let uri = "file:///drafts/prop.txt";
            let mut c = Client::spawn(&["lsp"]);
            c.initialize(json!({}), Value::Null);
            c.open(uri, "plaintext", &seed);
            let mut text = seed.clone();
            let mut version = 1;
            let mut rest = &ops[..];
            let mut sizes = batches.iter().cycle();
            while !rest.is_empty() {
                let n = (*sizes.next().unwrap()).min(rest.len());
                let changes: Vec<_> = rest[..n].iter().map(|op| step(&mut text, op)).collect();
                rest = &rest[n..];
                version += 1;
                c.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
                );
            }
            // Paste a paragraph twice at the end, so the final text has findings to compare.
            let end = position_of(&text, text.len());
            let paste = format!("\n\n{}\n\n{}\n", PARAS[version as usize % 3], PARAS[version as usize % 3]);
            version += 1;
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": end, "end": end}, "text": paste}]}),
            );
            text.push_str(&paste);
            let d = c.diagnostics(uri, version);
            prop_assert_eq!(d["version"].as_i64(), Some(version));
            let want = expected_diagnostics(&text);
            prop_assert!(!want.is_empty());
            prop_assert_eq!(common::diagnostic_keys(&d), want);
            prop_assert_eq!(c.shutdown_and_exit(), 0);
        }
    }
}
