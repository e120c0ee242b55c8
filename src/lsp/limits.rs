//! Graceful degradation for documents far beyond a news draft.
//!
//! Measured (release, 2 cores; FUZZING.md "Huge input"): every analysis pass is linear, and
//! a realistic 50 MB draft is analysed in about 7 s (2.6 s per keystroke after that, thanks
//! to the per-paragraph cache) in a worker thread, while other documents keep being served.
//! What does blow up is the *output*: a 48 MB file of one paragraph pasted 400,000 times has
//! 399,999 findings, a publishDiagnostics message of well over 100 MB that no editor can
//! take. So the server publishes (and offers fixes for) at most [`MAX_FINDINGS`] findings
//! per document, the first ones in the text, and says so once with `window/logMessage`.

use crate::analysis::Analysis;

/// Findings published per document.
pub const MAX_FINDINGS: usize = 2000;

/// Keeps the first [`MAX_FINDINGS`] findings; returns how many there were if it cut.
pub fn cap(analysis: &mut Analysis) -> Option<usize> {
    let total = analysis.findings.len();
    if total <= MAX_FINDINGS {
        return None;
    }
    analysis.findings.truncate(MAX_FINDINGS);
    analysis.findings.shrink_to_fit();
    Some(total)
}

/// The notice logged when a document's findings are cut.
pub fn notice(uri: &str, total: usize) -> String {
    format!(
        "copydesk: {uri} has {total} findings; only the first {MAX_FINDINGS} are shown \
         (fix those, or check the file with `copydesk check`, to see the rest)"
    )
}
