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
        // Names the draft already has, whole: one more mention each.
        1 => Just(" Priya Raman ".to_string()),
        1 => Just(" the Harbour Authority ".to_string()),
        // Capitalised words at a sentence start, which name someone only if the draft
        // already does.
        1 => Just(". Noordzee ".to_string()),
        1 => Just(". Maria ".to_string()),
        1 => Just(". Zorblax ".to_string()),
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
    /// Typing over a selection: the same length or not.
    Replace(f64, usize, String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0.0..1.0f64, insertion()).prop_map(|(a, s)| Op::Insert(a, s)),
        2 => (0.0..1.0f64, 1..40usize).prop_map(|(a, n)| Op::Delete(a, n)),
        2 => (0.0..1.0f64, 1..3usize, "[A-Za-z “]{1,2}").prop_map(|(a, n, s)| Op::Replace(a, n, s)),
    ]
}

fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies `op` to `text` and says what it left alone, as the server knows it: the bytes
/// before the replaced range and after it.
fn apply(text: &mut String, op: &Op) -> (usize, usize) {
    let (from, to, s) = match op {
        Op::Insert(a, s) => {
            let at = boundary(text, (*a * text.len() as f64) as usize);
            (at, at, s.as_str())
        }
        Op::Delete(a, n) => {
            let from = boundary(text, (*a * text.len() as f64) as usize);
            (from, boundary(text, from + n), "")
        }
        Op::Replace(a, n, s) => {
            let from = boundary(text, (*a * text.len() as f64) as usize);
            (from, boundary(text, from + n), s.as_str())
        }
    };
    let after = text.len() - to;
    text.replace_range(from..to, s);
    (from, after)
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
    check_draft(ops, config, DRAFT, Format::Plain)
}

