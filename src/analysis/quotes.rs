//! Quotation marks of one paragraph, paired.
//!
//! Curly “…” and ‘…’ (nested), straight "…" and '…', « » and „ “. Apostrophes are told
//! from single quotes by their neighbours: a mark between letters (don’t), before digits
//! (’90s), or after a plural's s with no single quote open (the Joneses’) is an apostrophe.

/// A quotation within one paragraph; offsets relative to the paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuoteMarks {
    /// The opening mark's start.
    pub open: u32,
    /// After the closing mark, or the paragraph's end when the quote is not closed here.
    pub end: u32,
    /// The inside: after the opening mark, before the closing mark.
    pub inner: (u32, u32),
    pub closed: bool,
    /// How many quotations enclose this one.
    pub depth: u16,
    pub double: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mark {
    /// “ or "
    Double,
    /// „ closes with “ or ”
    Low,
    Guillemet,
    Single,
}

fn is_space_or_open(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || "([{\u{2014}\u{2013}-/".contains(c))
}

/// True when `s` starts like an elision: ’90s, ’em, ’n’.
fn elision(after: &str) -> bool {
    let mut it = after.chars();
    match it.next() {
        Some(d) if d.is_ascii_digit() => true,
        Some('e') => {
            after.starts_with("em") && !after[2..].starts_with(|c: char| c.is_alphabetic())
        }
        Some('n') => after[1..].starts_with(['\u{2019}', '\'']),
        Some('t') => after.starts_with("tis") || after.starts_with("twas"),
        _ => false,
    }
}

/// Bytes that can begin a quotation mark or apostrophe: `"`, `'`, and the UTF-8 lead bytes
/// of « » (0xC2) and of ‘ ’ “ ” „ (0xE2). Every other byte is skipped without decoding: a
/// paragraph has a few marks among hundreds of characters.
const MARK_LEAD: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xC2] = true;
    t[0xE2] = true;
    t
};

pub fn scan(para: &str) -> Vec<QuoteMarks> {
    let mut out = Vec::new();
    let mut stack: Vec<(Mark, u32, u32)> = Vec::new(); // (kind, open start, inner start)
    let bytes = para.as_bytes();
    let mut from = 0;
    while let Some(skip) = bytes[from..].iter().position(|&b| MARK_LEAD[b as usize]) {
        // A lead byte starts a character, so `i` is a char boundary.
        let i = from + skip;
        let Some(c) = para[i..].chars().next() else {
            break;
        };
        from = i + c.len_utf8();
        let prev = para[..i].chars().next_back();
        let after = &para[from..];
        let next = after.chars().next();
        let open = |stack: &mut Vec<(Mark, u32, u32)>, m: Mark| {
            stack.push((m, i as u32, (i + c.len_utf8()) as u32));
        };
        let close = |stack: &mut Vec<(Mark, u32, u32)>, out: &mut Vec<QuoteMarks>, pos: usize| {
            let (m, o, inner) = stack.pop().unwrap();
            out.push(QuoteMarks {
                open: o,
                end: (i + c.len_utf8()) as u32,
                inner: (inner, i as u32),
                closed: true,
                depth: pos as u16,
                double: m != Mark::Single,
            });
        };
        let find = |stack: &Vec<(Mark, u32, u32)>, kinds: &[Mark]| {
            stack.iter().rposition(|(m, _, _)| kinds.contains(m))
        };
        match c {
            '\u{201C}' => {
                if let Some(p) = find(&stack, &[Mark::Low]) {
                    stack.truncate(p + 1);
                    close(&mut stack, &mut out, p);
                } else {
                    open(&mut stack, Mark::Double);
                }
            }
            '\u{201E}' => open(&mut stack, Mark::Low),
            '\u{00AB}' => open(&mut stack, Mark::Guillemet),
            '\u{201D}' => {
                if let Some(p) = find(&stack, &[Mark::Double, Mark::Low]) {
                    stack.truncate(p + 1);
                    close(&mut stack, &mut out, p);
                }
            }
            '\u{00BB}' => {
                if let Some(p) = find(&stack, &[Mark::Guillemet]) {
                    stack.truncate(p + 1);
                    close(&mut stack, &mut out, p);
                }
            }
            '"' => {
                let open_double = find(&stack, &[Mark::Double]);
                let opening = straight_opens_after(prev);
                let before_break = next.is_none_or(straight_closes_before);
                match open_double {
                    Some(p) if !opening || before_break => {
                        stack.truncate(p + 1);
                        close(&mut stack, &mut out, p);
                    }
                    // A closing mark with nothing open, like a lone ”: the end of a
                    // quotation an earlier paragraph opened.
                    None if !opening && before_break => {}
                    _ => open(&mut stack, Mark::Double),
                }
            }
            '\u{2018}' | '\'' | '\u{2019}' => {
                let letter_before = prev.is_some_and(char::is_alphanumeric);
                let letter_after = next.is_some_and(char::is_alphanumeric);
                let open_single = find(&stack, &[Mark::Single]);
                if letter_before && letter_after {
                    // don’t, O’Brien
                } else if is_space_or_open(prev) || prev.is_some_and(|p| "\u{201C}\"".contains(p)) {
                    let opens = match c {
                        '\u{2018}' => !elision(after),
                        '\'' => letter_after && !elision(after),
                        _ => false, // a right mark in opening position is an elision
                    };
                    if opens {
                        open(&mut stack, Mark::Single);
                    }
                } else if let Some(p) = open_single {
                    // Closing a single quote; a plural possessive inside one is rare.
                    stack.truncate(p + 1);
                    close(&mut stack, &mut out, p);
                }
            }
            _ => {}
        }
    }
    // Whatever is still open runs to the end of the paragraph.
    for (depth, (m, o, inner)) in stack.into_iter().enumerate() {
        if m == Mark::Single {
            continue; // an unmatched single mark is far more often an apostrophe
        }
        out.push(QuoteMarks {
            open: o,
            end: para.len() as u32,
            inner: (inner, para.trim_end().len() as u32),
            closed: false,
            depth: depth as u16,
            double: true,
        });
    }
    for q in &mut out {
        let inner = &para[q.inner.0 as usize..q.inner.1 as usize];
        let lead = inner.len() - inner.trim_start().len();
        let trail = inner.len() - inner.trim_end().len();
        q.inner = (
            q.inner.0 + lead as u32,
            (q.inner.1 - trail as u32).max(q.inner.0 + lead as u32),
        );
    }
    // Depth from the quotes actually found, not from the marks the scan had open (an
    // apostrophe taken for an opening mark and then dropped must not nest anything).
    out.sort_by_key(|q| (q.open, std::cmp::Reverse(q.end)));
    let mut enclosing: Vec<u32> = Vec::new();
    for q in &mut out {
        while enclosing.last().is_some_and(|&end| end <= q.open) {
            enclosing.pop();
        }
        q.depth = enclosing.len() as u16;
        enclosing.push(q.end);
    }
    out
}

