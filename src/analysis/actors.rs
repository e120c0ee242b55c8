//! Links the candidate mentions of every paragraph into the actors of the document:
//! full names first, then surnames, first names, honorific forms and acronyms, then
//! nominal references ("the defense secretary") and pronouns.
//!
//! This is the only whole-document step of the actor layer; everything it reads is
//! per-paragraph and cached.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::chunked::Chunked;
use super::lexicon::{Gender, Lexicon, Subtype};
use super::mentions::{
    last_name_word, name_words_iter, ActorKind, Candidate, Mentions, Nominal, PronounClass, Via,
    ORG_HEADS,
};
use super::quotes::QuoteMarks;
use super::roster::Roster;
use super::tokens::Token;
use super::Span;

/// A mention, placed relative to its paragraph so that an edit elsewhere moves nothing:
/// `Analysis::span_of` gives its span in the document.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorMention {
    /// Byte range in its paragraph.
    pub at: Span,
    pub via: Via,
    pub paragraph: usize,
}

impl ActorMention {
    /// Where it stands in the document, in the order of its span there.
    pub fn order(&self) -> (usize, Span) {
        (self.paragraph, self.at)
    }
}

/// What linking decides about an actor from names alone. It is shared (`Arc`) between
/// the analyses of successive versions, so a keystroke does not copy every actor's strings.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorInfo {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub subtype: Option<String>,
    pub roles: Vec<String>,
    pub affiliation: Option<String>,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    /// Named in the project roster.
    pub from_roster: bool,
}

/// An actor of one analysis: the shared `ActorInfo` (read through `Deref`: `a.name`),
/// and what the text around its mentions decides.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    info: Arc<ActorInfo>,
    /// Learnt from pronouns when no name or title gives it.
    pub gender: Gender,
    /// In document order. Shared with the next analysis, which copies only the lists
    /// of the actors an edit touched.
    pub mentions: Arc<Vec<ActorMention>>,
}

impl std::ops::Deref for Actor {
    type Target = ActorInfo;
    fn deref(&self) -> &ActorInfo {
        &self.info
    }
}

impl Actor {
    /// The shared part, for changing it (copied first if another analysis shares it).
    fn info_mut(&mut self) -> &mut ActorInfo {
        Arc::make_mut(&mut self.info)
    }
}

/// One paragraph's input to linking.
pub struct ParaView<'a> {
    pub text: &'a str,
    pub tokens: &'a [Token],
    pub mentions: &'a Mentions,
    pub quotes: &'a [QuoteMarks],
    /// `digest` of the paragraph: what name linking reads of it.
    pub digest: u64,
    /// A hash of the paragraph's text (`fingerprint::content_key`): the same key, the
    /// same paragraph as in the last call.
    pub key: u64,
}

/// A hash of everything name linking (`link_names`) reads of one paragraph: the
/// candidates without their positions, and whether a speech verb stands next to each.
/// Typing that changes none of it (most keystrokes, nominals like "the council"
/// included: they name no new actor) reuses the names.
pub fn digest(mentions: &Mentions, tokens: &[Token]) -> u64 {
    let cs = &mentions.candidates;
    hash_candidates(cs, 0..cs.len(), tokens)
}

/// Everything `link_names` reads of one candidate.
fn hash_candidate(c: &Candidate, tokens: &[Token], h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    let flag = |i: usize| tokens.get(i).is_some_and(Token::speech);
    let subtype = c.subtype.map(Subtype::as_str);
    (&c.name, c.kind, subtype, c.via, &c.roles, c.affiliation()).hash(h);
    (c.gender, c.weak, c.locative, c.the, c.alias()).hash(h);
    (flag(c.last_token as usize + 1) || flag((c.first_token as usize).wrapping_sub(1))).hash(h);
}

/// A hash of some of a paragraph's candidates (`which`, in order): of all of them, its
/// `digest`.
fn hash_candidates(
    cs: &[Candidate],
    which: impl ExactSizeIterator<Item = usize>,
    tokens: &[Token],
) -> u64 {
    use std::hash::{Hash, Hasher};
    // rustc-hash, not SipHash: a paragraph's digest is made whenever its facts are, and
    // SipHash was a third of linking at a million words. Equal digests are trusted, so
    // the hash must still spread strings well; rustc-hash 2 hashes bytes with a
    // wyhash-style mix.
    let mut h = rustc_hash::FxHasher::default();
    which.len().hash(&mut h);
    for i in which {
        hash_candidate(&cs[i], tokens, &mut h);
    }
    h.finish()
}

/// Where an actor was made: (paragraph, candidate). Each pass makes actors in document
/// order, so within a pass these rise with the actor's number.
type Born = (u32, u32);

fn born_at(p: usize, ci: usize) -> Born {
    (p as u32, ci as u32)
}

#[derive(Default)]
struct Table {
    actors: Vec<Actor>,
    /// Where each actor was made: (paragraph, candidate).
    born: Vec<Born>,
    by_name: FxHashMap<String, usize>,
    /// A buffer for lowercase lookups.
    scratch: String,
}

/// `name.to_lowercase()` written into `buf`: no allocation for an ASCII name (the usual).
fn lowercase_into<'a>(name: &str, buf: &'a mut String) -> &'a str {
    buf.clear();
    if name.is_ascii() {
        buf.push_str(name);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&name.to_lowercase());
    }
    buf
}

impl Table {
    fn add(&mut self, name: &str, kind: ActorKind, at: Born) -> usize {
        let key = lowercase_into(name, &mut self.scratch);
        if let Some(&i) = self.by_name.get(key) {
            return i;
        }
        self.born.push(at);
        let key = key.to_string();
        let i = self.actors.len();
        self.actors.push(Actor {
            info: Arc::new(ActorInfo {
                id: String::new(),
                name: name.to_string(),
                kind,
                subtype: None,
                roles: Vec::new(),
                affiliation: None,
                description: None,
                aliases: Vec::new(),
                from_roster: false,
            }),
            gender: Gender::Unknown,
            mentions: Arc::default(),
        });
        self.by_name.insert(key, i);
        i
    }

    fn enrich(&mut self, i: usize, c: &Candidate) {
        let gender = &mut self.actors[i].gender;
        if *gender == Gender::Unknown {
            *gender = c.gender;
        }
        let a = self.actors[i].info_mut();
        for r in &c.roles {
            if !a.roles.iter().any(|x| x.eq_ignore_ascii_case(r)) {
                a.roles.push(r.clone());
            }
        }
        if a.affiliation.is_none() {
            a.affiliation = c.affiliation().map(str::to_string);
        }
        if a.subtype.is_none() {
            a.subtype = c.subtype.map(|s| s.as_str().to_string());
        }
        if let Some(al) = c.alias() {
            if !a.aliases.iter().any(|x| x == al) {
                a.aliases.push(al.to_string());
                self.by_name.entry(al.to_lowercase()).or_insert(i);
            }
        }
    }
}

/// A lone capitalised word next to "said" is someone's surname unless it reads like an
/// acronym, an initial or an adjective ("Democratic", "Southern", "CD").
fn plausible_surname(w: &str) -> bool {
    let lex = Lexicon::get();
    w.chars().count() > 2
        && w.chars().skip(1).any(char::is_lowercase)
        && !lex.not_names.contains(w)
        && !lex.phrases.contains_key(w)
        && !["ic", "ern", "ian", "ese", "ish", "ist"]
            .iter()
            .any(|s| w.ends_with(s))
        && !matches!(
            w,
            "Democrat" | "Republican" | "Conservative" | "Liberal" | "Labour"
        )
}

fn name_words(name: &str) -> Vec<&str> {
    name_words_iter(name).collect()
}

type Index = FxHashMap<String, Vec<usize>>;

/// Pass 2's look-up of a candidate that no actor's whole name or alias matched: the
/// actors it may name (a person's surname or first name: the most recent of them; an
/// organisation's short form: the one), and how it names them.
fn find_part<'t>(
    c: &Candidate,
    suffixes: &'t Index,
    firsts: &'t Index,
    org_parts: &'t Index,
) -> Option<(&'t [usize], Via, bool)> {
    let surname = last_name_word(&c.name).unwrap_or("");
    if let Some(among) = suffixes.get(&*c.name).or_else(|| suffixes.get(surname)) {
        let via = if c.via == Via::Honorific {
            Via::Honorific
        } else {
            Via::Surname
        };
        Some((among, via, true))
    } else if let Some(among) = firsts.get(&*c.name) {
        Some((among, Via::FirstName, true))
    } else {
        let among = org_parts.get(&*c.name).filter(|_| !c.locative)?;
        Some((among, Via::Name, false))
    }
}

/// The kind of actor a candidate that names no known one starts, if any.
fn new_kind(c: &Candidate, v: &ParaView) -> Option<ActorKind> {
    let speech_next = is_speech_verb(v, c.last_token as usize + 1)
        || is_speech_verb(v, (c.first_token as usize).wrapping_sub(1));
    match c.kind {
        Some(ActorKind::Person) if !c.weak => Some(ActorKind::Person),
        Some(k) if !c.weak && k != ActorKind::Person => Some(k),
        _ if speech_next && !c.the && plausible_surname(&c.name) => Some(ActorKind::Person),
        None if !c.weak && c.locative => Some(ActorKind::Place),
        _ => None,
    }
}

fn is_speech_verb(v: &ParaView, i: usize) -> bool {
    v.tokens.get(i).is_some_and(Token::speech)
}

/// A resolved mention as linking keeps it per paragraph: (first token, last token,
/// actor), in 12 bytes (a long draft has one per name and pronoun).
pub type Resolved = (u32, u32, u32);

/// A person whose personhood the names confirm: a known given name, a title or role, a
/// gender. An honorific or words attributed to them confirm one too (`assemble` adds
/// those, from the mentions). Others ("Marston Town") take no pronouns.
fn confirmed(a: &Actor, lex: &Lexicon) -> bool {
    a.kind != ActorKind::Person
        || !a.roles.is_empty()
        || a.gender != Gender::Unknown
        || a.name
            .split(' ')
            .next()
            .is_some_and(|w| lex.given.contains_key(w))
}

pub struct Linked {
    pub actors: Chunked<Actor>,
    /// Per paragraph: (first token, last token, actor) of every resolved mention, pronouns
    /// included, in token order.
    pub resolved: Arc<Vec<Vec<Resolved>>>,
    /// Per paragraph: a pronoun inside one of its quotes was resolved
    /// (`rebind_quoted_pronouns` looks at these paragraphs only).
    pub quoted_pronouns: Vec<bool>,
    /// This call of `link_with` on its memo.
    pub call: u64,
    /// `Some((call, paragraphs))`: only these paragraphs' text or mentions differ from
    /// what that earlier call returned, with the same actors in the same order. `None`:
    /// anything may differ.
    pub since: Option<(u64, Vec<usize>)>,
    /// With `since`: the actors were renumbered, and actor i of that call is actor
    /// `moved[i]` now (`usize::MAX`: dropped; it was mentioned only in those paragraphs).
    pub moved: Option<Vec<usize>>,
}

/// What linking decides from names alone: the actors (without mentions) and which
/// candidate and nominal of which paragraph names which actor. It reads only what
/// `digest` hashes, so it is reused across edits that leave every digest unchanged.
#[derive(Debug, Default, PartialEq)]
pub struct Names {
    actors: Vec<Actor>,
    /// Each actor's gender as names and titles give it, side by side: a keystroke copies
    /// these, not every actor.
    genders: Vec<Gender>,
    /// (candidate, actor, via) by paragraph: paragraph p's are `placed[placed_at[p]..placed_at[p + 1]]`.
    placed: Vec<(usize, usize, Via)>,
    placed_at: Vec<usize>,
    /// Actors by the last word a nominal naming them ends in, and each actor's roles in
    /// lowercase: for `nominal_actor`.
    by_head: FxHashMap<String, Vec<usize>>,
    lower_roles: Vec<Vec<String>>,
    roster_phrases: Vec<(String, usize)>,
    org_parts: FxHashMap<String, Vec<usize>>,
    /// The tables pass 2 looked names up in, as they ended: actors by lowercase name and
    /// alias, people by the proper suffixes and the first word of their names.
    by_name: FxHashMap<String, usize>,
    suffixes: FxHashMap<String, Vec<usize>>,
    firsts: FxHashMap<String, Vec<usize>>,
    /// Per paragraph: `hash_candidates` of its placed candidates that are not `quiet`,
    /// in order.
    cores: Vec<u64>,
    /// Per entry of `placed`: the candidate is `quiet`.
    quiet: Vec<bool>,
    /// Where each actor was made, and the actors each pass made: the roster's below
    /// `roster_actors`, pass 1a's below `after_1a`, pass 1b's below `before_pass2`, pass
    /// 2's the rest (actors numbered below `before_pass2` were known before pass 2).
    born: Vec<Born>,
    roster_actors: usize,
    after_1a: usize,
    before_pass2: usize,
    /// Short forms that several organisations share, and so name none of them.
    dropped_parts: FxHashSet<String>,
    /// Per actor: one of several people a surname or first name may name, so that its
    /// latest mention matters to the others (`recent`).
    shared: Vec<bool>,
}

/// How `Names::patch_solitary` renumbered the actors: it dropped the one numbered `gone`
/// (before) and made the one numbered `came` (after), both named only in paragraph `p`.
#[derive(Clone, Debug)]
struct Renumbered {
    p: usize,
    gone: Option<usize>,
    came: Option<usize>,
    /// What else of theirs the assembly reads: the words a nominal naming them ends in,
    /// whether either is an organisation, and the parts of an organisation's name.
    heads: Vec<String>,
    orgs: bool,
    parts: Vec<String>,
}

impl Renumbered {
    /// An actor's new number from its old one (`None`: the one dropped).
    fn map(&self, i: usize) -> Option<usize> {
        Renumbered::through(i, self.gone, self.came)
    }

    /// An actor's old number from its new one (`None`: the one made).
    fn unmap(&self, j: usize) -> Option<usize> {
        Renumbered::through(j, self.came, self.gone)
    }

    /// Number `i` once the entry at `out` is taken out and one put in at `into`; the two
    /// directions of the renumbering swap them.
    fn through(i: usize, out: Option<usize>, into: Option<usize>) -> Option<usize> {
        let i = match out {
            Some(r) if i == r => return None,
            Some(r) if i > r => i - 1,
            _ => i,
        };
        Some(match into {
            Some(n) if i >= n => i + 1,
            _ => i,
        })
    }
}

