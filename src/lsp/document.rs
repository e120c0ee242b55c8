//! The server's copy of an open document: a rope that incremental edits are applied to.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

use crate::analysis::line_index::Encoding;
use crate::analysis::Format;

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub format: Format,
}

impl Document {
    pub fn new(text: &str, version: i32, format: Format) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            format,
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
            None => self.rope = Rope::from_str(&change.text),
            Some(range) => {
                let (start, end) = self.range_chars(range, enc);
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
}
