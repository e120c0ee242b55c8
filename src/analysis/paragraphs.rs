//! Splits a draft into the blocks of prose that the other passes read.
//!
//! Plain text: blank lines separate paragraphs. A draft written one paragraph per line
//! with no blank lines at all (common when copying from a CMS) is one paragraph per line,
//! and so is any block whose lines are far too long to be hard-wrapped prose.
//! Markdown: front matter, fenced and indented code, HTML comments, tables and thematic
//! breaks are not prose; headings, list items and block-quote paragraphs are blocks of
//! their own.

use std::ops::Range;

use super::shifted::{Moved, Shifted};
use super::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Plain,
    Markdown,
}

impl Format {
    pub fn from_path(path: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        if [".md", ".markdown", ".mdown", ".mkd", ".mdx"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            Format::Markdown
        } else {
            Format::Plain
        }
    }

    pub fn from_language_id(id: &str, path: &str) -> Format {
        match id {
            "markdown" | "mdx" | "quarto" | "rmd" => Format::Markdown,
            "plaintext" | "text" => Format::from_path(path),
            _ => Format::from_path(path),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    BlockQuote,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// The prose, without list markers, heading hashes or surrounding white space.
    pub span: Span,
    /// The whole lines the block occupies, including the last line's line break.
    pub block: Span,
    pub kind: BlockKind,
}

/// A draft's paragraphs are kept in chunks of 256 (`Shifted`): a keystroke copies about
/// 10 KB of them, where it copied all of them, moved, before.
impl Moved for Paragraph {
    const CHUNK: usize = 256;
    fn moved(self, by: usize) -> Paragraph {
        let m = |s: Span| Span {
            start: s.start.wrapping_add(by),
            end: s.end.wrapping_add(by),
        };
        Paragraph {
            span: m(self.span),
            block: m(self.block),
            kind: self.kind,
        }
    }
}

/// Average line length (bytes) above which a run of lines cannot be hard-wrapped prose.
const UNWRAPPED_LINE: usize = 200;

#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    /// End of content, before the line break.
    end: usize,
    /// After the line break.
    next: usize,
}

/// The lines of `text[from..to]`, at their offsets in `text` (`from` a line start).
fn lines(text: &str, from: usize, to: usize) -> Vec<Line> {
    let bytes = &text.as_bytes()[..to];
    let mut out = Vec::with_capacity((to - from) / 48 + 1);
    let mut start = from;
    for nl in memchr::memchr_iter(b'\n', &bytes[from..]).map(|i| from + i) {
        let end = if nl > start && bytes[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        out.push(Line {
            start,
            end,
            next: nl + 1,
        });
        start = nl + 1;
    }
    if start < bytes.len() {
        out.push(Line {
            start,
            end: bytes.len(),
            next: bytes.len(),
        });
    }
    out
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t') || s.trim().is_empty()
}

/// Per line: does it have content (not blank)?
fn content_of(text: &str, lines: &[Line]) -> Vec<bool> {
    lines
        .iter()
        .map(|l| !is_blank(&text[l.start..l.end]))
        .collect()
}

/// (content start, content end, line start, line next)
type GroupLine = (usize, usize, usize, usize);

struct Builder<'a> {
    text: &'a str,
    per_line_plain: bool,
    out: Vec<Paragraph>,
    /// The kind of the block being gathered, if any, and its lines (one buffer, reused).
    group: Option<BlockKind>,
    lines: Vec<GroupLine>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, per_line_plain: bool) -> Self {
        Builder {
            text,
            per_line_plain,
            out: Vec::new(),
            group: None,
            lines: Vec::new(),
        }
    }

    fn push_line(&mut self, kind: BlockKind, content: usize, line: Line) {
        match self.group {
            Some(g) if g == kind || kind == BlockKind::Paragraph => {
                self.lines.push((content, line.end, line.start, line.next))
            }
            _ => self.start(kind, content, line),
        }
    }

    fn start(&mut self, kind: BlockKind, content: usize, line: Line) {
        self.flush();
        self.group = Some(kind);
        self.lines.push((content, line.end, line.start, line.next));
    }

    fn flush(&mut self) {
        let Some(kind) = self.group.take() else {
            return;
        };
        let lines = std::mem::take(&mut self.lines);
        let total: usize = lines.iter().map(|l| l.1 - l.0).sum();
        let unwrapped = lines.len() > 1 && total / lines.len() > UNWRAPPED_LINE;
        if (self.per_line_plain || unwrapped) && kind == BlockKind::Paragraph {
            for &l in &lines {
                self.emit(kind, &[l]);
            }
        } else {
            self.emit(kind, &lines);
        }
        self.lines = lines;
        self.lines.clear();
    }

    fn emit(&mut self, kind: BlockKind, lines: &[GroupLine]) {
        let first = lines[0];
        let last = lines[lines.len() - 1];
        let raw = &self.text[first.0..last.1];
        let lead = raw.len() - raw.trim_start().len();
        let trail = raw.len() - raw.trim_end().len();
        let span = Span::new(first.0 + lead, last.1 - trail);
        if span.is_empty() {
            return;
        }
        self.out.push(Paragraph {
            span,
            block: Span::new(first.2, last.3),
            kind,
        });
    }
}

pub fn split(text: &str, format: Format) -> Vec<Paragraph> {
    split_with_mode(text, format).0
}