/// What went from a paragraph's placed candidates (`Names::patch_solitary`): an actor
/// only it named, or a mention of one made elsewhere.
enum Went {
    Actor(usize, ActorKeys),
    Mention,
}

/// What came: a new actor made by candidate `.0` in pass `.1`, or a mention of an actor
/// made elsewhere.
enum Came {
    Actor(usize, Pass, ActorKind, ActorKeys),
    Mention(usize, usize, Via),
}

/// The passes of `link_names` that make actors, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pass {
    Roster,
    /// 1a: names that stand on their own.
    Confident,
    /// 1b: other names of two words or more.
    Multiword,
    /// 2: the rest.
    Rest,
}

/// The keys linking finds one actor by: its lowercase name; a person made before pass 2
/// also by the suffixes and first word of the name; an organisation of pass 1a by its
/// short forms.
struct ActorKeys {
    name: String,
    suffixes: Vec<String>,
    first: Option<String>,
    parts: Vec<String>,
    /// Every part of an organisation's name, short form or not.
    every_part: Vec<String>,
}

impl ActorKeys {
    fn of(name: &str, kind: ActorKind, pass: Pass, lex: &Lexicon) -> ActorKeys {
        let early = matches!(pass, Pass::Confident | Pass::Multiword);
        let (suffixes, first) = if kind == ActorKind::Person && early {
            let (s, f) = person_keys(name);
            (s, f.map(str::to_string))
        } else {
            (Vec::new(), None)
        };
        let (mut parts, mut every_part) = (Vec::new(), Vec::new());
        if kind == ActorKind::Organization && pass == Pass::Confident {
            for (part, short) in org_parts_of(name, lex) {
                if short {
                    parts.push(part.clone());
                }
                every_part.push(part);
            }
            parts.sort_unstable();
            parts.dedup();
        }
        ActorKeys {
            name: name.to_lowercase(),
            suffixes,
            first,
            parts,
            every_part,
        }
    }

    /// The keys as `lookups` counts them (a person's last word, by which a town of that
    /// name is read as them, is its last suffix).
    fn hashes(&self, buf: &mut String) -> Vec<u64> {
        std::iter::once(&self.name)
            .chain(&self.suffixes)
            .chain(&self.first)
            .chain(&self.every_part)
            .map(|k| key_hash(k, buf))
            .collect()
    }
}

/// A key as `LinkMemo::lookups` counts it: lowercase, hashed.
fn key_hash(s: &str, buf: &mut String) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(lowercase_into(s, buf))
}

/// The keys linking looks a candidate up by, whatever the pass: its name and its last
/// word (as a surname, and as a town that may be someone's surname).
fn lookup_keys(c: &Candidate, buf: &mut String) -> [u64; 2] {
    let surname = last_name_word(&c.name).unwrap_or("");
    [key_hash(&c.name, buf), key_hash(surname, buf)]
}

/// A nominal ending in this word, as `LinkMemo::lookups` counts it (apart from names).
fn nominal_key(last_word: &str, buf: &mut String) -> u64 {
    key_hash(last_word, buf) ^ 0x9e37_79b9_7f4a_7c15
}

fn nominal_word(n: &Nominal) -> &str {
    n.head.rsplit(' ').next().unwrap_or(&n.head)
}

/// Adds (or takes away) the keys a paragraph's candidates look up, and the words its
/// nominals end in.
fn count_lookups(counts: &mut FxHashMap<u64, u32>, m: &Mentions, add: bool, buf: &mut String) {
    let mut count = |k: u64| {
        if add {
            *counts.entry(k).or_default() += 1;
        } else if let Some(n) = counts.get_mut(&k) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&k);
            }
        }
    };
    for c in &m.candidates {
        lookup_keys(c, buf).into_iter().for_each(&mut count);
    }
    for n in &m.nominals {
        count(nominal_key(nominal_word(n), buf));
    }
}

/// What pass 2 does with a candidate, whatever else the document holds: places it on a
/// known actor, changing nothing else (it teaches the actor nothing and makes it the most
/// recent of no several people: a "quiet" one); leaves it unplaced, changing nothing (an
/// "inert" one); or it may matter.
enum Turn {
    Finds(usize, Via),
    Nothing,
    Other,
}

impl Names {
    /// What pass 2 would do with this candidate wherever it stood, judged from the tables
    /// it looked names up in as they ended (what is found in them now and was not at the
    /// candidate's turn is not relied on).
    fn turn(&self, c: &Candidate, v: &ParaView, lower: &mut String) -> Turn {
        // Passes 1a and 1b take only candidates that could start an actor.
        if !may_turn(c.weak, c.kind) {
            return Turn::Other;
        }
        let found = match self.by_name.get(lowercase_into(&c.name, lower)) {
            // Not an actor pass 2 made, nor one with aliases (an alias's key, or its
            // `Via::Acronym`, may have come after the candidate); not a place, which might
            // be a town read as a surname (pass 2 does not look those up by name).
            Some(&i)
                if i < self.before_pass2
                    && self.actors[i].aliases.is_empty()
                    && c.kind != Some(ActorKind::Place) =>
            {
                Some((i, c.via))
            }
            Some(_) => return Turn::Other,
            None => find_part(c, &self.suffixes, &self.firsts, &self.org_parts)
                .map(|(among, via, _)| (among[0], via)),
        };
        let bare = bare(c);
        match found {
            None if new_kind(c, v).is_none() => Turn::Nothing,
            // One of several people (and so `recent`'s choice): `shared`.
            Some((i, via)) if bare && !self.shared[i] => Turn::Finds(i, via),
            _ => Turn::Other,
        }
    }

    /// The names of a document whose paragraphs differ from those these were linked from
    /// only in `changed`, if each of them places the same candidates as before, give or
    /// take inert and quiet ones: then linking would decide everything else as it did
    /// (those candidates are the same, in the same order; inert ones find nothing; quiet
    /// ones find their actor and change nothing), and only the changed paragraphs'
    /// placements change. `false`, with nothing changed, if not.
    fn patch(&mut self, paras: &Paras, changed: &[usize]) -> bool {
        let mut lower = String::new();
        type Placed = (usize, usize, Via);
        let mut redone: Vec<(usize, Vec<(Placed, bool)>)> = Vec::with_capacity(changed.len());
        // Actors made by a candidate whose number in its paragraph changed: (paragraph,
        // old number) to the new number.
        let mut moved: FxHashMap<Born, u32> = FxHashMap::default();
        for &p in changed {
            if p + 1 >= self.placed_at.len() {
                return false;
            }
            let v = (paras.view)(p);
            let cs = &v.mentions.candidates;
            let mut kept: Vec<usize> = Vec::new();
            let mut quiet: Vec<(Placed, bool)> = Vec::new();
            for (ci, c) in cs.iter().enumerate() {
                match self.turn(c, &v, &mut lower) {
                    Turn::Finds(i, via) => quiet.push(((ci, i, via), true)),
                    Turn::Nothing => {}
                    Turn::Other => kept.push(ci),
                }
            }
            let (a, b) = (self.placed_at[p], self.placed_at[p + 1]);
            let old: Vec<Placed> = (a..b)
                .filter(|&k| !self.quiet[k])
                .map(|k| self.placed[k])
                .collect();
            if kept.len() != old.len()
                || hash_candidates(cs, kept.iter().copied(), v.tokens) != self.cores[p]
            {
                return false;
            }
            // Both in candidate order: the k-th kept candidate is the k-th placed one.
            for (&(was, _, _), &ci) in old.iter().zip(&kept) {
                if was != ci {
                    moved.insert(born_at(p, was), ci as u32);
                }
            }
            let mut here: Vec<(Placed, bool)> = old
                .iter()
                .zip(&kept)
                .map(|(&(_, i, via), &ci)| ((ci, i, via), false))
                .chain(quiet)
                .collect();
            here.sort_unstable_by_key(|e| e.0 .0);
            redone.push((p, here));
        }
        self.move_births(&moved);
        for (p, here) in redone {
            let (a, b) = (self.placed_at[p], self.placed_at[p + 1]);
            let grown = here.len() as isize - (b - a) as isize;
            self.quiet.splice(a..b, here.iter().map(|e| e.1));
            self.placed.splice(a..b, here.into_iter().map(|e| e.0));
            if grown != 0 {
                for at in &mut self.placed_at[p + 1..] {
                    *at = at.wrapping_add_signed(grown);
                }
            }
        }
        true
    }

    /// Which pass made actor `i`.
    fn pass_of(&self, i: usize) -> Pass {
        if i < self.roster_actors {
            Pass::Roster
        } else if i < self.after_1a {
            Pass::Confident
        } else if i < self.before_pass2 {
            Pass::Multiword
        } else {
            Pass::Rest
        }
    }

    /// Whether every key's entry passes `is`: the actor by name, and the actors listed
    /// under each suffix, first word and short form.
    fn keys_are(&self, k: &ActorKeys, is: impl Fn(Option<&[usize]>) -> bool) -> bool {
        let list = |t: &Index, key: &String| is(t.get(key).map(Vec::as_slice));
        is(self.by_name.get(&k.name).map(std::slice::from_ref))
            && k.suffixes.iter().all(|s| list(&self.suffixes, s))
            && k.first.iter().all(|f| list(&self.firsts, f))
            && k.parts.iter().all(|s| list(&self.org_parts, s))
    }

    /// Every key is in its table, for actor `i` alone (and so no short form is one that
    /// several organisations share).
    fn owns(&self, k: &ActorKeys, i: usize) -> bool {
        self.keys_are(k, |v| v == Some(&[i]))
    }

    /// No key is in its table, unless for actor `except` alone.
    fn free(&self, k: &ActorKeys, except: Option<usize>) -> bool {
        self.keys_are(k, |v| v.is_none_or(|v| except.is_some_and(|e| v == [e])))
    }

