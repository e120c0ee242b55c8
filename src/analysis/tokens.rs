//! Words, punctuation and sentence boundaries of one paragraph.
//!
//! Offsets are relative to the paragraph's text, so a paragraph's tokens can be cached
//! by content and reused wherever the paragraph moves.

use super::lexicon::Lexicon;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    Punct,
    /// `’s`, `'s`, or a lone `’` / `'` after a plural (`workers’`).
    Possessive,
}

/// Eight bytes: a draft keeps one per word and punctuation mark for as long as it is open
/// (a million-word manuscript, 1.2 million tokens).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Token {
    start: u32,
    /// In bytes: `tokenize` cuts words at `MAX_WORD` bytes.
    len: u16,
    /// The sentence's number in the paragraph (the low 12 bits), whether the token is a
    /// speech verb used as a verb, whether it starts a sentence, and its kind (the top two
    /// bits).
    meta: u16,
}

const SENTENCE_BITS: u32 = 12;
const SENTENCE_MASK: u32 = (1 << SENTENCE_BITS) - 1;
const SPEECH_BIT: u16 = 1 << SENTENCE_BITS;
const START_BIT: u16 = 1 << (SENTENCE_BITS + 1);
const KIND_SHIFT: u32 = 14;

/// The longest word `tokenize` makes, in bytes (a trailing period may add one): a longer
/// run of letters is not prose, and goes on as the next token.
const MAX_WORD: usize = 60_000;

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("start", &self.start)
            .field("end", &self.end())
            .field("kind", &self.kind())
            .field("sentence_start", &self.sentence_start())
            .field("sentence", &self.sentence())
            .field("speech", &self.speech())
            .finish()
    }
}

impl Token {
    /// Sentences past 4,095 in one paragraph share that number (such a paragraph is far
    /// over the length whose quotes are attributed). `end - start` is at most 65,535.
    pub fn new(start: u32, end: u32, kind: Kind, sentence_start: bool, sentence: u32) -> Token {
        let kind: u16 = match kind {
            Kind::Word => 0,
            Kind::Number => 1,
            Kind::Punct => 2,
            Kind::Possessive => 3,
        };
        debug_assert!(end >= start && end - start <= u16::MAX as u32);
        Token {
            start,
            len: end.saturating_sub(start).min(u16::MAX as u32) as u16,
            meta: sentence.min(SENTENCE_MASK) as u16
                | if sentence_start { START_BIT } else { 0 }
                | kind << KIND_SHIFT,
        }
    }
    pub fn start(&self) -> u32 {
        self.start
    }
    pub fn end(&self) -> u32 {
        self.start + self.len as u32
    }
    pub fn kind(&self) -> Kind {
        match self.meta >> KIND_SHIFT {
            0 => Kind::Word,
            1 => Kind::Number,
            2 => Kind::Punct,
            _ => Kind::Possessive,
        }
    }
    /// First word of a sentence, of a clause after a colon, or of quoted speech: its
    /// capital letter says nothing about it being a name.
    pub fn sentence_start(&self) -> bool {
        self.meta & START_BIT != 0
    }
    pub fn sentence(&self) -> u32 {
        (self.meta as u32) & SENTENCE_MASK
    }
    /// A speech verb used as a verb (`is_speech_verb_at`), set by `tokenize`.
    pub fn speech(&self) -> bool {
        self.meta & SPEECH_BIT != 0
    }

    pub fn text<'a>(&self, para: &'a str) -> &'a str {
        &para[self.start as usize..self.end() as usize]
    }
    pub fn is_word(&self) -> bool {
        self.kind() == Kind::Word
    }
}

pub fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

pub fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

pub fn is_open_quote_char(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{2018}' | '"' | '\u{00AB}' | '\u{201E}')
}

fn is_word_char(c: char) -> bool {
    // Curly quotes and dashes, the non-ASCII characters news prose has most, lie in the
    // General Punctuation block, none of which is alphanumeric: no trip through the
    // Unicode tables for them.
    !('\u{2000}'..='\u{206F}').contains(&c) && c.is_alphanumeric()
}

