//! Graceful degradation for documents far beyond a news draft.
//!
//! Measured (release, 2 shared cores; FUZZING.md "Huge input"): a realistic 50 MB draft
//! is analysed in seconds in a worker thread while other documents keep being served.
//! Two things did blow up, and are bounded here, each with one `window/logMessage` notice
//! per document (repeated only after the document went back under the limit):
//!
//! - **Output.** A 48 MB file of one paragraph pasted 400,000 times has 399,999 findings,
//!   a publishDiagnostics message of over 100 MB that no editor can take. The server
//!   publishes (and offers fixes for) the first [`MAX_FINDINGS`] findings in the text.
//! - **Quote attribution** is superlinear in a paragraph's length (a 200 KB paragraph of
//!   prose with quotes took 50 s; a 1 MB single line, hours). Paragraphs longer than
//!   `analysis::MAX_ATTRIBUTED_PARAGRAPH` are not attributed (the analysis skips them);
//!   this module only tells the user.

use crate::analysis::{Analysis, MAX_ATTRIBUTED_PARAGRAPH};

/// Findings published per document.
pub const MAX_FINDINGS: usize = 2000;

/// Per-document notice state: the worker keeps one.
#[derive(Default)]
pub struct Limits {
    capped: bool,
    long_paragraph: bool,
}

impl Limits {
    /// Applies the limits to a fresh analysis; returns the notices to log.
    pub fn apply(&mut self, uri: &str, analysis: &mut Analysis) -> Vec<String> {
        let mut notices = Vec::new();
        let total = analysis.findings.len();
        if total > MAX_FINDINGS {
            analysis.findings.truncate(MAX_FINDINGS);
            analysis.findings.shrink_to_fit();
            if !std::mem::replace(&mut self.capped, true) {
                notices.push(format!(
                    "copydesk: {uri} has {total} findings; only the first {MAX_FINDINGS} are \
                     shown (fix those, or run `copydesk check` on the file, to see the rest)"
                ));
            }
        } else {
            self.capped = false;
        }
        match analysis.long_paragraphs {
            0 => self.long_paragraph = false,
            n => {
                if !std::mem::replace(&mut self.long_paragraph, true) {
                    notices.push(format!(
                        "copydesk: {uri} has {n} paragraph{} over {} KB, whose quotes are not \
                         attributed or checked",
                        if n == 1 { "" } else { "s" },
                        MAX_ATTRIBUTED_PARAGRAPH / 1024
                    ));
                }
            }
        }
        notices
    }
}