    /// `patch` for one paragraph that also gains, loses or swaps an actor only it names:
    /// typing a new name makes one actor a keystroke ("Noordzee Con", "Noordzee Cont",
    /// …). Such an actor has keys of its own, and no other candidate of the document
    /// looks any of them up (`lookups` counts, for each lowercase key, the candidates that
    /// look it up), so linking decides everything else as it did; the actors after it
    /// in the order linking makes them are renumbered. `old` is the paragraph's tokens
    /// and mentions when the names were linked. `false`, with nothing changed, if that
    /// does not hold.
    fn patch_solitary(
        &mut self,
        paras: &Paras,
        p: usize,
        old: (&[Token], &Mentions),
        lookups: &FxHashMap<u64, u32>,
    ) -> Option<Option<Renumbered>> {
        let lex = Lexicon::get();
        if p + 1 >= self.placed_at.len() {
            return None;
        }
        let mut buf = String::new();
        let v = (paras.view)(p);
        let cs = &v.mentions.candidates;
        let mut kept: Vec<usize> = Vec::new();
        let mut quiet: Vec<(usize, usize, Via)> = Vec::new();
        for (ci, c) in cs.iter().enumerate() {
            match self.turn(c, &v, &mut buf) {
                Turn::Finds(i, via) => quiet.push((ci, i, via)),
                Turn::Nothing => {}
                Turn::Other => kept.push(ci),
            }
        }
        let (a, b) = (self.placed_at[p], self.placed_at[p + 1]);
        let was: Vec<(usize, usize, Via)> = (a..b)
            .filter(|&k| !self.quiet[k])
            .map(|k| self.placed[k])
            .collect();
        // The candidates before and after the one that went or came are the same ones.
        let one =
            |cs: &[Candidate], ci: usize, t: &[Token]| hash_candidates(cs, [ci].into_iter(), t);
        let h_was: Vec<u64> = was
            .iter()
            .map(|e| one(&old.1.candidates, e.0, old.0))
            .collect();
        let h_kept: Vec<u64> = kept.iter().map(|&ci| one(cs, ci, v.tokens)).collect();
        let pre = h_was
            .iter()
            .zip(&h_kept)
            .take_while(|(x, y)| x == y)
            .count();
        let suf = h_was[pre..]
            .iter()
            .rev()
            .zip(h_kept[pre..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let (went, came) = (&was[pre..was.len() - suf], &kept[pre..kept.len() - suf]);
        if went.len() > 1 || came.len() > 1 || went.len() + came.len() == 0 {
            return None;
        }
        // What the new candidate looks up itself: no other candidate may look these up.
        let mut own: Vec<u64> = Vec::new();
        if let Some(&ci) = came.first() {
            own.extend(lookup_keys(&cs[ci], &mut buf));
        }
        let unlooked = |k: &ActorKeys, buf: &mut String| {
            k.hashes(buf).iter().all(|h| {
                lookups.get(h).map_or(0, |&n| n as usize) == own.iter().filter(|o| *o == h).count()
            })
        };
        // A person's candidate of pass 1a also marks a town of their surname's name as
        // them: unchanged when the actor it names was made in pass 1a under that name
        // (by another such candidate).
        let same_surnames = |c: &Candidate, y: usize| {
            c.kind != Some(ActorKind::Person)
                || !confident(c, lex)
                || (self.actors[y].name == *c.name && self.pass_of(y) == Pass::Confident)
        };
        let gone: Option<Went> = match went.first() {
            None => None,
            // A mention of an actor made elsewhere, gone: it taught the actor nothing.
            Some(&(ci, y, _)) if self.born[y] != born_at(p, ci) => {
                let oc = &old.1.candidates[ci];
                if !bare(oc) || self.shared[y] || !same_surnames(oc, y) {
                    return None;
                }
                Some(Went::Mention)
            }
            Some(&(ci, r, _)) => {
                let a = &self.actors[r];
                let pass = self.pass_of(r);
                if pass == Pass::Roster
                    || a.from_roster
                    || !a.aliases.is_empty()
                    || self.born[r] != born_at(p, ci)
                    || self.shared[r]
                    || self.placed.iter().filter(|e| e.1 == r).count() != 1
                {
                    return None;
                }
                let keys = ActorKeys::of(&a.name, a.kind, pass, lex);
                if !self.owns(&keys, r) || !unlooked(&keys, &mut buf) {
                    return None;
                }
                Some(Went::Actor(r, keys))
            }
        };
        let except = match &gone {
            Some(Went::Actor(r, _)) => Some(*r),
            _ => None,
        };
        let came: Option<Came> = match came.first() {
            None => None,
            Some(&ci) => {
                let c = &cs[ci];
                if c.alias().is_some() {
                    return None;
                }
                let surname = last_name_word(&c.name).unwrap_or("");
                // Pass 2's look-ups by part of a name; refused when one reaches the actor
                // that went.
                let lists = [
                    self.suffixes.get(&*c.name),
                    self.suffixes.get(surname),
                    self.firsts.get(&*c.name),
                    self.org_parts.get(&*c.name),
                ];
                if except.is_some_and(|e| lists.iter().flatten().any(|v| v.contains(&e))) {
                    return None;
                }
                let by_part = lists[0].is_some() || lists[2].is_some() || lists[3].is_some();
                let named = self
                    .by_name
                    .get(lowercase_into(&c.name, &mut buf))
                    .copied()
                    .filter(|&y| Some(y) != except);
                // Not a town that may be read as someone's surname (then another candidate
                // looks its name up as a surname, which `unlooked` refuses for a new one).
                let town = c.kind == Some(ActorKind::Place)
                    && c.subtype != Some(Subtype::COUNTRY)
                    && !c.locative
                    && !c.name.contains(' ');
                let pass = match c.kind {
                    Some(_) if confident(c, lex) => Pass::Confident,
                    // Pass 1b leaves one that names part of a name to pass 2 (by the tables
                    // as pass 1a left them, which these may no longer be).
                    Some(_) if !c.weak && by_part => return None,
                    Some(_) if !c.weak => Pass::Multiword,
                    _ => Pass::Rest,
                };
                // An actor made elsewhere, found as linking would find it.
                let found: Option<(usize, Via)> = match named {
                    Some(y) if pass == Pass::Rest => {
                        let acronym = self.actors[y].aliases.iter().any(|a| **a == *c.name);
                        Some((y, if acronym { Via::Acronym } else { c.via }))
                    }
                    Some(y) => Some((y, c.via)),
                    None if pass == Pass::Rest => {
                        match find_part(c, &self.suffixes, &self.firsts, &self.org_parts) {
                            Some((among, via, _)) if among.len() == 1 => Some((among[0], via)),
                            Some(_) => return None,
                            None => None,
                        }
                    }
                    None => None,
                };
                match found {
                    Some((y, via)) => {
                        let a = &self.actors[y];
                        let same = |x: Option<&str>, y: Option<&str>| x.is_none() || x == y;
                        let teaches_nothing = c.roles.is_empty()
                            && (c.gender == Gender::Unknown || c.gender == a.gender)
                            && same(c.affiliation(), a.affiliation.as_deref())
                            && same(c.subtype.map(Subtype::as_str), a.subtype.as_deref());
                        // Made before the candidate's turn, so the candidate does not make it.
                        let before = match self.pass_of(y).cmp(&pass) {
                            std::cmp::Ordering::Less => true,
                            std::cmp::Ordering::Equal => {
                                self.born[y].0 != p as u32 && self.born[y] < born_at(p, ci)
                            }
                            std::cmp::Ordering::Greater => false,
                        };
                        // An alias may have been taught after the candidate's turn.
                        if town
                            || !a.aliases.is_empty()
                            || !teaches_nothing
                            || !before
                            || self.shared[y]
                            || !same_surnames(c, y)
                        {
                            return None;
                        }
                        Some(Came::Mention(ci, y, via))
                    }
                    None => {
                        let kind = match (pass, c.kind) {
                            (Pass::Confident | Pass::Multiword, Some(k)) => k,
                            _ => new_kind(c, &v)?,
                        };
                        if pass != Pass::Confident && lists.iter().any(Option::is_some) {
                            return None;
                        }
                        let keys = ActorKeys::of(&c.name, kind, pass, lex);
                        if !self.free(&keys, except) || !unlooked(&keys, &mut buf) {
                            return None;
                        }
                        Some(Came::Actor(ci, pass, kind, keys))
                    }
                }
            }
        };

        // Everything holds: change the names. First the births in this paragraph, which
        // move with their candidates.
        let mut moved: FxHashMap<Born, u32> = FxHashMap::default();
        let pairs = (0..pre)
            .map(|k| (k, k))
            .chain((0..suf).map(|j| (was.len() - 1 - j, kept.len() - 1 - j)));
        for (k, n) in pairs.clone() {
            if was[k].0 != kept[n] {
                moved.insert(born_at(p, was[k].0), kept[n] as u32);
            }
        }
        self.move_births(&moved);
        let mut rn = Renumbered {
            p,
            gone: None,
            came: None,
            heads: Vec::new(),
            orgs: false,
            parts: Vec::new(),
        };
        if let Some(Went::Actor(r, keys)) = gone {
            rn.orgs |= self.actors[r].kind == ActorKind::Organization;
            rn.parts.extend(keys.every_part.iter().cloned());
            self.by_name.remove(&keys.name);
            for k in keys.suffixes.iter() {
                self.suffixes.remove(k);
            }
            for k in keys.first.iter() {
                self.firsts.remove(k);
            }
            for k in keys.parts.iter() {
                self.org_parts.remove(k);
            }
            for k in head_keys(&self.actors[r], &self.lower_roles[r]) {
                if let Some(v) = self.by_head.get_mut(&k) {
                    v.retain(|&i| i != r);
                    if v.is_empty() {
                        self.by_head.remove(&k);
                    }
                }
                rn.heads.push(k);
            }
            self.actors.remove(r);
            self.genders.remove(r);
            self.lower_roles.remove(r);
            self.shared.remove(r);
            self.born.remove(r);
            if r < self.after_1a {
                self.after_1a -= 1;
            }
            if r < self.before_pass2 {
                self.before_pass2 -= 1;
            }
            rn.gone = Some(r);
        }
        rn.came = match &came {
            Some(Came::Actor(ci, pass, _, _)) => Some((*ci, *pass)),
            _ => None,
        }
        .map(|(ci, pass)| {
            let (lo, hi) = match pass {
                Pass::Confident => (self.roster_actors, self.after_1a),
                Pass::Multiword => (self.after_1a, self.before_pass2),
                _ => (self.before_pass2, self.actors.len()),
            };
            let at = born_at(p, ci);
            lo + self.born[lo..hi].partition_point(|b| *b < at)
        });
        // `gone` has no entries left to renumber.
        let renumber = |i: usize| rn.map(i).unwrap_or(usize::MAX);
        if rn.gone.is_some() || rn.came.is_some_and(|n| n < self.actors.len()) {
            for e in &mut self.placed {
                e.1 = renumber(e.1);
            }
            for i in self.by_name.values_mut() {
                *i = renumber(*i);
            }
            for t in [
                &mut self.suffixes,
                &mut self.firsts,
                &mut self.org_parts,
                &mut self.by_head,
            ] {
                for v in t.values_mut() {
                    for i in v.iter_mut() {
                        *i = renumber(*i);
                    }
                }
            }
            for e in &mut self.roster_phrases {
                e.1 = renumber(e.1);
            }
        }
        let mut here: Vec<((usize, usize, Via), bool)> = pairs
            .map(|(k, n)| ((kept[n], renumber(was[k].1), was[k].2), false))
            .chain(
                quiet
                    .iter()
                    .map(|&(ci, i, via)| ((ci, renumber(i), via), true)),
            )
            .collect();
        if let Some(Came::Mention(ci, y, via)) = came {
            here.push(((ci, renumber(y), via), false));
        }
        if let (Some(Came::Actor(ci, pass, kind, keys)), Some(n)) = (came, rn.came) {
            let c = &cs[ci];
            let mut t = Table::default();
            t.add(&c.name, kind, born_at(p, ci));
            t.enrich(0, c);
            let actor = t.actors.pop().expect("made");
            let roles: Vec<String> = actor.roles.iter().map(|r| r.to_lowercase()).collect();
            rn.orgs |= kind == ActorKind::Organization;
            rn.parts.extend(keys.every_part.iter().cloned());
            for k in head_keys(&actor, &roles) {
                let v = self.by_head.entry(k.clone()).or_default();
                if let Err(at) = v.binary_search(&n) {
                    v.insert(at, n);
                }
                rn.heads.push(k);
            }
            self.genders.insert(n, actor.gender);
            self.actors.insert(n, actor);
            self.lower_roles.insert(n, roles);
            self.shared.insert(n, false);
            self.born.insert(n, born_at(p, ci));
            self.by_name.insert(keys.name, n);
            for k in keys.suffixes {
                self.suffixes.insert(k, vec![n]);
            }
            if let Some(k) = keys.first {
                self.firsts.insert(k, vec![n]);
            }
            for k in keys.parts {
                if !self.dropped_parts.contains(&k) {
                    self.org_parts.insert(k, vec![n]);
                }
            }
            match pass {
                Pass::Confident => {
                    self.after_1a += 1;
                    self.before_pass2 += 1;
                }
                Pass::Multiword => self.before_pass2 += 1,
                _ => {}
            }
            here.push(((ci, n, c.via), false));
        }
        here.sort_unstable_by_key(|e| e.0 .0);
        let grown = here.len() as isize - (b - a) as isize;
        self.quiet.splice(a..b, here.iter().map(|e| e.1));
        self.placed.splice(a..b, here.into_iter().map(|e| e.0));
        if grown != 0 {
            for at in &mut self.placed_at[p + 1..] {
                *at = at.wrapping_add_signed(grown);
            }
        }
        self.cores[p] = hash_candidates(cs, kept.iter().copied(), v.tokens);
        if rn.gone.is_none() && rn.came.is_none() {
            return Some(None); // mentions only: the actors stand
        }
        assign_ids(&mut self.actors);
        Some(Some(rn))
    }

    /// Births at candidates that `moved` renumbers within their paragraph.
    fn move_births(&mut self, moved: &FxHashMap<Born, u32>) {
        if moved.is_empty() {
            return;
        }
        for b in &mut self.born[self.roster_actors..] {
            if let Some(&ci) = moved.get(b) {
                b.1 = ci;
            }
        }
    }

    /// `cores` and `quiet`, once the tables are complete.
    /// `cands` are `link_names`'s, paragraph p's from `starts[p]` to `starts[p + 1]`.
    fn seal(&mut self, views: &[ParaView], cands: &[Cand], starts: &[usize]) {
        let mut lower = String::new();
        let mut quiet = Vec::with_capacity(self.placed.len());
        let mut cores = Vec::with_capacity(views.len());
        // One buffer for every paragraph's, not an allocation each.
        let mut core = Vec::new();
        for (p, v) in views.iter().enumerate() {
            let here = &self.placed[self.placed_at[p]..self.placed_at[p + 1]];
            let mine = &cands[starts[p]..starts[p + 1]];
            core.clear();
            for &(ci, _, _) in here {
                // `turn` finds nothing for a candidate passes 1a and 1b can take, and most
                // placed ones are: those are told apart here without reading the candidate.
                let q = mine[ci].may_turn()
                    && matches!(self.turn(mine[ci].c, v, &mut lower), Turn::Finds(..));
                quiet.push(q);
                if !q {
                    core.push(ci);
                }
            }
            cores.push(if core.len() == mine.len() {
                v.digest // every candidate, so the same hash
            } else {
                hash_candidates(&v.mentions.candidates, core.iter().copied(), v.tokens)
            });
        }
        (self.quiet, self.cores) = (quiet, cores);
    }

    fn placed_in(&self, p: usize) -> &[(usize, usize, Via)] {
        match (self.placed_at.get(p), self.placed_at.get(p + 1)) {
            (Some(&a), Some(&b)) => &self.placed[a..b],
            _ => &[],
        }
    }
    /// The actor a nominal reference names: the only one it fits.
    fn nominal_actor(&self, n: &Nominal) -> Option<usize> {
        let role_fits = |r: &str, head: &str| {
            r == head
                || (r.ends_with(head) && r[..r.len() - head.len()].ends_with(' '))
                || (head.ends_with(r) && head[..head.len() - r.len()].ends_with(' '))
        };
        let last_word = n.head.rsplit(' ').next().unwrap_or(&n.head);
        let org_head = ORG_HEADS.contains(&n.head.as_str());
        let mut fits = self
            .by_head
            .get(last_word)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|&i| {
                let a = &self.actors[i];
                if org_head {
                    a.kind == ActorKind::Organization
                } else {
                    a.kind == ActorKind::Person
                        && self.lower_roles[i].iter().any(|r| role_fits(r, &n.head))
                        && n.country
                            .as_ref()
                            .is_none_or(|c| a.affiliation.as_ref() == Some(c))
                }
            });
        match (fits.next(), fits.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }
}

/// Groups (paragraph, rest) by paragraph, ordered by `order` within one: the rests and,
/// for paragraph p, where its run starts (`at[p]..at[p + 1]`).
fn by_paragraph<T: Copy, K: Ord>(
    mut items: Vec<(usize, T)>,
    paragraphs: usize,
    order: impl Fn(&T) -> K,
) -> (Vec<T>, Vec<usize>) {
    items.sort_by_key(|x| (x.0, order(&x.1)));
    let mut at = Vec::with_capacity(paragraphs + 1);
    let mut k = 0;
    for p in 0..=paragraphs {
        while k < items.len() && items[k].0 < p {
            k += 1;
        }
        at.push(k);
    }
    // Not collected in place: that would keep `items`' larger buffer.
    let mut out = Vec::with_capacity(items.len());
    out.extend(items.into_iter().map(|x| x.1));
    (out, at)
}

/// What linking kept from the last call: the names, and the assembly built on them.
#[derive(Default)]
pub struct LinkMemo {
    /// The paragraph digests `names` stand for.
    digests: Vec<u64>,
    roster: Option<Arc<Roster>>,
    names: Option<Arc<Names>>,
    assembled: Option<Assembled>,
    /// For each lowercase key (`key_hash`), how many of the document's candidates look it
    /// up (`lookup_keys`), for `Names::patch_solitary`: counted when first needed, then
    /// kept up to date from `Paras::before`.
    lookups: Option<FxHashMap<u64, u32>>,
    /// Calls so far, to name the one `Linked::since` refers to.
    calls: u64,
    /// Of those, the calls that linked the names afresh, those that renumbered the actors
    /// for one only a paragraph names (`Names::patch_solitary`), and those that assembled
    /// every paragraph's mentions.
    relinks: u64,
    renumbers: u64,
    /// Of the renumbered ones, those `renumber_assembly` and `reassemble` brought the
    /// last assembly up to date for.
    reassemblies: u64,
    assemblies: u64,
    /// What the last call replaced (names, an assembly: thousands of allocations), for
    /// the caller to free off its reply path (`Analyzer::take_retired`); else freed at the
    /// start of the next call.
    pub(crate) retired: Vec<Box<dyn std::any::Any + Send>>,
}

/// The document's paragraphs as linking reads them: keys and digests side by side, and
/// each paragraph's view built only when it is read, so that a keystroke builds the views
/// of the paragraphs it changed, not of all of them.
pub struct Paras<'a> {
    /// `ParaView::key` of every paragraph.
    pub keys: &'a [u64],
    /// `ParaView::digest` of every paragraph.
    pub digests: &'a [u64],
    pub view: &'a dyn Fn(usize) -> ParaView<'a>,
    /// What the paragraphs of the last call were where this call's differ, if known.
    pub before: Option<Before<'a>>,
}

/// The paragraphs of the last call that `new` replaced (the others are the same ones, in
/// the same order): their tokens and mentions.
pub struct Before<'a> {
    pub new: std::ops::Range<usize>,
    pub old: Vec<(&'a [Token], &'a Mentions)>,
}

