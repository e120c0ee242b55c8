//! `unbalanced-quote`: an opening quotation mark that is never closed, and not continued
//! by the next paragraph as a multi-paragraph quote.

use super::attribution::Quote;
use super::{Code, Finding, Severity, Span};

pub fn find(text: &str, quotes: &[Quote]) -> Vec<Finding> {
    quotes
        .iter()
        .filter(|q| !q.closed && !q.continues)
        .map(|q| {
            let mark = text[q.span.start..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            Finding {
                code: Code::UnbalancedQuote,
                severity: Severity::Warning,
                message: "This quotation mark is never closed".to_string(),
                span: Span::new(q.span.start, q.span.start + mark),
                related: Vec::new(),
                fix: None,
            }
        })
        .collect()
}