/// ASCII letters and digits, over every byte value: no byte of a longer character is one.
pub(super) const ALNUM_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// ASCII bytes for which `char::is_whitespace` is true: tab, line feed, vertical tab, form
/// feed, carriage return and space.
pub(super) const ASCII_SPACE: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0x09;
    while b <= 0x0D {
        t[b] = true;
        b += 1;
    }
    t[0x20] = true;
    t
};

/// How many of the eight bytes packed in `v` (little-endian: the first is the lowest) are
/// ASCII letters and digits in a row. A word's bytes tested one at a time end in a branch
/// the CPU mispredicts once a word, on a length it cannot guess; eight at a time, only
/// words of eight or more letters take the loop again. The fingerprint's copy of each
/// word uses it; `tokenize`, whose word loop does more a byte, measured no faster with it.
#[inline(always)]
pub(super) fn alnum_run(v: u64) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Each byte's low seven bits plus (0x80 - c) carries into its top bit exactly when it
    // is at least c, and never into the next byte.
    let low = v & !HI;
    let at_least = |x: u64, c: u8| (x + LO * (0x80 - c as u64)) & HI;
    let digit = at_least(low, b'0') & !at_least(low, b'9' + 1);
    // Of the seven-bit bytes only letters fall in 'a'..='z' once 0x20 is set.
    let folded = low | (LO * 0x20);
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    let alnum = (digit | letter) & !v;
    ((!alnum & HI).trailing_zeros() / 8) as usize
}

