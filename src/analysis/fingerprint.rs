//! Content fingerprints of a paragraph: what the duplicate pass compares.
//!
//! Two fingerprints per paragraph: an exact one (after folding case, white space, curly vs
//! straight quotes, dashes and final punctuation), and a multiset of word bigrams for edited
//! copies, with a small bottom-k sketch of its distinctive bigrams for the candidate index.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use super::tokens::{alnum_run, ALNUM_BYTE, ASCII_SPACE};

/// How many bigram hashes the candidate index keeps per paragraph.
pub const SKETCH: usize = 8;

/// Cache key for a paragraph's raw text.
pub fn content_key(text: &str) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hash of the normalised text.
    pub exact: u64,
    pub words: usize,
    /// Sorted hashes of consecutive word pairs (a multiset), their top 32 bits: kept for
    /// every paragraph of an open draft, and two paragraphs' few dozen pairs share a value
    /// by chance about once in a million comparisons.
    pub bigrams: Box<[u32]>,
    /// The smallest distinct hashes of bigrams that are not two stop words.
    pub sketch: Box<[u64]>,
}

/// Folds the characters that differ between copies of the same paragraph without changing
/// what it says. Returns None for characters that are dropped.
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => return None,
        c => c,
    })
}

fn is_final_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | '-' | ' ' | '\u{2026}' | ')' | '*' | '_'
    )
}

/// `fold` then lower-casing, for ASCII bytes: only the backtick folds (to an apostrophe).
const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    t[b'`' as usize] = b'\'';
    t
};

/// The normalised form used for exact comparison.
pub fn normalize(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    normalize_into(text, &mut out, |_| {});
    // Only whole characters were pushed.
    let mut out = String::from_utf8(out).expect("normalize pushes whole UTF-8 characters");
    let keep = out.trim_end_matches(is_final_punct).len();
    out.truncate(keep);
    out
}

/// Appends the normalised form of `text` to `out`, all but the final trim, and calls
/// `on_word` with each word of it (a maximal run of alphanumeric characters, as
/// `of_reference` splits the normalised text) as soon as the word ends: `Fingerprint::of`
/// hashes them in the same pass.
fn normalize_into(text: &str, out: &mut Vec<u8>, mut on_word: impl FnMut(&[u8])) {
    // Where the word being written starts, if one is.
    let mut word: Option<usize> = None;
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if ALNUM_BYTE[b as usize] {
            // A run of ASCII letters and digits, most of a news paragraph: of those bytes
            // only capitals lack the 0x20 bit, so setting it lower-cases them without a
            // test. Eight bytes at a time (`alnum_run`), all eight written and the room
            // past the run given back: one store, where a `memcpy` of each word mispredicted
            // its branches on the length. The text's last few bytes go one at a time. The
            // word may go on past the run (`naïve`), so it ends where the next byte says.
            if space {
                out.push(b' ');
                space = false;
            }
            word.get_or_insert(out.len());
            let mut j = i;
            while j + 8 <= bytes.len() {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(&bytes[j..j + 8]);
                let v = u64::from_le_bytes(eight);
                let run = alnum_run(v);
                out.extend_from_slice(&(v | 0x2020_2020_2020_2020).to_le_bytes());
                out.truncate(out.len() - 8 + run);
                j += run;
                if run < 8 {
                    break;
                }
            }
            while j < bytes.len() && ALNUM_BYTE[bytes[j] as usize] {
                out.push(bytes[j] | 0x20);
                j += 1;
            }
            i = j;
            continue;
        }
        if b < 0x80 {
            // ASCII punctuation or space: `fold` changes only the backtick (to another mark,
            // so no word goes on through it); `char::is_whitespace` is true for exactly the
            // bytes in ASCII_SPACE.
            if ASCII_SPACE[b as usize] {
                if let Some(s) = word.take() {
                    on_word(&out[s..]);
                }
                space = !out.is_empty();
                i += 1;
                continue;
            }
            if space {
                out.push(b' ');
                space = false;
            }
            if let Some(s) = word.take() {
                on_word(&out[s..]);
            }
            out.push(ASCII_FOLD[b as usize]);
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or_default();
        i += c.len_utf8();
        let Some(c) = fold(c) else { continue };
        if c.is_whitespace() {
            if let Some(s) = word.take() {
                on_word(&out[s..]);
            }
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(b' ');
            space = false;
        }
        let mut buf = [0u8; 4];
        for l in c.to_lowercase() {
            if l.is_alphanumeric() {
                word.get_or_insert(out.len());
            } else if let Some(s) = word.take() {
                on_word(&out[s..]);
            }
            out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
        }
    }
    if let Some(s) = word.take() {
        on_word(&out[s..]);
    }
}

