//! The paragraph splitter on arbitrary UTF-8: blocks in order, inside the text, on char
//! boundaries, each prose span inside its block.
#![no_main]

use copydesk::analysis::paragraphs::split;
use copydesk::analysis::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [Format::Plain, Format::Markdown] {
        let paragraphs = split(text, format);
        let mut last_end = 0;
        for p in &paragraphs {
            for s in [p.span, p.block] {
                assert!(s.start <= s.end && s.end <= text.len(), "{p:?}");
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
            assert!(
                p.block.start <= p.span.start && p.span.end <= p.block.end,
                "{p:?}"
            );
            assert!(
                p.block.start >= last_end,
                "blocks overlap or go backwards: {p:?}"
            );
            assert!(!p.span.is_empty(), "empty paragraph {p:?}");
            last_end = p.block.end;
        }
    }
});