/// `split`, and whether the text is plain with a paragraph on each line (no blank line
/// between two content lines), which `split_again` needs to know of the last split.
pub fn split_with_mode(text: &str, format: Format) -> (Vec<Paragraph>, bool) {
    let lines = lines(text, 0, text.len());
    match format {
        Format::Plain => split_plain(text, &lines),
        Format::Markdown => (split_markdown(text, &lines), false),
    }
}

fn split_plain(text: &str, lines: &[Line]) -> (Vec<Paragraph>, bool) {
    let content = content_of(text, lines);
    // A blank line that separates two content lines means the author uses blank lines as
    // paragraph breaks; otherwise every line is a paragraph.
    let first = content.iter().position(|&c| c);
    let last = content.iter().rposition(|&c| c);
    let uses_blank_lines = match (first, last) {
        (Some(a), Some(b)) => content[a..=b].iter().any(|&c| !c),
        _ => false,
    };
    (
        plain_paragraphs(text, lines, &content, !uses_blank_lines),
        !uses_blank_lines,
    )
}

fn plain_paragraphs(
    text: &str,
    lines: &[Line],
    content: &[bool],
    per_line: bool,
) -> Vec<Paragraph> {
    let mut b = Builder::new(text, per_line);
    for (l, &has) in lines.iter().zip(content) {
        if has {
            b.push_line(BlockKind::Paragraph, l.start, *l);
        } else {
            b.flush();
        }
    }
    b.flush();
    b.out
}

/// Is the line that ends just before `at` (a line start) blank?
fn blank_line_before(text: &str, at: usize) -> bool {
    blank_line_start(text, at).is_some()
}

/// Where the line ending just before `at` starts, if it is blank.
fn blank_line_start(text: &str, at: usize) -> Option<usize> {
    if at == 0 || text.as_bytes().get(at - 1) != Some(&b'\n') {
        return None;
    }
    let start = text[..at - 1].rfind('\n').map_or(0, |i| i + 1);
    is_blank(&text[start..at - 1]).then_some(start)
}

/// `split` of `text`, from the split of the last text (`old`, of a text `old_len` bytes
/// long) when the two texts share their first `prefix` and last `suffix` bytes: only the
/// paragraphs around the change are split again, between blank lines on either side that
/// the change does not touch, or, in a draft with a paragraph on each line (`per_line`,
/// as the last split found it), between the lines around the change; the start or the end
/// of the text may close the window. The same result as `split` (tested), and the same
/// mode; `None` when there is no such boundary, when the change may switch a plain draft
/// between the two ways of writing paragraphs, when the window is the whole text, or, in
/// Markdown, when something in the window (a fence, a comment, a line that could close
/// front matter) may reach beyond it or the window starts the text (front matter). With
/// the split, the old paragraphs it replaced: those before the range are the same ones,
/// those after it the same ones moved.
pub fn split_again(
    old: &Shifted<Paragraph>,
    old_len: usize,
    text: &str,
    (prefix, suffix): (usize, usize),
    format: Format,
    per_line: bool,
) -> Option<(Shifted<Paragraph>, Range<usize>)> {
    if prefix + suffix > old_len.min(text.len()) || (format == Format::Markdown && per_line) {
        return None;
    }
    // The paragraph the window starts with: the last one starting at or before the change;
    // or the first, and the window runs from the start of the text (a headline edited).
    let i0 = old
        .partition_point(|q| q.block.start <= prefix)
        .saturating_sub(1);
    // The paragraph the window stops before: the first one whose line break before it
    // lies in the unchanged suffix; or none, and the window runs to the end of the text
    // (typing at the end of a draft, the commonest place).
    let i1 = old.partition_point(|q| q.block.start < (old_len - suffix) + 1);
    let (from_start, to_end) = (i0 == 0, i1 >= old.len());
    // The whole text, or Markdown's front matter in reach: split in full.
    if i1 <= i0 || (from_start && (to_end || format == Format::Markdown)) {
        return None;
    }
    let block_start = |i: usize| old.get(i).map_or(old_len, |q| q.block.start);
    let ws = if from_start { 0 } else { block_start(i0) };
    let we = if to_end {
        text.len()
    } else {
        block_start(i1) + text.len() - old_len
    };
    if we <= ws || !text.is_char_boundary(we) || (!to_end && !text[..we].ends_with('\n')) {
        return None;
    }
    // The start and the end of the text close a window as a blank line does.
    let opened = from_start || blank_line_before(text, ws);
    let closed = to_end || blank_line_before(text, we);
    let lines = lines(text, ws, we);
    if format == Format::Markdown {
        // As in plain text, the window lies between blank lines, and a block of the last
        // split starts at either end: there the splitter was outside any block, fence or
        // comment (none of which lets a block start inside it), and so it is at the start
        // of the window now. Nothing in the window may reach out of it: no fence, no
        // comment, and no line that could close the front matter the text opens with. Then
        // the window splits from a fresh start as the whole text would, and what follows
        // it is read as it was.
        let mark = front_matter_mark(text);
        let reaches_out = lines.iter().any(|l| {
            let s = &text[l.start..l.end];
            fence(s).is_some()
                || s.contains("<!--")
                || s.contains("-->")
                || mark.is_some_and(|m| s.trim_end() == m)
        });
        // The blank line closing the window was there before the change too: how a line
        // reads can depend on a blank line before it (after one, a line indented four
        // spaces is code; right after a paragraph's line, a line of that paragraph). The
        // property test found a case when such a line read as a heading; it reads as
        // CommonMark says now, and this keeps any such case from splitting wrongly.
        let closed =
            to_end || blank_line_start(text, we).is_some_and(|start| start > text.len() - suffix);
        if reaches_out || !opened || !closed {
            return None;
        }
        let middle = markdown_blocks(text, &lines);
        return Some((assemble(old, old_len, text, i0, i1, &middle), i0..i1));
    }
    let content = content_of(text, &lines);
    if per_line {
        // Every line of the window still has content: no blank line now stands between
        // two content lines (those outside the window are as they were), so each line is
        // still a paragraph of its own, and the lines outside the window are split as they
        // were.
        if !content.iter().all(|&c| c) {
            return None;
        }
    } else if !opened || !closed || ((from_start || to_end) && !content.iter().any(|&c| c)) {
        // Both ends of the window at a blank line: the draft uses blank lines between
        // paragraphs (before and after the change alike), and what lies outside the
        // window is split as it was. A window at either end of the text keeps some
        // content, or the blank line beside it might no longer stand between two
        // paragraphs.
        return None;
    }
    let middle = plain_paragraphs(text, &lines, &content, per_line);
    Some((assemble(old, old_len, text, i0, i1, &middle), i0..i1))
}

