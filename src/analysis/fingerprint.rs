//! Content fingerprints of a paragraph: what the duplicate pass compares.
//!
//! Two fingerprints per paragraph: an exact one (after folding case, white space, curly vs
//! straight quotes, dashes and final punctuation), and a multiset of word bigrams for edited
//! copies, with a small bottom-k sketch of its distinctive bigrams for the candidate index.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

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
    /// Sorted hashes of consecutive word pairs (a multiset).
    pub bigrams: Vec<u64>,
    /// The smallest distinct hashes of bigrams that are not two stop words.
    pub sketch: Vec<u64>,
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

/// The normalised form used for exact comparison.
pub fn normalize(text: &str) -> String {
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

fn hash_word(w: &str) -> u64 {
    let mut h = FxHasher::default();
    w.hash(&mut h);
    h.finish()
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
        let norm = normalize(text);
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
            bigrams.push(h);
            if !(pair[0].1 && pair[1].1) {
                distinctive.push(h);
            }
        }
        if hashes.len() == 1 {
            bigrams.push(mix(hashes[0].0, 0));
            distinctive.push(bigrams[0]);
        }
        bigrams.sort_unstable();
        distinctive.sort_unstable();
        distinctive.dedup();
        distinctive.truncate(SKETCH);
        Fingerprint {
            exact,
            words: words.len(),
            bigrams,
            sketch: distinctive,
        }
    }

    /// Dice coefficient of the two bigram multisets, 0..=1.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        let (a, b) = (&self.bigrams, &other.bigrams);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
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
        (2 * common) as f32 / (a.len() + b.len()) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
