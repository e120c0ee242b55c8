//! Duplicated paragraphs: a paste that went in twice, or a reworked copy left in its old
//! place.
//!
//! Exact copies match on the normalised-text hash. Edited copies are found through an
//! inverted index over each paragraph's bottom-k bigram sketch, so only paragraphs that
//! share distinctive word pairs are ever compared; features shared by very many
//! paragraphs stop being indexed, which keeps a huge manuscript linear instead of
//! quadratic.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use super::config::DuplicatesConfig;
use super::{
    Code, Edit, Finding, Fix, LineIndex, Paragraph, ParagraphFacts, Related, Severity, Span,
};

/// A sketch feature found in more paragraphs than this is no longer distinctive.
const POSTING_CAP: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    /// The later copy.
    pub copy: usize,
    /// The earlier paragraph it repeats.
    pub of: usize,
    /// 1.0 for exact copies.
    pub similarity: f32,
    pub exact: bool,
}

/// Finds, for each paragraph, the earlier paragraph it repeats, if any.
pub fn pairs(facts: &[Arc<ParagraphFacts>], config: &DuplicatesConfig) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut first: FxHashMap<u64, usize> = FxHashMap::default();
    let mut index: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    for (j, f) in facts.iter().enumerate() {
        let fp = &f.fingerprint;
        if fp.words < config.min_words.max(1) {
            continue;
        }
        if let Some(&i) = first.get(&fp.exact) {
            out.push(Pair {
                copy: j,
                of: i,
                similarity: 1.0,
                exact: true,
            });
            continue;
        }
        first.insert(fp.exact, j);
        if !config.near || fp.words < config.near_min_words {
            continue;
        }
        counts.clear();
        for h in &fp.sketch {
            if let Some(list) = index.get(h) {
                if list.len() < POSTING_CAP {
                    for &i in list {
                        *counts.entry(i).or_default() += 1;
                    }
                }
            }
        }
        let need = if fp.sketch.len() >= 4 { 2 } else { 1 };
        let mut best: Option<(usize, f32)> = None;
        for (&i, &c) in &counts {
            if c < need {
                continue;
            }
            let i = i as usize;
            let sim = facts[i].fingerprint.similarity(fp);
            let better = match best {
                None => true,
                Some((bi, bs)) => sim > bs || (sim == bs && i < bi),
            };
            if better {
                best = Some((i, sim));
            }
        }
        if let Some((i, sim)) = best {
            if sim >= config.near_threshold {
                out.push(Pair {
                    copy: j,
                    of: i,
                    similarity: sim,
                    exact: false,
                });
            }
        }
        for h in &fp.sketch {
            let list = index.entry(*h).or_default();
            if list.len() <= POSTING_CAP {
                list.push(j as u32);
            }
        }
    }
    out
}

/// The span that removing paragraph `j` deletes: its lines and the blank lines that
/// separate it from what follows, or, for the last block of the text, the separator
/// before it, so the rest keeps its spacing and final line break.
pub fn removal_span(text: &str, lines: &LineIndex, paragraph: &Paragraph) -> Span {
    let block = paragraph.block;
    let is_blank_line = |line: usize| {
        let s = lines.line_start(line);
        let e = lines.line_content_end(text, line);
        text[s..e].trim().is_empty()
    };
    let last_line = lines.line_of(block.end.saturating_sub(1).max(block.start));
    let mut next = last_line + 1;
    while next < lines.line_count() && lines.line_start(next) < text.len() && is_blank_line(next) {
        next += 1;
    }
    let first_line = lines.line_of(block.start);
    if next < lines.line_count() && lines.line_start(next) < text.len() {
        // Take the blank lines after only when blank lines also stand before: between
        // adjacent list items or one-line paragraphs there is no separator to remove.
        let separated_before = first_line == 0 || is_blank_line(first_line - 1);
        let end = if separated_before {
            lines.line_start(next)
        } else {
            block.end
        };
        return Span::new(block.start, end);
    }
    let mut prev = first_line;
    while prev > 0 && is_blank_line(prev - 1) {
        prev -= 1;
    }
    let content_end = lines.line_text_end(text, last_line);
    if prev > 0 {
        Span::new(lines.line_text_end(text, prev - 1), content_end)
    } else {
        block
    }
}