/// The last split's paragraphs before `i0`, then `middle`, then the last split's from `i1`
/// on, moved to where they now stand.
fn assemble(
    old: &Shifted<Paragraph>,
    old_len: usize,
    text: &str,
    i0: usize,
    i1: usize,
    middle: &[Paragraph],
) -> Shifted<Paragraph> {
    // After the window the text is the old one's suffix: measured from the end.
    old.splice(i0, i1, middle, text.len().wrapping_sub(old_len))
}

fn leading_spaces(s: &str) -> usize {
    let mut n = 0;
    for b in s.bytes() {
        match b {
            b' ' => n += 1,
            b'\t' => n += 4,
            _ => break,
        }
    }
    n
}

/// Length of a fence opener (``` or ~~~, three or more) and its character.
fn fence(s: &str) -> Option<(u8, usize)> {
    let t = s.trim_start();
    if s.len() - t.len() > 3 {
        return None;
    }
    let c = *t.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.bytes().take_while(|&b| b == c).count();
    (n >= 3).then_some((c, n))
}

fn is_thematic_break(t: &str) -> bool {
    // Without collecting the line: most lines are prose and fail at their first letter.
    let mut marks = t.chars().filter(|c| !c.is_whitespace());
    let Some(c) = marks.next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    let mut n = 1;
    for m in marks {
        if m != c {
            return false;
        }
        n += 1;
    }
    n >= 3
}

/// Byte length of a list marker and the space after it, if the line starts a list item.
fn list_marker(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    match b.first()? {
        b'-' | b'*' | b'+' => (b.get(1).is_some_and(|c| *c == b' ' || *c == b'\t')).then_some(2),
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 {
                return None;
            }
            let punct = *b.get(digits)?;
            let space = b.get(digits + 1).is_some_and(|c| *c == b' ' || *c == b'\t');
            ((punct == b'.' || punct == b')') && space).then_some(digits + 2)
        }
        _ => None,
    }
}

/// The front matter's opening mark (`---` or `+++`) if the text's first line is one.
fn front_matter_mark(text: &str) -> Option<&str> {
    let t = text.split('\n').next()?.trim_end();
    (t == "---" || t == "+++").then_some(t)
}

fn split_markdown(text: &str, lines: &[Line]) -> Vec<Paragraph> {
    let mut i = 0;
    // Front matter: YAML (---) or TOML (+++) at the very top.
    if let Some(t) = front_matter_mark(text) {
        if let Some(close) = lines[1..]
            .iter()
            .position(|l| text[l.start..l.end].trim_end() == t)
        {
            i = close + 2;
        }
    }
    markdown_blocks(text, &lines[i.min(lines.len())..])
}