/// The slower reference form of `normalize`, for the equivalence test.
#[cfg(test)]
fn normalize_reference(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars().filter_map(fold) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    let keep = out.trim_end_matches(is_final_punct).len();
    out.truncate(keep);
    out
}

const STOP: &[&str] = &[
    "a", "about", "after", "also", "an", "and", "are", "as", "at", "be", "been", "but", "by",
    "could", "for", "from", "had", "has", "have", "he", "her", "his", "i", "in", "is", "it", "its",
    "not", "of", "on", "or", "our", "s", "said", "says", "she", "t", "that", "the", "their",
    "them", "they", "this", "to", "was", "we", "were", "which", "who", "will", "with", "would",
];

/// A word of at most eight bytes as one integer (little-endian, zero-padded). Words are
/// runs of alphanumeric characters, so no word contains a zero byte and words of different
/// lengths never pack alike.
const fn pack(w: &[u8]) -> u64 {
    let mut x = 0u64;
    let mut i = 0;
    while i < w.len() {
        x |= (w[i] as u64) << (8 * i);
        i += 1;
    }
    x
}

/// `STOP`, packed, in an open-addressed table of 256 slots (0: empty; no packed word is 0)
/// found from `stop_slot`: one probe or two instead of a binary search's six, for every
/// word of every paragraph.
const STOP_TABLE: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < STOP.len() {
        let x = pack(STOP[i].as_bytes());
        let mut k = stop_slot(x);
        while t[k] != 0 {
            k = (k + 1) % 256;
        }
        t[k] = x;
        i += 1;
    }
    t
};

/// The most slots a stop word lies past its own in `STOP_TABLE`, plus one: looking at that
/// many slots from a word's own, whatever they hold, finds it if it is there.
const STOP_PROBES: usize = {
    let mut most = 0;
    let mut i = 0;
    while i < STOP.len() {
        let x = pack(STOP[i].as_bytes());
        let mut k = stop_slot(x);
        let mut d = 1;
        while STOP_TABLE[k] != x {
            k = (k + 1) % 256;
            d += 1;
        }
        if d > most {
            most = d;
        }
        i += 1;
    }
    most
};

const fn stop_slot(x: u64) -> usize {
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
}

/// The longest stop word, in bytes (at most eight, for `pack`).
const STOP_MAX: usize = {
    let mut m = 0;
    let mut i = 0;
    while i < STOP.len() {
        if STOP[i].len() > m {
            m = STOP[i].len();
        }
        i += 1;
    }
    assert!(m <= 8);
    m
};

/// Membership in `STOP` for a word (a word has no zero bytes).
#[cfg(test)]
fn is_stop(w: &str) -> bool {
    is_stop_bytes(w.as_bytes())
}

fn is_stop_bytes(w: &[u8]) -> bool {
    if w.len() > STOP_MAX {
        return false;
    }
    let x = pack(w);
    let k = stop_slot(x);
    // A fixed number of slots compared without stopping at the first empty one: whether a
    // word is a stop word is a coin toss the CPU cannot predict, and a probe loop that
    // ends on it costs a misprediction every other word.
    let mut found = false;
    for d in 0..STOP_PROBES {
        found |= STOP_TABLE[(k + d) % 256] == x;
    }
    // Empty slots hold 0, which only the empty word packs to.
    found && x != 0
}

/// Keeps the `SKETCH` smallest distinct values offered, sorted: the same as collecting
/// all, sorting, deduplicating and truncating, without sorting them all.
struct BottomK {
    /// Sorted; the slots not yet filled hold `u64::MAX`.
    v: [u64; SKETCH],
}

impl BottomK {
    fn new() -> Self {
        BottomK {
            v: [u64::MAX; SKETCH],
        }
    }
    /// Keeps `h` if it is among the `SKETCH` smallest so far. Past the first few words of
    /// a paragraph nearly every hash is turned away by the first test; the insertion itself
    /// counts and shifts over all eight slots without branching on what they hold, whose
    /// order the CPU cannot predict. (`u64::MAX` itself, a bigram's hash once in 2^64, is
    /// never kept.)
    fn offer(&mut self, h: u64) {
        if h >= self.v[SKETCH - 1] {
            return;
        }
        let mut at = 0;
        let mut seen = false;
        for &x in &self.v {
            at += usize::from(x < h);
            seen |= x == h;
        }
        if seen {
            return;
        }
        for i in (1..SKETCH).rev() {
            // All ones where the slot takes its left neighbour: a select, not a branch.
            let take = u64::from(i > at).wrapping_neg();
            self.v[i] = self.v[i - 1] & take | self.v[i] & !take;
        }
        self.v[at] = h;
    }
    fn kept(&self) -> &[u64] {
        let n = self.v.iter().take_while(|&&x| x != u64::MAX).count();
        &self.v[..n]
    }
}