pub fn find(
    text: &str,
    paragraphs: &[Paragraph],
    facts: &[Arc<ParagraphFacts>],
    config: &DuplicatesConfig,
) -> Vec<Finding> {
    let found = pairs(facts, config);
    if found.is_empty() {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    found
        .into_iter()
        .map(|p| {
            let copy = &paragraphs[p.copy];
            let of = &paragraphs[p.of];
            let line = lines.line_of(of.span.start) + 1;
            let (code, message, related) = if p.exact {
                (
                    Code::DuplicateParagraph,
                    format!("Duplicate of the paragraph at line {line}"),
                    "first copy".to_string(),
                )
            } else {
                let pct = (p.similarity * 100.0).floor() as u32;
                (
                    Code::NearDuplicateParagraph,
                    format!("Near-duplicate ({pct}% similar) of the paragraph at line {line}"),
                    format!("the paragraph it repeats ({pct}% similar)"),
                )
            };
            Finding {
                code,
                severity: Severity::Warning,
                message,
                span: copy.span,
                related: vec![Related {
                    span: of.span,
                    message: related,
                }],
                fix: Some(Fix {
                    title: "Remove duplicate paragraph".to_string(),
                    edits: vec![Edit {
                        span: removal_span(text, &lines, copy),
                        text: String::new(),
                    }],
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{analyze, Config, Format};
    use super::*;

    fn dups(text: &str) -> Vec<(usize, usize, Code)> {
        let a = analyze(text, Format::Plain, &Config::default());
        a.findings
            .iter()
            .filter(|f| !f.related.is_empty())
            .map(|f| {
                let copy = a.paragraph_at(f.span.start).unwrap();
                let of = a.paragraph_at(f.related[0].span.start).unwrap();
                (copy, of, f.code)
            })
            .collect()
    }

    fn apply(text: &str, fix: &Fix) -> String {
        let mut out = text.to_string();
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            out.replace_range(e.span.start..e.span.end, &e.text);
        }
        out
    }

    const A: &str = "The city council voted 7-2 on Tuesday to approve a new stadium for the Harbor FC soccer club, ending months of debate.";
    const B: &str = "“We listened to every neighbour who came to speak,” Mayor Linda Okafor said after the vote, promising a review of traffic plans.";
    const C: &str = "Opponents, led by the Eastside Residents Association, said they would ask a judge to block construction before the spring.";

    #[test]
    fn exact_paste_points_at_first_copy_and_fix_removes_it() {
        let text = format!("{A}\n\n{B}\n\n{A}\n\n{C}\n");
        assert_eq!(dups(&text), vec![(2, 0, Code::DuplicateParagraph)]);
        let a = analyze(&text, Format::Plain, &Config::default());
        let f = &a.findings[0];
        assert_eq!(f.message, "Duplicate of the paragraph at line 1");
        assert_eq!(
            apply(&text, f.fix.as_ref().unwrap()),
            format!("{A}\n\n{B}\n\n{C}\n")
        );
    }

    #[test]
    fn exact_ignores_quotes_dashes_case_and_final_punctuation() {
        let b2 = B.replace(['“', '”'], "\"").to_uppercase();
        let text = format!("{A}\n{B}\n{C}\n{}!\n", b2.trim_end_matches('.'));
        assert_eq!(dups(&text), vec![(3, 1, Code::DuplicateParagraph)]);
    }

    #[test]
    fn pasted_block_flags_each_copy() {
        let text = format!("{A}\n{B}\n{A}\n{B}\n{C}");
        assert_eq!(
            dups(&text),
            vec![
                (2, 0, Code::DuplicateParagraph),
                (3, 1, Code::DuplicateParagraph)
            ]
        );
    }

    #[test]
    fn removing_the_last_paragraph_keeps_the_final_line_break() {
        let text = format!("{A}\r\n\r\n{B}\r\n\r\n{A}\r\n");
        let a = analyze(&text, Format::Plain, &Config::default());
        let fixed = apply(&text, a.findings[0].fix.as_ref().unwrap());
        assert_eq!(fixed, format!("{A}\r\n\r\n{B}\r\n"));
        let text = format!("{A}\n{B}\n{A}");
        let a = analyze(&text, Format::Plain, &Config::default());
        assert_eq!(
            apply(&text, a.findings[0].fix.as_ref().unwrap()),
            format!("{A}\n{B}")
        );
    }

    #[test]
    fn reworked_copy_with_a_tenth_of_words_changed_is_near_duplicate() {
        let reworked = "The city council voted 7-2 on Tuesday night to approve a new arena for the Harbor FC soccer team, ending months of debate.";
        let text = format!("{A}\n{B}\n{C}\n{reworked}\n");
        let got = dups(&text);
        assert_eq!(got, vec![(3, 0, Code::NearDuplicateParagraph)]);
        let a = analyze(&text, Format::Plain, &Config::default());
        assert!(
            a.findings[0].message.starts_with("Near-duplicate ("),
            "{}",
            a.findings[0].message
        );
    }

    #[test]
    fn sentence_added_dropped_or_moved_is_near_duplicate() {
        let two = "The mayor signed the order on Friday morning. It takes effect in March and covers every public park in the city.";
        let moved = "It takes effect in March and covers every public park in the city. The mayor signed the order on Friday morning.";
        let added = format!("{two} Critics called it rushed.");
        for other in [moved.to_string(), added] {
            let text = format!("{two}\n{B}\n{other}\n");
            assert_eq!(
                dups(&text),
                vec![(2, 0, Code::NearDuplicateParagraph)],
                "{other}"
            );
        }
    }

    #[test]
    fn same_story_paragraphs_are_not_duplicates() {
        let text = [
            "Mayor Linda Okafor said the stadium would bring jobs to the east side, the official said.",
            "Mayor Linda Okafor said the council would hold a second hearing on the stadium, the official said.",
            "The council voted on the stadium after a hearing that lasted until midnight, according to city records.",
            "According to city records, the stadium project has already cost the council $4 million in studies.",
        ]
        .join("\n\n");
        assert!(dups(&text).is_empty(), "{:?}", dups(&text));
    }

    #[test]
    fn short_paragraphs_are_not_compared() {
        let text = "Follow along here.\n\nSome news.\n\nFollow along here.\n";
        assert!(dups(text).is_empty());
        let mut config = Config::default();
        config.duplicates.min_words = 2;
        let a = analyze(text, Format::Plain, &config);
        assert_eq!(a.findings.len(), 1);
    }

    #[test]
    fn switches_turn_passes_off() {
        let text = format!("{A}\n{A}\n");
        let mut config = Config::default();
        config.duplicates.enabled = false;
        assert!(analyze(&text, Format::Plain, &config).findings.is_empty());
    }

    #[test]
    fn markdown_list_item_copy_is_removed_with_its_marker() {
        let text = format!("# Notes\n\n- {A}\n- {B}\n- {A}\n\nEnd of notes here today.\n");
        let a = analyze(&text, Format::Markdown, &Config::default());
        assert_eq!(a.findings.len(), 1);
        let fixed = apply(&text, a.findings[0].fix.as_ref().unwrap());
        assert_eq!(
            fixed,
            format!("# Notes\n\n- {A}\n- {B}\n\nEnd of notes here today.\n")
        );
    }
}
