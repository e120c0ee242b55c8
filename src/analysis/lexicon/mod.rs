//! Word lists compiled into the binary (facts, not code): see `data/README.md`.
//!
//! Parsed once, on first use, into hash maps keyed by the exact text of a phrase (tokens
//! joined by single spaces), plus case-folded maps where the text may appear in any case.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
    Unknown,
}

impl Gender {
    fn parse(s: &str) -> Gender {
        match s.trim() {
            "m" => Gender::Male,
            "f" => Gender::Female,
            _ => Gender::Unknown,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Country {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A country (index into `countries`), by name or alias.
    Country(usize),
    /// A country's adjective or inhabitant noun ("Ukrainian").
    Demonym(usize),
    Place {
        subtype: Subtype,
    },
    Org {
        name: String,
        subtype: Subtype,
    },
}

/// The lists' subtypes of places and organisations, interned: a `Subtype` is an index
/// into this, one byte where every candidate keeps it.
const SUBTYPES: &[&str] = &[
    "country",
    "continent",
    "region",
    "city",
    "state",
    "province",
    "body-of-water",
    "landmark",
    "international-body",
    "government-body",
    "military",
    "political-party",
    "company",
    "news-outlet",
    "social-platform",
    "ngo",
    "court",
    "university",
    "sports",
    "other",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subtype(u8);

impl Subtype {
    pub const COUNTRY: Subtype = Subtype(0);

    /// A list's subtype; one it does not know is "other".
    fn of(s: &str) -> Subtype {
        let known = SUBTYPES[..SUBTYPES.len() - 1].iter().position(|k| *k == s);
        Subtype(known.unwrap_or(SUBTYPES.len() - 1) as u8)
    }

    pub fn as_str(self) -> &'static str {
        SUBTYPES[self.0 as usize]
    }
}

#[derive(Default)]
pub struct Lexicon {
    pub countries: Vec<Country>,
    /// Exact-case phrase → entry. Longest-match lookups use `max_phrase`.
    pub phrases: FxHashMap<String, Entry>,
    pub max_phrase: usize,
    pub given: FxHashMap<String, Gender>,
    pub honorifics: FxHashMap<String, Gender>,
    /// Lowercased title phrase → its natural form ("defense secretary" → "Defense Secretary").
    /// Keyed by bytes: a lowercased ASCII phrase is looked up without validating it as UTF-8
    /// again (a sixth of the look-up's cost).
    pub titles: FxHashMap<Vec<u8>, String>,
    pub max_title: usize,
    /// Abbreviated title ("Sen.") → expansion ("Senator").
    pub title_abbrevs: FxHashMap<String, String>,
    pub org_cues: FxHashSet<String>,
    pub place_cues: FxHashSet<String>,
    /// Lowercase form → lemma.
    pub speech_verbs: FxHashMap<String, String>,
    pub speech_nouns: FxHashSet<String>,
    pub not_names: FxHashSet<String>,
    pub calendar: FxHashSet<String>,
    /// Which of `not_names`, `calendar`, `org_cues`, `place_cues`, `honorifics` and
    /// `title_abbrevs` hold a word (`class::*` bits): one look-up for what the name finder
    /// asks of each word of a capitalised run, instead of one a list.
    word_class: FxHashMap<String, u8>,
    pub nominal_heads: FxHashSet<String>,
    /// Words that take a following '.' as part of themselves ("Mr.", "Sen.", "Inc.").
    pub abbreviations: FxHashSet<String>,
    /// The (length, first letter, last letter) of each speech-verb form (`shape_slot`):
    /// three words in four are ruled out without hashing them (`speech_lemma` is asked of
    /// every lowercase word).
    speech_shapes: Bits,
    /// The same forms by `word_slot`: of the words that pass the shape test ("and" has
    /// the shape of "add"), all but one in a few hundred fail this one, so nearly only
    /// speech verbs reach the map.
    speech_words: Bits,
    /// The texts a phrase's first token can have (`first_token_texts`), and the same of
    /// titles in lowercase (`word_slot`): the longest-match search tries every sub-run of
    /// every capitalised run, and most words start neither, which one bit says.
    phrase_starts: Bits,
    title_starts: Bits,
}

/// The bits of `Lexicon::class`.
pub mod class {
    pub const NOT_NAME: u8 = 1;
    pub const CALENDAR: u8 = 2;
    pub const ORG_CUE: u8 = 4;
    pub const PLACE_CUE: u8 = 8;
    pub const HONORIFIC: u8 = 16;
    pub const TITLE_ABBREV: u8 = 32;
}

/// Prefilters for the look-ups asked of every word: a set of slots, one bit each, with
/// no false negatives.
struct Bits {
    bits: Box<[u64]>,
}

impl Default for Bits {
    fn default() -> Self {
        Bits {
            bits: vec![0; Bits::SLOTS / 64].into_boxed_slice(),
        }
    }
}

impl Bits {
    const SLOTS: usize = 1 << 18;
    fn set(&mut self, slot: usize) {
        self.bits[slot / 64] |= 1 << (slot % 64);
    }
    fn has(&self, slot: usize) -> bool {
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
    }
}

/// A word's slot by a hash of its bytes: about one false positive in a hundred for the
/// few thousand first words of phrases.
fn word_slot(bytes: impl Iterator<Item = u8>) -> usize {
    let h = bytes.fold(0u64, |h, b| {
        (h.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
    });
    (h >> (64 - 18)) as usize
}

/// A word's slot by its length (up to 15), first and last byte: cheaper than a hash.
fn shape_slot(w: &[u8]) -> usize {
    match w {
        [] => 0,
        [first, .., last] | [first @ last] => {
            (w.len().min(15) << 12) | ((*first as usize & 63) << 6) | (*last as usize & 63)
        }
    }
}

/// The texts a first token of `key` can have: its first word up to each point where a
/// token can end. Tokens are runs of letters and digits joined by a few marks, or single
/// marks (`tokens::tokenize`, whose cut of a 60,000-byte word is no phrase's), so inside
/// a word one ends only beside a character that is neither.
fn first_token_texts(key: &str) -> impl Iterator<Item = &str> {
    let word = key.split(char::is_whitespace).next().unwrap_or("");
    // Most first words are letters only: then the word itself is the one text.
    let plain = !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric());
    let mut chars = word[if plain { word.len() } else { 0 }..]
        .char_indices()
        .peekable();
    let marked = std::iter::from_fn(move || loop {
        let (i, c) = chars.next()?;
        let next_alnum = chars.peek().is_some_and(|(_, n)| n.is_alphanumeric());
        if !c.is_alphanumeric() || !next_alnum {
            return Some(&word[..i + c.len_utf8()]);
        }
    });
    std::iter::once(word).filter(move |_| plain).chain(marked)
}

/// A list line's tab-separated fields (the lists use at most four), without a vector
/// for each of the lexicon's eight thousand lines.
struct Fields<'a> {
    v: [&'a str; 4],
    n: usize,
}

impl<'a> Fields<'a> {
    fn of(line: &'a str) -> Self {
        let mut f = Fields { v: [""; 4], n: 0 };
        for (slot, field) in f.v.iter_mut().zip(line.split('\t')) {
            *slot = field;
            f.n += 1;
        }
        f
    }
    fn get(&self, i: usize) -> Option<&&'a str> {
        self.v[..self.n].get(i)
    }
}

impl<'a> std::ops::Index<usize> for Fields<'a> {
    type Output = &'a str;
    fn index(&self, i: usize) -> &&'a str {
        &self.v[..self.n][i]
    }
}

fn lines(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// Abbreviations that end in a period but are in no list of names or titles.
const EXTRA_ABBREVIATIONS: &[&str] = &[
    "Jr", "Sr", "Inc", "Corp", "Co", "Ltd", "St", "Mt", "Ft", "Ave", "Blvd", "Bros", "No", "Jan",
    "Feb", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu",
    "Thurs", "Fri", "Sat", "vs", "etc", "approx", "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn",
    "Fla", "Ga", "Kan", "Ky", "Md", "Mass", "Mich", "Minn", "Mont", "Neb", "Nev", "Okla", "Ore",
    "Pa", "Tenn", "Tex", "Va", "Vt", "Wis", "Wyo", "a.m", "p.m",
];

impl Lexicon {
    fn load() -> Lexicon {
        let mut lex = Lexicon::default();
        let add_phrase = |lex: &mut Lexicon, key: &str, e: Entry| {
            let key = key.trim();
            if key.is_empty() {
                return;
            }
            lex.max_phrase = lex.max_phrase.max(key.split(' ').count());
            lex.phrases.entry(key.to_string()).or_insert(e);
        };
        for l in lines(include_str!("data/countries.tsv")) {
            let f = Fields::of(l);
            let i = lex.countries.len();
            lex.countries.push(Country {
                name: f[0].to_string(),
            });
            add_phrase(&mut lex, f[0], Entry::Country(i));
            if let Some(aliases) = f.get(3) {
                for a in aliases.split('|') {
                    add_phrase(&mut lex, a, Entry::Country(i));
                }
            }
            if let Some(dem) = f.get(1) {
                for d in dem.split('|') {
                    add_phrase(&mut lex, d, Entry::Demonym(i));
                }
            }
        }
        for l in lines(include_str!("data/organizations.tsv")) {
            let f = Fields::of(l);
            let sub = Subtype::of(f.get(1).copied().unwrap_or(""));
            let e = Entry::Org {
                name: f[0].to_string(),
                subtype: sub,
            };
            add_phrase(&mut lex, f[0], e.clone());
            if let Some(aliases) = f.get(2) {
                for a in aliases.split('|') {
                    add_phrase(&mut lex, a, e.clone());
                }
            }
        }
        for l in lines(include_str!("data/places.tsv")) {
            let f = Fields::of(l);
            let sub = Subtype::of(f.get(1).copied().unwrap_or(""));
            add_phrase(&mut lex, f[0], Entry::Place { subtype: sub });
        }
        for l in lines(include_str!("data/given_names.tsv")) {
            let f = Fields::of(l);
            lex.given
                .insert(f[0].to_string(), Gender::parse(f.get(1).unwrap_or(&"")));
        }
        for l in lines(include_str!("data/honorifics.tsv")) {
            let f = Fields::of(l);
            lex.honorifics
                .insert(f[0].to_string(), Gender::parse(f.get(1).unwrap_or(&"")));
        }
        for l in lines(include_str!("data/titles.tsv")) {
            let f = Fields::of(l);
            if f.get(1) == Some(&"abbrev") {
                if let Some(exp) = f.get(2) {
                    lex.title_abbrevs.insert(f[0].to_string(), exp.to_string());
                }
            } else {
                lex.max_title = lex.max_title.max(f[0].split([' ', '-']).count());
                lex.titles
                    .insert(f[0].to_lowercase().into_bytes(), f[0].to_string());
            }
        }
        let set =
            |data: &'static str| -> FxHashSet<String> { lines(data).map(str::to_string).collect() };
        lex.org_cues = set(include_str!("data/org_cues.txt"));
        lex.place_cues = set(include_str!("data/place_cues.txt"));
        lex.not_names = set(include_str!("data/not_names.txt"));
        lex.calendar = set(include_str!("data/calendar.txt"));
        lex.nominal_heads = set(include_str!("data/nominal_heads.txt"));
        let mut word_class: FxHashMap<String, u8> = FxHashMap::default();
        let mut mark = |words: &mut dyn Iterator<Item = &String>, bit: u8| {
            for w in words {
                // `class` answers 0 for a lowercase word without looking.
                debug_assert!(!w.starts_with(|c: char| c.is_ascii_lowercase()), "{w}");
                *word_class.entry(w.clone()).or_default() |= bit;
            }
        };
        mark(&mut lex.not_names.iter(), class::NOT_NAME);
        mark(&mut lex.calendar.iter(), class::CALENDAR);
        mark(&mut lex.org_cues.iter(), class::ORG_CUE);
        mark(&mut lex.place_cues.iter(), class::PLACE_CUE);
        mark(&mut lex.honorifics.keys(), class::HONORIFIC);
        mark(&mut lex.title_abbrevs.keys(), class::TITLE_ABBREV);
        lex.word_class = word_class;
        lex.speech_nouns = lines(include_str!("data/speech_nouns.txt"))
            .map(str::to_lowercase)
            .collect();
        for l in lines(include_str!("data/speech_verbs.tsv")) {
            let f = Fields::of(l);
            lex.speech_verbs
                .insert(f[0].to_lowercase(), f.get(1).unwrap_or(&f[0]).to_string());
        }
        for form in lex.speech_verbs.keys() {
            lex.speech_shapes.set(shape_slot(form.as_bytes()));
            lex.speech_words.set(word_slot(form.bytes()));
        }
        for key in lex.phrases.keys() {
            for first in first_token_texts(key) {
                lex.phrase_starts.set(word_slot(first.bytes()));
            }
        }
        for key in lex.titles.keys() {
            let key = std::str::from_utf8(key).expect("titles are keyed by lowercased text");
            for first in first_token_texts(key) {
                lex.title_starts.set(word_slot(first.bytes()));
            }
        }
        // Only forms written with a period in the lists ("Sen.", "Sept.", "Inc.") keep it.
        let dotted = lex
            .honorifics
            .keys()
            .chain(lex.title_abbrevs.keys())
            .chain(lex.calendar.iter())
            .chain(lex.org_cues.iter())
            .filter_map(|a| a.strip_suffix('.'))
            .map(str::to_string);
        lex.abbreviations = EXTRA_ABBREVIATIONS
            .iter()
            .map(|s| s.to_string())
            .chain(dotted)
            .filter(|a| !a.contains(' ') && !a.is_empty())
            .collect();
        lex
    }

    pub fn get() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(Lexicon::load)
    }

    /// The lists of `word_class` that hold `word`, as `class::*` bits.
    pub fn class(&self, word: &str) -> u8 {
        if word.starts_with(|c: char| c.is_ascii_lowercase()) {
            return 0;
        }
        self.word_class.get(word).copied().unwrap_or(0)
    }

    /// The natural form of a title phrase given in any case.
    pub fn title(&self, phrase: &str) -> Option<&str> {
        // Asked of every sub-run of every capitalised run: lowercase short ASCII phrases
        // on the stack rather than allocate each time.
        let mut buf = [0u8; 48];
        if phrase.is_ascii() && phrase.len() <= buf.len() {
            let lower = &mut buf[..phrase.len()];
            lower.copy_from_slice(phrase.as_bytes());
            lower.make_ascii_lowercase();
            return self.titles.get(&*lower).map(String::as_str);
        }
        self.titles
            .get(phrase.to_lowercase().as_bytes())
            .map(String::as_str)
    }

    /// Whether a phrase (exact case) may start with the token `first`; false only if
    /// none does.
    pub fn may_start_phrase(&self, first: &str) -> bool {
        self.phrase_starts.has(word_slot(first.bytes()))
    }

    /// Whether a title (any case) may start with the token `first`; false only if none
    /// does. Only ASCII words are ruled out: their lowercase is the start of their
    /// phrase's.
    pub fn may_start_title(&self, first: &str) -> bool {
        !first.is_ascii()
            || self
                .title_starts
                .has(word_slot(first.bytes().map(|b| b.to_ascii_lowercase())))
    }

    /// `speech_lemma` of a word of lowercase ASCII letters only, as the tokenizer knows
    /// most words to be without looking at them again.
    pub fn speech_lemma_ascii(&self, word: &str) -> Option<&str> {
        debug_assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word:?}");
        if !self.speech_shapes.has(shape_slot(word.as_bytes()))
            || !self.speech_words.has(word_slot(word.bytes()))
        {
            return None;
        }
        self.speech_verbs.get(word).map(String::as_str)
    }

