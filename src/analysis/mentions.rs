//! Candidate mentions of actors in one paragraph: names, titles and roles, pronouns and
//! nominal references ("the defense secretary"). Nothing here looks beyond the paragraph;
//! `actors` links the candidates of the whole document.

use std::borrow::Cow;

use super::lexicon::{class, Entry, Gender, Lexicon, Subtype};
use super::quotes::QuoteMarks;
use super::tokens::{is_capitalized, Kind, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActorKind {
    Person,
    Organization,
    Place,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Organization => "organization",
            ActorKind::Place => "place",
        }
    }
}

/// How a mention names its actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Via {
    Name,
    Surname,
    FirstName,
    Honorific,
    Acronym,
    Pronoun,
    Title,
    Roster,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Name => "name",
            Via::Surname => "surname",
            Via::FirstName => "first-name",
            Via::Honorific => "honorific",
            Via::Acronym => "acronym",
            Via::Pronoun => "pronoun",
            Via::Title => "title",
            Via::Roster => "roster",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Relative to the paragraph.
    pub span: (u32, u32),
    /// The name as the actor's canonical name would be (for lexicon entries, the entry's
    /// name: "United States" for "U.S.").
    pub name: Box<str>,
    pub kind: Option<ActorKind>,
    pub subtype: Option<Subtype>,
    pub via: Via,
    pub roles: Box<[String]>,
    /// The affiliation and the bracketed acronym, which few candidates have: boxed
    /// together, a draft keeps a million-word manuscript's 128,000 candidates in 72 bytes
    /// each instead of 112 (`affiliation`, `alias`).
    pub extra: Option<Box<Extra>>,
    pub gender: Gender,
    pub first_token: u32,
    pub last_token: u32,
    /// Its capitals prove nothing (sentence start, headline style): only accept it if it
    /// names an actor known from elsewhere.
    pub weak: bool,
    /// Preceded by in/at/from/…: a place if anything.
    pub locative: bool,
    /// Preceded by "the".
    pub the: bool,
    pub in_quote: bool,
    /// `stands_alone`, kept: linking asks it of every candidate in several passes, where
    /// reading the name again costs a cache miss each on opening a long draft.
    pub confident: bool,
}

#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Extra {
    affiliation: Option<Box<str>>,
    /// A bracketed acronym right after the name: "World Food Programme (WFP)".
    alias: Option<Box<str>>,
}

impl Extra {
    /// `None` when there is neither.
    pub fn of(affiliation: Option<Box<str>>, alias: Option<Box<str>>) -> Option<Box<Extra>> {
        (affiliation.is_some() || alias.is_some()).then(|| Box::new(Extra { affiliation, alias }))
    }
}

impl Candidate {
    pub fn affiliation(&self) -> Option<&str> {
        self.extra.as_ref()?.affiliation.as_deref()
    }

    /// A bracketed acronym right after it: "World Food Programme (WFP)".
    pub fn alias(&self) -> Option<&str> {
        self.extra.as_ref()?.alias.as_deref()
    }

    fn set_affiliation(&mut self, affiliation: Box<str>) {
        let alias = self.extra.take().and_then(|e| e.alias);
        self.extra = Extra::of(Some(affiliation), alias);
    }

    /// A name that stands on its own: a lexicon entry, a cue-made organisation, a titled
    /// person or a given-name-led full name (linking's pass 1a).
    pub fn stands_alone(&self, lex: &Lexicon) -> bool {
        !self.weak
            && match self.kind {
                Some(ActorKind::Person) => {
                    let mut words = name_words_iter(&self.name);
                    let first = words.next().unwrap_or("");
                    words.next().is_some()
                        && (lex.given.contains_key(first)
                            || !self.roles.is_empty()
                            || self.gender != Gender::Unknown)
                }
                Some(_) => true,
                None => false,
            }
    }
}

/// The words of a name without its generational suffix ("Jr.", "III").
pub fn name_words_iter(name: &str) -> impl Iterator<Item = &str> {
    name.split(' ').filter(|w| !is_suffix_word(w))
}

fn is_suffix_word(w: &str) -> bool {
    matches!(w, "Jr." | "Sr." | "Jr" | "Sr" | "II" | "III")
}

/// `name_words_iter(name).last()`, found from the end: linking asks it of every
/// candidate, most of whose names end in the word wanted.
pub fn last_name_word(name: &str) -> Option<&str> {
    name.rsplit(' ').find(|w| !is_suffix_word(w))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PronounClass {
    He,
    She,
    It,
    They,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PronounMention {
    pub span: (u32, u32),
    pub token: usize,
    pub class: PronounClass,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Nominal {
    pub span: (u32, u32),
    pub token: usize,
    /// Lowercase head ("secretary", "defense secretary", "union").
    pub head: String,
    /// Country of a demonym modifier ("the Ukrainian leader").
    pub country: Option<String>,
}

/// A paragraph's mentions, kept for as long as the draft is open: sized exactly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mentions {
    pub candidates: Box<[Candidate]>,
    pub pronouns: Box<[PronounMention]>,
    pub nominals: Box<[Nominal]>,
}

/// The mentions while `extract` finds them.
#[derive(Default)]
struct Found {
    candidates: Vec<Candidate>,
    pronouns: Vec<PronounMention>,
    nominals: Vec<Nominal>,
}

impl Found {
    /// The mentions found, each list moved into a box of its exact size, leaving `self`
    /// empty (its capacity kept for the next paragraph).
    fn take(&mut self) -> Mentions {
        let lex = Lexicon::get();
        for c in &mut self.candidates {
            c.confident = c.stands_alone(lex);
        }
        Mentions {
            candidates: self.candidates.drain(..).collect(),
            pronouns: self.pronouns.drain(..).collect(),
            nominals: self.nominals.drain(..).collect(),
        }
    }
}

/// What `extract` builds and empties again for each paragraph, kept per thread: growing
/// these afresh and then trimming them to size cost about 2 % of the facts' work.
#[derive(Default)]
struct Scratch {
    found: Found,
    runs: Vec<(usize, usize)>,
    class: Vec<u8>,
    items: Vec<Item>,
    consumed: Vec<bool>,
}

impl Scratch {
    /// Past this many entries in a list (a paragraph far longer than prose has), the
    /// scratch is not kept: a thread would hold it for as long as it lives.
    const KEEP: usize = 4096;

    fn with<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
        }
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let r = f(&mut s);
            let big = [
                s.found.candidates.capacity(),
                s.found.pronouns.capacity(),
                s.found.nominals.capacity(),
                s.runs.capacity(),
                s.class.capacity(),
                s.items.capacity(),
                s.consumed.capacity(),
            ]
            .into_iter()
            .any(|c| c > Self::KEEP);
            if big {
                *s = Scratch::default();
            }
            r
        })
    }
}