/// `text` without its final punctuation (`is_final_punct`), on bytes: all of those are
/// ASCII but the ellipsis, whose encoding no other character ends with.
fn trim_final_punct(mut text: &[u8]) -> &[u8] {
    const ELLIPSIS: &[u8] = "\u{2026}".as_bytes();
    loop {
        match text {
            [rest @ .., b] if b.is_ascii() && is_final_punct(*b as char) => text = rest,
            [rest @ .., _, _, _] if text.ends_with(ELLIPSIS) => text = rest,
            _ => return text,
        }
    }
}

#[cfg(test)]
fn hash_word(w: &str) -> u64 {
    let mut h = FxHasher::default();
    w.hash(&mut h);
    h.finish()
}

/// `hash_word` of a word's bytes: `str`'s `Hash` writes its bytes, then 0xff.
fn hash_bytes(w: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(w);
    h.write_u8(0xff);
    h.finish()
}

/// A bigram's hash as the multiset keeps it.
fn top(h: u64) -> u32 {
    (h >> 32) as u32
}

fn mix(a: u64, b: u64) -> u64 {
    // A bijective scramble so that the bottom-k sketch samples bigrams uniformly.
    let mut x = a.rotate_left(23) ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

impl Fingerprint {
    pub fn of(text: &str) -> Fingerprint {
        // One pass: the text is normalised (its hash is the exact key) and each word of it
        // is hashed as soon as it ends, instead of a second pass over it.
        let mut out: Vec<u8> = Vec::with_capacity(text.len());
        let mut words = 0;
        let mut bigrams = Vec::with_capacity(text.len() / 5 + 1);
        let mut sketch = BottomK::new();
        let mut prev: Option<(u64, bool)> = None;
        let mut first = 0;
        let on_word = |w: &[u8]| {
            let cur = (hash_bytes(w), is_stop_bytes(w));
            words += 1;
            if let Some(p) = prev {
                let h = mix(p.0, cur.0);
                bigrams.push(top(h));
                // Two stop words offer nothing: a hash no sketch keeps, rather than a branch
                // on a pair of coin tosses.
                sketch.offer(if p.1 && cur.1 { u64::MAX } else { h });
            } else {
                first = cur.0;
            }
            prev = Some(cur);
        };
        normalize_into(text, &mut out, on_word);
        // `hash_word` of the trimmed normal form, from its bytes (no UTF-8 check).
        let exact = hash_bytes(trim_final_punct(&out));
        if words == 1 {
            let h = mix(first, 0);
            bigrams.push(top(h));
            sketch.offer(h);
        }
        bigrams.sort_unstable();
        Fingerprint {
            exact,
            words,
            bigrams: bigrams.into_boxed_slice(),
            sketch: sketch.kept().into(),
        }
    }

    /// The straightforward form of `of`, for the equivalence test.
    #[cfg(test)]
    fn of_reference(text: &str) -> Fingerprint {
        let norm = normalize_reference(text);
        let exact = hash_word(&norm);
        let words: Vec<&str> = norm
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let hashes: Vec<(u64, bool)> = words
            .iter()
            .map(|w| (hash_word(w), STOP.binary_search(w).is_ok()))
            .collect();
        let mut bigrams = Vec::with_capacity(hashes.len());
        let mut distinctive = Vec::with_capacity(hashes.len());
        for pair in hashes.windows(2) {
            let h = mix(pair[0].0, pair[1].0);
            bigrams.push(top(h));
            if !(pair[0].1 && pair[1].1) {
                distinctive.push(h);
            }
        }
        if hashes.len() == 1 {
            let h = mix(hashes[0].0, 0);
            bigrams.push(top(h));
            distinctive.push(h);
        }
        bigrams.sort_unstable();
        distinctive.sort_unstable();
        distinctive.dedup();
        distinctive.truncate(SKETCH);
        Fingerprint {
            exact,
            words: words.len(),
            bigrams: bigrams.into_boxed_slice(),
            sketch: distinctive.into_boxed_slice(),
        }
    }

    /// Dice coefficient of the two bigram multisets, 0..=1.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        let (a, b) = (&self.bigrams, &other.bigrams);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        (2 * common_count(a, b)) as f32 / (a.len() + b.len()) as f32
    }

    /// The similarity if it can reach `floor` (which the length of the two multisets
    /// decides before any comparison), else None. Exact: never None when
    /// `similarity(other) >= floor`.
    pub fn similarity_at_least(&self, other: &Fingerprint, floor: f32) -> Option<f32> {
        let (a, b) = (&self.bigrams, &other.bigrams);
        if a.is_empty() || b.is_empty() {
            return (floor <= 0.0).then_some(0.0);
        }
        // Dice is at most 2·min/(|a|+|b|); the same float expression as the result, so the
        // bound is never below the similarity it bounds.
        let bound = (2 * a.len().min(b.len())) as f32 / (a.len() + b.len()) as f32;
        if bound < floor {
            return None;
        }
        let denom = (a.len() + b.len()) as f32;
        let dice = |common: usize| (2 * common) as f32 / denom;
        // The fewest common bigrams that reach `floor`, by the same float expression (the
        // estimate is at most one off either way, and `dice` is monotonic).
        let mut need = ((floor * denom / 2.0) as usize).saturating_sub(1);
        while need > 0 && dice(need - 1) >= floor {
            need -= 1;
        }
        while dice(need) < floor {
            need += 1;
        }
        let common = common_count_at_least(a, b, need)?;
        Some(dice(common))
    }
}

