//! `unbalanced-quote`: an opening quotation mark that is never closed, and not continued
//! by the next paragraph as a multi-paragraph quote.

use super::attribution::QuoteState;
use super::{placed, Code, Finding, Paragraph, Severity, Span};

pub fn find(
    text: &str,
    quotes: impl Iterator<Item = QuoteState>,
    paragraphs: &[Paragraph],
) -> Vec<Finding> {
    quotes
        .filter(|q| !q.closed && !q.continues)
        .map(|q| {
            let span = placed(paragraphs, q.paragraph, q.span);
            let mark = text[span.start..].chars().next().map_or(1, char::len_utf8);
            Finding {
                code: Code::UnbalancedQuote,
                severity: Severity::Warning,
                message: "This quotation mark is never closed".to_string(),
                span: Span::new(span.start, span.start + mark),
                related: Vec::new(),
                fix: None,
            }
        })
        .collect()
}