const PARTICLES_START: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "du", "al", "el", "bin", "ibn", "le", "la",
];
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "from",
    "to",
    "near",
    "across",
    "outside",
    "inside",
    "around",
    "toward",
    "towards",
    "into",
    "through",
    "throughout",
    "via",
    "visit",
    "visited",
    "visiting",
];
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "its", "his", "her", "their", "our",
];
/// Party labels that, before or after a person's name, give their affiliation.
const PARTY_WORDS: &[&str] = &[
    "Republican",
    "Democrat",
    "Conservative",
    "Tory",
    "Liberal",
    "Labour",
    "Socialist",
];
/// Heads of nominal references to organisations ("the union said").
pub const ORG_HEADS: &[&str] = &[
    "union",
    "company",
    "firm",
    "group",
    "ministry",
    "agency",
    "party",
    "club",
    "committee",
    "council",
    "alliance",
    "department",
    "organization",
    "organisation",
    "charity",
    "bank",
    "court",
    "team",
    "association",
    "authority",
    "commission",
    "government",
];
/// "X, who leads Y": the verb gives the role.
const WHO_ROLE: &[(&str, &str)] = &[
    ("leads", "leader"),
    ("heads", "head"),
    ("chairs", "chair"),
    ("runs", "head"),
    ("directs", "director"),
    ("founded", "founder"),
    ("manages", "manager"),
    ("coaches", "coach"),
    ("captains", "captain"),
    ("represents", "representative"),
];

/// Whether a word starting with byte `first` can be a pronoun (or "the", whose letter is
/// among them): most words are settled by it.
fn may_be_pronoun_or_the(first: u8) -> bool {
    matches!(first, b'h' | b'H' | b's' | b'S' | b'i' | b'I' | b't' | b'T')
}

fn pronoun_class(word: &str) -> Option<PronounClass> {
    // Asked of every word: most are settled by their first letter.
    if !word
        .as_bytes()
        .first()
        .is_some_and(|&b| may_be_pronoun_or_the(b))
    {
        return None;
    }
    Some(match word {
        "he" | "He" | "him" | "his" | "His" | "himself" => PronounClass::He,
        "she" | "She" | "her" | "Her" | "hers" | "herself" => PronounClass::She,
        "it" | "It" | "its" | "Its" | "itself" => PronounClass::It,
        "they" | "They" | "them" | "their" | "Their" | "theirs" | "themselves" => {
            PronounClass::They
        }
        _ => return None,
    })
}

/// A word whose capital suggests a name: capitalised, and no lowercase part after a hyphen
/// ("Russian-occupied" is an adjective).
fn name_like(word: &str) -> bool {
    // Asked of every token: most are settled by their first byte.
    let bytes = word.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii() && !b.is_ascii_uppercase() => return false,
        // No hyphen: neither '-' nor the first byte of U+2010 or U+2011.
        Some(b) if b.is_ascii() && !bytes.iter().any(|&b| b == b'-' || b == 0xE2) => return true,
        _ => {}
    }
    is_capitalized(word)
        && word
            .split(['-', '\u{2010}', '\u{2011}'])
            .skip(1)
            .all(|seg| seg.chars().next().is_none_or(|c| !c.is_lowercase()))
}

fn is_all_caps(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word.chars().all(|c| !c.is_lowercase())
}

#[derive(Clone, Debug)]
enum Item {
    Lex(&'static Entry, usize, usize),
    Title(String, usize, usize),
    Honorific(Gender, usize),
    Separator,
    Particle(usize),
    Word(usize),
}

struct Ctx<'a> {
    para: &'a str,
    toks: &'a [Token],
    lex: &'static Lexicon,
    headline: bool,
    /// Quotations' inner starts, sorted, each with the furthest inner end up to it.
    quote_reach: Vec<(u32, u32)>,
    /// `Lexicon::class` of each token of a capitalised run (0 elsewhere), looked up once.
    class: Vec<u8>,
}

impl Ctx<'_> {
    fn text(&self, i: usize) -> &str {
        self.toks[i].text(self.para)
    }
    /// Tokens `a..b` as one phrase, words separated by one space (a hard wrap or a double
    /// space inside a name reads as one space). Borrowed when the text already is so: the
    /// lexicon look-ups try every sub-run of every capitalised run, and building a string
    /// for each was a sixth of the per-paragraph work.
    fn key(&self, a: usize, b: usize) -> Cow<'_, str> {
        let s = &self.para[self.toks[a].start() as usize..self.toks[b - 1].end() as usize];
        // Tokens hold no white space and every other character is in one, so the run's
        // white space is the gaps between its tokens: each must be nothing or one space.
        let single_spaced = self.toks[a..b].windows(2).all(|w| {
            let (end, next) = (w[0].end() as usize, w[1].start() as usize);
            end == next || end + 1 == next && self.para.as_bytes()[end] == b' '
        });
        debug_assert_eq!(
            single_spaced,
            !s.contains("  ") && s.chars().all(|ch| ch == ' ' || !ch.is_whitespace())
        );
        if single_spaced {
            Cow::Borrowed(s)
        } else {
            Cow::Owned(s.split_whitespace().collect::<Vec<_>>().join(" "))
        }
    }
    fn slice(&self, a: usize, b: usize) -> String {
        self.key(a, b).into_owned()
    }
    /// `Lexicon::class` of token `i`, which lies in a run.
    fn class(&self, i: usize) -> u8 {
        debug_assert_eq!(
            self.class[i],
            self.lex.class(self.text(i)),
            "{}",
            self.text(i)
        );
        self.class[i]
    }
    fn is_name_word(&self, i: usize) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        // Asked of every token: a lowercase first letter settles most without slicing.
        t.kind() == Kind::Word
            && !self.para.as_bytes()[t.start() as usize].is_ascii_lowercase()
            && name_like(self.text(i))
    }
    fn lower(&self, i: usize) -> Option<&str> {
        let t = self.toks.get(i)?;
        (t.kind() == Kind::Word).then(|| self.text(i))
    }
    fn in_quote(&self, i: usize) -> bool {
        let t = self.toks[i];
        let opened = self.quote_reach.partition_point(|q| q.0 <= t.start());
        opened > 0 && t.end() <= self.quote_reach[opened - 1].1
    }
    fn is_punct(&self, i: usize, p: &str) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind() == Kind::Punct && self.text(i) == p)
    }
}