/// `common_count(a, b)` if it is at least `need`; None as soon as the elements left cannot
/// bring it there (checked every few steps, so most unrelated pairs stop early).
fn common_count_at_least(a: &[u32], b: &[u32], need: usize) -> Option<usize> {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        if common + (a.len() - i).min(b.len() - j) < need {
            return None;
        }
        for _ in 0..8 {
            if i >= a.len() || j >= b.len() {
                break;
            }
            let (x, y) = (a[i], b[j]);
            common += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
    }
    (common >= need).then_some(common)
}

/// Size of the multiset intersection of two sorted slices, branch-free in the loop.
fn common_count(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    common
}

#[cfg(test)]
fn common_count_reference(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

impl Fingerprint {
    #[cfg(test)]
    fn similarity_reference(&self, other: &Fingerprint) -> f32 {
        let (a, b) = (&self.bigrams, &other.bigrams);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        (2 * common_count_reference(a, b)) as f32 / (a.len() + b.len()) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_punctuation_is_trimmed_as_the_str_trim_does() {
        for t in [
            "",
            "a.",
            "said \u{2026}",
            "\u{2026}.\u{2026}",
            "x\u{2026} ",
            "é.'\"",
            "… a",
            "—",
        ] {
            assert_eq!(
                trim_final_punct(t.as_bytes()),
                t.trim_end_matches(is_final_punct).as_bytes(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn stop_list_is_sorted_for_binary_search() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn normalisation_folds_quotes_dashes_case_space_and_final_punctuation() {
        assert_eq!(
            normalize("“It’s over” — the  Mayor\u{a0}said."),
            normalize("\"it's over\" - the mayor said")
        );
        assert_ne!(
            normalize("The mayor said no."),
            normalize("The mayor said yes.")
        );
    }

    #[test]
    fn similarity_is_one_for_equal_text_and_low_for_different() {
        let a = Fingerprint::of("The council approved the budget on Tuesday after a long debate.");
        assert_eq!(a.similarity(&a), 1.0);
        let b = Fingerprint::of("Fans lined the streets as the parade passed the old cathedral.");
        assert!(a.similarity(&b) < 0.2);
    }

    #[test]
    fn ascii_tables_agree_with_char_methods() {
        for b in 0u8..128 {
            let c = b as char;
            assert_eq!(ASCII_SPACE[b as usize], c.is_whitespace(), "{b}");
            let folded = fold(c).map(|c| c.to_ascii_lowercase());
            assert_eq!(Some(ASCII_FOLD[b as usize] as char), folded, "{b}");
        }
    }

    #[test]
    fn stop_match_agrees_with_the_stop_list() {
        for w in STOP {
            assert!(is_stop(w), "{w}");
        }
        for w in [
            "",
            "ab",
            "the ",
            "The",
            "thee",
            "wills",
            "x",
            "whom",
            "ours",
            "saying",
            "aboutabout",
            "wouldn't",
            "é",
        ] {
            assert_eq!(is_stop(w), STOP.binary_search(&w).is_ok(), "{w:?}");
        }
    }

    /// Texts that exercise every branch: curly and odd quotes, dashes, invisible and
    /// non-breaking characters, case that grows when lowered, digits, letters of other
    /// scripts, punctuation runs, empty and one-word paragraphs.
    const SAMPLES: &[&str] = &[
        "",
        "   ",
        "Word",
        "“It’s over” — the  Mayor\u{a0}said.",
        "`Back`ticks and \u{b4}acute\u{b4}, \u{2032}prime\u{2033} \u{ab}guillemets\u{bb}...",
        "Soft\u{ad}hyphen zero\u{200b}width\u{200d}joiner \u{feff}bom \u{2010}\u{2015}\u{2212} dashes",
        "İstanbul ẞtraße ǅemal ΣΊΣΥΦΟΣ Ωμέγα — Zoë, José, Łukasz, Søren!!!",
        "Line one\r\nline two\n\n\tTabbed\x0bvertical\x0cfeed end.)*_ ",
        "Numbers 7-2, $4.5 million, 12,000 people, 3:15 p.m. on 2026-11-27",
        "東京 の 会議 は 月曜日 に 開かれた 。 Он сказал: «нет».",
        "a a a a a a a a a the the the of of",
        "😀 Fans cheered. 🇺🇦 flags \u{2007}figure\u{202f}space",
    ];

    #[test]
    fn fast_paths_agree_with_the_reference_forms() {
        for text in SAMPLES {
            assert_eq!(normalize(text), normalize_reference(text), "{text:?}");
            let (a, b) = (Fingerprint::of(text), Fingerprint::of_reference(text));
            assert_eq!(a, b, "{text:?}");
        }
        for x in SAMPLES {
            for y in SAMPLES {
                let (a, b) = (Fingerprint::of(x), Fingerprint::of(y));
                let s = a.similarity(&b);
                assert_eq!(s, a.similarity_reference(&b), "{x:?} {y:?}");
                for floor in [0.0, 0.05, 0.3, 0.5, 0.65, 0.66, 0.9, 0.99, 1.0] {
                    match a.similarity_at_least(&b, floor) {
                        Some(got) => assert_eq!(got, s),
                        None => assert!(s < floor, "{x:?} {y:?} {floor}"),
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_agree_on_arbitrary_text(text in "(\\PC|[ \t\r\n“”‘’—\u{ad}\u{a0}`])*") {
            proptest::prop_assert_eq!(normalize(&text), normalize_reference(&text));
            proptest::prop_assert_eq!(Fingerprint::of(&text), Fingerprint::of_reference(&text));
        }

        #[test]
        fn fast_paths_agree_on_mostly_ascii_words(
            text in "([A-Za-z0-9]{1,9}|[ .,;'`\"()\t\r\n-]|[éÉİß’“—\u{ad}\u{a0}])*"
        ) {
            proptest::prop_assert_eq!(normalize(&text), normalize_reference(&text));
            proptest::prop_assert_eq!(Fingerprint::of(&text), Fingerprint::of_reference(&text));
        }

        #[test]
        fn similarity_at_least_is_exact(
            mut a in proptest::collection::vec(0u32..6, 0..70),
            mut b in proptest::collection::vec(0u32..6, 0..70),
            floor in 0.0f32..1.0,
        ) {
            a.sort_unstable();
            b.sort_unstable();
            let fa = Fingerprint { exact: 0, words: a.len(), bigrams: a.into(), sketch: Box::default() };
            let fb = Fingerprint { exact: 0, words: b.len(), bigrams: b.into(), sketch: Box::default() };
            let s = fa.similarity_reference(&fb);
            match fa.similarity_at_least(&fb, floor) {
                Some(got) => proptest::prop_assert_eq!(got, s),
                None => proptest::prop_assert!(s < floor),
            }
            // Never None when the similarity reaches the floor.
            proptest::prop_assert_eq!(fa.similarity_at_least(&fb, s), Some(s));
        }

        #[test]
        fn common_count_agrees(mut a in proptest::collection::vec(0u32..8, 0..40),
                               mut b in proptest::collection::vec(0u32..8, 0..40)) {
            a.sort_unstable();
            b.sort_unstable();
            proptest::prop_assert_eq!(common_count(&a, &b), common_count_reference(&a, &b));
        }
    }
}