/// A straight double mark before this character (or at the end) closes a quotation
/// when it follows a word or punctuation.
pub fn straight_closes_before(next: char) -> bool {
    next.is_whitespace() || ",.;:!?)".contains(next)
}

/// A straight double mark after `prev` (`None`: at the start) may open a quotation.
pub fn straight_opens_after(prev: Option<char>) -> bool {
    is_space_or_open(prev) || prev.is_some_and(|p| "\u{2018}'".contains(p))
}

/// Does the paragraph open with a quotation mark (a continued multi-paragraph quote)?
pub fn opens_with_quote(para: &str) -> bool {
    para.trim_start()
        .starts_with(['\u{201C}', '"', '\u{00AB}', '\u{201E}', '\u{2018}'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inners(s: &str) -> Vec<(String, u16, bool)> {
        scan(s)
            .iter()
            .map(|q| {
                (
                    s[q.inner.0 as usize..q.inner.1 as usize].to_string(),
                    q.depth,
                    q.closed,
                )
            })
            .collect()
    }

    #[test]
    fn curly_nested_and_apostrophes() {
        let s = "“He said ‘don’t’ twice,” she said. It’s the ’90s and rock ’n’ roll at the Joneses’ house.";
        assert_eq!(
            inners(s),
            vec![
                ("He said ‘don’t’ twice,".into(), 0, true),
                ("don’t".into(), 1, true)
            ]
        );
    }

    #[test]
    fn a_straight_mark_that_can_only_close_opens_nothing() {
        // The end of a quotation opened a paragraph earlier, and inches.
        assert_eq!(
            inners("The rest keeps the buses running.\" she said."),
            vec![]
        );
        assert_eq!(inners("It needs a 6\" pipe."), vec![]);
        // After a word but before another, it still opens: a missing space.
        assert_eq!(inners("He said\"no\" twice."), vec![("no".into(), 0, true)]);
    }

    #[test]
    fn straight_quotes_pair_around_apostrophes() {
        let s = "\"We don't know,\" he said. \"It's the '90s,\" she added, 'quite' rightly.";
        assert_eq!(
            inners(s),
            vec![
                ("We don't know,".into(), 0, true),
                ("It's the '90s,".into(), 0, true),
                ("quite".into(), 0, true)
            ]
        );
    }

    #[test]
    fn guillemets_low_marks_and_unclosed() {
        assert_eq!(
            inners("Il a dit « non » hier."),
            vec![("non".into(), 0, true)]
        );
        assert_eq!(
            inners("Er sagte „nein“ gestern."),
            vec![("nein".into(), 0, true)]
        );
        let s = "“We heard the water before we saw it.";
        assert_eq!(
            inners(s),
            vec![("We heard the water before we saw it.".into(), 0, false)]
        );
        assert!(opens_with_quote("  “Then it came."));
    }

    #[test]
    fn marks_read_their_neighbours_across_multibyte_letters() {
        // The scan skips to candidate bytes; the letter before a mark is decoded backwards.
        let s = "Zoë’s aide, ‘Ünal’, said «bientôt» and “été” — ‘éclair’ after ’90s.";
        assert_eq!(
            inners(s),
            vec![
                ("Ünal".into(), 0, true),
                ("bientôt".into(), 0, true),
                ("été".into(), 0, true),
                ("éclair".into(), 0, true)
            ]
        );
    }
}