/// Indices of runs of capitalised words, with the particles that join them.
fn runs(c: &Ctx, out: &mut Vec<(usize, usize)>) {
    let n = c.toks.len();
    out.clear();
    let mut i = 0;
    while i < n {
        let starts = c.is_name_word(i)
            || (c.lower(i).is_some_and(|w| PARTICLES_START.contains(&w)) && c.is_name_word(i + 1));
        if !starts {
            i += 1;
            continue;
        }
        let s = i;
        let mut has_of = false;
        let mut j = i + 1;
        loop {
            if c.is_name_word(j) {
                j += 1;
                continue;
            }
            let Some(w) = c.toks.get(j) else { break };
            let next_name = c.is_name_word(j + 1);
            let word = w.text(c.para);
            let joins = match w.kind() {
                Kind::Word => {
                    next_name
                        && (matches!(
                            word,
                            "of" | "de"
                                | "van"
                                | "von"
                                | "der"
                                | "al"
                                | "el"
                                | "bin"
                                | "la"
                                | "du"
                                | "da"
                        ) || (matches!(word, "and" | "the") && has_of)
                            || (matches!(word, "for" | "on")
                                && c.lex.org_cues.contains(c.text(j - 1))))
                }
                Kind::Possessive => next_name && (word == "\u{2019}" || word == "'"),
                Kind::Punct => next_name && word == "&",
                Kind::Number => false,
            };
            if !joins {
                break;
            }
            has_of |= word == "of";
            j += 1;
        }
        out.push((s, j));
        i = j;
    }
}

/// The items of run `a..b`, into `out` (cleared first: one buffer serves every run of a
/// paragraph).
fn items(c: &Ctx, a: usize, b: usize, headline_run: bool, out: &mut Vec<Item>) {
    let lex = c.lex;
    out.clear();
    let mut i = a;
    while i < b {
        let t = c.toks[i];
        // Longest lexicon phrase or title starting here.
        let mut best: Option<Item> = None;
        let mut best_len = 0;
        let (phrases, titles) = (
            lex.may_start_phrase(c.text(i)),
            lex.may_start_title(c.text(i)),
        );
        let max = if phrases || titles {
            (b - i).min(lex.max_phrase.max(lex.max_title))
        } else {
            0
        };
        for len in (1..=max).rev() {
            if c.toks[i + len - 1].kind() == Kind::Possessive {
                continue;
            }
            let key = c.key(i, i + len);
            let phrase = if phrases {
                lex.phrases.get(&*key)
            } else {
                None
            };
            if let Some(e) = phrase {
                // "Martina Redmond", "Mr. Lincoln": after a given name or an honorific a
                // one-word town ending the name is a surname ("George Washington Memorial
                // Parkway" is not a person).
                let surname = len == 1
                    && matches!(e, Entry::Place { .. })
                    && (i + 1 >= b || !name_like(c.text(i + 1)))
                    && match out.last() {
                        Some(Item::Word(p)) => *p + 1 == i && lex.given.contains_key(c.text(*p)),
                        Some(Item::Honorific(_, p)) => *p + 1 == i,
                        _ => false,
                    };
                if surname {
                    break;
                }
                best = Some(Item::Lex(e, i, i + len));
                best_len = len;
                break;
            }
            if titles && len <= lex.max_title && lex.title(&key).is_some() {
                best = Some(Item::Title(key.into_owned(), i, i + len));
                best_len = len;
                break;
            }
        }
        if best.is_none() && t.kind() == Kind::Word {
            let w = c.text(i);
            if is_all_caps(w) && w.len() > 3 {
                // Datelines: WASHINGTON —
                let title_case: String = w
                    .chars()
                    .enumerate()
                    .flat_map(|(k, ch)| {
                        if k == 0 {
                            ch.to_uppercase().collect::<Vec<_>>()
                        } else {
                            ch.to_lowercase().collect()
                        }
                    })
                    .collect();
                if let Some(e @ Entry::Place { .. } | e @ Entry::Country(_)) =
                    lex.phrases.get(&title_case)
                {
                    best = Some(Item::Lex(e, i, i + 1));
                    best_len = 1;
                }
            }
        }
        if let Some(item) = best {
            out.push(item);
            i += best_len;
            continue;
        }
        let w = c.text(i);
        let item = if t.kind() != Kind::Word {
            Item::Particle(i)
        } else if let Some(g) = (c.class(i) & class::HONORIFIC != 0)
            .then(|| lex.honorifics.get(w))
            .flatten()
        {
            Item::Honorific(*g, i)
        } else if let Some(exp) = (c.class(i) & class::TITLE_ABBREV != 0)
            .then(|| lex.title_abbrevs.get(w))
            .flatten()
        {
            Item::Title(exp.clone(), i, i + 1)
        } else if !name_like(w) {
            Item::Particle(i)
        } else if c.class(i) & class::CALENDAR != 0
            || c.class(i) & class::NOT_NAME != 0
                && (t.sentence_start() || headline_run || c.headline)
                && !given_name_leading(c, i, b)
        {
            Item::Separator
        } else {
            Item::Word(i)
        };
        out.push(item);
        i += 1;
    }
}

/// "Bill Veeck said", "Will Okafor voted": a word that is also a given name, opening a
/// sentence in prose, leads a name when the next word of the run is a capitalised word
/// the lexicon does not know ("Will Europe act?" stays a question).
fn given_name_leading(c: &Ctx, i: usize, b: usize) -> bool {
    let lex = c.lex;
    if c.headline || !lex.given.contains_key(c.text(i)) {
        return false;
    }
    // Capitalised function words inside a name ("Without", "For") are skipped.
    let mut j = i + 1;
    while j < b.min(i + 3) && c.class(j) & class::NOT_NAME != 0 && name_like(c.text(j)) {
        j += 1;
    }
    j < b
        && c.toks[j].kind() == Kind::Word
        && name_like(c.text(j))
        && !lex.phrases.contains_key(c.text(j))
        && c.class(j) & class::NOT_NAME == 0
}