/// The blocks of `lines`, read from a fresh start: outside any block, fence or comment.
fn markdown_blocks(text: &str, lines: &[Line]) -> Vec<Paragraph> {
    let mut b = Builder::new(text, false);
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let s = &text[l.start..l.end];
        i += 1;
        if is_blank(s) {
            b.flush();
            continue;
        }
        if let Some((c, n)) = fence(s) {
            b.flush();
            while i < lines.len() {
                let t = &text[lines[i].start..lines[i].end];
                i += 1;
                if fence(t).is_some_and(|(c2, n2)| c2 == c && n2 >= n)
                    && t.trim().bytes().all(|x| x == c)
                {
                    break;
                }
            }
            continue;
        }
        let indent = leading_spaces(s);
        let t = s.trim_start();
        let content = l.start + (s.len() - t.len());
        if indent >= 4 {
            // Four spaces in, no block starts (CommonMark), a comment neither: after a
            // blank line the line is code, inside a block a line of it ("    ## x" does
            // not end a paragraph).
            if b.group.is_some() {
                b.push_line(BlockKind::Paragraph, content, l);
            }
            continue;
        }
        if t.starts_with("<!--") {
            b.flush();
            let mut j = i - 1;
            while j < lines.len() && !text[lines[j].start..lines[j].end].contains("-->") {
                j += 1;
            }
            i = j + 1;
            continue;
        }
        if t.starts_with('#') {
            let hashes = t.bytes().take_while(|&c| c == b'#').count();
            let rest = &t[hashes..];
            if hashes <= 6 && (rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
                let body = rest.trim_end().trim_end_matches('#');
                let start = content + hashes;
                b.start(
                    BlockKind::Heading,
                    start,
                    Line {
                        start: l.start,
                        end: start + body.len(),
                        next: l.next,
                    },
                );
                b.flush();
                continue;
            }
        }
        if b.group == Some(BlockKind::Paragraph) {
            let u = t.trim_end();
            if !u.is_empty() && (u.bytes().all(|c| c == b'=') || u.bytes().all(|c| c == b'-')) {
                // Setext underline: the paragraph above is a heading; the underline is not prose.
                b.group = Some(BlockKind::Heading);
                b.flush();
                continue;
            }
        }
        if is_thematic_break(t) {
            b.flush();
            continue;
        }
        if t.starts_with('|') {
            b.flush();
            continue;
        }
        if let Some(rest) = t.strip_prefix('>') {
            let inner = rest.strip_prefix(' ').unwrap_or(rest);
            if is_blank(inner) {
                b.flush();
                continue;
            }
            let start = l.end - inner.len();
            let line = Line {
                start: l.start,
                end: l.end,
                next: l.next,
            };
            if b.group == Some(BlockKind::BlockQuote) {
                b.push_line(BlockKind::BlockQuote, start, line);
            } else {
                b.start(BlockKind::BlockQuote, start, line);
            }
            continue;
        }
        if let Some(m) = list_marker(t) {
            b.start(BlockKind::ListItem, content + m, l);
            continue;
        }
        if t.starts_with('[') && t.contains("]:") && !t.contains(' ') {
            continue; // link reference definition
        }
        if b.group.is_none() {
            b.start(BlockKind::Paragraph, content, l);
        } else {
            b.push_line(BlockKind::Paragraph, content, l);
        }
    }
    b.flush();
    b.out
}

/// The splitter as it was before the allocation-free builder and the single `memchr_iter`
/// line scan, kept to check that both give the same paragraphs.
#[cfg(test)]
#[allow(clippy::all)]
mod reference {
    use super::{BlockKind, Format, Paragraph, Span};

    /// Average line length (bytes) above which a run of lines cannot be hard-wrapped prose.
    const UNWRAPPED_LINE: usize = 200;

    #[derive(Clone, Copy, Debug)]
    struct Line {
        start: usize,
        /// End of content, before the line break.
        end: usize,
        /// After the line break.
        next: usize,
    }

