//! The analysis entry point on arbitrary UTF-8, in both formats, plus the invariants the
//! protocol layer relies on: spans inside the text on char boundaries, fixes that apply.
#![no_main]

use copydesk::analysis::line_index::Encoding;
use copydesk::analysis::{analyze, Analysis, Analyzer, Config, Format, LineCol, LineIndex};
use libfuzzer_sys::fuzz_target;

/// The same paragraphs, findings, actors and quotes.
fn same(a: &Analysis, b: &Analysis) {
    assert_eq!(a.paragraphs, b.paragraphs);
    assert_eq!(a.findings, b.findings);
    assert_eq!(a.actors, b.actors);
    assert_eq!(a.quotes, b.quotes);
}

fn check_span(text: &str, s: copydesk::analysis::Span) {
    assert!(
        s.start <= s.end && s.end <= text.len(),
        "{s:?} in {}",
        text.len()
    );
    assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the format and whether to check the incremental analyser.
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let config = Config::default();
    let format = if mode & 1 == 0 {
        Format::Plain
    } else {
        Format::Markdown
    };
    let a = analyze(text, format, &config);
    let lines = LineIndex::new(text);
    for p in a.paragraphs.iter() {
        check_span(text, p.span);
        check_span(text, p.block);
    }
    for f in &a.findings {
        check_span(text, f.span);
        for r in &f.related {
            check_span(text, r.span);
        }
        if let Some(fix) = &f.fix {
            for e in &fix.edits {
                check_span(text, e.span);
            }
        }
        // Positions round-trip in both encodings.
        for enc in [Encoding::Utf16, Encoding::Utf8] {
            let lc: LineCol = lines.line_col(f.span.start, enc);
            assert_eq!(lines.offset(text, lc, enc), f.span.start);
        }
    }
    // Quotes and mentions, placed in their paragraphs, lie in the text.
    for q in &a.quotes {
        check_span(text, a.quote_span(q));
        check_span(text, a.quote_inner(q));
        if let Some(s) = a.quote_speaker_span(q) {
            check_span(text, s);
        }
    }
    for x in &a.actors {
        for m in x.mentions.iter() {
            check_span(text, a.span_of(m));
        }
    }
    if mode & 2 == 0 {
        return;
    }
    // The incremental analyser agrees with a fresh one after first seeing a prefix of the
    // text, or (third bit) the text with a few bytes in the middle missing, then once more
    // after typing a character in the middle: the same paragraphs, findings, actors and
    // quotes (the memos and partial re-splits change nothing).
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    // What the edit from `earlier` to `text` left alone, as the server knows it.
    let (earlier, unchanged) = if mode & 4 == 0 {
        (text[..cut].to_string(), (cut, 0))
    } else {
        let mut end = (cut + 1 + (mode >> 3) as usize).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        (
            format!("{}{}", &text[..cut], &text[end..]),
            (cut, text.len() - end),
        )
    };
    let mut inc = Analyzer::new();
    inc.analyze(&earlier, format, &config);
    let again = inc.analyze(text, format, &config);
    same(&again, &a);
    // The server's way: no copy kept, told only where the edit was.
    let mut in_place = Analyzer::new();
    in_place.analyze_in_place(&earlier, None, format, &config);
    let told = in_place.analyze_in_place(text, Some(unchanged), format, &config);
    same(&told, &a);
    if mode & 4 != 0 {
        let typed = format!("{}x{}", &text[..cut], &text[cut..]);
        let inc = inc.analyze(&typed, format, &config);
        let fresh = analyze(&typed, format, &config);
        same(&inc, &fresh);
        let told =
            in_place.analyze_in_place(&typed, Some((cut, text.len() - cut)), format, &config);
        same(&told, &fresh);
    }
});