fn lex_name(lex: &Lexicon, e: &Entry, surface: &str) -> (String, ActorKind, Subtype) {
    match e {
        Entry::Country(k) | Entry::Demonym(k) => (
            lex.countries[*k].name.clone(),
            ActorKind::Place,
            Subtype::COUNTRY,
        ),
        Entry::Place { subtype } => (surface.to_string(), ActorKind::Place, *subtype),
        Entry::Org { name, subtype } => (name.clone(), ActorKind::Organization, *subtype),
    }
}

/// Role and affiliation from lowercase words before a name ("White House spokeswoman",
/// "logistics analyst"): returns (role, first token of the role).
fn lowercase_role_before(c: &Ctx, first: usize) -> Option<(String, usize)> {
    let lex = c.lex;
    let mut k = first;
    let mut words = Vec::new();
    while k > 0 && words.len() < 4 {
        let t = c.toks[k - 1];
        if t.kind() != Kind::Word {
            break;
        }
        let w = c.text(k - 1);
        // "Opposition leader X", "Political analyst X": a sentence's capital is not a name's.
        let lowered;
        let w = if t.sentence_start()
            && !words.is_empty()
            && !lex.given.contains_key(w)
            && !lex.phrases.contains_key(w)
        {
            lowered = w.to_lowercase();
            lowered.as_str()
        } else {
            w
        };
        if !w.chars().all(|ch| ch.is_lowercase() || ch == '-')
            || DETERMINERS.contains(&w)
            || lex.speech_lemma(w).is_some()
            || pronoun_class(w).is_some()
            || LOCATIVES.contains(&w)
            || matches!(
                w,
                "and" | "or" | "of" | "with" | "by" | "for" | "as" | "is" | "was" | "who"
            )
        {
            break;
        }
        words.push(k - 1);
        k -= 1;
    }
    // The head is the word right before the name; it must be a title or a person noun.
    let head = *words.first()?;
    let hw = c.text(head);
    if lex.title(hw).is_none() && !lex.nominal_heads.contains(hw) {
        return None;
    }
    let start = words[words.len().min(3) - 1];
    Some((c.slice(start, head + 1), start))
}

/// The affiliation named right before token `k` (a country, demonym or organisation run
/// ending there), if any.
fn affiliation_before(c: &Ctx, k: usize, runs: &[(usize, usize)]) -> Option<String> {
    let (a, b) = *runs.iter().find(|(_, b)| *b == k)?;
    for start in a..b {
        let key = c.key(start, b);
        if let Some(e) = c.lex.phrases.get(&*key) {
            return Some(lex_name(c.lex, e, &key).0);
        }
    }
    Some(c.slice(a, b)).filter(|s| c.lex.org_cues.iter().any(|cue| s.ends_with(cue.as_str())))
}

/// "Name, the union’s chief negotiator," / "Name, chief executive of Acme Corp.," /
/// "Name, a Louisiana Republican," / "Name, who leads the Acme Group,".
fn appositive(c: &Ctx, last: usize, runs: &[(usize, usize)]) -> (Vec<String>, Option<String>) {
    let lex = c.lex;
    let mut roles = Vec::new();
    let mut affiliation = None;
    if !c.is_punct(last + 1, ",") {
        return (roles, affiliation);
    }
    let mut k = last + 2;
    // "Name, 54, the owner of …": an age comes first.
    if c.toks.get(k).is_some_and(|t| t.kind() == Kind::Number) && c.is_punct(k + 1, ",") {
        k += 2;
    }
    let end = (k + 12).min(c.toks.len());
    let mut head: Option<(usize, usize)> = None; // role words [start, end)
    let mut role_start: Option<usize> = None;
    while k < end {
        let t = c.toks[k];
        let w = t.text(c.para);
        if t.kind() == Kind::Punct && w != "-" {
            break;
        }
        if w == "who" {
            if let Some(verb) = c.lower(k + 1) {
                if let Some((_, role)) = WHO_ROLE.iter().find(|(v, _)| *v == verb) {
                    roles.push(role.to_string());
                    let mut o = k + 2;
                    if c.lower(o) == Some("the") {
                        o += 1;
                    }
                    if let Some(&(a, b)) = runs.iter().find(|(a, _)| *a == o) {
                        affiliation.get_or_insert_with(|| c.slice(a, b));
                    }
                }
            }
            break;
        }
        if lex.speech_lemma(w).is_some() && t.kind() == Kind::Word && role_start.is_some() {
            break;
        }
        if PARTY_WORDS.contains(&w) {
            affiliation.get_or_insert_with(|| w.to_string());
        }
        if let Some(&(a, b)) = runs.iter().find(|(a, _)| *a == k) {
            // "a Louisiana Republican": the party is the affiliation.
            if let Some(party) = (a..b).map(|i| c.text(i)).find(|w| PARTY_WORDS.contains(w)) {
                affiliation.get_or_insert_with(|| party.to_string());
            }
            // An organisation or country inside the appositive is the affiliation when it
            // modifies the role ("the World Food Programme’s country director").
            let name = c.slice(a, b);
            // "a former Rovers defender", "a WFP official": a name modifying the role head.
            let modifies_head = c
                .lower(b)
                .is_some_and(|w| lex.nominal_heads.contains(w) || lex.title(w).is_some());
            let is_aff = c.toks.get(b).is_some_and(|t| t.kind() == Kind::Possessive)
                || modifies_head
                || (k > 0 && matches!(c.lower(k - 1), Some("of" | "at" | "for")));
            if is_aff && !PARTY_WORDS.contains(&name.as_str()) {
                let canonical = lex
                    .phrases
                    .get(&name)
                    .map(|e| lex_name(lex, e, &name).0)
                    .unwrap_or(name);
                affiliation.get_or_insert(canonical);
            }
            k = b;
            continue;
        }
        if t.kind() == Kind::Word && w.chars().all(|ch| ch.is_lowercase() || ch == '-') {
            if DETERMINERS.contains(&w) || matches!(w, "of" | "at" | "for" | "in" | "with" | "and")
            {
                // "the union’s chief negotiator", "director in Malawi": a new phrase starts.
                if head.is_some() {
                    if matches!(w, "of" | "at" | "for") {
                        let o = if c.lower(k + 1) == Some("the") {
                            k + 2
                        } else {
                            k + 1
                        };
                        if let Some(&(a, b)) = runs.iter().find(|(a, _)| *a == o) {
                            let name = c.slice(a, b);
                            let canonical = lex
                                .phrases
                                .get(&name)
                                .map(|e| lex_name(lex, e, &name).0)
                                .unwrap_or(name);
                            affiliation.get_or_insert(canonical);
                        }
                    }
                    break;
                }
                role_start = None;
            } else if lex.title(w).is_some() || lex.nominal_heads.contains(w) {
                head = Some((role_start.unwrap_or(k), k + 1));
                role_start.get_or_insert(k);
            } else if head.is_some() {
                break;
            } else {
                role_start.get_or_insert(k);
            }
        } else if t.kind() == Kind::Possessive {
            role_start = None;
        }
        k += 1;
    }
    if let Some((a, b)) = head {
        roles.push(c.slice(a, b));
    }
    // A lowercase org head as affiliation ("the union’s"): keep the noun, resolved later.
    (roles, affiliation)
}