    fn lines(text: &str) -> Vec<Line> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut start = 0;
        while start < bytes.len() {
            match memchr::memchr(b'\n', &bytes[start..]) {
                Some(rel) => {
                    let next = start + rel + 1;
                    let end = if rel > 0 && bytes[start + rel - 1] == b'\r' {
                        start + rel - 1
                    } else {
                        start + rel
                    };
                    out.push(Line { start, end, next });
                    start = next;
                }
                None => {
                    out.push(Line {
                        start,
                        end: bytes.len(),
                        next: bytes.len(),
                    });
                    break;
                }
            }
        }
        out
    }

    fn is_blank(s: &str) -> bool {
        s.bytes().all(|b| b == b' ' || b == b'\t') || s.trim().is_empty()
    }

    struct Group {
        kind: BlockKind,
        /// (content start, content end, line start, line next)
        lines: Vec<(usize, usize, usize, usize)>,
    }

    struct Builder<'a> {
        text: &'a str,
        per_line_plain: bool,
        out: Vec<Paragraph>,
        group: Option<Group>,
    }

    impl Builder<'_> {
        fn push_line(&mut self, kind: BlockKind, content: usize, line: Line) {
            match &mut self.group {
                Some(g) if g.kind == kind || kind == BlockKind::Paragraph => {
                    g.lines.push((content, line.end, line.start, line.next))
                }
                _ => {
                    self.flush();
                    self.group = Some(Group {
                        kind,
                        lines: vec![(content, line.end, line.start, line.next)],
                    });
                }
            }
        }

        fn start(&mut self, kind: BlockKind, content: usize, line: Line) {
            self.flush();
            self.group = Some(Group {
                kind,
                lines: vec![(content, line.end, line.start, line.next)],
            });
        }

        fn flush(&mut self) {
            let Some(g) = self.group.take() else { return };
            let total: usize = g.lines.iter().map(|l| l.1 - l.0).sum();
            let unwrapped = g.lines.len() > 1 && total / g.lines.len() > UNWRAPPED_LINE;
            if (self.per_line_plain || unwrapped) && g.kind == BlockKind::Paragraph {
                for &l in &g.lines {
                    self.emit(g.kind, &[l]);
                }
            } else {
                self.emit(g.kind, &g.lines);
            }
        }

        fn emit(&mut self, kind: BlockKind, lines: &[(usize, usize, usize, usize)]) {
            let first = lines[0];
            let last = lines[lines.len() - 1];
            let raw = &self.text[first.0..last.1];
            let lead = raw.len() - raw.trim_start().len();
            let trail = raw.len() - raw.trim_end().len();
            let span = Span::new(first.0 + lead, last.1 - trail);
            if span.is_empty() {
                return;
            }
            self.out.push(Paragraph {
                span,
                block: Span::new(first.2, last.3),
                kind,
            });
        }
    }

    pub(super) fn split(text: &str, format: Format) -> Vec<Paragraph> {
        let lines = lines(text);
        match format {
            Format::Plain => split_plain(text, &lines),
            Format::Markdown => split_markdown(text, &lines),
        }
    }

    fn split_plain(text: &str, lines: &[Line]) -> Vec<Paragraph> {
        let content: Vec<bool> = lines
            .iter()
            .map(|l| !is_blank(&text[l.start..l.end]))
            .collect();
        // A blank line that separates two content lines means the author uses blank lines as
        // paragraph breaks; otherwise every line is a paragraph.
        let first = content.iter().position(|&c| c);
        let last = content.iter().rposition(|&c| c);
        let uses_blank_lines = match (first, last) {
            (Some(a), Some(b)) => content[a..=b].iter().any(|&c| !c),
            _ => false,
        };
        let mut b = Builder {
            text,
            per_line_plain: !uses_blank_lines,
            out: Vec::new(),
            group: None,
        };
        for (l, &has) in lines.iter().zip(&content) {
            if has {
                b.push_line(BlockKind::Paragraph, l.start, *l);
            } else {
                b.flush();
            }
        }
        b.flush();
        b.out
    }

    fn leading_spaces(s: &str) -> usize {
        let mut n = 0;
        for b in s.bytes() {
            match b {
                b' ' => n += 1,
                b'\t' => n += 4,
                _ => break,
            }
        }
        n
    }

    /// Length of a fence opener (``` or ~~~, three or more) and its character.
    fn fence(s: &str) -> Option<(u8, usize)> {
        let t = s.trim_start();
        if s.len() - t.len() > 3 {
            return None;
        }
        let c = *t.as_bytes().first()?;
        if c != b'`' && c != b'~' {
            return None;
        }
        let n = t.bytes().take_while(|&b| b == c).count();
        (n >= 3).then_some((c, n))
    }

    fn is_thematic_break(t: &str) -> bool {
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        t.len() >= 3
            && (t.bytes().all(|b| b == b'-')
                || t.bytes().all(|b| b == b'*')
                || t.bytes().all(|b| b == b'_'))
    }

    /// Byte length of a list marker and the space after it, if the line starts a list item.
    fn list_marker(t: &str) -> Option<usize> {
        let b = t.as_bytes();
        match b.first()? {
            b'-' | b'*' | b'+' => {
                (b.get(1).is_some_and(|c| *c == b' ' || *c == b'\t')).then_some(2)
            }
            b'0'..=b'9' => {
                let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
                if digits > 9 {
                    return None;
                }
                let punct = *b.get(digits)?;
                let space = b.get(digits + 1).is_some_and(|c| *c == b' ' || *c == b'\t');
                ((punct == b'.' || punct == b')') && space).then_some(digits + 2)
            }
            _ => None,
        }
    }

    fn split_markdown(text: &str, lines: &[Line]) -> Vec<Paragraph> {
        let mut b = Builder {
            text,
            per_line_plain: false,
            out: Vec::new(),
            group: None,
        };
        let mut i = 0;
        // Front matter: YAML (---) or TOML (+++) at the very top.
        if let Some(first) = lines.first() {
            let t = text[first.start..first.end].trim_end();
            if t == "---" || t == "+++" {
                if let Some(close) = lines[1..]
                    .iter()
                    .position(|l| text[l.start..l.end].trim_end() == t)
                {
                    i = close + 2;
                }
            }
        }
        while i < lines.len() {
            let l = lines[i];
            let s = &text[l.start..l.end];
            i += 1;
            if is_blank(s) {
                b.flush();
                continue;
            }
            if let Some((c, n)) = fence(s) {
                b.flush();
                while i < lines.len() {
                    let t = &text[lines[i].start..lines[i].end];
                    i += 1;
                    if fence(t).is_some_and(|(c2, n2)| c2 == c && n2 >= n)
                        && t.trim().bytes().all(|x| x == c)
                    {
                        break;
                    }
                }
                continue;
            }
            let indent = leading_spaces(s);
            let t = s.trim_start();
            let content = l.start + (s.len() - t.len());
            if indent >= 4 {
                if b.group.is_some() {
                    b.push_line(BlockKind::Paragraph, content, l);
                }
                continue;
            }
            if t.starts_with("<!--") {
                b.flush();
                let mut j = i - 1;
                while j < lines.len() && !text[lines[j].start..lines[j].end].contains("-->") {
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            if t.starts_with('#') {
                let hashes = t.bytes().take_while(|&c| c == b'#').count();
                let rest = &t[hashes..];
                if hashes <= 6
                    && (rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t'))
                {
                    let body = rest.trim_end().trim_end_matches('#');
                    let start = content + hashes;
                    b.start(
                        BlockKind::Heading,
                        start,
                        Line {
                            start: l.start,
                            end: start + body.len(),
                            next: l.next,
                        },
                    );
                    b.flush();
                    continue;
                }
            }
            if b.group
                .as_ref()
                .is_some_and(|g| g.kind == BlockKind::Paragraph)
            {
                let u = t.trim_end();
                if !u.is_empty() && (u.bytes().all(|c| c == b'=') || u.bytes().all(|c| c == b'-')) {
                    // Setext underline: the paragraph above is a heading; the underline is not prose.
                    if let Some(g) = b.group.as_mut() {
                        g.kind = BlockKind::Heading;
                    }
                    b.flush();
                    continue;
                }
            }
            if is_thematic_break(t) {
                b.flush();
                continue;
            }
            if t.starts_with('|') {
                b.flush();
                continue;
            }
            if let Some(rest) = t.strip_prefix('>') {
                let inner = rest.strip_prefix(' ').unwrap_or(rest);
                if is_blank(inner) {
                    b.flush();
                    continue;
                }
                let start = l.end - inner.len();
                let line = Line {
                    start: l.start,
                    end: l.end,
                    next: l.next,
                };
                if b.group
                    .as_ref()
                    .is_some_and(|g| g.kind == BlockKind::BlockQuote)
                {
                    b.push_line(BlockKind::BlockQuote, start, line);
                } else {
                    b.start(BlockKind::BlockQuote, start, line);
                }
                continue;
            }
            if let Some(m) = list_marker(t) {
                b.start(BlockKind::ListItem, content + m, l);
                continue;
            }
            if t.starts_with('[') && t.contains("]:") && !t.contains(' ') {
                continue; // link reference definition
            }
            if b.group.is_none() {
                b.start(BlockKind::Paragraph, content, l);
            } else {
                b.push_line(BlockKind::Paragraph, content, l);
            }
        }
        b.flush();
        b.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, f: Format) -> Vec<(BlockKind, String)> {
        split(text, f)
            .into_iter()
            .map(|p| (p.kind, text[p.span.start..p.span.end].to_string()))
            .collect()
    }

    #[test]
    fn plain_one_paragraph_per_line_without_blank_lines() {
        let text =
            "The mayor spoke on Monday.\nCouncil members left early.\nThe vote is next week.\n";
        let got = split(text, Format::Plain);
        assert_eq!(got.len(), 3);
        assert_eq!(
            &text[got[1].span.start..got[1].span.end],
            "Council members left early."
        );
        assert_eq!(got[1].block, Span::new(27, 55));
    }

    #[test]
    fn plain_blank_lines_separate_and_wrapped_lines_join() {
        let text =
            "The mayor spoke\non Monday.\n\n  Council members\r\nleft early.  \r\n\r\n \r\nEnd.";
        let got = texts(text, Format::Plain);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].1, "The mayor spoke\non Monday.");
        assert_eq!(got[1].1, "Council members\r\nleft early.");
        assert_eq!(got[2].1, "End.");
    }

    #[test]
    fn leading_and_trailing_blank_lines_do_not_switch_mode() {
        let text = "\n\nFirst line.\nSecond line.\n\n";
        assert_eq!(texts(text, Format::Plain).len(), 2);
    }

    #[test]
    fn unwrapped_long_lines_are_paragraphs_even_between_blank_lines() {
        let long_a = "a ".repeat(150);
        let long_b = "b ".repeat(150);
        let text = format!("Intro.\n\n{long_a}\n{long_b}\n");
        assert_eq!(texts(&text, Format::Plain).len(), 3);
    }

    #[test]
    fn markdown_skips_front_matter_code_and_comments() {
        let text = "---\ntitle: Draft\n---\n# Council votes\n\nThe council voted.\n\n```\ncode here\n```\n\n<!-- note\nto self -->\n    indented code\n\n- first item\n- second item\n  continues\n\n> quoted line\n> more\n\nSetext\n======\n\n| a | b |\n\n***\n";
        let got = texts(text, Format::Markdown);
        assert_eq!(
            got,
            vec![
                (BlockKind::Heading, "Council votes".to_string()),
                (BlockKind::Paragraph, "The council voted.".to_string()),
                (BlockKind::ListItem, "first item".to_string()),
                (BlockKind::ListItem, "second item\n  continues".to_string()),
                (BlockKind::BlockQuote, "quoted line\n> more".to_string()),
                (BlockKind::Heading, "Setext".to_string()),
            ]
        );
    }

    #[test]
    fn emoji_and_empty_input() {
        assert!(split("", Format::Plain).is_empty());
        assert!(split("\n\r\n  \n", Format::Markdown).is_empty());
        let got = texts("😀 Fans cheered.\n", Format::Plain);
        assert_eq!(got[0].1, "😀 Fans cheered.");
    }

    #[test]
    fn format_from_path() {
        assert_eq!(Format::from_path("a/B.MD"), Format::Markdown);
        assert_eq!(Format::from_path("draft.txt"), Format::Plain);
    }

    #[test]
    fn same_paragraphs_as_the_reference_splitter() {
        let samples = [
            include_str!("../../tests/fixtures/same-story-50.txt"),
            include_str!("../../tests/fixtures/reworked.txt"),
            include_str!("../../tests/fixtures/articles/budget-standoff.txt"),
            "---\ntitle: Draft\n---\n# Council votes\n\nThe council voted.\n\n```\ncode here\n```\n\n<!-- note\nto self -->\n    indented code\n\n- first item\n- second item\n  continues\n\n> quoted line\n> more\n\nSetext\n======\n\n| a | b |\n\n***\n",
            "one\r\ntwo\r\n\r\nthree\rfour\n",
            "",
            "\n\n\n",
        ];
        for text in samples {
            for f in [Format::Plain, Format::Markdown] {
                assert_eq!(split(text, f), reference::split(text, f), "{text:?}");
            }
        }
    }

    /// `split_again` after `edit` (at, removed bytes, inserted): `split` of the new text.
    fn split_again_after(
        old: &str,
        at: usize,
        removed: usize,
        inserted: &str,
    ) -> Option<Vec<Paragraph>> {
        split_again_after_in(Format::Plain, old, at, removed, inserted)
    }

    fn split_again_after_in(
        format: Format,
        old: &str,
        at: usize,
        removed: usize,
        inserted: &str,
    ) -> Option<Vec<Paragraph>> {
        let mut at = at.min(old.len());
        while !old.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + removed).min(old.len());
        while !old.is_char_boundary(end) {
            end += 1;
        }
        let new = format!("{}{inserted}{}", &old[..at], &old[end..]);
        let (before, per_line) = split_with_mode(old, format);
        let changed = crate::analysis::line_index::changed(old, &new);
        let before = Shifted::new(&before);
        let again = split_again(&before, old.len(), &new, changed, format, per_line)
            .map(|(a, _)| a.iter().collect::<Vec<_>>());
        if let Some(again) = &again {
            assert_eq!(again, &split(&new, format), "{old:?} -> {new:?}");
            // The mode carried over is the new text's.
            assert_eq!(
                per_line,
                split_with_mode(&new, format).1,
                "{old:?} -> {new:?}"
            );
        }
        again
    }

    #[test]
    fn split_again_splits_only_around_the_change_and_agrees() {
        let draft = "Headline here\n\nFirst paragraph, two\nlines.\n\nSecond one.\n\n\nThird one.\n\nLast.\n";
        let mid = draft.find("Second").unwrap();
        for (removed, inserted) in [
            (0, "x"),
            (3, ""),
            (0, "\n\nNew paragraph.\n\n"),
            (8, "\n"),
            (0, " \n "),
        ] {
            assert!(split_again_after(draft, mid + 2, removed, inserted).is_some());
        }
        // Edits at the line break before a paragraph, or the blank line before it.
        for at in [mid - 1, mid - 2] {
            for (removed, inserted) in [(1, "x"), (0, "x"), (1, ""), (2, "")] {
                split_again_after(draft, at, removed, inserted);
            }
        }
        // At the start: the headline, and the blank lines before it.
        for (at, removed, inserted) in [
            (2, 0, "x"),
            (0, 0, "\n\n"),
            (0, 4, ""),
            (0, 0, "Kicker\n\n"),
        ] {
            assert!(
                split_again_after(draft, at, removed, inserted).is_some(),
                "{inserted:?}"
            );
        }
        // Deleting the paragraph before the draft's only blank line: split in full.
        let one_blank = "First one\n\nLast, two\nlines.\n";
        for inserted in ["", "\n", " "] {
            assert!(split_again_after(one_blank, 0, 9, inserted).is_none());
        }
    }

    #[test]
    fn split_again_at_the_end_of_the_text() {
        let blank_lines = "Head\n\nFirst, two\nlines.\n\nLast one";
        let per_line = "Head\nFirst.\nLast one\n";
        let markdown = "# Head\n\nFirst.\n\nLast one\n";
        for (format, draft) in [
            (Format::Plain, blank_lines),
            (Format::Plain, per_line),
            (Format::Markdown, markdown),
        ] {
            let at = draft.find("one").unwrap();
            for (removed, inserted) in [(0, "x"), (2, ""), (0, " more words")] {
                assert!(
                    split_again_after_in(format, draft, at, removed, inserted).is_some(),
                    "{draft:?} {inserted:?}"
                );
            }
            // Typing past the last character.
            assert!(split_again_after_in(format, draft, draft.len(), 0, "x").is_some());
            // New paragraphs at the end, and the last one deleted: agrees either way.
            for (removed, inserted) in [(0, "\n\nAnother.\n"), (0, "\nAnother.\n"), (99, "")] {
                split_again_after_in(format, draft, at, removed, inserted);
            }
        }
        // Deleting the paragraph after the draft's only blank line: the draft now has a
        // paragraph on each line. Split in full.
        let one_blank = "First, two\nlines.\n\nLast one";
        let at = one_blank.find("Last").unwrap();
        for inserted in ["", "\n", " "] {
            assert!(split_again_after(one_blank, at, 99, inserted).is_none());
        }
    }

    #[test]
    fn split_again_in_markdown_around_the_change_only() {
        let draft = "---\ntitle: x\n---\n\n# Head\n\nFirst paragraph.\n\n- item one\n- item two\n\nSecond one, to edit.\n\n> quoted\n\n```\ncode\n\nmore code\n```\n\nLast.\n";
        let mid = draft.find("Second").unwrap();
        for (removed, inserted) in [
            (0, "x"),
            (3, ""),
            (0, "\n\n## New head\n\n"),
            (0, "\n\n- a list\n\n"),
        ] {
            assert!(
                split_again_after_in(Format::Markdown, draft, mid + 2, removed, inserted).is_some(),
                "{inserted:?}"
            );
        }
        // What may reach out of the window: a fence, a comment, a line that could close
        // front matter. Split in full.
        for inserted in [
            "\n\n```\n\n",
            "\n\n<!-- x\n\n",
            "\n\n-->\n\n",
            "\n\n---\n\n",
        ] {
            assert!(
                split_again_after_in(Format::Markdown, draft, mid + 2, 0, inserted).is_none(),
                "{inserted:?}"
            );
        }
        // Inside the fence, and in the front matter: split in full, and agrees.
        let code = draft.find("more code").unwrap();
        split_again_after_in(Format::Markdown, draft, code + 2, 0, "x");
        split_again_after_in(Format::Markdown, draft, 6, 0, "x");
    }

    #[test]
    fn split_again_in_a_draft_with_a_paragraph_on_each_line() {
        let draft = "One.\nTwo, the second.\nThree.\nFour.\n";
        let two = draft.find("Two").unwrap();
        for (removed, inserted) in [(0, "x"), (3, ""), (0, "\nA new line.\n"), (5, "\n")] {
            assert!(split_again_after(draft, two + 2, removed, inserted).is_some());
        }
        // A blank line between two lines would make the draft one of blank-line paragraphs:
        // split in full.
        assert!(split_again_after(draft, two + 2, 0, "\n\n").is_none());
        assert!(split_again_after(draft, two + 2, 0, "\n \n").is_none());
        // At the start.
        assert!(split_again_after(draft, 1, 0, "x").is_some());
    }

    #[test]
    fn a_line_indented_four_spaces_goes_on_with_the_paragraph_above_it() {
        // CommonMark: four spaces in, no block starts; "## Head" is not a heading here.
        let text = "One.\n\nTwo ends here\n    ## Head ##\n\n    code\n";
        let ps = split(text, Format::Markdown);
        let read: Vec<&str> = ps.iter().map(|p| &text[p.span.start..p.span.end]).collect();
        assert_eq!(read, ["One.", "Two ends here\n    ## Head ##"], "{ps:?}");
        assert!(ps.iter().all(|p| p.kind == BlockKind::Paragraph));
        // Nor does an indented comment mark: the paragraphs after it are still read.
        let text = "One.\n    <!-- not a comment\n\nTwo.\n\n    <!-- code\n\nThree.\n";
        let ps = split(text, Format::Markdown);
        let read: Vec<&str> = ps.iter().map(|p| &text[p.span.start..p.span.end]).collect();
        assert_eq!(
            read,
            ["One.\n    <!-- not a comment", "Two.", "Three."],
            "{ps:?}"
        );
    }

    #[test]
    fn a_blank_line_typed_above_an_indented_line_of_a_paragraph_agrees_with_a_full_split() {
        // Indented four spaces, the line is part of the paragraph above it; after a blank
        // line it is code.
        let old = "One.\n\nTwo ends here word\n    ## Head ##";
        let at = old.find("word").unwrap();
        split_again_after_in(Format::Markdown, old, at, 5, "---\n\n");
    }

    proptest::proptest! {
        #[test]
        fn split_again_agrees_with_split_after_any_edit(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "The mayor spoke.", "word", " ", "\t", "\n", "\n\n", "\n\n", "\r\n", "\r",
                    "“Quoted,” she said.", "😀", "é", "\n \n",
                ]),
                0..60,
            ),
            at in 0usize..400,
            removed in 0usize..12,
            inserted in proptest::sample::select(vec!["", "x", "\n", "\n\n", " ", "\r\n", "é", "A new line.\n\n"]),
        ) {
            split_again_after(&parts.concat(), at, removed, inserted);
        }

        // Markdown: blocks, fences, comments and front matter, and edits that open or
        // close them.
        #[test]
        fn split_again_agrees_with_split_in_markdown(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "The mayor spoke.", "word", " ", "    ", "\n", "\n\n", "\n\n", "\n\n", "\r\n",
                    "# ", "## Head ##", "- ", "1. ", "> ", "```", "~~~~", "<!--", "-->",
                    "---", "+++", "===", "***", "| a |", "[x]: y", "“Quoted,” she said.", "é",
                ]),
                0..60,
            ),
            at in 0usize..400,
            removed in 0usize..12,
            inserted in proptest::sample::select(vec![
                "", "x", "\n", "\n\n", " ", "```", "\n```\n", "<!--", "-->", "---\n", "\n---\n",
                "# ", "> ", "- ", "    ", "A new line.\n\n", "===\n",
            ]),
        ) {
            split_again_after_in(Format::Markdown, &parts.concat(), at, removed, inserted);
        }

        // Drafts with a paragraph on each line, mostly, and edits that may add the first
        // blank line between two of them.
        #[test]
        fn split_again_agrees_with_split_on_drafts_with_a_paragraph_on_each_line(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "The mayor spoke.", "word", " ", "\t", "\n", "\n", "\r\n", "\r",
                    "“Quoted,” she said.", "😀", "é",
                ]),
                0..60,
            ),
            at in 0usize..400,
            removed in 0usize..12,
            inserted in proptest::sample::select(vec!["", "x", "\n", "\n\n", " ", "\r\n", "é", "A new line.\n", " \n"]),
        ) {
            split_again_after(&parts.concat(), at, removed, inserted);
        }

        #[test]
        fn same_paragraphs_as_the_reference_on_arbitrary_drafts(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "The mayor spoke.", "word", " ", "  ", "\t", "\n", "\n", "\r\n", "\r",
                    "# ", "## Head ##", "- ", "* ", "1. ", "12) ", "> ", ">", "```", "~~~~",
                    "<!--", "-->", "---", "+++", "===", "***", "| a |", "[x]: y", "    ",
                    "“Quoted,” she said.", "😀", "é",
                ]),
                0..80,
            ),
            long in 0usize..3,
        ) {
            let mut text: String = parts.concat();
            if long > 0 {
                text.push_str(&"lengthy ".repeat(40 * long));
                text.push('\n');
                text.push_str(&"another ".repeat(40 * long));
            }
            for f in [Format::Plain, Format::Markdown] {
                proptest::prop_assert_eq!(split(&text, f), reference::split(&text, f));
            }
        }
    }
}
