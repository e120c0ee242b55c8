//! `unbalanced-quote`: an opening quotation mark that is never closed: not continued by
//! the next paragraph as a multi-paragraph quote, nor closed a paragraph or two later.

use super::attribution::QuoteState;
use super::{placed, quotes, Code, Finding, Paragraph, Severity, Shifted, Span};

/// How many paragraphs after its own a closing mark still ends an unclosed quotation:
/// one split into paragraphs whose own opening marks were left out ("“It is not a
/// program of socialized medicine. / It is a program of prepayment. / Everyone will
/// choose a doctor.”"). A writer who forgot the closing mark has moved on by then.
const CLOSED_WITHIN: usize = 3;

/// Whether the check reads a quote: it is not closed in its paragraph, nor continued in
/// the next one.
pub fn reads(q: &QuoteState) -> bool {
    !q.closed && !q.continues
}

pub fn find(
    text: &str,
    quotes: impl Iterator<Item = QuoteState>,
    paragraphs: &Shifted<Paragraph>,
) -> Vec<Finding> {
    quotes
        .filter(reads)
        .filter_map(|q| {
            let span = placed(paragraphs, q.paragraph, q.span);
            let opening = text.get(span.start..)?.chars().next()?;
            if is_double(opening) && closed_later(text, paragraphs, q.paragraph) {
                return None;
            }
            Some(Finding {
                code: Code::UnbalancedQuote,
                severity: Severity::Warning,
                message: "This quotation mark is never closed".to_string(),
                span: Span::new(span.start, span.start + opening.len_utf8()),
                related: Vec::new(),
                fix: None,
            })
        })
        .collect()
}

fn is_double(c: char) -> bool {
    matches!(c, '\u{201C}' | '"' | '\u{00AB}' | '\u{201E}')
}

/// The first double quotation mark of one of the next `CLOSED_WITHIN` paragraphs after
/// `p` that have any is a closing one. Single marks are not read: they are mostly
/// apostrophes.
fn closed_later(text: &str, paragraphs: &Shifted<Paragraph>, p: usize) -> bool {
    for next in paragraphs.range(p + 1..p + 1 + CLOSED_WITHIN) {
        let body = text.get(next.span.start..next.span.end).unwrap_or("");
        if let Some(closes) = first_double_mark(body) {
            return closes;
        }
    }
    false
}

/// Whether the paragraph's first double quotation mark closes (`Some(true)`) or opens one;
/// `None` if it has none. A straight mark is read as `quotes::scan` reads one when no
/// quotation is open.
fn first_double_mark(body: &str) -> Option<bool> {
    let mut chars = body.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        match c {
            '\u{201D}' | '\u{00BB}' => return Some(true),
            '\u{201C}' | '\u{00AB}' | '\u{201E}' => return Some(false),
            '"' => {
                let next = chars.peek().copied();
                return Some(
                    !quotes::straight_opens_after(prev)
                        && next.is_none_or(quotes::straight_closes_before),
                );
            }
            _ => prev = Some(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Config, Format};

    fn unbalanced(t: &str) -> usize {
        analyze(t, Format::Plain, &Config::default())
            .findings
            .iter()
            .filter(|f| f.code.as_str() == "unbalanced-quote")
            .count()
    }

    #[test]
    fn a_quotation_closed_a_paragraph_or_two_later_is_not_unbalanced() {
        let two = "Mayor Ruth Abara defended the budget.\n\n\u{201C}We cut what we could.\n\nThe rest keeps the buses running.\u{201D}\n";
        assert_eq!(unbalanced(two), 0);
        let three = "Mayor Ruth Abara defended the budget.\n\n\u{201C}We cut what we could.\n\nThe rest keeps the buses running.\n\nAnd the libraries open,\u{201D} she said.\n";
        assert_eq!(unbalanced(three), 0);
        let straight = "Mayor Ruth Abara defended the budget.\n\n\"We cut what we could.\n\nThe rest keeps the buses running.\" she said.\n";
        assert_eq!(unbalanced(straight), 0);
    }

    #[test]
    fn a_quotation_still_open_when_another_opens_or_far_later_is_unbalanced() {
        // Another quotation opens first.
        let t = "Mayor Ruth Abara defended the budget.\n\n\u{201C}We cut what we could.\n\nShe called it \u{201C}lean\u{201D} and fair.\n";
        assert_eq!(unbalanced(t), 1);
        let t = "\"We cut what we could.\n\nShe called it \"lean\" and fair.\n";
        assert_eq!(unbalanced(t), 1);
        // A closing mark four paragraphs on is another matter.
        let far = "\u{201C}We cut what we could.\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\u{201D}\n";
        assert_eq!(unbalanced(far), 1);
        // Never closed at all.
        assert_eq!(
            unbalanced("\u{201C}We cut what we could.\n\nThe vote is Monday.\n"),
            1
        );
    }
}