impl<'a> Paras<'a> {
    fn all(&self) -> Vec<ParaView<'a>> {
        (0..self.keys.len()).map(|p| (self.view)(p)).collect()
    }
}

impl LinkMemo {
    /// The paragraphs whose digests differ from those `names` stand for; `None` when
    /// their number changed. Only those `before` names as new can differ: the rest are
    /// the last call's paragraphs, and the last call left `digests` equal to theirs.
    fn changed(&self, paras: &Paras) -> Option<Vec<usize>> {
        (self.digests.len() == paras.digests.len())
            .then(|| differing(&self.digests, paras.digests, paras.before.as_ref()))
    }

    /// Brings `lookups` from the last call's paragraphs to these (or forgets them when
    /// what changed is not known).
    fn update_lookups(&mut self, paras: &Paras) {
        let Some(counts) = &mut self.lookups else {
            return;
        };
        let Some(b) = paras.before.as_ref().filter(|b| {
            b.new.end <= paras.keys.len()
                && self.digests.len() + b.new.len() == paras.keys.len() + b.old.len()
        }) else {
            self.lookups = None;
            return;
        };
        let mut buf = String::new();
        for (_, m) in &b.old {
            count_lookups(counts, m, false, &mut buf);
        }
        for p in b.new.clone() {
            count_lookups(counts, (paras.view)(p).mentions, true, &mut buf);
        }
    }
}

/// Where `new` differs from `old`, what the last call had for the same paragraphs:
/// only among those `before` names new, when there are as many as before.
fn differing(old: &[u64], new: &[u64], before: Option<&Before>) -> Vec<usize> {
    let within = before
        .filter(|b| b.new.len() == b.old.len())
        .map(|b| b.new.clone());
    super::differing(old, new, within)
}

/// Links the document's mentions into actors. The names of the previous call are reused
/// when no paragraph's `digest` and not the roster changed (typing in ordinary words);
/// then only the changed paragraphs' mentions and pronouns are redone when what they
/// decide stays inside them (`reassemble`), or else all of them (`assemble`).
pub fn link_with(paras: &Paras, roster: Option<&Arc<Roster>>, memo: &mut LinkMemo) -> Linked {
    memo.retired.clear();
    // Built at most once, and only when every paragraph is read.
    let mut views: Option<Vec<ParaView>> = None;
    let same_roster = match (roster, &memo.roster) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    };
    memo.update_lookups(paras);
    let reuse = memo.names.is_some() && same_roster;
    let changed = memo.changed(paras);
    let same = reuse && changed.as_ref().is_some_and(Vec::is_empty);
    // Whether a patch brought the names up to date, and how it renumbered the actors if
    // it did.
    let (patched, renumbered) = match changed.filter(|_| !same && reuse) {
        Some(changed) => match patch_names(paras, memo, &changed) {
            Some(renumbered) => (true, renumbered),
            None => (false, None),
        },
        None => (false, None),
    };
    let names = if same {
        memo.names.clone().expect("reused")
    } else if patched {
        let n = memo.names.clone().expect("patched");
        debug_assert!(
            *n == link_names(&paras.all(), roster.map(|r| &**r)),
            "patched names differ from linking afresh"
        );
        n
    } else {
        let views = views.get_or_insert_with(|| paras.all());
        let n = Arc::new(link_names(views, roster.map(|r| &**r)));
        let mut retired = std::mem::take(&mut memo.retired);
        retired.push(Box::new((memo.names.take(), memo.assembled.take())));
        *memo = LinkMemo {
            digests: paras.digests.to_vec(),
            roster: roster.cloned(),
            names: Some(n.clone()),
            assembled: None,
            lookups: memo.lookups.take(),
            calls: memo.calls,
            relinks: memo.relinks + 1,
            renumbers: memo.renumbers,
            reassemblies: memo.reassemblies,
            assemblies: memo.assemblies,
            retired,
        };
        n
    };
    memo.calls += 1;
    let call = memo.calls;
    if let Some(last) = &mut memo.assembled {
        let moved = match &renumbered {
            None => Some(None),
            Some(rn) => renumber_assembly(paras, &names, last, rn, memo.lookups.as_ref()).map(Some),
        };
        if let Some(moved) = moved {
            if let Some(changed) = reassemble(paras, &names, last) {
                memo.reassemblies += u64::from(moved.is_some());
                debug_assert!(
                    moved.is_none() || last.same_as(&assemble(&paras.all(), &names)),
                    "renumbered assembly differs from assembling afresh"
                );
                let mut linked = last.linked(call, Some((call - 1, changed)));
                linked.moved = moved;
                return linked;
            }
        }
    }
    let views = views.get_or_insert_with(|| paras.all());
    let fresh = assemble(views, &names);
    memo.assemblies += 1;
    let linked = fresh.linked(call, None);
    if let Some(old) = memo.assembled.replace(fresh) {
        memo.retired.push(Box::new(old));
    }
    linked
}

/// Brings the memo's names up to date by `Names::patch` when the paragraphs are the same
/// ones (their number unchanged) and only some digests differ, or by
/// `Names::patch_solitary` when one paragraph gained or lost an actor only it names (then
/// the renumbering is returned); `None` if neither applies.
fn patch_names(
    paras: &Paras,
    memo: &mut LinkMemo,
    changed: &[usize],
) -> Option<Option<Renumbered>> {
    // The assembly shares the names; let go of its reference so they can be changed in
    // place (`reassemble` wants the very same names back).
    if let Some(a) = &mut memo.assembled {
        a.names = Arc::default();
    }
    let mut names = memo.names.take()?;
    let Some(n) = Arc::get_mut(&mut names) else {
        memo.names = Some(names);
        return None;
    };
    let patched = if n.patch(paras, changed) {
        Some(None)
    } else {
        match paras.before.as_ref() {
            Some(b)
                if changed.len() == 1
                    && b.new.contains(&changed[0])
                    && b.new.len() == b.old.len() =>
            {
                let counts = memo.lookups.get_or_insert_with(|| {
                    let mut counts = FxHashMap::default();
                    let mut buf = String::new();
                    for p in 0..paras.keys.len() {
                        count_lookups(&mut counts, (paras.view)(p).mentions, true, &mut buf);
                    }
                    counts
                });
                let old = b.old[changed[0] - b.new.start];
                n.patch_solitary(paras, changed[0], old, counts)
            }
            _ => None,
        }
    };
    let Some(renumbered) = patched else {
        memo.names = Some(names); // for `link_with` to retire
        return None;
    };
    for &p in changed {
        memo.digests[p] = paras.digests[p];
    }
    // Renumbered actors are brought to the assembly by `renumber_assembly`.
    if let (Some(a), None) = (&mut memo.assembled, &renumbered) {
        a.names = names.clone();
    }
    memo.renumbers += u64::from(renumbered.is_some());
    memo.names = Some(names);
    Some(renumbered)
}

/// The words a nominal naming this actor may end in (`Names::by_head`).
fn head_keys(a: &Actor, lower_roles: &[String]) -> Vec<String> {
    match a.kind {
        ActorKind::Organization => a
            .name
            .rsplit(' ')
            .next()
            .map(str::to_lowercase)
            .into_iter()
            .collect(),
        ActorKind::Person => lower_roles
            .iter()
            .filter_map(|r| r.rsplit(' ').next().map(str::to_string))
            .collect(),
        ActorKind::Place => Vec::new(),
    }
}

/// Pass 1a's candidates: names that stand on their own (`Candidate::stands_alone`, kept
/// in the candidate: decided with the paragraph's mentions, on the threads that find them).
fn confident(c: &Candidate, lex: &Lexicon) -> bool {
    debug_assert_eq!(c.confident, c.stands_alone(lex), "{c:?}");
    c.confident
}

/// The keys a person made before pass 2 is indexed under: every proper suffix of the
/// name, and its first word when it has two or more.
fn person_keys(name: &str) -> (Vec<String>, Option<&str>) {
    let words = name_words(name);
    let suffixes = (1..words.len()).map(|k| words[k..].join(" ")).collect();
    (suffixes, (words.len() >= 2).then(|| words[0]))
}

/// Every part of an organisation's name split at a space (a prefix or a suffix), and
/// whether it is a short form of it: not a lone cue or common word ("Group", "Union").
fn org_parts_of(name: &str, lex: &Lexicon) -> Vec<(String, bool)> {
    let words: Vec<&str> = name.split(' ').collect();
    let mut out = Vec::new();
    for k in 1..words.len() {
        for part in [words[..k].join(" "), words[k..].join(" ")] {
            let single_common = !part.contains(' ')
                && (lex.org_cues.contains(&part)
                    || lex.not_names.contains(&part)
                    || part.len() < 3
                    || lex.phrases.contains_key(&part));
            out.push((part, !single_common));
        }
    }
    out
}

/// How many candidates ahead a pass over `Cand`s asks for the memory it will read.
const AHEAD: usize = 8;

/// A candidate as linking's passes read it: the few fields that decide whether a pass
/// takes it, beside the candidate itself for those that do.
struct Cand<'a> {
    c: &'a Candidate,
    name: &'a str,
    p: u32,
    ci: u32,
    kind: Option<ActorKind>,
    via: Via,
    confident: bool,
    weak: bool,
    /// `bare(c)`.
    bare: bool,
    /// A town that may be a person's surname, if the draft names such a person: a place
    /// (not a country) named in one word, not after "in", "at", "from".
    town_shaped: bool,
}

/// A candidate that teaches its actor nothing: no gender, role, affiliation, subtype or
/// acronym (`Table::enrich` has nothing to add).
fn bare(c: &Candidate) -> bool {
    c.gender == Gender::Unknown && c.roles.is_empty() && c.extra.is_none() && c.subtype.is_none()
}

/// Whether `Names::turn` may find an actor for a candidate: not one passes 1a and 1b
/// take (a candidate that is neither weak nor of unknown kind).
fn may_turn(weak: bool, kind: Option<ActorKind>) -> bool {
    weak || kind.is_none()
}

impl<'a> Cand<'a> {
    fn may_turn(&self) -> bool {
        may_turn(self.weak, self.kind)
    }

    /// (paragraph, index among its candidates).
    fn at(&self) -> (usize, usize) {
        (self.p as usize, self.ci as usize)
    }

    /// What a pass that takes it reads first: its name's letters, and the candidate
    /// unless it is bare.
    fn prefetch(&self) {
        super::prefetch(self.name.as_ptr());
        if !self.bare {
            super::prefetch(self.c);
        }
    }

    /// `Table::enrich`, skipped for a bare candidate (most are) without reading it again.
    fn enrich(&self, t: &mut Table, i: usize) {
        if !self.bare {
            t.enrich(i, self.c);
        }
    }

    fn of(c: &'a Candidate, p: usize, ci: usize, lex: &Lexicon) -> Self {
        Cand {
            c,
            name: &c.name,
            p: p as u32,
            ci: ci as u32,
            kind: c.kind,
            via: c.via,
            confident: confident(c, lex),
            weak: c.weak,
            bare: bare(c),
            town_shaped: c.kind == Some(ActorKind::Place)
                && c.subtype != Some(Subtype::COUNTRY)
                && !c.locative
                && !c.name.contains(' '),
        }
    }
}

