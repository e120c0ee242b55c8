//! Byte offsets ↔ (line, column) for one text, in O(log n) per conversion.
//!
//! Lines end at `\n` (so `\r\n` too). A lone `\r` is an ordinary character: the LSP text
//! says it ends a line, but Neovim, most LSP client libraries and any client that splits on
//! `\n` count it as a character, and VS Code never has one in its buffers; agreeing with the
//! clients is what keeps the server's copy of the text equal to the editor's. Columns are
//! counted in UTF-16 code units or in bytes, whichever the editor negotiated. Only non-ASCII characters are
//! recorded, so an ASCII text costs one line-start table and nothing more, and a 1 MB
//! single line converts as fast as a short one.

use super::shifted::Shifted;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf16,
    Utf8,
}

/// Offsets are kept in 32 bits (a draft has one line start per line and two numbers per
/// non-ASCII character): texts are under 4 GiB (`check` refuses larger files; the server's
/// messages stop at 512 MB). Each list is `Shifted`, so that patching it for an edit
/// copies the entries around the edit, not all of them.
#[derive(Clone, Debug)]
pub struct LineIndex {
    len: usize,
    line_starts: Shifted<u32>,
    /// For each non-ASCII char: its byte offset, and (`wide_total`, the same places) the
    /// running total, including it, of (UTF-8 length − UTF-16 length).
    wide_at: Shifted<u32>,
    wide_total: Shifted<u32>,
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex::new("")
    }
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 64 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| (i + 1) as u32));
        let (wide_at, wide_total): (Vec<u32>, Vec<u32>) = wide_chars(bytes).into_iter().unzip();
        LineIndex {
            len: text.len(),
            line_starts: Shifted::new(&line_starts),
            wide_at: Shifted::new(&wide_at),
            wide_total: Shifted::new(&wide_total),
        }
    }

    /// The index of `new_text`, from this index of `old_text`: only the bytes between the
    /// two texts' common prefix and common suffix are scanned, the entries on either side
    /// are kept (after the change: moved). Equal to `LineIndex::new(new_text)`.
    pub fn patch(&self, old_text: &str, new_text: &str) -> LineIndex {
        let (p, s) = changed(old_text, new_text);
        self.patch_changed(old_text.len(), new_text, p, s)
    }

    /// `patch`, from the length of the old text and a prefix `p` and suffix `s` the two
    /// texts share (`changed`, or less: what an edit is known to have left alone).
    pub fn patch_changed(&self, old_len: usize, new_text: &str, p: usize, s: usize) -> LineIndex {
        let new = new_text.as_bytes();
        let (old_mid_end, new_mid_end) = (old_len - s, new.len() - s);
        // Wrapping: the text after the edit moves by new − old, which may be negative.
        let shift = (new_mid_end as u32).wrapping_sub(old_mid_end as u32);
        let (p32, old_mid_end32) = (p as u32, old_mid_end as u32);

        let keep = self.line_starts.partition_point(|x| x <= p32);
        let after = self.line_starts.partition_point(|x| x <= old_mid_end32);
        let middle: Vec<u32> = memchr::memchr_iter(b'\n', &new[p..new_mid_end])
            .map(|i| (p + i + 1) as u32)
            .collect();
        let line_starts = self
            .line_starts
            .splice(keep, after, &middle, shift as usize);

        let keep = self.wide_at.partition_point(|o| o < p32);
        let after = self.wide_at.partition_point(|o| o < old_mid_end32);
        let total_at = |k: usize| k.checked_sub(1).and_then(|k| self.wide_total.get(k));
        let total_before = total_at(keep).unwrap_or(0);
        let old_total_mid = total_at(after).unwrap_or(0);
        let (mid_at, mid_total): (Vec<u32>, Vec<u32>) = wide_chars(&new[p..new_mid_end])
            .into_iter()
            .map(|(o, t)| (p32 + o, total_before + t))
            .unzip();
        let new_total_mid = mid_total.last().copied().unwrap_or(total_before);
        let total_shift = new_total_mid.wrapping_sub(old_total_mid);
        LineIndex {
            len: new.len(),
            line_starts,
            wide_at: self.wide_at.splice(keep, after, &mid_at, shift as usize),
            wide_total: self
                .wide_total
                .splice(keep, after, &mid_total, total_shift as usize),
        }
    }

    /// The straightforward form of `new`, for the equivalence tests.
    #[cfg(test)]
    fn new_reference(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while let Some(rel) = memchr::memchr(b'\n', &bytes[i..]) {
            i += rel + 1;
            line_starts.push(i as u32);
        }
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut total = 0;
            for (off, ch) in text.char_indices() {
                if !ch.is_ascii() {
                    total += (ch.len_utf8() - ch.len_utf16()) as u32;
                    wide.push((off as u32, total));
                }
            }
        }
        let (wide_at, wide_total): (Vec<u32>, Vec<u32>) = wide.into_iter().unzip();
        LineIndex {
            len: text.len(),
            line_starts: Shifted::new(&line_starts),
            wide_at: Shifted::new(&wide_at),
            wide_total: Shifted::new(&wide_total),
        }
    }

    #[cfg(test)]
    fn parts(&self) -> (usize, Vec<u32>, Vec<(u32, u32)>) {
        let wide = self.wide_at.iter().zip(self.wide_total.iter()).collect();
        (self.len, self.line_starts.iter().collect(), wide)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).map_or(self.len, |s| s as usize)
    }

    /// Sum of (UTF-8 − UTF-16) lengths of the characters starting before `offset`.
    fn shrink_before(&self, offset: usize) -> usize {
        let i = self.wide_at.partition_point(|o| (o as usize) < offset);
        i.checked_sub(1)
            .and_then(|i| self.wide_total.get(i))
            .map_or(0, |t| t as usize)
    }

    /// The line of `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.line_starts.partition_point(|s| s as usize <= offset) - 1
    }

    pub fn line_col(&self, offset: usize, enc: Encoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let bytes = offset - start;
        let col = match enc {
            Encoding::Utf8 => bytes,
            Encoding::Utf16 => bytes - (self.shrink_before(offset) - self.shrink_before(start)),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a (line, column) position. Out-of-range lines clamp to the end of
    /// the text, columns past the end of a line clamp to the line's end (before its line
    /// break), and a column inside a character moves back to that character's start, as the
    /// LSP specification asks.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let start = self.line_start(line);
        let end = self.line_content_end(text, line);
        let want = pos.col as usize;
        match enc {
            Encoding::Utf8 => {
                let mut o = (start + want).min(end);
                while !text.is_char_boundary(o) {
                    o -= 1;
                }
                o
            }
            Encoding::Utf16 => {
                let segment = &text[start..end];
                if segment.is_ascii() {
                    return start + want.min(segment.len());
                }
                let mut units = 0;
                for (i, ch) in segment.char_indices() {
                    let next = units + ch.len_utf16();
                    if next > want {
                        return start + i;
                    }
                    units = next;
                }
                end
            }
        }
    }

    /// End of the line's content, before its `\n`. A `\r` before the `\n` counts as
    /// content here, so a position between the two, which a client may send, stays exact.
    pub fn line_content_end(&self, text: &str, line: usize) -> usize {
        let next = self.line_start(line + 1);
        let end = if line + 1 < self.line_starts.len() && text.as_bytes()[next - 1] == b'\n' {
            next - 1
        } else {
            next
        };
        end.max(self.line_start(line))
    }

    /// End of the line's visible text: before `\r\n` or `\n`.
    pub fn line_text_end(&self, text: &str, line: usize) -> usize {
        let end = self.line_content_end(text, line);
        if end > self.line_start(line) && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }
}

