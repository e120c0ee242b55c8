//! `unattributed-quote`: a full quote (one that opens its sentence) no one is credited with.
//!
//! Scare quotes and short labels need no speaker, and a partial quote inside reported
//! speech is credited by its clause; only quotes that read as someone's words are checked.

use super::attribution::Quote;
use super::{Code, Finding, Severity};

pub fn find(quotes: &[Quote]) -> Vec<Finding> {
    quotes
        .iter()
        .filter(|q| {
            !q.scare
                && !q.partial
                && q.speaker.is_none()
                && q.speaker_text.is_none()
                && q.words >= 4
        })
        .map(|q| Finding {
            code: Code::UnattributedQuote,
            severity: Severity::Warning,
            message: format!("No one is credited with this quote ({} words)", q.words),
            span: q.span,
            related: Vec::new(),
            fix: None,
        })
        .collect()
}