pub fn link_names(views: &[ParaView], roster: Option<&Roster>) -> Names {
    let lex = Lexicon::get();
    let mut t = Table::default();
    let mut placed: Vec<(usize, usize, usize, Via)> = Vec::new(); // (para, cand idx, actor, via)

    // The roster comes first: what the newsroom says overrides what the text suggests.
    let mut roster_phrases: Vec<(String, usize)> = Vec::new();
    for r in roster.map(|r| r.actors.as_slice()).unwrap_or(&[]) {
        let i = t.add(&r.name, r.kind.unwrap_or(ActorKind::Person), (0, 0));
        t.actors[i].gender = r.gender.unwrap_or(Gender::Unknown);
        let a = t.actors[i].info_mut();
        if let Some(k) = r.kind {
            a.kind = k;
        }
        a.roles = r.roles.clone();
        a.affiliation = r.affiliation.clone();
        a.description = r.description.clone();
        a.aliases = r.aliases.clone();
        a.from_roster = true;
        roster_phrases.push((r.name.clone(), i));
        for al in &r.aliases {
            t.by_name.entry(al.to_lowercase()).or_insert(i);
            roster_phrases.push((al.clone(), i));
        }
    }

    let roster_actors = t.actors.len();
    // Every candidate, in document order, read out of its paragraph's facts once: the
    // passes below walk this one list. On a long draft the facts are spread over tens of
    // megabytes, and walking every paragraph's mentions again in each pass missed the
    // cache on most of them (linking a million words took 18 times as long as 100,000).
    let mut cands: Vec<Cand> = Vec::new();
    let mut starts = Vec::with_capacity(views.len() + 1);
    for (p, v) in views.iter().enumerate() {
        // The mentions eight paragraphs on, and (those having come) the candidates four on.
        if let Some(ahead) = views.get(p + 8) {
            super::prefetch(ahead.mentions);
        }
        if let Some(ahead) = views.get(p + 4) {
            let at = ahead.mentions.candidates.as_ptr();
            super::prefetch(at);
            super::prefetch(at.wrapping_add(1));
            super::prefetch(at.wrapping_add(2));
        }
        starts.push(cands.len());
        let cs = v.mentions.candidates.iter().enumerate();
        cands.extend(cs.map(|(ci, c)| Cand::of(c, p, ci, lex)));
    }
    starts.push(cands.len());
    // "Anders Redmond … Redmond said": a town that shares its name with the surname of a
    // person the draft names is that person, unless it follows "in", "at", "from".
    let surnames: FxHashSet<&str> = cands
        .iter()
        .filter(|c| c.kind == Some(ActorKind::Person) && c.confident)
        .filter_map(|c| last_name_word(c.name))
        .collect();
    let town_as_surname = |c: &Cand| c.town_shaped && surnames.contains(c.name);
    // Which candidates passes 1a and 1b placed, by their index in `cands`.
    let mut already = vec![false; cands.len()];
    for (k, fc) in cands.iter().enumerate() {
        if let Some(ahead) = cands.get(k + AHEAD).filter(|a| a.confident) {
            ahead.prefetch();
        }
        if fc.confident && !town_as_surname(fc) {
            let (p, ci) = fc.at();
            let kind = fc.kind.unwrap();
            let i = t.add(fc.name, kind, born_at(p, ci));
            fc.enrich(&mut t, i);
            placed.push((p, ci, i, fc.via));
            already[k] = true;
        }
    }
    // Name-part index: every proper suffix and the first word of each person's name.
    let mut suffixes: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let mut firsts: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    // Actors are only added, never renamed, so the index is extended from the first actor
    // it has not seen (`from`), in the same order a rebuild would take.
    let build_index = |t: &Table,
                       from: usize,
                       suffixes: &mut FxHashMap<String, Vec<usize>>,
                       firsts: &mut FxHashMap<String, Vec<usize>>| {
        for (i, a) in t.actors.iter().enumerate().skip(from) {
            if a.kind != ActorKind::Person {
                continue;
            }
            let (sufs, first) = person_keys(&a.name);
            for k in sufs {
                suffixes.entry(k).or_default().push(i);
            }
            if let Some(f) = first {
                firsts.entry(f.to_string()).or_default().push(i);
            }
        }
    };
    build_index(&t, 0, &mut suffixes, &mut firsts);
    let indexed = t.actors.len();
    // Short forms of organisations: "Noordzee" for Noordzee Container Terminals, "Rovers"
    // for Harbourside Rovers. A lone cue or common word ("Group", "Union") is not one.
    let mut org_parts: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, a) in t.actors.iter().enumerate() {
        if a.kind != ActorKind::Organization {
            continue;
        }
        for (part, short) in org_parts_of(&a.name, lex) {
            if short {
                org_parts.entry(part).or_default().push(i);
            }
        }
    }
    let mut dropped_parts = FxHashSet::default();
    org_parts.retain(|k, v| {
        v.dedup();
        if v.len() > 1 {
            dropped_parts.insert(k.clone());
        }
        v.len() == 1
    });

    // Pass 1b: other multi-word names are either a known person's surname ("El Amrani")
    // or a new person or organisation.
    for (k, fc) in cands.iter().enumerate() {
        // Neither confident nor one `turn` may place: what could start an actor.
        if fc.confident || fc.may_turn() {
            continue;
        }
        let (p, ci) = fc.at();
        if suffixes.contains_key(fc.name)
            || firsts.contains_key(fc.name)
            || org_parts.contains_key(fc.name)
        {
            continue; // pass 2
        }
        let i = t.add(fc.name, fc.kind.unwrap(), born_at(p, ci));
        fc.enrich(&mut t, i);
        placed.push((p, ci, i, fc.via));
        already[k] = true;
    }
    build_index(&t, indexed, &mut suffixes, &mut firsts);
    let (suffixes, firsts) = (suffixes, firsts);
    let after_1a = indexed;
    let before_pass2 = t.actors.len();

    // Pass 2: single words and weak candidates join what is known.
    // For "the most recent of these people": each actor's latest mention before the
    // candidate at hand. Pass 2 goes through the document in order, so pass 1's mentions,
    // sorted, are swept alongside it and its own are the latest when made. Positions are
    // (paragraph, candidate): the order of mentions, independent of offsets.
    type At = (usize, usize);
    let mut pass1: Vec<(At, usize)> = placed.iter().map(|&(p, ci, i, _)| ((p, ci), i)).collect();
    // Two runs already in order (pass 1a's, then 1b's), and no position twice: the
    // stable sort merges the runs it finds in linear time, where an unstable one sorted
    // them afresh (a sixth of linking a long draft).
    pass1.sort();
    let mut swept = 0;
    let mut last_seen: Vec<Option<At>> = vec![None; t.actors.len()];
    let recent = |last_seen: &[Option<At>], among: &[usize]| -> usize {
        among
            .iter()
            .filter_map(|&a| Some((last_seen.get(a).copied().flatten()?, a)))
            .max()
            .map(|(_, a)| a)
            .unwrap_or(among[0])
    };
    let mut lower = String::new();
    for (k, fc) in cands.iter().enumerate() {
        if let Some(ahead) = cands.get(k + AHEAD).filter(|_| !already[k + AHEAD]) {
            ahead.prefetch();
        }
        let (c, at) = (fc.c, fc.at());
        let (p, ci) = at;
        while let Some(&(o, i)) = pass1.get(swept).filter(|e| e.0 < at) {
            last_seen[i] = Some(o);
            swept += 1;
        }
        if already[k] {
            continue;
        }
        let by_name = if town_as_surname(fc) {
            None // the town may be an actor too ("in Redmond"): this is the person
        } else {
            t.by_name.get(lowercase_into(fc.name, &mut lower))
        };
        let found = if let Some(&i) = by_name {
            let via = if t.actors[i].aliases.iter().any(|a| a == fc.name) {
                Via::Acronym
            } else {
                fc.via
            };
            Some((i, via))
        } else if let Some((among, via, most_recent)) = find_part(c, &suffixes, &firsts, &org_parts)
        {
            let i = if most_recent {
                recent(&last_seen, among)
            } else {
                among[0]
            };
            Some((i, via))
        } else {
            new_kind(c, &views[p]).map(|k| {
                let i = t.add(fc.name, k, born_at(p, ci));
                (i, fc.via)
            })
        };
        if let Some((i, via)) = found {
            fc.enrich(&mut t, i);
            placed.push((p, ci, i, via));
            if last_seen.len() <= i {
                last_seen.resize(i + 1, None);
            }
            last_seen[i] = Some(at);
        }
    }

    // Nominal references ("the defense secretary") are resolved per paragraph by
    // `Names::nominal_actor`; they name no new actor, so linking does not read them.
    // Candidates are indexed by the words a nominal can end in (a role's last word, an
    // organisation's last word), so each nominal looks at a handful of actors.
    let mut by_head: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let lower_roles: Vec<Vec<String>> = t
        .actors
        .iter()
        .map(|a| a.roles.iter().map(|r| r.to_lowercase()).collect())
        .collect();
    for (i, a) in t.actors.iter().enumerate() {
        for k in head_keys(a, &lower_roles[i]) {
            let v = by_head.entry(k).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    // The ids when every actor is kept (no roster actor goes unmentioned): the usual case.
    assign_ids(&mut t.actors);
    let (placed, placed_at) = by_paragraph(
        placed
            .into_iter()
            .map(|(p, ci, i, via)| (p, (ci, i, via)))
            .collect(),
        views.len(),
        |x| x.0,
    );
    let mut shared = vec![false; t.actors.len()];
    for among in suffixes.values().chain(firsts.values()) {
        if among.len() >= 2 {
            for &i in among {
                shared[i] = true;
            }
        }
    }
    let mut names = Names {
        born: t.born,
        roster_actors,
        after_1a,
        dropped_parts,
        by_name: t.by_name,
        suffixes,
        firsts,
        cores: Vec::new(),
        quiet: Vec::new(),
        before_pass2,
        shared,
        genders: t.actors.iter().map(|a| a.gender).collect(),
        actors: t.actors,
        placed,
        placed_at,
        by_head,
        lower_roles,
        roster_phrases,
        org_parts,
    };
    names.seal(views, &cands, &starts);
    names
}

/// A mention resolved before or by the pronoun pass: tokens, actor (`Names` numbering),
/// how it names the actor, and its span relative to its paragraph.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Hit {
    first: u32,
    last: u32,
    actor: u32,
    via: Via,
    span: (u32, u32),
}

impl Hit {
    /// The mention, for paragraph `p`.
    fn mention(&self, p: usize) -> ActorMention {
        ActorMention {
            at: Span::new(self.span.0 as usize, self.span.1 as usize),
            via: self.via,
            paragraph: p,
        }
    }
}

/// What a pronoun of paragraph `p` may look back to besides its own paragraph: the
/// mentions of paragraphs p-1 and p-2 (`hits` has at least the paragraphs before `p`).
fn earlier(hits: &[Vec<Hit>], p: usize) -> [&[Hit]; 2] {
    let at = |back: usize| p.checked_sub(back).map_or(&[][..], |q| hits[q].as_slice());
    [at(1), at(2)]
}

/// Paragraph `p`'s mentions before pronouns (placed candidates, roster phrases,
/// nominals), in token order. It reads only the paragraph and `names`.
fn paragraph_hits(v: &ParaView, p: usize, names: &Names) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for &(ci, i, via) in names.placed_in(p) {
        let Some(c) = v.mentions.candidates.get(ci) else {
            continue;
        };
        hits.push(Hit {
            first: c.first_token,
            last: c.last_token,
            actor: i as u32,
            via,
            span: c.span,
        });
    }
    // Roster names and aliases wherever the text has them and no other mention does
    // ("the Pentagon chief").
    for (phrase, i) in &names.roster_phrases {
        // "the Pentagon chief" also opens a sentence as "The Pentagon chief".
        let mut forms = vec![phrase.clone()];
        let mut cs = phrase.chars();
        if let Some(c0) = cs.next().filter(|c| c.is_lowercase()) {
            forms.push(c0.to_uppercase().chain(cs).collect());
        }
        let found: Vec<usize> = forms
            .iter()
            .flat_map(|f| v.text.match_indices(f.as_str()).map(|(o, _)| o))
            .collect();
        for at in found {
            let end = at + phrase.len();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if !boundary(v.text[..at].chars().next_back())
                || !boundary(v.text[end..].chars().next())
            {
                continue;
            }
            let first = v.tokens.partition_point(|tk| (tk.start() as usize) < at);
            let last = v.tokens.partition_point(|tk| (tk.end() as usize) <= end);
            if first >= last {
                continue;
            }
            // The alias is more specific than any name inside it ("Pentagon").
            let inside = |h: &Hit| (h.first as usize) < last && first <= h.last as usize;
            if hits
                .iter()
                .any(|h| inside(h) && ((h.first as usize) < first || h.last as usize >= last))
            {
                continue;
            }
            let starts: Vec<u32> = hits.iter().filter(|h| inside(h)).map(|h| h.first).collect();
            hits.retain(|h| !starts.contains(&h.first));
            hits.push(Hit {
                first: first as u32,
                last: (last - 1) as u32,
                actor: *i as u32,
                via: Via::Roster,
                span: (at as u32, end as u32),
            });
        }
    }
    for n in &v.mentions.nominals {
        let Some(i) = names.nominal_actor(n) else {
            continue;
        };
        hits.push(Hit {
            first: n.token as u32,
            last: n.token as u32,
            actor: i as u32,
            via: Via::Title,
            span: n.span,
        });
    }
    hits.sort_by_key(|h| (h.first, h.last, h.actor));
    hits
}

/// What the rest of the document sees of a paragraph's mentions before pronouns: who,
/// how, and whether a speech verb stands beside them (`speaking`, `confirmed`).
/// Per mention before pronouns: (actor, how it is named, beside a speech verb).
type Signature = Vec<(u32, Via, bool)>;

fn signature(v: &ParaView, hits: &[Hit]) -> Signature {
    hits.iter()
        .map(|h| {
            let speaks = is_speech_verb(v, h.last as usize + 1)
                || is_speech_verb(v, (h.first as usize).wrapping_sub(1));
            (h.actor, h.via, speaks)
        })
        .collect()
}

/// The last assembly of a document, kept so that the next one redoes only the paragraphs
/// whose text changed, as long as nothing they decide reaches another paragraph.
#[derive(Debug)]
struct Assembled {
    names: Arc<Names>,
    keys: Vec<u64>,
    /// Per paragraph: `signature` of its mentions before pronouns.
    sigs: Vec<Signature>,
    /// Per paragraph: every mention after pronouns, in token order (`Names` numbering).
    hits: Vec<Vec<Hit>>,
    /// Genders learnt from pronouns: (paragraph, actor, gender), in document order.
    learnt: Vec<(usize, usize, Gender)>,
    eligible: Vec<bool>,
    /// Per actor: its mentions before pronouns beside a speech verb, and by honorific
    /// (`eligible` is read from these).
    speaking: Vec<u32>,
    honorific: Vec<u32>,
    /// `Names` numbering -> the output's (`usize::MAX`: an unmentioned roster actor).
    map: Vec<usize>,
    /// The output, before `rebind_quoted_pronouns` (which works on a copy).
    actors: Chunked<Actor>,
    resolved: Arc<Vec<Vec<Resolved>>>,
    quoted_pronouns: Vec<bool>,
}

impl Assembled {
    /// Everything but the names and keys is equal (for checking an assembly brought up to
    /// date against a fresh one).
    fn same_as(&self, o: &Assembled) -> bool {
        self.sigs == o.sigs
            && self.hits == o.hits
            && self.learnt == o.learnt
            && self.eligible == o.eligible
            && self.speaking == o.speaking
            && self.honorific == o.honorific
            && self.map == o.map
            && self.actors == o.actors
            && self.resolved == o.resolved
            && self.quoted_pronouns == o.quoted_pronouns
    }

    fn linked(&self, call: u64, since: Option<(u64, Vec<usize>)>) -> Linked {
        Linked {
            actors: self.actors.clone(),
            resolved: self.resolved.clone(),
            quoted_pronouns: self.quoted_pronouns.clone(),
            call,
            since,
            moved: None,
        }
    }
}

/// Whether a gendered third-person pronoun ("he", "her"...) inside one of the paragraph's
/// quotes was resolved: the only ones `rebind_quoted_pronouns` moves.
fn quoted_pronoun(v: &ParaView, hits: &[Hit]) -> bool {
    hits.iter().any(|h| {
        h.via == Via::Pronoun
            && v.quotes
                .iter()
                .any(|q| q.inner.0 <= h.span.0 && h.span.1 <= q.inner.1)
            && v.text
                .get(h.span.0 as usize..h.span.1 as usize)
                .and_then(gendered)
                .is_some()
    })
}

fn resolved_of(hits: &[Hit], map: &[usize]) -> Vec<Resolved> {
    hits.iter()
        .filter(|h| map[h.actor as usize] != usize::MAX)
        .map(|h| (h.first, h.last, map[h.actor as usize] as u32))
        .collect()
}

