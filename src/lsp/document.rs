//! The server's copy of an open document: a rope that incremental edits are applied to.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

use crate::analysis::line_index::Encoding;
use crate::analysis::Format;

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub format: Format,
    /// The edits since the analysis worker last took the text: it applies them to its own
    /// copy of the text it analysed instead of reading the whole rope.
    pub journal: Journal,
}

/// One replacement, in UTF-8 bytes of the text just before it.
#[derive(Clone, Debug, PartialEq)]
pub struct ByteEdit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// What changed since the worker last took the text.
#[derive(Clone, Debug, PartialEq)]
pub enum Journal {
    /// These edits, in order.
    Edits(Vec<ByteEdit>),
    /// Too much, or the whole text: read the rope.
    Replaced,
}

/// Beyond these, reading the rope once costs less than replaying the edits (each moves
/// the text after it).
const JOURNAL_EDITS: usize = 4;
const JOURNAL_BYTES: usize = 1 << 20;

/// Bytes of typing the worker's copy of the text takes before it grows again.
const HEADROOM: usize = 64 * 1024;

impl Journal {
    fn push(&mut self, edit: ByteEdit) {
        if let Journal::Edits(edits) = self {
            let bytes: usize = edits.iter().map(|e| e.text.len()).sum();
            if edits.len() < JOURNAL_EDITS && bytes + edit.text.len() <= JOURNAL_BYTES {
                edits.push(edit);
                return;
            }
        }
        *self = Journal::Replaced;
    }

    /// Applies the edits to `text` in place (each moves only the bytes after it) and
    /// tells how many bytes at its start and end they left alone (at least: the common
    /// prefix and suffix may be longer). None: an edit did not fit, `text` is spoilt and
    /// the rope must be read.
    pub fn replay(&self, text: &mut String) -> Option<(usize, usize)> {
        let Journal::Edits(edits) = self else {
            return None;
        };
        let base_len = text.len();
        let (mut prefix, mut suffix) = (base_len, base_len);
        for e in edits {
            if e.start > e.end
                || e.end > text.len()
                || !text.is_char_boundary(e.start)
                || !text.is_char_boundary(e.end)
            {
                return None;
            }
            prefix = prefix.min(e.start);
            suffix = suffix.min(text.len() - e.end);
            let grows = e.text.len().saturating_sub(e.end - e.start);
            if grows > text.capacity() - text.len() {
                // Room for this edit and a burst of typing after it: growing by doubling
                // would keep a second copy's worth of a long draft unused.
                text.reserve_exact(grows + HEADROOM);
            }
            text.replace_range(e.start..e.end, &e.text);
        }
        let room = base_len.min(text.len());
        Some((prefix.min(room), suffix.min(room - prefix.min(room))))
    }
}

impl Document {
    pub fn new(text: &str, version: i32, format: Format) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            format,
            journal: Journal::Replaced,
        }
    }

    /// A document whose journal starts empty: the worker is handed `text` itself.
    pub fn opened(text: &str, version: i32, format: Format) -> Self {
        Document {
            journal: Journal::Edits(Vec::new()),
            ..Document::new(text, version, format)
        }
    }

    /// The char index of an LSP position. Lines past the end clamp to the end of the text;
    /// columns past the end of a line clamp to the end of its content, as the spec asks.
    pub fn char_at(&self, pos: Position, enc: Encoding) -> usize {
        let rope = &self.rope;
        let line = pos.line as usize;
        if line >= rope.len_lines() {
            return rope.len_chars();
        }
        let start = rope.line_to_char(line);
        let slice = rope.line(line);
        let mut chars = slice.len_chars();
        if chars > 0 && slice.char(chars - 1) == '\n' {
            chars -= 1;
        }
        let end = start + chars;
        match enc {
            Encoding::Utf16 => {
                let start16 = rope.char_to_utf16_cu(start);
                let end16 = rope.char_to_utf16_cu(end);
                let want = (start16 + pos.character as usize).min(end16);
                rope.utf16_cu_to_char(want).clamp(start, end)
            }
            Encoding::Utf8 => {
                let start8 = rope.char_to_byte(start);
                let end8 = rope.char_to_byte(end);
                let want = (start8 + pos.character as usize).min(end8);
                rope.byte_to_char(want).clamp(start, end)
            }
        }
    }

    fn range_chars(&self, range: Range, enc: Encoding) -> (usize, usize) {
        let a = self.char_at(range.start, enc);
        let b = self.char_at(range.end, enc);
        // An inverted range would otherwise panic inside the rope; treat it as its mirror.
        (a.min(b), a.max(b))
    }

    /// Applies one content change. Never panics, whatever the positions.
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, enc: Encoding) {
        match change.range {
            None => {
                self.rope = Rope::from_str(&change.text);
                self.journal = Journal::Replaced;
            }
            Some(range) => {
                let (start, end) = self.range_chars(range, enc);
                self.journal.push(ByteEdit {
                    start: self.rope.char_to_byte(start),
                    end: self.rope.char_to_byte(end),
                    text: change.text.clone(),
                });
                if end > start {
                    self.rope.remove(start..end);
                }
                if !change.text.is_empty() {
                    self.rope.insert(start, &change.text);
                }
            }
        }
    }

    pub fn text(&self) -> String {
        text_of(&self.rope)
    }
}