/// Splits a paragraph into tokens.
pub fn tokenize(para: &str) -> Vec<Token> {
    let lex = Lexicon::get();
    let bytes = para.as_bytes();
    // News prose has about one token per five bytes; a little over that, trimmed when the
    // facts box it, saves the four or five doublings that cost 1 % of the analysis.
    let mut out: Vec<Token> = Vec::with_capacity(para.len() / 4 + 1);
    let mut sentence = 0u32;
    let mut start_next = true;
    let mut i = 0;
    let chars_at = |i: usize| para[i..].chars().next();
    while i < para.len() {
        // Most of a news paragraph is ASCII: its bytes are characters without decoding.
        let b = bytes[i];
        let c = if b < 0x80 {
            if ASCII_SPACE[b as usize] {
                i += 1;
                continue;
            }
            b as char
        } else {
            let c = chars_at(i).unwrap();
            if c.is_whitespace() {
                i += c.len_utf8();
                continue;
            }
            c
        };
        let w = c.len_utf8();
        if ALNUM_BYTE[b as usize] || b >= 0x80 && is_word_char(c) {
            let s = i;
            let mut j = i;
            // What the word's ASCII letters and digits have in common: among them digits
            // alone lack 0x40 and lowercase letters alone have both 0x40 and 0x20, so two
            // bitwise ops a byte tell whether the word is all digits or all lowercase.
            let (mut and, mut or) = (0xFFu8, 0u8);
            // A letter or digit past ASCII (not a digit, not known lowercase ASCII).
            let mut wide = false;
            // Something joined the word (`don’t`, `U.S`): not known lowercase ASCII.
            let mut joined = false;
            // An apostrophe joined it: it may end in a possessive `’s`.
            let mut apostrophe = false;
            let all_digits = |or: u8, wide: bool| !wide && or & 0x40 == 0;
            let limit = para.len().min(s + MAX_WORD);
            while j < limit {
                let b = bytes[j];
                if ALNUM_BYTE[b as usize] {
                    and &= b;
                    or |= b;
                    j += 1;
                    continue;
                }
                let d = if b < 0x80 {
                    b as char
                } else {
                    chars_at(j).unwrap()
                };
                if b >= 0x80 && is_word_char(d) {
                    wide = true;
                    j += d.len_utf8();
                    continue;
                }
                // Most words end at a space or a mark that joins nothing: what follows is
                // read only after a mark that may join.
                let after = j + d.len_utf8();
                let next = || para[after..].chars().next();
                let joins = match d {
                    // don’t, O’Brien — but not a trailing ’s, which is split off below.
                    '\'' | '\u{2019}' => next().is_some_and(is_word_char),
                    '-' | '\u{2010}' | '\u{2011}' => next().is_some_and(is_word_char),
                    // U.S, D.C, 3.5 — a dot between single letters or digits.
                    '.' => {
                        let prev_single = para[s..j].chars().rev().nth(1).is_none_or(|p| p == '.');
                        next().is_some_and(|n| n.is_alphanumeric())
                            && (prev_single || all_digits(or, wide))
                    }
                    '&' => next().is_some_and(|n| n.is_uppercase()),
                    ',' => all_digits(or, wide) && next().is_some_and(|n| n.is_ascii_digit()),
                    _ => false,
                };
                if !joins {
                    break;
                }
                apostrophe |= matches!(d, '\'' | '\u{2019}');
                joined = true;
                j = after;
            }
            let all_digits = all_digits(or, wide);
            // Only what joins the word counts: most words end at a space or a mark, and
            // are still known to be lowercase ASCII.
            let ascii_lower = !wide && !joined && and & 0x60 == 0x60;
            // Where the scan stopped: a period kept below makes the word end later.
            let scanned = j;
            // A trailing possessive becomes its own token; only a joined apostrophe can
            // have put one in the word.
            let word = &para[s..j];
            let mut end = j;
            let mut poss = None;
            if apostrophe {
                for suffix in ["\u{2019}s", "'s"] {
                    if word.len() > suffix.len() && word.ends_with(suffix) {
                        end = j - suffix.len();
                        poss = Some((end, j));
                    }
                }
            }
            let text = &para[s..end];
            // Abbreviations keep their final period: U.S., Mr., Inc.
            if poss.is_none() && bytes.get(end) == Some(&b'.') {
                let dotted =
                    text.contains('.') && text.chars().all(|c| c.is_alphabetic() || c == '.');
                // A middle initial: "Raymond H. Hawksley", "Harry S. Truman".
                let initial = text.len() == 1
                    && text.chars().all(|c| c.is_ascii_uppercase())
                    && para[end + 1..]
                        .trim_start()
                        .starts_with(|c: char| c.is_uppercase());
                if dotted || initial || lex.abbreviations.contains(text) {
                    end += 1;
                    j = end;
                }
            }
            let kind = if all_digits { Kind::Number } else { Kind::Word };
            let mut token = Token::new(s as u32, end as u32, kind, start_next, sentence);
            let known_ascii = ascii_lower && end == scanned;
            let lowercase =
                known_ascii || kind == Kind::Word && para[s..end].chars().all(char::is_lowercase);
            if lowercase {
                let w = &para[s..end];
                let lemma = if known_ascii {
                    lex.speech_lemma_ascii(w)
                } else {
                    lex.speech_lemma(w)
                };
                if used_as_speech_verb(lemma, para, out.last()) {
                    token.meta |= SPEECH_BIT;
                }
            }
            out.push(token);
            start_next = false;
            if let Some((a, b)) = poss {
                out.push(Token::new(
                    a as u32,
                    b as u32,
                    Kind::Possessive,
                    false,
                    sentence,
                ));
            }
            i = j;
            continue;
        }
        // Punctuation, one character a token.
        let next = || para[i + w..].chars().next();
        let kind = if is_apostrophe(c)
            && out
                .last()
                .is_some_and(|t| t.kind() == Kind::Word && t.end() as usize == i)
            && para[..i].ends_with('s')
            && !next().is_some_and(is_word_char)
        {
            Kind::Possessive
        } else {
            Kind::Punct
        };
        out.push(Token::new(i as u32, (i + w) as u32, kind, false, sentence));
        match c {
            '.' | '!' | '?' | '\u{2026}' => {
                // A period inside "..." or before a lowercase word does not end a sentence.
                let rest = para[i + w..]
                    .trim_start_matches(['"', '\u{201D}', '\u{2019}', '\'', ')', ' ', '\u{a0}']);
                let next_lower = rest.chars().next().is_some_and(char::is_lowercase);
                if !next_lower {
                    sentence += 1;
                    start_next = true;
                }
            }
            ':' | ';' if next().is_none_or(char::is_whitespace) => start_next = true,
            c if is_open_quote_char(c) => {
                let before = para[..i].chars().next_back();
                if before.is_none_or(|b| b.is_whitespace() || "([{—–-".contains(b)) {
                    start_next = true;
                }
            }
            '\u{2014}' | '(' => {}
            _ => {}
        }
        i += w;
    }
    debug_assert!((0..out.len()).all(|i| out[i].speech() == is_speech_verb_at(para, &out, i)));
    out
}