fn check_draft(
    ops: &[Op],
    config: &Config,
    draft: &str,
    format: Format,
) -> Result<(), TestCaseError> {
    let mut text = draft.to_string();
    let mut analyzer = Analyzer::new();
    analyzer.analyze(&text, format, config);
    // The server's way: no copy of the text kept, told only where the edit was (which
    // may be less than what the texts have in common).
    let mut in_place = Analyzer::new();
    in_place.analyze_in_place(&text, None, format, config);
    for (k, op) in ops.iter().enumerate() {
        let unchanged = apply(&mut text, op);
        let incremental = analyzer.analyze(&text, format, config);
        let fresh = analyze(&text, format, config);
        prop_assert_eq!(
            summary(&incremental),
            summary(&fresh),
            "after edit {} ({:?}) the text was:\n{}",
            k,
            op,
            text
        );
        let told = in_place.analyze_in_place(&text, Some(unchanged), format, config);
        prop_assert_eq!(
            summary(&told),
            summary(&fresh),
            "in place, after edit {} ({:?}) the text was:\n{}",
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

    /// One paragraph per line (no blank line: a typed blank line changes every paragraph),
    /// and Markdown.
    #[test]
    fn a_reused_analyzer_equals_a_fresh_one_on_other_layouts(ops in prop::collection::vec(op(), 1..20)) {
        let per_line = DRAFT.replace("\n\n", "\n");
        check_draft(&ops, &Config::default(), &per_line, Format::Plain)?;
        let markdown = format!("# {}", DRAFT.replace("\n\nDock", "\n\n- Dock"));
        check_draft(&ops, &Config::default(), &markdown, Format::Markdown)?;
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

/// Typing over a paragraph's first or last character (here quotation marks) must
/// re-analyse that paragraph even though its length and position did not change.
#[test]
fn typing_over_the_first_or_last_character_of_a_paragraph_is_seen() {
    let mut analyzer = Analyzer::new();
    analyzer.analyze(DRAFT, Format::Plain, &Config::default());
    let firsts = ["“We will", "“Nothing at all", "Noordzee said"].map(|n| DRAFT.find(n));
    // The closing mark that ends "“Nothing at all.”".
    let lasts = [DRAFT.find("all.”\n").map(|i| i + "all.".len())];
    for at in firsts.into_iter().chain(lasts) {
        let at = at.expect("in the draft");
        let first = DRAFT[at..].chars().next().expect("a character");
        // A character of the same length, so nothing moves.
        let over = if first.is_ascii() { "X" } else { "\u{2019}" };
        let text = format!("{}{over}{}", &DRAFT[..at], &DRAFT[at + first.len_utf8()..]);
        let incremental = analyzer.analyze(&text, Format::Plain, &Config::default());
        let fresh = analyze(&text, Format::Plain, &Config::default());
        assert_eq!(summary(&incremental), summary(&fresh), "over byte {at}");
        analyzer.analyze(DRAFT, Format::Plain, &Config::default());
    }
}

/// The same with one-byte marks: straight quotes that open and close paragraphs.
#[test]
fn typing_over_a_straight_quote_at_either_end_of_a_paragraph_is_seen() {
    let draft = "Mayor Linda Okafor spoke on Tuesday.\n\n\"We will build it,\" Okafor said. \"All of it.\"\n\nThe vote is next week.\n";
    let ends = [
        draft.find("\"We").unwrap(),
        draft.find("it.\"").unwrap() + 3,
    ];
    for at in ends {
        let mut analyzer = Analyzer::new();
        analyzer.analyze(draft, Format::Plain, &Config::default());
        let text = format!("{}X{}", &draft[..at], &draft[at + 1..]);
        let incremental = analyzer.analyze(&text, Format::Plain, &Config::default());
        let fresh = analyze(&text, Format::Plain, &Config::default());
        assert_eq!(summary(&incremental), summary(&fresh), "over byte {at}");
    }
}

/// Re-analyses `draft` after `edited` with one analyser and compares it with a fresh one;
/// also checks the edit made a difference, so the test cannot pass by doing nothing.
fn edit_is_seen(draft: &str, edited: &str, config: &Config) {
    let mut analyzer = Analyzer::new();
    let before = analyzer.analyze(draft, Format::Plain, config);
    let incremental = analyzer.analyze(edited, Format::Plain, config);
    let fresh = analyze(edited, Format::Plain, config);
    assert_eq!(summary(&incremental), summary(&fresh));
    let who = |a: &Analysis| {
        let people: Vec<_> = a
            .actors
            .iter()
            .map(|x| (x.name.clone(), x.gender, x.mentions.len()))
            .collect();
        format!("{people:?}")
    };
    assert_ne!(
        who(&before),
        who(&fresh),
        "the edit should change the actors"
    );
}

/// A pronoun edited from "He" to "She" resolves to the same person, but teaches a
/// different gender, which every later paragraph sees.
#[test]
fn a_pronoun_that_teaches_another_gender_is_seen() {
    let draft = "Sasha Quill runs the ferry line.\n\nHe said the boats would sail on time.\n\nThe timetable changes in May.\n";
    edit_is_seen(
        draft,
        &draft.replace("He said", "She said"),
        &Config::default(),
    );
}

/// A roster alias next to "said" makes its actor a speaker, whom a later pronoun can
/// stand for; the alias no longer next to a speech verb is not one.
#[test]
fn an_alias_that_stops_speaking_is_seen_by_later_pronouns() {
    let roster =
        Roster::parse("[[actor]]\nname = \"Vale Ostrander\"\naliases = [\"the ferry boss\"]\n")
            .expect("a valid roster");
    let config = Config {
        roster: Some(Arc::new(roster)),
        ..Config::default()
    };
    let draft = "The ferry boss said the boats were safe.\n\nHe added that the crews were ready.\n";
    edit_is_seen(draft, &draft.replace("boss said", "boss sat"), &config);
}

/// 960 paragraphs: copies of `DRAFT`'s whose lengths differ (a prefix of 1 to 7 letters),
/// so facts put in the wrong place would show in the spans.
fn long_draft() -> String {
    (0..120)
        .flat_map(|i| {
            DRAFT
                .split("\n\n")
                .map(move |p| format!("{} {p}", "x".repeat(i % 7 + 1)))
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// In a long draft the document-level passes split their full runs between threads
/// (assembling, attributing); an edit that makes a new speaker, or renames one in a
/// single paragraph, is then seen as a fresh analysis sees it.
#[test]
fn edits_to_a_long_draft_are_seen() {
    let draft = long_draft();
    let config = Config::default();
    let renamed = draft.replacen("said Maria Velasquez", "said Marta Velasquez", 1);
    assert_ne!(renamed, draft);
    edit_is_seen(&draft, &renamed, &config);
    let speaker = format!("“The cranes are safe,” Lena Okafor said.\n\n{draft}");
    edit_is_seen(&draft, &speaker, &config);
}

/// Opening a long draft computes the paragraphs' facts on several threads, then finds
/// duplicates on one thread while names are linked on another, shares the paragraphs'
/// hits among threads when assembling the mentions, and attributes the paragraphs'
/// quotes the same way; the answer is the one a single thread gives, in the same order
/// (findings included: the copies are duplicates).
#[test]
fn facts_computed_on_several_threads_give_the_same_analysis() {
    let draft = long_draft();
    copydesk::analysis::set_threads(1);
    let one = analyze(&draft, Format::Plain, &Config::default());
    copydesk::analysis::set_threads(3);
    let three = analyze(&draft, Format::Plain, &Config::default());
    copydesk::analysis::set_threads(0);
    // 512 paragraphs for assembling on threads, 256 for attributing (keyed, and those
    // with quotes attributed, on threads).
    assert!(
        one.paragraphs.len() >= 512,
        "enough paragraphs to use threads"
    );
    assert!(
        one.quotes.len() >= 256,
        "enough quotes to attribute on threads"
    );
    assert!(one
        .findings
        .iter()
        .any(|f| f.code == copydesk::analysis::Code::DuplicateParagraph));
    assert_eq!(summary(&one), summary(&three));
}

/// A text of a megabyte or more, analysed afresh, has its lines indexed on a second
/// thread while its paragraphs are split: the same index and paragraphs as one thread's.
#[test]
fn a_megabyte_draft_is_indexed_and_split_as_on_one_thread() {
    let draft: String = (0..60_000)
        .map(|i| {
            format!(
                "Item {i} — “é” ends.\r\n{}\r\n",
                if i % 3 == 0 { "" } else { "More 😀 text." }
            )
        })
        .collect();
    assert!(draft.len() >= 1 << 20, "{} bytes", draft.len());
    copydesk::analysis::set_threads(1);
    let one = analyze(&draft, Format::Plain, &Config::default());
    copydesk::analysis::set_threads(3);
    let three = analyze(&draft, Format::Plain, &Config::default());
    copydesk::analysis::set_threads(0);
    assert!(one.paragraphs.len() > 20_000);
    assert_eq!(format!("{:?}", one.lines), format!("{:?}", three.lines));
    assert_eq!(one.paragraphs, three.paragraphs);
}

/// Re-analyses `draft` after `edited` with one analyser and compares it with a fresh one,
/// and checks that the quote at `words` changed (its credit or cue, decided across
/// paragraphs), so that the test cannot pass by reusing the last run.
fn quote_edit_is_seen(draft: &str, edited: &str, words: &str) {
    let config = Config::default();
    let mut analyzer = Analyzer::new();
    let before = analyzer.analyze(draft, Format::Plain, &config);
    let incremental = analyzer.analyze(edited, Format::Plain, &config);
    let fresh = analyze(edited, Format::Plain, &config);
    assert_eq!(summary(&incremental), summary(&fresh));
    let credit = |a: &Analysis, text: &str| {
        let q = a
            .quotes
            .iter()
            .find(|q| {
                let inner = a.quote_inner(q);
                text[inner.start..inner.end].starts_with(words)
            })
            .expect("the quote");
        let speaker = q.speaker.map(|i| a.actors[i].name.clone());
        (speaker, q.speaker_text.clone(), q.cue.clone())
    };
    assert_ne!(
        credit(&before, draft),
        credit(&fresh, edited),
        "the edit should change the quote's credit"
    );
}

#[test]
fn a_quote_continued_into_an_edited_paragraph_takes_its_new_credit() {
    // The first paragraph's quote runs on into the second, whose speaker and verb it takes.
    let draft = "Lena Ortiz spoke first.\n\n“We will rebuild the pier this year.\n\n“And we will pay for it ourselves,” Ortiz said.\n";
    let edited = draft.replace("Ortiz said", "Ortiz added");
    quote_edit_is_seen(draft, &edited, "We will rebuild");
}

#[test]
fn a_quote_after_an_edited_paragraph_takes_its_closing_credit() {
    // A quote opening a paragraph with no credit of its own continues the speaker the
    // paragraph before closes on; editing that paragraph (not its names) changes who.
    let draft = "Mayor Lena Ortiz met the harbour board on Monday.\n\nAfterwards the board's chairman said in a statement:\n\n“The pier will be rebuilt this year.”\n";
    let edited = draft.replace("the board's chairman", "the board's secretary");
    quote_edit_is_seen(draft, &edited, "The pier");
}

#[test]
fn a_reply_after_an_edited_quote_follows_its_speaker() {
    // An uncredited quote opening the next paragraph continues the last quote's speaker.
    let draft = "Mayor Lena Ortiz met the harbour board on Monday.\n\n“We start in May,” the chairman said.\n\n“Nobody will lose a berth in the harbour.”\n";
    let edited = draft.replace("the chairman said", "the secretary said");
    quote_edit_is_seen(draft, &edited, "Nobody");
}

#[test]
fn a_quote_continued_over_two_paragraphs_takes_the_new_credit_of_the_third() {
    // The quote runs on through the second paragraph into the third, whose verb it takes:
    // an edit two paragraphs away reaches it.
    let draft = "Lena Ortiz spoke first.\n\n“We will rebuild the pier this year.\n\n“We will pay for it ourselves.\n\n“And we start in May,” Ortiz said.\n";
    let edited = draft.replace("Ortiz said", "Ortiz added");
    quote_edit_is_seen(draft, &edited, "We will rebuild");
}

#[test]
fn the_count_of_paragraphs_too_long_to_attribute_follows_edits() {
    use copydesk::analysis::MAX_ATTRIBUTED_PARAGRAPH;
    let long = "The council met again and talked. ".repeat(MAX_ATTRIBUTED_PARAGRAPH / 34 + 1);
    let draft = format!("Opening line.\n\n{long}\n\nA short one.\n\n{long}\n\nThe end.\n");
    let config = Config::default();
    let mut analyzer = Analyzer::new();
    assert_eq!(
        analyzer
            .analyze(&draft, Format::Plain, &config)
            .long_paragraphs,
        2
    );
    // Shortened below the limit, then typed into elsewhere, then joined to its neighbour.
    let cut = draft.replacen(&long, "Now short.", 1);
    assert_eq!(
        analyzer
            .analyze(&cut, Format::Plain, &config)
            .long_paragraphs,
        1
    );
    let typed = cut.replace("A short one.", "A short one, typed into.");
    assert_eq!(
        analyzer
            .analyze(&typed, Format::Plain, &config)
            .long_paragraphs,
        1
    );
    let joined = typed.replace("Now short.\n\nA short", "Now short. A short");
    let a = analyzer.analyze(&joined, Format::Plain, &config);
    assert_eq!(
        a.long_paragraphs,
        analyze(&joined, Format::Plain, &config).long_paragraphs
    );
    assert_eq!(a.long_paragraphs, 1);
}