pub fn extract(para: &str, toks: &[Token], quotes: &[QuoteMarks], headline: bool) -> Mentions {
    let lex = Lexicon::get();
    // Is a token inside some quotation? Asked only of candidates' first tokens, by a
    // binary search instead of a sweep over every token (and a sweep, not tokens x
    // quotes, which was quadratic: issue 7, a 4 MB line with quotes took 10 s here).
    // Among the quotations opened at or before a token's start, the furthest reaching one
    // contains the token if any does: each start is kept with the furthest reach so far.
    let mut quote_reach: Vec<(u32, u32)> = quotes.iter().map(|q| q.inner).collect();
    quote_reach.sort_unstable();
    let mut reach = 0;
    for q in &mut quote_reach {
        reach = reach.max(q.1);
        q.1 = reach;
    }
    let mut c = Ctx {
        para,
        toks,
        lex,
        headline,
        quote_reach,
        class: Vec::new(),
    };
    Scratch::with(|scratch| {
        runs(&c, &mut scratch.runs);
        let mut class = std::mem::take(&mut scratch.class);
        class.clear();
        class.resize(toks.len(), 0);
        for &(a, b) in &scratch.runs {
            for (i, k) in class.iter_mut().enumerate().take(b).skip(a) {
                *k = lex.class(c.text(i));
            }
        }
        c.class = class;
        let found = find(&c, scratch);
        scratch.class = c.class;
        found
    })
}

fn find(c: &Ctx, scratch: &mut Scratch) -> Mentions {
    let (para, toks, headline) = (c.para, c.toks, c.headline);
    let Scratch {
        found: m,
        runs: run_list,
        items: run_items,
        consumed,
        ..
    } = scratch;
    // Empty unless a panic left it part-filled (the server goes on after one).
    m.candidates.clear();
    m.pronouns.clear();
    m.nominals.clear();
    // `extract` found the runs.
    let runs = &*run_list;
    let mut place_like_end: Option<usize> = None;
    for &(a, b) in runs {
        // "in Lilongwe, Blantyre and Zomba": every item of a place list is a place.
        let listed = place_like_end.is_some_and(|end| {
            a >= 2 && end == a - 1 && matches!(c.text(a - 1), "," | "and" | "or")
                || a >= 3
                    && end == a - 2
                    && c.text(a - 2) == ","
                    && matches!(c.text(a - 1), "and" | "or")
        });
        let not_names_inside = (a + 1..b)
            .filter(|&i| c.toks[i].kind() == Kind::Word && c.class(i) & class::NOT_NAME != 0)
            .count();
        // Title-case runs ("Hegseth Rules Out U.S. Peacekeeping") read word by word; a run
        // that ends in a cue word is one name however many common words it holds.
        let ends_in_cue = c.class(b - 1) & (class::ORG_CUE | class::PLACE_CUE) != 0;
        let headline_run = headline || (not_names_inside >= 2 && !ends_in_cue);
        items(c, a, b, headline_run, run_items);
        let before = m.candidates.len();
        build(c, run_items, a, headline_run, runs, consumed, m);
        if listed {
            for cand in &mut m.candidates[before..] {
                cand.locative = true;
            }
        }
        let place_like = m.candidates[before..].iter().any(|cand| {
            cand.last_token as usize + 1 == b
                && (cand.locative || cand.kind == Some(ActorKind::Place))
        });
        place_like_end = place_like.then_some(b);
    }
    affiliation_after(c, &mut m.candidates);
    for (i, t) in toks.iter().enumerate() {
        // Most words are passed over by their first byte, without slicing them.
        if t.kind() != Kind::Word || !may_be_pronoun_or_the(para.as_bytes()[t.start() as usize]) {
            continue;
        }
        let w = t.text(para);
        if let Some(class) = pronoun_class(w) {
            m.pronouns.push(PronounMention {
                span: (t.start(), t.end()),
                token: i,
                class,
            });
        } else if w == "the" || w == "The" {
            nominal(c, i, m);
        }
    }
    m.take()
}

/// "Tom Haversham of the Green Party", "Maria Lopez of Oxfam": an organisation (or a
/// country) right after a person's name, joined by "of", is their affiliation.
fn affiliation_after(c: &Ctx, cands: &mut [Candidate]) {
    for k in 0..cands.len().saturating_sub(1) {
        let (person, mut next) = (&cands[k], &cands[k + 1]);
        if person.kind != Some(ActorKind::Person) || person.affiliation().is_some() {
            continue;
        }
        // "of the New York Supreme Court": the town names the court.
        if let Some(org) = cands.get(k + 2).filter(|o| {
            next.kind == Some(ActorKind::Place)
                && o.kind == Some(ActorKind::Organization)
                && o.first_token == next.last_token + 1
        }) {
            next = org;
        }
        let of = person.last_token as usize + 1;
        let first = cands[k + 1].first_token as usize;
        let joined = c.lower(of) == Some("of")
            && (first == of + 1 || first == of + 2 && c.lower(of + 1) == Some("the"));
        let belongs = match next.kind {
            Some(ActorKind::Organization) => true,
            Some(ActorKind::Place) => next.subtype == Some(Subtype::COUNTRY),
            _ => false,
        };
        if joined && belongs {
            let name = next.name.clone();
            cands[k].set_affiliation(name);
        }
    }
}

