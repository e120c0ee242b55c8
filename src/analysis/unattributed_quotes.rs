//! `unattributed-quote`: a full quote (one that opens its sentence) no one is credited with.
//!
//! Scare quotes and short labels need no speaker, and a partial quote inside reported
//! speech is credited by its clause; only quotes that read as someone's words are checked.

use super::attribution::QuoteState;
use super::{placed, Code, Finding, Paragraph, Severity, Shifted};

/// Whether the check reads a quote: no one is credited with it, and it reads as words.
pub fn reads(q: &QuoteState) -> bool {
    !q.scare && !q.partial && !q.said && q.words >= 4
}

pub fn find(
    quotes: impl Iterator<Item = QuoteState>,
    paragraphs: &Shifted<Paragraph>,
) -> Vec<Finding> {
    quotes
        .filter(reads)
        .map(|q| Finding {
            code: Code::UnattributedQuote,
            severity: Severity::Warning,
            message: format!("No one is credited with this quote ({} words)", q.words),
            span: placed(paragraphs, q.paragraph, q.span),
            related: Vec::new(),
            fix: None,
        })
        .collect()
}