/// The lengths of the common prefix and common suffix of two texts, on character
/// boundaries of both and not overlapping: what an edit left alone.
pub fn changed(old_text: &str, new_text: &str) -> (usize, usize) {
    let (old, new) = (old_text.as_bytes(), new_text.as_bytes());
    let mut p = common_prefix(old, new);
    while !new_text.is_char_boundary(p) {
        p -= 1;
    }
    let room = old.len().min(new.len()) - p;
    let mut s = common_suffix(&old[old.len() - room..], &new[new.len() - room..]);
    while !new_text.is_char_boundary(new.len() - s) {
        s -= 1;
    }
    (p, s)
}

/// Length of the common prefix, compared a block at a time (`==` on slices is memcmp).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Length of the common suffix of two equally long slices.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut k = 0;
    while k + BLOCK <= n && a[n - k - BLOCK..n - k] == b[n - k - BLOCK..n - k] {
        k += BLOCK;
    }
    while k < n && a[n - k - 1] == b[n - k - 1] {
        k += 1;
    }
    k
}

/// For each non-ASCII character of valid UTF-8: its offset and the running total of
/// (UTF-8 length − UTF-16 length), which its lead byte decides: 2-byte characters are one
/// UTF-16 unit (1 more byte than units), 3-byte ones one unit (2 more), 4-byte ones a
/// surrogate pair (2 more). ASCII is skipped 32 or 8 bytes at a time.
fn wide_chars(bytes: &[u8]) -> Vec<(u32, u32)> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut wide = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while i < bytes.len() {
        if i + 32 <= bytes.len() {
            let word = |k: usize| {
                let mut w = [0u8; 8];
                w.copy_from_slice(&bytes[i + k..i + k + 8]);
                u64::from_le_bytes(w)
            };
            if (word(0) | word(8) | word(16) | word(24)) & HIGH == 0 {
                i += 32;
                continue;
            }
        }
        if i + 8 <= bytes.len() {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[i..i + 8]);
            if u64::from_le_bytes(word) & HIGH == 0 {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let len = match b {
            0x00..=0x7F => {
                i += 1;
                continue;
            }
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        total += if len == 2 { 1 } else { 2 };
        wide.push((i as u32, total));
        i += len;
    }
    wide.shrink_to_fit();
    wide
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn crlf_and_lf_end_a_line_and_lone_cr_is_a_character() {
        let text = "one\r\ntwo\rthree\nfour";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        assert_eq!(
            idx.line_col(text.find("two").unwrap(), Encoding::Utf16),
            lc(1, 0)
        );
        assert_eq!(
            idx.line_col(text.find("three").unwrap(), Encoding::Utf16),
            lc(1, 4)
        );
        assert_eq!(
            idx.line_col(text.find("four").unwrap(), Encoding::Utf16),
            lc(2, 0)
        );
        assert_eq!(
            idx.offset(text, lc(0, 99), Encoding::Utf16),
            4,
            "clamped before LF"
        );
        assert_eq!(idx.line_text_end(text, 0), 3, "text ends before CRLF");
        assert_eq!(idx.offset(text, lc(9, 0), Encoding::Utf16), text.len());
    }

    #[test]
    fn emoji_counts_two_utf16_units_and_four_bytes() {
        let text = "a😀b\n“é”";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(idx.line_col(b, Encoding::Utf16), lc(0, 3));
        assert_eq!(idx.line_col(b, Encoding::Utf8), lc(0, 5));
        assert_eq!(idx.offset(text, lc(0, 3), Encoding::Utf16), b);
        // Inside the surrogate pair: back to the emoji's start.
        assert_eq!(idx.offset(text, lc(0, 2), Encoding::Utf16), 1);
        let close = text.rfind('”').unwrap();
        assert_eq!(idx.line_col(close, Encoding::Utf16), lc(1, 2));
        assert_eq!(idx.offset(text, lc(1, 2), Encoding::Utf16), close);
    }

    #[test]
    fn round_trips_every_char_boundary() {
        let text = "Zelensky’s 🇺🇦 aide\r\nsaid: «non»\rok\n\né\u{301}";
        let idx = LineIndex::new(text);
        for enc in [Encoding::Utf16, Encoding::Utf8] {
            for (off, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let pos = idx.line_col(off, enc);
                let line_end = idx.line_content_end(text, pos.line as usize);
                if off <= line_end {
                    assert_eq!(idx.offset(text, pos, enc), off, "{enc:?} at {off}");
                }
            }
        }
    }

    #[test]
    fn fast_scan_agrees_with_the_reference() {
        for text in [
            "",
            "plain ascii only\n",
            "a😀b\n“é”",
            "Zelensky’s 🇺🇦 aide\r\nsaid: «non»\rok\n\né\u{301}",
            "12345678é12345678😀1234567\u{10FFFF}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}",
        ] {
            let (a, b) = (LineIndex::new(text), LineIndex::new_reference(text));
            assert_eq!(a.parts(), b.parts(), "{text:?}");
        }
        // Non-ASCII at every offset around the 8- and 32-byte blocks.
        for k in 0..80 {
            let text = format!(
                "{}é{}😀\n{}“",
                "a".repeat(k),
                "b".repeat(k % 37),
                "c".repeat(33)
            );
            let (a, b) = (LineIndex::new(&text), LineIndex::new_reference(&text));
            assert_eq!(a.parts(), b.parts(), "{text:?}");
        }
    }

    /// Long texts, so the prefix and suffix are compared block by block too.
    #[test]
    fn patched_index_equals_a_new_one_on_long_texts() {
        let unit = "Line one “quoted” é\r\nsecond line 😀 with more words\n\nthird\rline\n";
        // Thousands of lines and wide characters: several shared pieces of each list,
        // patched one edit after another as the server does, some edits spanning pieces.
        let mut text = unit.repeat(1200);
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
        let mut index = LineIndex::new(&text);
        let long = unit.repeat(100);
        for round in 0..300 {
            let at = next(text.len() + 1);
            let cut = if round % 25 == 0 {
                next(40_000)
            } else {
                next(600)
            };
            let insert = ["", "x", "\n", "é😀\r\n", "“", &unit[..30], &long][next(7)];
            let new = edited(&text, at, cut, insert);
            index = index.patch(&text, &new);
            let fresh = LineIndex::new(&new);
            assert_eq!(index.parts(), fresh.parts());
            for _ in 0..20 {
                let o = next(new.len() + 1);
                for enc in [Encoding::Utf16, Encoding::Utf8] {
                    let lc = fresh.line_col(o, enc);
                    assert_eq!(index.line_col(o, enc), lc);
                    assert_eq!(index.offset(&new, lc, enc), fresh.offset(&new, lc, enc));
                }
            }
            text = new;
        }
    }

    /// `old` with `insert` put in place of up to `cut` bytes from `at` (both moved back to
    /// character boundaries, `at` no further than the end).
    fn edited(old: &str, at: usize, cut: usize, insert: &str) -> String {
        let mut a = at.min(old.len());
        while !old.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = (a + cut).min(old.len());
        while !old.is_char_boundary(b) {
            b -= 1;
        }
        format!("{}{}{}", &old[..a], insert, &old[b..])
    }

    proptest::proptest! {
        #[test]
        fn patched_index_equals_a_new_one(
            old in "(\\PC|\n|\r|😀|é|“| )*",
            at in 0.0..1.0f64,
            cut in 0usize..40,
            insert in "(\\PC|\n|\r|😀|é|“)*",
        ) {
            let new = edited(&old, (at * old.len() as f64) as usize, cut, &insert);
            let patched = LineIndex::new(&old).patch(&old, &new);
            let fresh = LineIndex::new(&new);
            proptest::prop_assert_eq!(patched.parts(), fresh.parts());
        }

        // Told less than all of what an edit left alone (the server knows where its edits
        // were, not how far the texts agree around them), the patch is still exact.
        #[test]
        fn a_patch_from_less_than_the_common_part_is_exact(
            old in "(\\PC|\n|😀|é){0,300}",
            at in 0usize..400,
            cut in 0usize..20,
            insert in "(\\PC|\n|😀|é){0,4}",
            less in (0usize..400, 0usize..400),
        ) {
            let new = edited(&old, at, cut, &insert);
            let (p, s) = changed(&old, &new);
            let (mut p, s) = (p.saturating_sub(less.0), s.saturating_sub(less.1));
            while !new.is_char_boundary(p) {
                p -= 1;
            }
            let mut s = s;
            while !new.is_char_boundary(new.len() - s) || !old.is_char_boundary(old.len() - s) {
                s -= 1;
            }
            let patched = LineIndex::new(&old).patch_changed(old.len(), &new, p, s);
            let fresh = LineIndex::new(&new);
            proptest::prop_assert_eq!(patched.parts(), fresh.parts());
        }

        #[test]
        fn fast_scan_agrees_on_arbitrary_text(text in "(\\PC|\n|\r|😀|é|“)*") {
            let (a, b) = (LineIndex::new(&text), LineIndex::new_reference(&text));
            proptest::prop_assert_eq!(a.parts(), b.parts());
        }
    }
}