/// "the defense secretary", "the Ukrainian leader", "the union".
fn nominal(c: &Ctx, the: usize, m: &mut Found) {
    let lex = c.lex;
    let mut k = the + 1;
    let mut country = None;
    if let Some(t) = c.toks.get(k) {
        if let Some(Entry::Demonym(ci) | Entry::Country(ci)) = lex.phrases.get(t.text(c.para)) {
            country = Some(lex.countries[*ci].name.clone());
            k += 1;
        }
    }
    // Longest lowercase title first ("defense secretary"), then a single head noun.
    let titles = c
        .toks
        .get(k)
        .is_some_and(|_| lex.may_start_title(c.text(k)));
    for len in (1..=lex.max_title.min(4)).rev() {
        // Past one word only a title will do.
        if k + len > c.toks.len() || len > 1 && !titles {
            continue;
        }
        if (k..k + len)
            .any(|i| c.toks[i].kind() != Kind::Word || !c.text(i).chars().all(char::is_lowercase))
        {
            continue;
        }
        // Borrowed: most tries are not a title and are dropped.
        let phrase = c.key(k, k + len);
        let head_ok = titles && lex.title(&phrase).is_some()
            || (len == 1
                && (lex.nominal_heads.contains(&*phrase) || ORG_HEADS.contains(&&*phrase)));
        // "the defense secretary’s" is fine; "the president of X" is not our business here.
        if head_ok {
            let next_lower_noun = c.lower(k + len).is_some_and(|w| {
                w.chars().all(char::is_lowercase)
                    && (lex.may_start_title(w) && lex.title(w).is_some()
                        || lex.nominal_heads.contains(w))
            });
            if next_lower_noun {
                continue;
            }
            m.nominals.push(Nominal {
                span: (c.toks[the].start(), c.toks[k + len - 1].end()),
                token: the,
                head: phrase.into_owned(),
                country,
            });
            return;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    c: &Ctx,
    items: &[Item],
    a: usize,
    headline_run: bool,
    runs: &[(usize, usize)],
    consumed: &mut Vec<bool>,
    m: &mut Found,
) {
    let lex = c.lex;
    let the = a > 0 && matches!(c.lower(a - 1), Some("the"));
    // "in Kyiv", "into the Zambezi", "Hamburg and Bremerhaven".
    let before = if a > 1 && c.lower(a - 1) == Some("the") {
        a - 1
    } else {
        a
    };
    let after_place = a >= 2
        && matches!(c.lower(a - 1), Some("and" | "or"))
        && runs.iter().any(|&(ra, rb)| {
            rb == a - 1
                && matches!(
                    lex.phrases.get(&*c.key(ra, rb)),
                    Some(Entry::Place { .. } | Entry::Country(_))
                )
        });
    let locative =
        after_place || (before > 0 && c.lower(before - 1).is_some_and(|w| LOCATIVES.contains(&w)));
    let alias_after = |last: usize| -> Option<Box<str>> {
        (c.is_punct(last + 1, "(") && c.is_punct(last + 3, ")"))
            .then(|| c.text(last + 2))
            .filter(|w| is_all_caps(w))
            .map(Box::from)
    };
    let push = |m: &mut Found, cand: Candidate| {
        m.candidates.push(cand);
    };
    let tok_of = |it: &Item| -> Option<(usize, usize)> {
        match it {
            Item::Lex(_, s, e) | Item::Title(_, s, e) => Some((*s, *e)),
            Item::Honorific(_, s) | Item::Particle(s) | Item::Word(s) => Some((*s, *s + 1)),
            Item::Separator => None,
        }
    };
    let n = items.len();
    consumed.clear();
    consumed.resize(n, false);
    // Organisations and places made by a cue word ("… Contact Group", "Shire River",
    // "Ministry of Defence", "Lake Malawi").
    // The head of an English noun phrase is its last word, so cues are read right to
    // left: "Port of Rotterdam Authority" is an authority, not a port.
    for p in (0..n).rev() {
        let Item::Word(t) = &items[p] else { continue };
        if consumed[p] {
            continue;
        }
        let org = c.class(*t) & class::ORG_CUE != 0;
        let place = !org && c.class(*t) & class::PLACE_CUE != 0;
        if !org && !place {
            continue;
        }
        let extendable =
            |it: &Item| matches!(it, Item::Word(_) | Item::Particle(_) | Item::Lex(..));
        let mut s = p;
        while s > 0 && extendable(&items[s - 1]) && !consumed[s - 1] {
            s -= 1;
        }
        let mut e = p + 1;
        // "Ministry of Defence", "University of Tokyo", "Lake Malawi": the cue leads;
        // "National Office of Elections": a cue before "of" takes the rest of the run.
        let leads = s == p;
        let of_follows = matches!(items.get(p + 1), Some(Item::Particle(t)) if c.text(*t) == "of");
        if leads || of_follows {
            while e < n && extendable(&items[e]) {
                e += 1;
            }
        }
        while s < p && matches!(items[s], Item::Particle(_)) {
            s += 1;
        }
        while e > p + 1 && matches!(items[e - 1], Item::Particle(_)) {
            e -= 1;
        }
        if leads && e == p + 1 && !place {
            continue; // a lone cue word ("Group") names nothing
        }
        if e == p + 1 && s == p {
            continue;
        }
        let (ft, _) = tok_of(&items[s]).unwrap();
        let (_, lt) = tok_of(&items[e - 1]).unwrap();
        let name = c.slice(ft, lt);
        for flag in consumed.iter_mut().take(e).skip(s) {
            *flag = true;
        }
        push(
            m,
            Candidate {
                span: (c.toks[ft].start(), c.toks[lt - 1].end()),
                name: name.into_boxed_str(),
                kind: Some(if org {
                    ActorKind::Organization
                } else {
                    ActorKind::Place
                }),
                subtype: None,
                via: Via::Name,
                roles: Box::default(),
                extra: Extra::of(None, alias_after(lt - 1)),
                gender: Gender::Unknown,
                first_token: ft as u32,
                last_token: (lt - 1) as u32,
                weak: false,
                locative,
                the,
                in_quote: c.in_quote(ft),
                confident: false,
            },
        );
    }
    let mut p = 0;
    while p < n {
        if consumed[p] {
            p += 1;
            continue;
        }
        match &items[p] {
            Item::Word(_) => {
                // A chunk of unknown words: a person or an unknown name.
                let s = p;
                let mut e = p + 1;
                while !headline_run
                    && e < n
                    && !consumed[e]
                    && matches!(items[e], Item::Word(_) | Item::Particle(_))
                {
                    e += 1;
                }
                while e > s + 1 && matches!(items[e - 1], Item::Particle(_)) {
                    e -= 1;
                }
                // A headline phrase caught mid-sentence ("The post Hegseth Places Onus of …"):
                // a common headline word inside the chunk means its words stand alone.
                let common_inside = (s + 1..e).any(
                    |k| matches!(items[k], Item::Word(t) if c.class(t) & class::NOT_NAME != 0),
                );
                let headline_run = headline_run || common_inside;
                if common_inside {
                    e = s + 1;
                    if let Item::Word(t) = items[s] {
                        if c.class(t) & class::NOT_NAME != 0 {
                            p += 1;
                            continue;
                        }
                    }
                }
                let (ft, _) = tok_of(&items[s]).unwrap();
                let (_, lt) = tok_of(&items[e - 1]).unwrap();
                // The chunk's name-like words: how many, and the first.
                let mut named = (ft..lt).map(|i| c.text(i)).filter(|w| name_like(w));
                let first_word = named.next();
                let word_count = usize::from(first_word.is_some()) + named.count();
                // Titles, honorifics and affiliations before the chunk, in this run.
                let mut roles = Vec::new();
                let mut affiliation = None;
                let given_gender = first_word.and_then(|w| lex.given.get(w)).copied();
                let mut gender = given_gender.unwrap_or(Gender::Unknown);
                let mut honorific = false;
                let mut titled = false;
                let mut q = s;
                while q > 0 {
                    match &items[q - 1] {
                        Item::Title(t, _, _) => {
                            roles.insert(0, t.clone());
                            titled = true;
                        }
                        Item::Word(w) if titled && !consumed[q - 1] => {
                            // A capitalised modifier of the title: "Infrastructure Minister".
                            if let Some(r) = roles.first_mut() {
                                *r = format!("{} {r}", c.text(*w));
                            }
                        }
                        Item::Honorific(g, _) => {
                            honorific = true;
                            if *g != Gender::Unknown {
                                gender = *g;
                            }
                        }
                        Item::Lex(e, ls, le) if titled || honorific => {
                            let surface = c.slice(*ls, *le);
                            affiliation = Some(lex_name(lex, e, &surface).0);
                            break;
                        }
                        _ => break,
                    }
                    q -= 1;
                }
                if !titled && !honorific && ft >= 2 && c.is_punct(ft - 1, ",") {
                    if let Some((role, start)) = lowercase_role_before(c, ft - 1) {
                        roles.push(role);
                        titled = true;
                        affiliation = affiliation_before(c, start, runs).or_else(|| {
                            // "Its chief executive," / "The union’s chief negotiator,"
                            let k = start.checked_sub(1)?;
                            let w = c.text(k);
                            if matches!(w, "Its" | "its" | "Their" | "their") {
                                return Some(format!("@{}", w.to_lowercase()));
                            }
                            if c.toks[k].kind() == Kind::Possessive {
                                let head = c.text(k.checked_sub(1)?);
                                if ORG_HEADS.contains(&head) {
                                    return Some(format!("@{head}"));
                                }
                            }
                            None
                        });
                    }
                }
                if !titled && !honorific {
                    if let Some((role, start)) = lowercase_role_before(c, ft) {
                        roles.push(role);
                        titled = true;
                        affiliation = affiliation_before(c, start, runs);
                    }
                }
                if ft > 0 && c.lower(ft - 1).is_some_and(|w| PARTY_WORDS.contains(&w)) {
                    affiliation.get_or_insert_with(|| c.text(ft - 1).to_string());
                }
                let (app_roles, app_aff) = appositive(c, lt - 1, runs);
                roles.extend(app_roles);
                if affiliation.is_none() {
                    affiliation = app_aff;
                }
                let given = given_gender.is_some();
                let first_is_start = c.toks[ft].sentence_start();
                let single = word_count <= 1;
                if first_word.is_some_and(|w| {
                    matches!(w, "Your" | "My" | "Our" | "His" | "Her" | "Their" | "Its")
                }) {
                    p = e; // "Your Honor", "My Lord": forms of address, not names
                    continue;
                }
                // "Article 5", "Flight 370", "Room 12": a numbered thing, not a name.
                if word_count == 1 && c.toks.get(lt).is_some_and(|t| t.kind() == Kind::Number) {
                    p = e;
                    continue;
                }
                let common_first = first_word.is_some_and(|w| lex.not_names.contains(w));
                let kind = if titled || honorific || (given && !single) {
                    Some(ActorKind::Person)
                } else if single {
                    None
                } else if (the && !first_is_start) || common_first {
                    // People's names seldom open with a common word ("World Brief").
                    Some(ActorKind::Organization)
                } else if word_count <= 3 {
                    Some(ActorKind::Person)
                } else {
                    Some(ActorKind::Organization)
                };
                let weak = headline_run || (single && !titled && !honorific && first_is_start);
                let via = if honorific && single {
                    Via::Honorific
                } else if titled && single {
                    Via::Surname
                } else {
                    Via::Name
                };
                push(
                    m,
                    Candidate {
                        span: (c.toks[ft].start(), c.toks[lt - 1].end()),
                        name: c.slice(ft, lt).into_boxed_str(),
                        kind,
                        subtype: None,
                        via,
                        roles: roles.into_boxed_slice(),
                        extra: Extra::of(
                            affiliation.map(String::into_boxed_str),
                            alias_after(lt - 1),
                        ),
                        gender,
                        first_token: ft as u32,
                        last_token: (lt - 1) as u32,
                        weak,
                        locative: locative && ft == a,
                        the: the && ft == a,
                        in_quote: c.in_quote(ft),
                        confident: false,
                    },
                );
                p = e;
            }
            Item::Lex(e, s, t) => {
                let surface = c.slice(*s, *t);
                if !matches!(e, Entry::Demonym(_)) {
                    let (name, kind, sub) = lex_name(lex, e, &surface);
                    let acronym = is_all_caps(&surface.replace('.', "")) && surface != name;
                    push(
                        m,
                        Candidate {
                            span: (c.toks[*s].start(), c.toks[*t - 1].end()),
                            name: name.into_boxed_str(),
                            kind: Some(kind),
                            subtype: Some(sub),
                            via: if acronym { Via::Acronym } else { Via::Name },
                            roles: Box::default(),
                            extra: Extra::of(None, alias_after(*t - 1)),
                            gender: Gender::Unknown,
                            first_token: *s as u32,
                            last_token: (*t - 1) as u32,
                            weak: false,
                            locative,
                            the,
                            in_quote: c.in_quote(*s),
                            confident: false,
                        },
                    );
                }
                p += 1;
            }
            Item::Title(t, s, e) => {
                // A title with no name after it: "President said", "the Defense Secretary".
                let followed_by_name = items.get(p + 1).is_some_and(|i| {
                    matches!(i, Item::Word(_) | Item::Title(..) | Item::Honorific(..))
                });
                if !followed_by_name && (p == 0 || !matches!(items[p - 1], Item::Title(..))) {
                    m.nominals.push(Nominal {
                        span: (c.toks[*s].start(), c.toks[*e - 1].end()),
                        token: *s,
                        head: t.to_lowercase(),
                        country: None,
                    });
                }
                p += 1;
            }
            _ => p += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{quotes, tokens};

    #[test]
    fn the_last_name_word_skips_generational_suffixes() {
        for name in [
            "",
            "Cher",
            "Martin Luther King Jr.",
            "Henry Ford II",
            "Jr.",
            "A  B",
            "Ford III Jr",
        ] {
            assert_eq!(
                last_name_word(name),
                name_words_iter(name).last(),
                "{name:?}"
            );
        }
    }

    /// A million-word manuscript keeps about 128,000 candidates while it is open.
    #[test]
    fn a_candidate_takes_72_bytes() {
        assert_eq!(std::mem::size_of::<Candidate>(), 72);
    }

    type Summary = (String, Option<ActorKind>, Vec<String>, Option<String>, bool);

    fn cands(s: &str) -> Vec<Summary> {
        let t = tokens::tokenize(s);
        let q = quotes::scan(s);
        extract(s, &t, &q, tokens::is_headline(s, &t))
            .candidates
            .into_vec()
            .into_iter()
            .map(|c| {
                let affiliation = c.affiliation().map(String::from);
                (
                    c.name.into(),
                    c.kind,
                    c.roles.into_vec(),
                    affiliation,
                    c.weak,
                )
            })
            .collect()
    }

    #[test]
    fn title_affiliation_and_name() {
        let got = cands(
            "Yet, Ukrainian President Volodymyr Zelensky refuses to rule out U.S. guarantees.",
        );
        assert_eq!(
            got[0],
            (
                "Volodymyr Zelensky".into(),
                Some(ActorKind::Person),
                vec!["President".into()],
                Some("Ukraine".into()),
                false
            )
        );
        assert_eq!(got[1].0, "United States");
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn organisations_by_cue_and_lexicon() {
        let got = cands("He spoke to the Ukraine Defense Contact Group and told the Guardian about Truth Social.");
        let names: Vec<&str> = got.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(
            names,
            vec!["Ukraine Defense Contact Group", "Guardian", "Truth Social"]
        );
        assert!(got.iter().all(|c| c.1 == Some(ActorKind::Organization)));
    }

    #[test]
    fn headline_words_are_not_names() {
        let got = cands("Hegseth Places Onus of Ukraine’s Security on Europe");
        let strong: Vec<&str> = got.iter().filter(|c| !c.4).map(|c| c.0.as_str()).collect();
        assert_eq!(strong, vec!["Ukraine", "Europe"]);
        let weak: Vec<&str> = got.iter().filter(|c| c.4).map(|c| c.0.as_str()).collect();
        assert_eq!(
            weak,
            vec!["Hegseth"],
            "unknown headline words need confirmation"
        );
    }

    #[test]
    fn lowercase_roles_and_appositives() {
        let got = cands("White House spokeswoman Keisha Morland said no.");
        assert_eq!(got[1].2, vec!["spokeswoman".to_string()]);
        assert_eq!(got[1].3.as_deref(), Some("White House"));
        let got =
            cands("Henrik van Dalen, chief executive of Noordzee Container Terminals, disagreed.");
        assert_eq!(got[0].0, "Henrik van Dalen");
        assert_eq!(got[0].2, vec!["chief executive".to_string()]);
        assert_eq!(got[0].3.as_deref(), Some("Noordzee Container Terminals"));
        let got = cands("House Speaker Gregory Lusk, a Louisiana Republican, stayed out.");
        assert_eq!(got[0].3.as_deref(), Some("Republican"));
    }

    #[test]
    fn a_name_broken_by_a_hard_wrap_or_a_double_space_reads_as_typed_on_one_line() {
        let one = cands("Yet, Ukrainian President Volodymyr Zelensky met New Zealand envoys.");
        for s in [
            "Yet, Ukrainian President Volodymyr\nZelensky met New  Zealand envoys.",
            "Yet, Ukrainian President Volodymyr  Zelensky met New\n  Zealand envoys.",
            "Yet, Ukrainian President Volodymyr\u{a0}Zelensky met New\tZealand envoys.",
            "Yet, Ukrainian President Volodymyr\u{b}Zelensky met New\r\nZealand envoys.",
        ] {
            assert_eq!(cands(s), one, "{s:?}");
        }
        assert_eq!(one[1].0, "New Zealand", "{one:?}");
        // A title spread over two lines is still the title.
        let got = cands("Ukraine’s Defense\nMinister Rustem Umerov spoke.");
        let umerov = got.iter().find(|c| c.0 == "Rustem Umerov").expect("named");
        assert_eq!(umerov.2, vec!["Defense Minister".to_string()], "{got:?}");
    }

    #[test]
    fn pronouns_and_nominals() {
        let s = "The defense secretary said his plan stands, and the union said it would strike.";
        let t = tokens::tokenize(s);
        let m = extract(s, &t, &quotes::scan(s), false);
        let classes: Vec<PronounClass> = m.pronouns.iter().map(|p| p.class).collect();
        assert_eq!(classes, vec![PronounClass::He, PronounClass::It]);
        let heads: Vec<&str> = m.nominals.iter().map(|n| n.head.as_str()).collect();
        assert_eq!(heads, vec!["defense secretary", "union"]);
    }
}