    pub fn speech_lemma(&self, word: &str) -> Option<&str> {
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            self.speech_lemma_ascii(word)
        } else {
            self.speech_verbs
                .get(&word.to_lowercase())
                .map(String::as_str)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_every_list() {
        let l = Lexicon::get();
        assert!(matches!(l.phrases.get("U.S."), Some(Entry::Country(_))));
        assert!(matches!(
            l.phrases.get("Ukrainian"),
            Some(Entry::Demonym(_))
        ));
        assert!(matches!(l.phrases.get("NATO"), Some(Entry::Org { .. })));
        assert!(matches!(
            l.phrases.get("Brussels"),
            Some(Entry::Place { .. })
        ));
        assert_eq!(l.given.get("Volodymyr"), Some(&Gender::Male));
        assert_eq!(l.title("defense secretary"), Some("Defense Secretary"));
        assert_eq!(
            l.title_abbrevs.get("Sen.").map(String::as_str),
            Some("Senator")
        );
        assert_eq!(l.speech_lemma("told"), Some("tell"));
        assert!(l.abbreviations.contains("Mr"));
        assert!(l.not_names.contains("Yet"));
        assert!(l.calendar.contains("Tuesday"));
    }

    #[test]
    fn every_phrase_and_title_passes_the_first_token_filters() {
        let l = Lexicon::get();
        for key in l.phrases.keys() {
            let toks = crate::analysis::tokens::tokenize(key);
            let first = toks[0].text(key);
            assert!(
                l.may_start_phrase(first),
                "phrase {key:?} starting {first:?}"
            );
        }
        for natural in l.titles.values() {
            for form in [
                natural.clone(),
                natural.to_uppercase(),
                natural.to_lowercase(),
            ] {
                let toks = crate::analysis::tokens::tokenize(&form);
                let first = toks[0].text(&form);
                assert!(
                    l.may_start_title(first),
                    "title {form:?} starting {first:?}"
                );
            }
        }
        let (phrase, title) = (l.may_start_phrase("Okafor"), l.may_start_title("Okafor"));
        assert!(!phrase && !title, "a surname starts neither");
        assert!(!l.may_start_title("The"));
        for verb in l.speech_verbs.keys() {
            assert!(l.speech_shapes.has(shape_slot(verb.as_bytes())), "{verb}");
            assert!(l.speech_words.has(word_slot(verb.bytes())), "{verb}");
        }
        assert!(!l.speech_shapes.has(shape_slot(b"the")));
        assert!(!l.speech_words.has(word_slot(b"and".iter().copied())));
    }
}