/// Everything `Names` leaves to the text: mention spans, roster phrases, who speaks,
/// pronouns, affiliation references and ids.
fn assemble(views: &[ParaView], names: &Arc<Names>) -> Assembled {
    let lex = Lexicon::get();
    // Each paragraph's hits and signature read that paragraph and the names alone. On
    // opening a long draft the other cores are idle by now (the duplicate pass ran beside
    // linking and is done), so they share the paragraphs.
    let one = |from: usize, views: &[ParaView]| -> Vec<(Vec<Hit>, Signature)> {
        views
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let hits = paragraph_hits(v, from + k, names);
                let sig = signature(v, &hits);
                (hits, sig)
            })
            .collect()
    };
    let threads = if views.len() >= 2 * super::PARALLEL_BATCH {
        super::threads()
    } else {
        1
    };
    let both = super::on_threads(views, threads, one);
    let (pre, sigs): (Vec<Vec<Hit>>, Vec<Signature>) = both.into_iter().unzip();
    let n = names.actors.len();
    let mut speaking = vec![0u32; n];
    let mut honorific = vec![0u32; n];
    for &(i, via, speaks) in sigs.iter().flatten() {
        speaking[i as usize] += u32::from(speaks);
        honorific[i as usize] += u32::from(via == Via::Honorific);
    }
    let eligible: Vec<bool> = names
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| eligible(speaking[i], honorific[i], a, lex))
        .collect();
    let mut genders: Vec<Gender> = names.genders.clone();
    let mut hits = pre;
    let mut learnt = Vec::new();
    let fit = Fit {
        actors: &names.actors,
        eligible: &eligible,
    };
    for (p, v) in views.iter().enumerate() {
        let (done, rest) = hits.split_at_mut(p);
        pronouns_in(
            v,
            p,
            &mut rest[0],
            earlier(done, p),
            &fit,
            &mut genders,
            &mut learnt,
        );
    }
    let mut actors: Vec<Actor> = names.actors.clone();
    for (a, g) in actors.iter_mut().zip(&genders) {
        a.gender = *g;
    }
    let mut lists: Vec<Vec<ActorMention>> = vec![Vec::new(); n];
    for (p, hs) in hits.iter().enumerate() {
        for h in hs {
            lists[h.actor as usize].push(h.mention(p));
        }
    }
    for (a, mut ms) in actors.iter_mut().zip(lists) {
        ms.sort_by_key(ActorMention::order);
        // Kept until the actor's mentions change: without the room pushing left.
        ms.shrink_to_fit();
        a.mentions = Arc::new(ms);
    }
    for h in &mut hits {
        h.shrink_to_fit();
    }
    resolve_affiliation_refs(&mut actors);
    // A short form of an organisation as affiliation ("Rovers") names the organisation.
    let short: Vec<(usize, usize)> = actors
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((i, names.org_parts.get(a.affiliation.as_ref()?)?[0])))
        .collect();
    for (i, full) in short {
        let name = actors[full].name.clone();
        actors[i].info_mut().affiliation = Some(name);
    }
    // Roster actors the draft never mentions are not part of it.
    let mut map = vec![usize::MAX; n];
    let mut kept = 0;
    for (i, a) in actors.iter().enumerate() {
        if !a.mentions.is_empty() {
            map[i] = kept;
            kept += 1;
        }
    }
    if kept < n {
        actors.retain(|a| !a.mentions.is_empty());
        // The actors were copied from `names` with their ids; only a dropped one shifts them.
        assign_ids(&mut actors);
    }
    let resolved = hits.iter().map(|h| resolved_of(h, &map)).collect();
    let quoted_pronouns = views
        .iter()
        .zip(&hits)
        .map(|(v, h)| quoted_pronoun(v, h))
        .collect();
    Assembled {
        names: names.clone(),
        keys: views.iter().map(|v| v.key).collect(),
        sigs,
        hits,
        learnt,
        eligible,
        speaking,
        honorific,
        map,
        actors: actors.into(),
        resolved: Arc::new(resolved),
        quoted_pronouns,
    }
}

/// Who may take a pronoun: a person who speaks beside a speech verb or is named with an
/// honorific somewhere (counts of such mentions), or `confirmed` by names.
fn eligible(speaking: u32, honorific: u32, a: &Actor, lex: &Lexicon) -> bool {
    speaking > 0 || honorific > 0 || confirmed(a, lex)
}

/// The noun of an affiliation given as a reference ("its", "the union's": "@its",
/// "@union"), which `resolve_affiliation_refs` reads from where organisations are named.
fn affiliation_ref(a: &Actor) -> Option<&str> {
    a.affiliation.as_ref()?.strip_prefix('@')
}

fn refers(a: &Actor) -> bool {
    affiliation_ref(a).is_some()
}

/// The paragraph of the last first mention among people whose affiliation is a reference
/// (`usize::MAX` for one not mentioned; `None` if there are none): an organisation named in
/// a paragraph up to this one may be such a person's affiliation.
fn last_referring(names: &Names, last: &Assembled) -> Option<usize> {
    names
        .actors
        .iter()
        .enumerate()
        .filter(|(_, a)| refers(a))
        .map(|(i, _)| {
            last.actors
                .get(last.map[i])
                .and_then(|o| o.mentions.first())
                .map_or(usize::MAX, |m| m.paragraph)
        })
        .max()
}

/// Renumbers the last assembly's actors as `Names::patch_solitary` renumbered the names
/// (`names`), for `reassemble` to redo the paragraph that changed. That holds when
/// neither actor reaches beyond that paragraph in the assembly either: the one dropped
/// was mentioned there alone (no pronoun or nominal elsewhere names it, no gender was
/// learnt for it); no nominal of another paragraph ends in a word either could be named
/// by; no affiliation is read from either (a short form of one's name, or a reference
/// resolved to an organisation). Returns the output's old actor numbers' new ones
/// (`Linked::moved`); `None` if not (and then `last` is to be replaced).
fn renumber_assembly(
    paras: &Paras,
    names: &Arc<Names>,
    last: &mut Assembled,
    rn: &Renumbered,
    lookups: Option<&FxHashMap<u64, u32>>,
) -> Option<Vec<usize>> {
    let lex = Lexicon::get();
    let p = rn.p;
    let n = names.actors.len();
    let old_n = last.eligible.len();
    let lookups = lookups?;
    if p >= last.hits.len() || last.hits.len() != paras.keys.len() || old_n != last.map.len() {
        return None;
    }
    let view = (paras.view)(p);
    if let Some(r) = rn.gone {
        let o = last.map.get(r).copied().unwrap_or(usize::MAX);
        if o == usize::MAX
            || last.actors[o].mentions.iter().any(|m| m.paragraph != p)
            || last.learnt.iter().any(|e| e.1 == r)
        {
            return None;
        }
    }
    let mut buf = String::new();
    for k in &rn.heads {
        let key = nominal_key(k, &mut buf);
        let here = view.mentions.nominals.iter();
        let here = here.filter(|m| nominal_word(m) == k.as_str()).count();
        if lookups.get(&key).map_or(0, |&c| c as usize) != here {
            return None;
        }
    }
    let affiliated = |a: &Actor| {
        a.affiliation
            .as_ref()
            .is_some_and(|f| rn.parts.iter().any(|part| part == f))
    };
    if names
        .actors
        .iter()
        .any(|a| affiliated(a) || (rn.orgs && refers(a)))
        || rn.came.is_some_and(|x| refers(&names.actors[x]))
    {
        return None;
    }
    let came_eligible = match rn.came {
        None => None,
        Some(x) => {
            let pre = paragraph_hits(&view, p, names);
            let sig = signature(&view, &pre);
            let mine: Vec<_> = sig.iter().filter(|e| e.0 as usize == x).collect();
            // Made, but not mentioned (another mention took its words): not kept.
            if mine.is_empty() {
                return None;
            }
            let speaks = mine.iter().filter(|e| e.2).count() as u32;
            let honorific = mine.iter().filter(|e| e.1 == Via::Honorific).count() as u32;
            Some(eligible(speaks, honorific, &names.actors[x], lex))
        }
    };
    // Every check passed: renumber.
    let renumber = |i: u32| rn.map(i as usize).map(|j| j as u32);
    for hs in &mut last.hits {
        hs.retain_mut(|h| renumber(h.actor).map(|j| h.actor = j).is_some());
    }
    for sig in &mut last.sigs {
        sig.retain_mut(|e| renumber(e.0).map(|j| e.0 = j).is_some());
    }
    for e in &mut last.learnt {
        e.1 = rn.map(e.1).unwrap_or(usize::MAX);
    }
    // Per actor: the counts the new paragraph's mentions will add to (so the new actor
    // starts at none), and who may take a pronoun, as it will be once they are added.
    let per_actor = |old: &[u32], fresh: u32| -> Vec<u32> {
        (0..n)
            .map(|j| rn.unmap(j).map_or(fresh, |i| old[i]))
            .collect()
    };
    last.speaking = per_actor(&last.speaking, 0);
    last.honorific = per_actor(&last.honorific, 0);
    last.eligible = (0..n)
        .map(|j| match rn.unmap(j) {
            Some(i) => last.eligible[i],
            None => came_eligible.unwrap_or(false),
        })
        .collect();
    // The output: kept actors in the new order, the new one without mentions (the
    // paragraph's, redone, adds them).
    let mut map = vec![usize::MAX; n];
    let mut out_of_old = vec![usize::MAX; last.actors.len()];
    let mut actors: Vec<Actor> = Vec::with_capacity(last.actors.len() + 1);
    for (j, slot) in map.iter_mut().enumerate() {
        match rn.unmap(j) {
            Some(i) if last.map[i] != usize::MAX => {
                *slot = actors.len();
                out_of_old[last.map[i]] = actors.len();
                actors.push(last.actors[last.map[i]].clone());
            }
            Some(_) => {}
            None => {
                let mut a = names.actors[j].clone();
                a.gender = names.genders[j];
                a.mentions = Arc::default();
                let short = a.affiliation.as_ref().and_then(|f| names.org_parts.get(f));
                if let Some(&[full]) = short.map(Vec::as_slice) {
                    a.info_mut().affiliation = Some(names.actors[full].name.clone());
                }
                *slot = actors.len();
                actors.push(a);
            }
        }
    }
    if actors.len() < n {
        assign_ids(&mut actors);
    } else {
        for (a, b) in actors.iter_mut().zip(names.actors.iter()) {
            if a.id != b.id {
                a.info_mut().id = b.id.clone();
            }
        }
    }
    last.map = map;
    last.actors = actors.into();
    for rs in Arc::make_mut(&mut last.resolved) {
        rs.retain_mut(|e| {
            let o = out_of_old.get(e.2 as usize).copied().unwrap_or(usize::MAX);
            e.2 = o as u32;
            o != usize::MAX
        });
    }
    last.names = names.clone();
    Some(out_of_old)
}

/// Brings the last assembly up to date when only some paragraphs' text changed and what
/// they decide for the others is unchanged: which actors may take a pronoun (`eligible`,
/// from counts of who speaks and who has an honorific), the genders learnt, the pronouns
/// of the two paragraphs after one whose mentions changed (resolved again, they must come
/// out the same), the affiliations read from where organisations are mentioned (an
/// organisation's mentions, or those of a person whose affiliation is such a reference,
/// must not change) and which actors are kept (none may gain its first mention or lose
/// its last). Then only their mentions are replaced (the others', placed in their
/// paragraphs, stand); the changed paragraphs are returned. `None` when that does not
/// hold (and then `last` is to be replaced).
fn reassemble(paras: &Paras, names: &Arc<Names>, last: &mut Assembled) -> Option<Vec<usize>> {
    if !Arc::ptr_eq(names, &last.names) || paras.keys.len() != last.keys.len() {
        return None;
    }
    let lex = Lexicon::get();
    let count = paras.keys.len();
    let changed = differing(&last.keys, paras.keys, paras.before.as_ref());
    // Mentions before pronouns, and who may take a pronoun now.
    let mut pres: FxHashMap<usize, (ParaView, Vec<Hit>)> = FxHashMap::default();
    let mut sigs: Vec<(usize, Signature)> = Vec::new();
    for &p in &changed {
        let view = (paras.view)(p);
        let pre = paragraph_hits(&view, p, names);
        let sig = signature(&view, &pre);
        if sig != last.sigs[p] {
            for (&(i, via, speaks), add) in last.sigs[p]
                .iter()
                .map(|e| (e, false))
                .chain(sig.iter().map(|e| (e, true)))
            {
                let (s, h) = (u32::from(speaks), u32::from(via == Via::Honorific));
                let i = i as usize;
                if add {
                    last.speaking[i] += s;
                    last.honorific[i] += h;
                } else {
                    last.speaking[i] -= s;
                    last.honorific[i] -= h;
                }
            }
            for &(i, _, _) in last.sigs[p].iter().chain(&sig) {
                let i = i as usize;
                let now = eligible(last.speaking[i], last.honorific[i], &names.actors[i], lex);
                if now != last.eligible[i] {
                    return None;
                }
            }
            sigs.push((p, sig));
        }
        pres.insert(p, (view, pre));
    }
    // Pronouns, in document order: the changed paragraphs, and the two after any whose
    // mentions changed (they read its mentions).
    let mut genders: Vec<Gender> = names.genders.clone();
    let mut next = 0; // into last.learnt
    let mut todo: std::collections::BTreeSet<usize> = changed.iter().copied().collect();
    let mut redone: FxHashMap<usize, Vec<Hit>> = FxHashMap::default();
    let last_first_ref = std::cell::OnceCell::new();
    let fit = Fit {
        actors: &names.actors,
        eligible: &last.eligible,
    };
    while let Some(p) = todo.pop_first() {
        while let Some(&(_, i, g)) = last.learnt.get(next).filter(|e| e.0 < p) {
            genders[i] = g;
            next += 1;
        }
        let edited = pres.contains_key(&p);
        let (view, mut hits) = match pres.remove(&p) {
            Some(x) => x,
            None => {
                let view = (paras.view)(p);
                let pre = paragraph_hits(&view, p, names);
                (view, pre)
            }
        };
        let mut learnt = Vec::new();
        let at = |back: usize| {
            p.checked_sub(back).map_or(&[][..], |q| {
                redone.get(&q).unwrap_or(&last.hits[q]).as_slice()
            })
        };
        pronouns_in(
            &view,
            p,
            &mut hits,
            [at(1), at(2)],
            &fit,
            &mut genders,
            &mut learnt,
        );
        let before: Vec<(usize, Gender)> = last.learnt[next..]
            .iter()
            .take_while(|e| e.0 == p)
            .map(|e| (e.1, e.2))
            .collect();
        next += before.len();
        let now: Vec<(usize, Gender)> = learnt.iter().map(|e| (e.1, e.2)).collect();
        if now != before {
            return None;
        }
        let old = &last.hits[p];
        if !edited {
            if hits != *old {
                return None; // a pronoun after the edit names someone else now
            }
            continue;
        }
        if !hits.iter().map(|h| h.actor).eq(old.iter().map(|h| h.actor)) {
            // An affiliation given as a reference is the organisation last named before
            // the person's first mention: one named here counts for people first
            // mentioned here or later. It reads only the order of those mentions, so it
            // stands while this paragraph names organisations and such people as before.
            let read = |hs: &'_ [Hit]| {
                hs.iter()
                    .map(|h| h.actor as usize)
                    .filter(|&i| {
                        let a = &names.actors[i];
                        refers(a) || a.kind == ActorKind::Organization
                    })
                    .collect::<Vec<usize>>()
            };
            let same_order = read(&hits) == read(old);
            let reads_here = || {
                last_first_ref
                    .get_or_init(|| last_referring(names, last))
                    .is_some_and(|f| f >= p)
            };
            for h in hits.iter().chain(old) {
                let a = &names.actors[h.actor as usize];
                if last.map[h.actor as usize] == usize::MAX
                    || (!same_order
                        && (refers(a) || (a.kind == ActorKind::Organization && reads_here())))
                {
                    return None;
                }
            }
            for q in [p + 1, p + 2] {
                if q < count {
                    todo.insert(q);
                }
            }
        }
        redone.insert(p, hits);
    }
    // No actor may lose its last mention (counting every redone paragraph's new ones).
    for (&p, hits) in &redone {
        for h in &last.hits[p] {
            let still = |a: usize| {
                redone
                    .values()
                    .any(|hs| hs.iter().any(|x| x.actor as usize == a))
                    || last.actors[last.map[a]]
                        .mentions
                        .iter()
                        .any(|m| !redone.contains_key(&m.paragraph))
            };
            if !hits.iter().any(|x| x.actor == h.actor) && !still(h.actor as usize) {
                return None;
            }
        }
    }
    // Nothing reaches beyond the changed paragraphs: commit. Mentions are placed in
    // their paragraphs, so the others' stand as they are.
    for (p, sig) in sigs {
        last.sigs[p] = sig;
    }
    let resolved = Arc::make_mut(&mut last.resolved);
    for (p, hits) in redone {
        let view = (paras.view)(p);
        last.quoted_pronouns[p] = quoted_pronoun(&view, &hits);
        // Every actor mentioned here, before or now, is a kept one (checked above).
        let mut touched: Vec<usize> = hits
            .iter()
            .chain(&last.hits[p])
            .map(|h| last.map[h.actor as usize])
            .filter(|&j| j != usize::MAX)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for j in touched {
            let ms = Arc::make_mut(&mut last.actors.make_mut(j).mentions);
            ms.retain(|m| m.paragraph != p);
            let at = ms.partition_point(|m| m.paragraph < p);
            let new: Vec<ActorMention> = hits
                .iter()
                .filter(|h| last.map[h.actor as usize] == j)
                .map(|h| h.mention(p))
                .collect();
            let n = new.len();
            ms.splice(at..at, new);
            ms[at..at + n].sort_by_key(|m| m.at);
        }
        resolved[p] = resolved_of(&hits, &last.map);
        last.hits[p] = hits;
    }
    for &p in &changed {
        last.keys[p] = paras.keys[p];
    }
    Some(changed)
}