/// The rope's text in a String sized once (`Rope::to_string` grows it as it goes, a
/// third slower on a large draft).
pub fn text_of(rope: &Rope) -> String {
    let mut text = String::with_capacity(rope.len_bytes());
    rope.chunks().for_each(|c| text.push_str(c));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn utf16_edits_after_emoji_and_across_crlf() {
        let mut d = Document::new("a😀b\r\nsecond\rthird\nfourth", 1, Format::Plain);
        d.apply(&change(0, 3, 0, 4, "B"), Encoding::Utf16);
        assert_eq!(d.text(), "a😀B\r\nsecond\rthird\nfourth");
        // A lone CR is a character, as clients that split on LF count it.
        d.apply(&change(1, 6, 1, 7, ""), Encoding::Utf16);
        assert_eq!(d.text(), "a😀B\r\nsecondthird\nfourth");
        d.apply(&change(1, 0, 2, 0, ""), Encoding::Utf16);
        assert_eq!(d.text(), "a😀B\r\nfourth");
        // Between CR and LF is a real position.
        d.apply(&change(0, 99, 0, 99, "!"), Encoding::Utf16);
        assert_eq!(d.text(), "a😀B\r!\nfourth");
    }

    #[test]
    fn utf8_columns_count_bytes() {
        let mut d = Document::new("é😀x", 1, Format::Plain);
        d.apply(&change(0, 6, 0, 7, "y"), Encoding::Utf8);
        assert_eq!(d.text(), "é😀y");
    }

    #[test]
    fn out_of_range_and_inverted_ranges_are_clamped_not_fatal() {
        let mut d = Document::new("one\ntwo", 1, Format::Plain);
        d.apply(&change(7, 0, 9, 9, "!"), Encoding::Utf16);
        assert_eq!(d.text(), "one\ntwo!");
        d.apply(&change(1, 3, 0, 1, ""), Encoding::Utf16);
        assert_eq!(d.text(), "o!");
        d.apply(&change(0, 1, 0, 1, "\u{301}"), Encoding::Utf16);
        assert_eq!(d.text(), "o\u{301}!");
    }

    #[test]
    fn typing_into_a_long_text_does_not_double_it() {
        let base = "word ".repeat(200_000);
        let mut text = text_of(&Rope::from_str(&base));
        assert_eq!(text.capacity(), text.len());
        let mut d = Document::new(&base, 1, Format::Plain);
        for k in 0..3 {
            d.journal = Journal::Edits(Vec::new());
            d.apply(&change(0, 10, 0, 10, "x"), Encoding::Utf16);
            assert!(d.journal.replay(&mut text).is_some());
            assert_eq!(text, d.text(), "{k}");
            assert!(
                text.capacity() <= base.len() + HEADROOM + 1,
                "{}",
                text.capacity()
            );
        }
    }

    /// The worker rebuilds the text from the last one and the journal: it must be the
    /// rope's text, and what the journal says the edits left alone must be common.
    #[test]
    fn the_journal_replays_to_the_ropes_text() {
        let base = "a😀b\r\nsecond line\nthird é line\nfourth";
        let mut d = Document::new(base, 1, Format::Plain);
        d.journal = Journal::Edits(Vec::new());
        d.apply(&change(1, 2, 1, 6, "X"), Encoding::Utf16);
        d.apply(&change(0, 1, 0, 3, ""), Encoding::Utf16);
        d.apply(&change(2, 6, 3, 2, "é\n"), Encoding::Utf16);
        d.apply(&change(9, 0, 9, 0, "!"), Encoding::Utf16);
        let mut text = base.to_string();
        let (p, s) = d.journal.replay(&mut text).expect("edits");
        assert_eq!(text, d.text());
        assert_eq!((p, s), (1, 0));
        assert_eq!(base[..p], text[..p]);
        assert_eq!(base[base.len() - s..], text[text.len() - s..]);
        // One edit in the middle leaves the rest known.
        let mut d = Document::new(base, 1, Format::Plain);
        d.journal = Journal::Edits(Vec::new());
        d.apply(&change(2, 0, 2, 5, "3rd"), Encoding::Utf16);
        let mut text = base.to_string();
        let (p, s) = d.journal.replay(&mut text).expect("edits");
        assert_eq!(text, d.text());
        assert_eq!(&base[..p], "a😀b\r\nsecond line\n");
        assert_eq!(&base[base.len() - s..], " é line\nfourth");
    }

    #[test]
    fn a_journal_too_long_or_a_whole_text_means_reading_the_rope() {
        let mut d = Document::new("abc", 1, Format::Plain);
        assert_eq!(d.journal, Journal::Replaced);
        d.journal = Journal::Edits(Vec::new());
        for _ in 0..JOURNAL_EDITS {
            d.apply(&change(0, 0, 0, 0, "x"), Encoding::Utf16);
        }
        assert!(d.journal.replay(&mut "abc".to_string()).is_some());
        d.apply(&change(0, 0, 0, 0, "x"), Encoding::Utf16);
        assert_eq!(d.journal, Journal::Replaced);
        assert!(d.journal.replay(&mut "abc".to_string()).is_none());
        d.journal = Journal::Edits(Vec::new());
        d.apply(
            &TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            },
            Encoding::Utf16,
        );
        assert_eq!(d.journal, Journal::Replaced);
        // A journal that does not fit the text it is replayed on is refused, not applied.
        let j = Journal::Edits(vec![ByteEdit {
            start: 2,
            end: 9,
            text: String::new(),
        }]);
        assert!(j.replay(&mut "abc".to_string()).is_none());
    }
}