/// `is_speech_verb_at` for a lowercase word whose speech-verb lemma is `lemma`, after
/// `prev`.
fn used_as_speech_verb(lemma: Option<&str>, para: &str, prev: Option<&Token>) -> bool {
    if lemma.is_none_or(|l| l == "according") {
        return false;
    }
    prev.is_none_or(|prev| {
        prev.kind() != Kind::Possessive
            && !matches!(
                prev.text(para),
                "a" | "an" | "the" | "this" | "that" | "his" | "her" | "their" | "its" | "our"
            )
    })
}

/// Token `i` is a speech verb used as a verb: lowercase, in the speech-verb list (not
/// the "according" of "according to"), and not turned into a noun by a determiner or a
/// possessive before it ("a call", "the post", "the union’s demands").
pub fn is_speech_verb_at(para: &str, toks: &[Token], i: usize) -> bool {
    let Some(t) = toks.get(i) else { return false };
    let w = t.text(para);
    matches!(t.kind(), Kind::Word | Kind::Number)
        && w.chars().all(char::is_lowercase)
        && used_as_speech_verb(
            Lexicon::get().speech_lemma(w),
            para,
            i.checked_sub(1).map(|k| &toks[k]),
        )
}

/// The paragraph looks like a headline: no sentence punctuation at the end and most words
/// capitalised ("Hegseth Places Onus of Ukraine’s Security on Europe").
pub fn is_headline(para: &str, tokens: &[Token]) -> bool {
    let last = para.trim_end().chars().next_back();
    if last.is_some_and(|c| ".!?\u{201D}\"".contains(c)) {
        return false;
    }
    let (mut words, mut caps) = (0usize, 0usize);
    for t in tokens.iter().filter(|t| t.is_word()) {
        words += 1;
        if words > 25 {
            return false;
        }
        caps += usize::from(is_capitalized(t.text(para)));
    }
    words >= 2 && caps * 10 >= words * 6
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// What `tokenize` knows of a word from its bytes' bits (a number, lowercase
        /// ASCII) and where it looks for a possessive, against the word's characters.
        #[test]
        fn kinds_agree_with_the_words_characters(
            text in "([A-Za-z0-9]{1,9}|[ .,;'’&\t\n-]|[éÉ語])*"
        ) {
            let toks = tokenize(&text);
            for t in &toks {
                let w = t.text(&text);
                let digits = w
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .all(|c| c.is_ascii_digit());
                if matches!(t.kind(), Kind::Word | Kind::Number) {
                    proptest::prop_assert_eq!(t.kind() == Kind::Number, digits, "{:?}", w);
                    proptest::prop_assert!(!w.ends_with("’s") && !w.ends_with("'s"), "{:?}", w);
                }
            }
        }
    }

    #[test]
    fn alnum_runs_are_the_bytes_read_one_at_a_time() {
        // Every byte value at every place among letters, digits and others.
        let fill: &[u8] = b"aZ09 .\x80\xff";
        for b in 0..=255u8 {
            for place in 1..9 {
                for f in fill {
                    let mut eight = [*f; 10];
                    eight[place] = b;
                    eight[1 + (place + 2) % 8] = b'Q';
                    let want = eight[1..9]
                        .iter()
                        .take_while(|&&x| ALNUM_BYTE[x as usize])
                        .count();
                    let v = u64::from_le_bytes(eight[1..9].try_into().unwrap());
                    assert_eq!(alnum_run(v), want, "{eight:?}");
                }
            }
        }
    }

    #[test]
    fn word_characters_are_the_alphanumeric_ones() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn a_word_longer_than_a_token_holds_goes_on_as_the_next_token() {
        assert_eq!(std::mem::size_of::<Token>(), 8);
        for letter in ["a", "é", "語"] {
            let word = letter.repeat(100_000 / letter.len());
            let para = format!("{word} Smith said.");
            let toks = tokenize(&para);
            let pieces: Vec<&str> = toks.iter().map(|t| t.text(&para)).collect();
            assert!(toks
                .iter()
                .all(|t| t.end() - t.start() <= MAX_WORD as u32 + 1));
            assert_eq!(pieces.len(), 5, "{:?}", &pieces[2..]);
            assert_eq!(pieces[..2].concat(), word);
            assert_eq!(pieces[2..], ["Smith", "said", "."]);
        }
    }

    #[test]
    fn a_token_keeps_what_it_was_made_with() {
        for kind in [Kind::Word, Kind::Number, Kind::Punct, Kind::Possessive] {
            for start in [false, true] {
                for sentence in [0, 1, 77, SENTENCE_MASK] {
                    let mut t = Token::new(3, 9, kind, start, sentence);
                    for speech in [false, true] {
                        if speech {
                            t.meta |= SPEECH_BIT;
                        }
                        let got = (t.start, t.end(), t.kind(), t.sentence_start(), t.sentence());
                        assert_eq!(got, (3, 9, kind, start, sentence));
                        assert_eq!(t.speech(), speech);
                    }
                }
            }
        }
        assert_eq!(
            Token::new(0, 1, Kind::Word, false, u32::MAX).sentence(),
            SENTENCE_MASK
        );
        assert_eq!(speech("Reyes said the union's call came late."), ["said"]);
    }

    fn speech(para: &str) -> Vec<&str> {
        tokenize(para)
            .iter()
            .filter(|t| t.speech())
            .map(|t| t.text(para))
            .collect()
    }

    /// Words end at a space, a mark, a kept period ("etc.") or the paragraph's end; the
    /// lowercase-ASCII shortcut must hold for each (debug builds check it).
    #[test]
    fn speech_verbs_wherever_a_word_ends() {
        let para = "Fees rose etc. and Reyes said, as aides warned; critics told";
        assert_eq!(speech(para), ["said", "warned", "told"]);
    }

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn abbreviations_possessives_and_numbers() {
        assert_eq!(
            words("U.S. Defense Secretary Pete Hegseth’s trip cost $1,200.50 in Kyiv."),
            vec![
                "U.S.",
                "Defense",
                "Secretary",
                "Pete",
                "Hegseth",
                "’s",
                "trip",
                "cost",
                "$",
                "1,200.50",
                "in",
                "Kyiv",
                "."
            ]
        );
        assert_eq!(words("Mr. O’Brien don't"), vec!["Mr.", "O’Brien", "don't"]);
        assert_eq!(
            words("Raymond H. Hawksley left."),
            vec!["Raymond", "H.", "Hawksley", "left", "."]
        );
        assert_eq!(
            words("the workers’ union"),
            vec!["the", "workers", "’", "union"]
        );
        let t = tokenize("the workers’ union");
        assert_eq!(t[2].kind(), Kind::Possessive);
    }

    #[test]
    fn sentence_starts() {
        let s = "Yet he left. “Security matters,” he said: Europe waits.";
        let t = tokenize(s);
        let starts: Vec<&str> = t
            .iter()
            .filter(|t| t.sentence_start())
            .map(|t| t.text(s))
            .collect();
        assert_eq!(starts, vec!["Yet", "Security", "Europe"]);
        assert_eq!(t.last().unwrap().sentence(), 1);
    }

    #[test]
    fn headlines() {
        let h = "Hegseth Places Onus of Ukraine’s Security on Europe";
        assert!(is_headline(h, &tokenize(h)));
        let s = "The post Hegseth Places Onus of Ukraine’s Security on Europe appeared first on Foreign Policy.";
        assert!(!is_headline(s, &tokenize(s)));
    }
}
