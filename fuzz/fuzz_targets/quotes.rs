//! The quote scanner (`analysis::quotes::scan`) on arbitrary UTF-8: every quotation lies
//! inside the paragraph on char boundaries, its inside within its marks.
#![no_main]

use copydesk::analysis::quotes::{opens_with_quote, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(para) = std::str::from_utf8(data) else {
        return;
    };
    let quotes = scan(para);
    let _ = opens_with_quote(para);
    let len = para.len() as u32;
    for q in &quotes {
        assert!(q.open <= q.inner.0 && q.inner.0 <= q.inner.1, "{q:?}");
        assert!(q.inner.1 <= q.end && q.end <= len, "{q:?} in {len}");
        for o in [q.open, q.inner.0, q.inner.1, q.end] {
            assert!(para.is_char_boundary(o as usize), "{q:?}");
        }
        if q.closed {
            assert!(
                q.inner.1 < q.end,
                "a closed quote has a closing mark: {q:?}"
            );
        }
        // No check on `depth`: it counts marks still open, including ones the scanner later
        // drops, so a quote can claim a depth no reported quotation accounts for. Reported
        // to the lead, not asserted here; see FUZZING.md and regressions/quotes-depth-*.txt.
    }
});
