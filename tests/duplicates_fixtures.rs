//! Duplicate detection on whole drafts written for these tests.

use copydesk::analysis::{analyze, Code, Config, Format};
use serde_json::Value;

type Pairs = Vec<(usize, usize)>;

/// (exact, near) pairs of (copy, paragraph it repeats).
fn pairs(text: &str) -> (Pairs, Pairs) {
    let a = analyze(text, Format::Plain, &Config::default());
    let mut exact = Vec::new();
    let mut near = Vec::new();
    for f in &a.findings {
        if f.related.is_empty() {
            continue;
        }
        let pair = (
            a.paragraph_at(f.span.start).unwrap(),
            a.paragraph_at(f.related[0].span.start).unwrap(),
        );
        match f.code {
            Code::DuplicateParagraph => exact.push(pair),
            Code::NearDuplicateParagraph => near.push(pair),
            _ => {}
        }
    }
    (exact, near)
}

#[test]
fn reworked_copies_are_found_with_the_paragraph_they_repeat() {
    let text = include_str!("fixtures/reworked.txt");
    let expect: Value =
        serde_json::from_str(include_str!("fixtures/reworked.expect.json")).unwrap();
    let as_pairs = |v: &Value| -> Vec<(usize, usize)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_u64().unwrap() as usize,
                    p[1].as_u64().unwrap() as usize,
                )
            })
            .collect()
    };
    let (exact, near) = pairs(text);
    assert_eq!(exact, as_pairs(&expect["exact"]));
    assert_eq!(near, as_pairs(&expect["near"]));
}

#[test]
fn fifty_distinct_paragraphs_of_one_story_are_silent() {
    let text = include_str!("fixtures/same-story-50.txt");
    let a = analyze(text, Format::Plain, &Config::default());
    assert_eq!(a.paragraphs.len(), 50);
    let dups: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.code.as_str().contains("duplicate"))
        .collect();
    assert!(dups.is_empty(), "{dups:#?}");
}

#[test]
fn each_fixture_article_has_its_pasted_paragraph_found() {
    for (name, text) in [
        (
            "budget-standoff",
            include_str!("fixtures/articles/budget-standoff.txt"),
        ),
        (
            "port-strike",
            include_str!("fixtures/articles/port-strike.txt"),
        ),
        (
            "flood-relief",
            include_str!("fixtures/articles/flood-relief.txt"),
        ),
        ("cup-final", include_str!("fixtures/articles/cup-final.txt")),
    ] {
        let (exact, near) = pairs(text);
        assert_eq!(exact.len(), 1, "{name}: {exact:?}");
        assert!(near.is_empty(), "{name}: {near:?}");
    }
}