/// Ids from names ("pete-hegseth"), numbered when two actors share one.
fn assign_ids(actors: &mut [Actor]) {
    // Sized once: every relink makes every id again.
    let mut used =
        rustc_hash::FxHashSet::with_capacity_and_hasher(actors.len(), Default::default());
    let mut id = String::new();
    for a in actors {
        slug_into(&a.name, &mut id);
        if used.contains(id.as_str()) {
            let base = std::mem::take(&mut id);
            let mut k = 2;
            loop {
                id = format!("{base}-{k}");
                if !used.contains(id.as_str()) {
                    break;
                }
                k += 1;
            }
        }
        if a.id != id {
            a.info_mut().id = id.clone();
        }
        used.insert(a.id.as_str());
    }
}

/// "Its chief executive, X" / "the union’s negotiator, X": the affiliation was recorded as
/// a reference ("@its", "@union"); it is the organisation the draft last named before the
/// person, or the one whose name ends in that noun.
fn resolve_affiliation_refs(actors: &mut [Actor]) {
    // Each organisation's name and where it is mentioned (paragraph, offset in it).
    let orgs: Vec<(String, Vec<(usize, usize)>)> = actors
        .iter()
        .filter(|a| a.kind == ActorKind::Organization)
        .map(|a| {
            (
                a.name.clone(),
                a.mentions
                    .iter()
                    .map(|m| (m.paragraph, m.at.start))
                    .collect(),
            )
        })
        .collect();
    for a in actors.iter_mut() {
        let Some(r) = affiliation_ref(a).map(str::to_string) else {
            continue;
        };
        let at = a
            .mentions
            .first()
            .map_or((0, 0), |m| (m.paragraph, m.at.start));
        let by_head = orgs
            .iter()
            .filter(|(name, _)| {
                name.split(' ')
                    .next_back()
                    .is_some_and(|w| w.eq_ignore_ascii_case(&r))
            })
            .map(|(name, _)| name.clone())
            .next();
        let latest = orgs
            .iter()
            .filter_map(|(name, starts)| {
                starts
                    .iter()
                    .filter(|&&s| s < at)
                    .max()
                    .map(|s| (*s, name.clone()))
            })
            .max()
            .map(|(_, n)| n);
        a.info_mut().affiliation = by_head.or(latest);
    }
}

/// Inside a quote, "he" is never the speaker himself: a third-person pronoun resolved to
/// the quote's own speaker moves to the nearest other person of that gender before it.
/// `para(p)` is paragraph p's text; its quotes are `quotes[at[p]..at[p + 1]]`.
pub fn rebind_quoted_pronouns<'t>(
    actors: &mut Chunked<Actor>,
    quotes: &Chunked<super::Quote>,
    para: &dyn Fn(usize) -> &'t str,
    quoted_pronouns: &[bool],
    resolved: &[Vec<Resolved>],
    at: &[usize],
) {
    // Most paragraphs resolve no pronoun inside their quotes: nothing to look at.
    let flagged = quoted_pronouns.iter().enumerate().filter(|(_, f)| **f);
    let quotes_of = flagged
        .flat_map(|(p, _)| at.get(p).copied().unwrap_or(0)..at.get(p + 1).copied().unwrap_or(0));
    for qi in quotes_of {
        let q = &quotes[qi];
        let Some(s) = q.speaker else { continue };
        let (inner, opens) = (q.inner, (q.paragraph, q.span.start));
        // Mentions are in document order: look only at those inside the quote.
        let ms = &actors[s].mentions;
        let from = ms.partition_point(|m| (m.paragraph, m.at.start) < (q.paragraph, inner.start));
        let moved: Vec<ActorMention> = ms[from..]
            .iter()
            .take_while(|m| m.paragraph == q.paragraph && m.at.start < inner.end)
            .filter(|m| m.via == Via::Pronoun && m.at.end <= inner.end)
            .cloned()
            .collect();
        for m in moved {
            let Some(male) = gendered(&para(q.paragraph)[m.at.start..m.at.end]) else {
                continue;
            };
            // The person (not the speaker, not of the other gender) named last before the
            // quote opens: looked for paragraph by paragraph, back from the quote's, among
            // the actors each mentions (named mentions never move here).
            let fits = |i: usize| {
                let a = &actors[i];
                i != s
                    && a.kind == ActorKind::Person
                    && if male {
                        a.gender != Gender::Female
                    } else {
                        a.gender != Gender::Male
                    }
            };
            let named_in = |pp: usize, i: usize| {
                let ms = &actors[i].mentions;
                let from = ms.partition_point(|x| x.paragraph < pp);
                ms[from..]
                    .iter()
                    .take_while(|x| x.paragraph == pp)
                    .filter(|x| x.via != Via::Pronoun && (pp, x.at.end) <= opens)
                    .map(|x| (x.at.start, i))
                    .max()
            };
            let other = (0..=q.paragraph).rev().find_map(|pp| {
                resolved
                    .get(pp)?
                    .iter()
                    .filter(|e| fits(e.2 as usize))
                    .filter_map(|e| named_in(pp, e.2 as usize))
                    .max()
            });
            if let Some((_, i)) = other {
                Arc::make_mut(&mut actors.make_mut(s).mentions).retain(|x| x.order() != m.order());
                let to = Arc::make_mut(&mut actors.make_mut(i).mentions);
                to.push(m);
                to.sort_by_key(ActorMention::order);
            }
        }
    }
}

/// Some(true) for "he", "him", "his", "himself", Some(false) for "she", "her", "hers",
/// "herself", in any case.
fn gendered(word: &str) -> Option<bool> {
    let any = |words: [&str; 4]| words.iter().any(|w| word.eq_ignore_ascii_case(w));
    if any(["he", "him", "his", "himself"]) {
        Some(true)
    } else if any(["she", "her", "hers", "herself"]) {
        Some(false)
    } else {
        None
    }
}

/// An actor's id from its name ("pete-hegseth"), written into `out`.
fn slug_into(name: &str, out: &mut String) {
    out.clear();
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            // Every actor's id is made again on each relink: ASCII letters skip the
            // Unicode case tables.
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                out.extend(ch.to_lowercase());
            }
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("actor");
    }
}

/// Who a pronoun may stand for: the actors' kinds (from `Names`) and whether each is a
/// confirmed person or speaker.
struct Fit<'a> {
    actors: &'a [Actor],
    eligible: &'a [bool],
}

