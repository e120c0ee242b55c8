//! Issue 6: the caches and memos that make a re-analysis follow the edit never change the
//! answer. An `Analyzer` reused across random edits (typing names and pronouns, quotes,
//! splitting and joining paragraphs, pasting copies) gives exactly the `Analysis` a fresh
//! one gives: paragraphs, findings, actors with every mention, and quotes with speakers.

use std::sync::Arc;

use copydesk::analysis::roster::Roster;
use copydesk::analysis::{analyze, Analysis, Analyzer, Config, Format};
use proptest::prelude::*;

const DRAFT: &str = "Harbour Authority Fines Shipping Firm

The Harbour Authority fined Noordzee Container Terminals on Tuesday after a crane collapsed at the port, injuring two workers.

“We will not tolerate unsafe cranes,” said Maria Velasquez, the authority’s chief executive. She added that inspections would double.

Dock workers’ union leader Tom Brennan said the fine was too small. “It is a slap on the wrist,” Brennan told reporters. He wants a public inquiry.

Noordzee said it would appeal. The company’s lawyer, Priya Raman, said the cranes had passed every inspection.

“We have done nothing wrong,” Raman said.

“Nothing at all.”

The authority chief said the review would take a month.
";

/// What gets typed: lowercase prose, new names, names next to speech verbs, pronouns,
/// quotes, paragraph breaks, a copied paragraph.
fn insertion() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("x".to_string()),
        2 => Just(" ".to_string()),
        2 => Just("\n\n".to_string()),
        2 => Just(" Velasquez said ".to_string()),
        2 => Just(" Anna Kowalski, the port’s safety director, said ".to_string()),
        1 => Just("Kowalski".to_string()),
        2 => Just(" he ".to_string()),
        1 => Just(" She said it ".to_string()),
        2 => Just("“Quoted words here,” she said. ".to_string()),
        1 => Just("“".to_string()),
        1 => Just(" the chief executive ".to_string()),
        1 => Just(" the union ".to_string()),
        1 => Just("\n\nDock workers’ union leader Tom Brennan said the fine was too small.\n\n".to_string()),
        1 => "[A-Za-z ]{0,10}",
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Insert(f64, String),
    Delete(f64, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0.0..1.0f64, insertion()).prop_map(|(a, s)| Op::Insert(a, s)),
        2 => (0.0..1.0f64, 1..40usize).prop_map(|(a, n)| Op::Delete(a, n)),
    ]
}

fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, op: &Op) {
    match op {
        Op::Insert(a, s) => {
            let at = boundary(text, (*a * text.len() as f64) as usize);
            text.insert_str(at, s);
        }
        Op::Delete(a, n) => {
            let from = boundary(text, (*a * text.len() as f64) as usize);
            let to = boundary(text, from + n);
            text.replace_range(from..to, "");
        }
    }
}

/// Everything an `Analysis` says, in a comparable form.
fn summary(a: &Analysis) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        a.paragraphs, a.findings, a.actors, a.quotes
    )
}

fn roster_config() -> Config {
    let roster = Roster::parse(
        "[[actor]]\nname = \"Maria Velasquez\"\nroles = [\"Chief Executive\"]\naliases = [\"the authority chief\"]\n",
    )
    .expect("a valid roster");
    Config {
        roster: Some(Arc::new(roster)),
        ..Config::default()
    }
}

fn check(ops: &[Op], config: &Config) -> Result<(), TestCaseError> {
    let mut text = DRAFT.to_string();
    let mut analyzer = Analyzer::new();
    analyzer.analyze(&text, Format::Plain, config);
    for (k, op) in ops.iter().enumerate() {
        apply(&mut text, op);
        let incremental = analyzer.analyze(&text, Format::Plain, config);
        let fresh = analyze(&text, Format::Plain, config);
        prop_assert_eq!(
            summary(&incremental),
            summary(&fresh),
            "after edit {} ({:?}) the text was:\n{}",
            k,
            op,
            text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_reused_analyzer_equals_a_fresh_one(ops in prop::collection::vec(op(), 1..25)) {
        check(&ops, &Config::default())?;
    }

    #[test]
    fn a_reused_analyzer_equals_a_fresh_one_with_a_roster(ops in prop::collection::vec(op(), 1..15)) {
        check(&ops, &roster_config())?;
    }
}

/// The memo must notice a new roster even when the text is unchanged.
#[test]
fn a_new_roster_relinks_an_unchanged_text() {
    let mut analyzer = Analyzer::new();
    let plain = analyzer.analyze(DRAFT, Format::Plain, &Config::default());
    let with_roster = analyzer.analyze(DRAFT, Format::Plain, &roster_config());
    assert_ne!(summary(&plain), summary(&with_roster));
    assert_eq!(
        summary(&with_roster),
        summary(&analyze(DRAFT, Format::Plain, &roster_config()))
    );
    let again = analyzer.analyze(DRAFT, Format::Plain, &Config::default());
    assert_eq!(summary(&again), summary(&plain));
}