/// Pronouns take the most recent compatible actor in their paragraph or the two before
/// (`earlier`: paragraphs p-1 and p-2): he/she a person of that gender or unknown gender,
/// it/they an organisation (or a country). An unknown gender is learnt from the first
/// pronoun resolved to it (`learnt`). The pronouns join `hits` in token order.
fn pronouns_in(
    v: &ParaView,
    p: usize,
    hits: &mut Vec<Hit>,
    earlier: [&[Hit]; 2],
    fit: &Fit,
    genders: &mut [Gender],
    learnt: &mut Vec<(usize, usize, Gender)>,
) {
    for pr in &v.mentions.pronouns {
        let fits = |i: usize, genders: &[Gender]| {
            let a = &fit.actors[i];
            fit.eligible.get(i).copied().unwrap_or(true)
                && match pr.class {
                    PronounClass::He => a.kind == ActorKind::Person && genders[i] != Gender::Female,
                    PronounClass::She => a.kind == ActorKind::Person && genders[i] != Gender::Male,
                    PronounClass::It | PronounClass::They => {
                        a.kind == ActorKind::Organization
                            || (a.kind == ActorKind::Place
                                && a.subtype.as_deref() == Some("country"))
                    }
                }
        };
        let sent = v.tokens[pr.token].sentence();
        let in_sentence = |first: usize| v.tokens[first].sentence() == sent;
        let mut pick = None;
        // "X … and said it would", "Noordzee said it", "Zelensky suggested that he":
        // the subject of a speech verb right before the pronoun.
        let mut k = pr.token;
        if k > 0 && v.tokens[k - 1].text(v.text) == "that" {
            k -= 1;
        }
        if k > 0 && is_speech_verb(v, k - 1) {
            let verb = k - 1;
            let coordinated = verb > 0 && v.tokens[verb - 1].text(v.text) == "and";
            let mut before = hits.iter().filter(|h| {
                (h.last as usize) < verb
                    && in_sentence(h.first as usize)
                    && fits(h.actor as usize, genders)
            });
            pick = if coordinated {
                before.next()
            } else {
                before.next_back()
            }
            .map(|h| h.actor);
        }
        // A pronoun opening a sentence continues the previous sentence's subject.
        if pick.is_none()
            && v.tokens[pr.token].sentence_start()
            && matches!(pr.class, PronounClass::He | PronounClass::She)
            && sent > 0
        {
            pick = hits
                .iter()
                .find(|h| {
                    v.tokens[h.first as usize].sentence() + 1 == sent
                        && fits(h.actor as usize, genders)
                })
                .map(|h| h.actor);
        }
        if pick.is_none() {
            pick = hits
                .iter()
                .rev()
                .filter(|h| (h.last as usize) < pr.token)
                .chain(earlier[0].iter().rev())
                .chain(earlier[1].iter().rev())
                .find(|h| fits(h.actor as usize, genders))
                .map(|h| h.actor);
        }
        if let Some(i) = pick.map(|i| i as usize) {
            if genders[i] == Gender::Unknown {
                let g = match pr.class {
                    PronounClass::He => Gender::Male,
                    PronounClass::She => Gender::Female,
                    _ => Gender::Unknown,
                };
                if g != Gender::Unknown {
                    genders[i] = g;
                    learnt.push((p, i, g));
                }
            }
            let at = hits.partition_point(|h| (h.first as usize) < pr.token);
            hits.insert(
                at,
                Hit {
                    first: pr.token as u32,
                    last: pr.token as u32,
                    actor: i as u32,
                    via: Via::Pronoun,
                    span: pr.span,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Analyzer, Config, Format};

    #[test]
    fn ids_are_lowercase_words_joined_by_hyphens() {
        let slug = |name: &str| {
            let mut out = String::new();
            super::slug_into(name, &mut out);
            out
        };
        assert_eq!(slug("Pete Hegseth"), "pete-hegseth");
        assert_eq!(slug("U.S. Defense Dept."), "u-s-defense-dept");
        assert_eq!(slug("  O'Brien & Sons -- 2nd "), "o-brien-sons-2nd");
        assert_eq!(slug("José Martí-Ñúñez"), "josé-martí-ñúñez");
        assert_eq!(slug("ÉLAN Group"), "élan-group");
        assert_eq!(slug("…"), "actor");
    }

    const DRAFT: &str = "The Harbour Authority fined Noordzee Container Terminals on Tuesday.\n\n\
Maria Velasquez, the authority's chief executive, said the Qorvath plan was dead.\n\n\
Velasquez said she would meet Tom Brennan of the dock workers' union.\n\n\
Ostrander said the port was safe.\n";

    /// Analyses `DRAFT`, then `edited` with the same analyzer; whether the names of the
    /// first were brought up to date (not linked afresh), and that the result is a fresh
    /// analysis's.
    fn names_patched(edited: &str) -> bool {
        names_patched_from(DRAFT, edited)
    }

    fn names_patched_from(draft: &str, edited: &str) -> bool {
        let config = Config::default();
        let mut analyzer = Analyzer::new();
        analyzer.analyze(draft, Format::Plain, &config);
        let memo = &analyzer.link_memo;
        let (relinks, digests) = (memo.relinks, memo.digests.clone());
        let again = analyzer.analyze(edited, Format::Plain, &config);
        let fresh = analyze(edited, Format::Plain, &config);
        assert_eq!(format!("{:?}", again.actors), format!("{:?}", fresh.actors));
        assert_eq!(format!("{:?}", again.quotes), format!("{:?}", fresh.quotes));
        let memo = &analyzer.link_memo;
        assert_ne!(memo.digests, digests, "the edit changed what linking reads");
        memo.relinks == relinks
    }

    #[test]
    fn typing_inside_a_word_that_names_nobody_keeps_the_names() {
        assert!(names_patched(&DRAFT.replace("Qorvath", "Qorvathy")));
        // At a sentence start, its capitals prove nothing. Before a name: the name's
        // candidate is the paragraph's second now.
        assert!(names_patched(
            &DRAFT.replace("union.", "union. Qwerty was late.")
        ));
        assert!(names_patched(&DRAFT.replace("Maria", "Qwerty. Maria")));
    }

    #[test]
    fn what_relinking_replaced_is_kept_for_the_caller_until_the_next_analysis() {
        let config = Config::default();
        let mut analyzer = Analyzer::new();
        analyzer.analyze(DRAFT, Format::Plain, &config);
        // A second Velasquez each time: the surname names one of two people.
        let edits = ["Luis Velasquez", "Ana Velasquez", "Rosa Velasquez"];
        for name in edits {
            analyzer.analyze(&DRAFT.replace("Qorvath", name), Format::Plain, &config);
            // The names and the assembly this analysis replaced, not those of earlier ones.
            assert_eq!(analyzer.link_memo.retired.len(), 1, "{name}");
        }
        drop(analyzer.take_retired());
        assert!(analyzer.link_memo.retired.is_empty());
    }

    #[test]
    fn a_town_named_like_a_surname_links_afresh() {
        // "Houston" opening a sentence is the person: pass 2 does not look a town that is
        // someone's surname up by name, and the place called Houston is a known name.
        let draft = "Mara Houston spoke in Houston.\n\nThe vote followed.\n";
        let edited = draft.replace("followed.", "followed. Houston smiled.");
        assert!(!names_patched_from(draft, &edited));
    }

    /// `names_patched_from`, and whether the actors were renumbered for one that only the
    /// edited paragraph names.
    fn renumbered_from(draft: &str, edited: &str) -> bool {
        let config = Config::default();
        let mut analyzer = Analyzer::new();
        analyzer.analyze(draft, Format::Plain, &config);
        let (relinks, renumbers) = (analyzer.link_memo.relinks, analyzer.link_memo.renumbers);
        let again = analyzer.analyze(edited, Format::Plain, &config);
        let fresh = analyze(edited, Format::Plain, &config);
        assert_eq!(format!("{:?}", again.actors), format!("{:?}", fresh.actors));
        assert_eq!(format!("{:?}", again.quotes), format!("{:?}", fresh.quotes));
        let memo = &analyzer.link_memo;
        memo.relinks == relinks && memo.renumbers == renumbers + 1
    }

    #[test]
    fn typing_a_name_only_its_paragraph_has_renumbers_the_actors() {
        // A person of pass 1a, one next to a speech verb (pass 2), an organisation.
        for edited in [
            DRAFT.replace("Qorvath plan", "Qorvath plan, Anna Kowalski said,"),
            DRAFT.replace("the Qorvath plan was", "Qorvath said the plan was"),
            DRAFT.replace("on Tuesday", "and Vantor Logistics on Tuesday"),
        ] {
            assert!(renumbered_from(DRAFT, &edited), "{edited}");
        }
        // The other way: deleting it.
        let with = DRAFT.replace("Qorvath plan", "Qorvath plan, Anna Kowalski said,");
        assert!(renumbered_from(&with, DRAFT));
    }

    /// Analyses `draft`, then types `typed` at `at` a character at a time with the same
    /// analyser, each time checking its actors and quotes against a fresh analysis.
    fn type_letters(draft: &str, at: usize, typed: &str) -> Analyzer {
        let config = Config::default();
        let mut analyzer = Analyzer::new();
        analyzer.analyze(draft, Format::Plain, &config);
        for k in 1..=typed.len() {
            let edited = format!("{}{}{}", &draft[..at], &typed[..k], &draft[at..]);
            let again = analyzer.analyze(&edited, Format::Plain, &config);
            let fresh = analyze(&edited, Format::Plain, &config);
            assert_eq!(format!("{:?}", again.actors), format!("{:?}", fresh.actors));
            assert_eq!(format!("{:?}", again.quotes), format!("{:?}", fresh.quotes));
        }
        analyzer
    }

    #[test]
    fn typing_a_name_letter_by_letter_seldom_links_afresh() {
        let at = DRAFT.find(" on Tuesday").unwrap();
        let analyzer = type_letters(DRAFT, at, " and Ines Marchetti of Vantor Logistics");
        // Linked afresh: the first analysis, and the two keystrokes that split one
        // candidate in two ("Ines March", a month; "Vantor Log").
        let memo = &analyzer.link_memo;
        assert_eq!((memo.relinks, memo.renumbers), (3, 22));
        // Each brought the last assembly up to date rather than assembling afresh.
        assert_eq!(memo.reassemblies, 22);
    }

    #[test]
    fn typing_a_speaker_letter_by_letter_renumbers_the_quotes_speakers() {
        let draft = "The talks began late.\n\n\
On Monday Tom Brennan of the dock workers' union spoke first.\n\n\
\u{201C}We will appeal,\u{201D} said the company. \u{201C}Nothing was wrong.\u{201D}\n\n\
\u{201C}It is a slap on the wrist,\u{201D} Brennan said.\n";
        // Before the speaker of the last quote: the actors after the new one move up.
        let at = draft.find(".").unwrap();
        let analyzer = type_letters(draft, at, " with Priya Raman");
        let memo = &analyzer.link_memo;
        // Only the first analysis links afresh; every new actor is brought to the
        // assembly and the quotes without redoing them.
        assert_eq!((memo.relinks, memo.renumbers, memo.reassemblies), (1, 5, 5));
    }

    #[test]
    fn a_name_another_paragraph_looks_up_links_afresh() {
        // Pass 2 made Ostrander, after this paragraph: here it names nobody.
        assert!(!names_patched(&DRAFT.replace("Qorvath", "Ostrander")));
        // A second Velasquez: the surname names one of two people now.
        assert!(!names_patched(
            &DRAFT.replace("Qorvath plan", "Qorvath plan, Luis Velasquez said,")
        ));
    }

    const PEOPLE: &str = "The World Food Programme (WFP) and the Harbour Authority met.\n\n\
Tom Brennan and Tom Okafor arrived, then Dana Reyes and Priya Brennan.\n\n\
The talks began.\n\n\
Later Tom said it was over.\n";

    fn people_patched(edited: &str) -> bool {
        names_patched_from(PEOPLE, edited)
    }

    #[test]
    fn typing_a_known_name_keeps_the_names() {
        let said = |s: &str| PEOPLE.replace("The talks began.", &format!("The talks began. {s}"));
        // A surname, a first name, an organisation's short form.
        assert!(people_patched(&said("Reyes nodded.")));
        assert!(people_patched(&said("Dana nodded.")));
        assert!(people_patched(&said("Then Harbour objected.")));
        // A speech verb beside a known name: pass 2 does not read it for a known one.
        assert!(people_patched(&said("Reyes said so.")));
    }

    #[test]
    fn typing_a_known_name_redoes_only_its_paragraph() {
        let config = Config::default();
        let mut analyzer = Analyzer::new();
        analyzer.analyze(PEOPLE, Format::Plain, &config);
        let edited = PEOPLE.replace("The talks began.", "The talks began. Reyes said so.");
        let before = analyzer.link_memo.assemblies;
        let again = analyzer.analyze(&edited, Format::Plain, &config);
        let fresh = analyze(&edited, Format::Plain, &config);
        assert_eq!(format!("{:?}", again.actors), format!("{:?}", fresh.actors));
        assert_eq!(analyzer.link_memo.assemblies, before, "assembled in full");
    }

    #[test]
    fn naming_an_organisation_after_a_referring_affiliation_redoes_only_its_paragraph() {
        let draft = "The Harbour Authority met on Monday.\n\nThe talks began.\n\n\
The vote followed.\n\nThe company's lawyer, Priya Raman, spoke.\n\n\
Noordzee Container Terminals said nothing.\n\nThe meeting ended.\n";
        let assemblies = |edited: &str| {
            let config = Config::default();
            let mut analyzer = Analyzer::new();
            analyzer.analyze(draft, Format::Plain, &config);
            let before = analyzer.link_memo.assemblies;
            let again = analyzer.analyze(edited, Format::Plain, &config);
            let fresh = analyze(edited, Format::Plain, &config);
            assert_eq!(format!("{:?}", again.actors), format!("{:?}", fresh.actors));
            analyzer.link_memo.assemblies - before
        };
        // After Raman is first named: her affiliation stands.
        assert_eq!(
            assemblies(&draft.replace("ended.", "ended. Noordzee staff watched.")),
            0
        );
        // Before: "the company" is Noordzee now.
        assert_eq!(
            assemblies(&draft.replace("began.", "began. Noordzee staff watched.")),
            1
        );
    }

    #[test]
    fn naming_someone_beside_an_organisation_a_referring_affiliation_reads_redoes_only_its_paragraph(
    ) {
        // Raman's "the company" reads the organisations named before her; a known person
        // named beside them leaves their order, and so her affiliation, as it was.
        let draft = "Dana Reyes arrived.\n\nThe Harbour Authority met on Monday.\n\n\
The vote followed.\n\nThe company's lawyer, Priya Raman, spoke.\n";
        let edited = draft.replace("Monday.", "Monday. Reyes nodded.");
        assert_eq!(assemblies_with(&Config::default(), draft, &edited), 0);
        // Named before her, in her own paragraph: "the company" is the Harbour Authority.
        let draft = draft.replace(
            "The vote followed.",
            "Noordzee Container Terminals said nothing.",
        );
        let edited = draft.replace("The company's", "Harbour objected. The company's");
        assert_eq!(assemblies_with(&Config::default(), &draft, &edited), 1);
    }

    /// Analyses `draft`, then `edited`, with `config`: how many times every paragraph's
    /// mentions were assembled for the edit (the result checked against a fresh analysis).
    fn assemblies_with(config: &Config, draft: &str, edited: &str) -> u64 {
        let mut analyzer = Analyzer::new();
        analyzer.analyze(draft, Format::Plain, config);
        let before = analyzer.link_memo.assemblies;
        let again = analyzer.analyze(edited, Format::Plain, config);
        let fresh = analyze(edited, Format::Plain, config);
        assert_eq!(format!("{:?}", again.actors), format!("{:?}", fresh.actors));
        analyzer.link_memo.assemblies - before
    }

    #[test]
    fn a_first_or_last_mention_typed_or_deleted_assembles_afresh() {
        let roster =
            crate::analysis::roster::Roster::parse("[[actor]]\nname = \"Maria Velasquez\"\n")
                .expect("a valid roster");
        let config = Config {
            roster: Some(std::sync::Arc::new(roster)),
            ..Config::default()
        };
        let draft = "The talks began.\n\nThe vote followed.\n";
        let named = draft.replace("followed.", "followed. Velasquez nodded.");
        // The roster's Velasquez is kept only while the draft names her.
        assert_eq!(assemblies_with(&config, draft, &named), 1);
        assert_eq!(assemblies_with(&config, &named, draft), 1);
        // Also when one edit takes her last two mentions, in two paragraphs.
        let twice = named.replace("began.", "began. Velasquez nodded.");
        assert_eq!(assemblies_with(&config, &twice, draft), 1);
        // Named earlier, a person whose affiliation is a reference is affiliated with the
        // organisation named before that: "the company" is the Harbour Authority now.
        let draft = "The Harbour Authority met.\n\nThe talks began.\n\n\
Noordzee Container Terminals said nothing.\n\n\
The company's lawyer, Priya Raman, spoke.\n";
        let earlier = draft.replace("began.", "began. Raman nodded.");
        assert_eq!(assemblies_with(&Config::default(), draft, &earlier), 1);
    }

    #[test]
    fn typing_a_known_name_that_changes_linking_links_afresh() {
        let said = |s: &str| PEOPLE.replace("The talks began.", &format!("The talks began. {s}"));
        // Which Brennan, which Tom: the most recent. "Okafor" makes Okafor the most recent
        // Tom, so the last paragraph's "Tom" is he now.
        assert!(!people_patched(&said("Brennan nodded.")));
        assert!(!people_patched(&said("Okafor nodded.")));
        assert!(!people_patched(&said("Tom nodded.")));
        // An alias: named by acronym.
        assert!(!people_patched(&said("WFP objected.")));
        // What it teaches its actor: a role.
        assert!(!people_patched(&said(
            "Reyes, the port's safety director, nodded."
        )));
        // Pass 1a takes a full name that stands on its own: typed before its first mention,
        // it would make the actor earlier.
        assert!(!people_patched(
            &PEOPLE.replace("and the Harbour", "and Dana Reyes and the Harbour")
        ));
    }

    #[test]
    fn typing_a_known_full_name_again_keeps_the_actors() {
        let said = |s: &str| PEOPLE.replace("The talks began.", &format!("The talks began. {s}"));
        // After its first mention, it is one more: the same actors, one more mention.
        for s in ["Dana Reyes nodded.", "The Harbour Authority objected."] {
            let config = Config::default();
            let mut analyzer = Analyzer::new();
            analyzer.analyze(PEOPLE, Format::Plain, &config);
            let edited = said(s);
            let relinks = analyzer.link_memo.relinks;
            let again = analyzer.analyze(&edited, Format::Plain, &config);
            let fresh = analyze(&edited, Format::Plain, &config);
            assert_eq!(format!("{:?}", again.actors), format!("{:?}", fresh.actors));
            assert_eq!(analyzer.link_memo.relinks, relinks, "{s}");
        }
        // Letter by letter, a new actor each keystroke until the name is whole.
        let at = PEOPLE.find("The talks began.").unwrap() + "The talks began.".len();
        let analyzer = type_letters(PEOPLE, at, " Dana Reyes nodded.");
        assert_eq!(analyzer.link_memo.relinks, 1, "only the first analysis");
    }
}
