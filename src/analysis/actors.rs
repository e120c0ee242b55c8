//! Links the candidate mentions of every paragraph into the actors of the document:
//! full names first, then surnames, first names, honorific forms and acronyms, then
//! nominal references ("the defense secretary") and pronouns.
//!
//! This is the only whole-document step of the actor layer; everything it reads is
//! per-paragraph and cached.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::lexicon::{Gender, Lexicon};
use super::mentions::{ActorKind, Candidate, Mentions, PronounClass, Via, ORG_HEADS};
use super::roster::Roster;
use super::tokens::Token;
use super::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct ActorMention {
    pub span: Span,
    pub via: Via,
    pub paragraph: usize,
    /// Token range in its paragraph.
    pub tokens: (usize, usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub subtype: Option<String>,
    pub roles: Vec<String>,
    pub affiliation: Option<String>,
    pub gender: Gender,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    pub mentions: Vec<ActorMention>,
    /// Named in the project roster.
    pub from_roster: bool,
}

/// One paragraph's input to linking.
pub struct ParaView<'a> {
    pub start: usize,
    pub text: &'a str,
    pub tokens: &'a [Token],
    pub mentions: &'a Mentions,
    /// Per token: a speech verb used as a verb (`tokens::is_speech_verb_at`), cached.
    pub speech: &'a [bool],
    /// `digest` of the paragraph: what name linking reads of it.
    pub digest: u64,
}

/// Per token of a paragraph: is it a speech verb used as a verb. Computed once per
/// paragraph text, so linking and attribution test a flag instead of the lexicon.
pub fn speech_flags(text: &str, tokens: &[Token]) -> Vec<bool> {
    (0..tokens.len())
        .map(|i| super::tokens::is_speech_verb_at(text, tokens, i))
        .collect()
}

/// A hash of everything name linking (`link_names`) reads of one paragraph: the
/// candidates and nominals without their positions, and whether a speech verb stands
/// next to each. Typing that changes none of it (most keystrokes) reuses the names.
pub fn digest(mentions: &Mentions, speech: &[bool]) -> u64 {
    use std::hash::{Hash, Hasher};
    let flag = |i: usize| speech.get(i).copied().unwrap_or(false);
    let mut h = std::collections::hash_map::DefaultHasher::new();
    mentions.candidates.len().hash(&mut h);
    for c in &mentions.candidates {
        (&c.name, c.kind, c.subtype, c.via, &c.roles, &c.affiliation).hash(&mut h);
        (c.gender, c.weak, c.locative, c.the, &c.alias).hash(&mut h);
        (flag(c.last_token + 1) || flag(c.first_token.wrapping_sub(1))).hash(&mut h);
    }
    mentions.nominals.len().hash(&mut h);
    for n in &mentions.nominals {
        (&n.head, &n.country).hash(&mut h);
    }
    h.finish()
}

#[derive(Default)]
struct Table {
    actors: Vec<Actor>,
    by_name: FxHashMap<String, usize>,
}

impl Table {
    fn add(&mut self, name: &str, kind: ActorKind) -> usize {
        let key = name.to_lowercase();
        if let Some(&i) = self.by_name.get(&key) {
            return i;
        }
        let i = self.actors.len();
        self.actors.push(Actor {
            id: String::new(),
            name: name.to_string(),
            kind,
            subtype: None,
            roles: Vec::new(),
            affiliation: None,
            gender: Gender::Unknown,
            description: None,
            aliases: Vec::new(),
            mentions: Vec::new(),
            from_roster: false,
        });
        self.by_name.insert(key, i);
        i
    }

    fn enrich(&mut self, i: usize, c: &Candidate) {
        let a = &mut self.actors[i];
        for r in &c.roles {
            if !a.roles.iter().any(|x| x.eq_ignore_ascii_case(r)) {
                a.roles.push(r.clone());
            }
        }
        if a.affiliation.is_none() {
            a.affiliation = c.affiliation.clone();
        }
        if a.gender == Gender::Unknown {
            a.gender = c.gender;
        }
        if a.subtype.is_none() {
            a.subtype = c.subtype.map(str::to_string);
        }
        if let Some(al) = &c.alias {
            if !a.aliases.contains(al) {
                a.aliases.push(al.clone());
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
    name.split(' ')
        .filter(|w| !matches!(*w, "Jr." | "Sr." | "Jr" | "Sr" | "II" | "III"))
        .collect()
}

fn is_speech_verb(v: &ParaView, i: usize) -> bool {
    v.speech.get(i).copied().unwrap_or(false)
}

/// A person whose personhood the draft confirms: a known given name, a title or role, an
/// honorific, or words attributed to them. Others ("Marston Town") take no pronouns.
fn confirmed(a: &Actor, lex: &Lexicon) -> bool {
    a.kind != ActorKind::Person
        || !a.roles.is_empty()
        || a.gender != Gender::Unknown
        || a.name
            .split(' ')
            .next()
            .is_some_and(|w| lex.given.contains_key(w))
        || a.mentions.iter().any(|m| m.via == Via::Honorific)
}

pub struct Linked {
    pub actors: Vec<Actor>,
    /// Per paragraph: (first token, last token, actor) of every resolved mention, pronouns
    /// included, in token order.
    pub resolved: Vec<Vec<(usize, usize, usize)>>,
}

/// What linking decides from names alone: the actors (without mentions) and which
/// candidate and nominal of which paragraph names which actor. It reads only what
/// `digest` hashes, so it is reused across edits that leave every digest unchanged.
#[derive(Debug, Default)]
pub struct Names {
    actors: Vec<Actor>,
    /// (paragraph, candidate, actor, via).
    placed: Vec<(usize, usize, usize, Via)>,
    /// (paragraph, nominal, actor).
    nominals: Vec<(usize, usize, usize)>,
    roster_phrases: Vec<(String, usize)>,
    org_parts: FxHashMap<String, Vec<usize>>,
}

/// The last `Names` and the inputs they were computed from.
#[derive(Default)]
pub struct NamesMemo {
    key: u64,
    roster: Option<Arc<Roster>>,
    names: Option<Arc<Names>>,
}

/// Links the document's mentions into actors. The names of the previous call are reused
/// when no paragraph's `digest` and not the roster changed: the common keystroke then
/// costs one pass over the mentions.
pub fn link_with(views: &[ParaView], roster: Option<&Arc<Roster>>, memo: &mut NamesMemo) -> Linked {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    views.len().hash(&mut h);
    for v in views {
        v.digest.hash(&mut h);
    }
    let key = h.finish();
    let same_roster = match (roster, &memo.roster) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    };
    let names = match &memo.names {
        Some(n) if memo.key == key && same_roster => n.clone(),
        _ => {
            let n = Arc::new(link_names(views, roster.map(|r| &**r)));
            *memo = NamesMemo {
                key,
                roster: roster.cloned(),
                names: Some(n.clone()),
            };
            n
        }
    };
    assemble(views, &names)
}

pub fn link_names(views: &[ParaView], roster: Option<&Roster>) -> Names {
    let lex = Lexicon::get();
    let mut t = Table::default();
    let mut placed: Vec<(usize, usize, usize, Via)> = Vec::new(); // (para, cand idx, actor, via)

    // The roster comes first: what the newsroom says overrides what the text suggests.
    let mut roster_phrases: Vec<(String, usize)> = Vec::new();
    for r in roster.map(|r| r.actors.as_slice()).unwrap_or(&[]) {
        let i = t.add(&r.name, r.kind.unwrap_or(ActorKind::Person));
        let a = &mut t.actors[i];
        if let Some(k) = r.kind {
            a.kind = k;
        }
        a.roles = r.roles.clone();
        a.affiliation = r.affiliation.clone();
        a.gender = r.gender.unwrap_or(Gender::Unknown);
        a.description = r.description.clone();
        a.aliases = r.aliases.clone();
        a.from_roster = true;
        roster_phrases.push((r.name.clone(), i));
        for al in &r.aliases {
            t.by_name.entry(al.to_lowercase()).or_insert(i);
            roster_phrases.push((al.clone(), i));
        }
    }

    // Pass 1a: names that stand on their own — lexicon entries, cue-made organisations,
    // titled people and given-name-led full names.
    let confident = |c: &Candidate| {
        !c.weak
            && match c.kind {
                Some(ActorKind::Person) => {
                    let words = name_words(&c.name);
                    words.len() >= 2
                        && (lex.given.contains_key(words[0])
                            || !c.roles.is_empty()
                            || c.gender != Gender::Unknown)
                }
                Some(_) => true,
                None => false,
            }
    };
    for (p, v) in views.iter().enumerate() {
        for (ci, c) in v.mentions.candidates.iter().enumerate() {
            if confident(c) {
                let kind = c.kind.unwrap();
                let i = t.add(&c.name, kind);
                t.enrich(i, c);
                placed.push((p, ci, i, c.via));
            }
        }
    }
    // Name-part index: every proper suffix and the first word of each person's name.
    let mut suffixes: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let mut firsts: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let build_index = |t: &Table,
                       suffixes: &mut FxHashMap<String, Vec<usize>>,
                       firsts: &mut FxHashMap<String, Vec<usize>>| {
        suffixes.clear();
        firsts.clear();
        for (i, a) in t.actors.iter().enumerate() {
            if a.kind != ActorKind::Person {
                continue;
            }
            let words = name_words(&a.name);
            for k in 1..words.len() {
                suffixes.entry(words[k..].join(" ")).or_default().push(i);
            }
            if words.len() >= 2 {
                firsts.entry(words[0].to_string()).or_default().push(i);
            }
        }
    };
    build_index(&t, &mut suffixes, &mut firsts);
    // Short forms of organisations: "Noordzee" for Noordzee Container Terminals, "Rovers"
    // for Harbourside Rovers. A lone cue or common word ("Group", "Union") is not one.
    let mut org_parts: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, a) in t.actors.iter().enumerate() {
        if a.kind != ActorKind::Organization {
            continue;
        }
        let words: Vec<&str> = a.name.split(' ').collect();
        for k in 1..words.len() {
            for part in [words[..k].join(" "), words[k..].join(" ")] {
                let single_common = !part.contains(' ')
                    && (lex.org_cues.contains(&part)
                        || lex.not_names.contains(&part)
                        || part.len() < 3
                        || lex.phrases.contains_key(&part));
                if !single_common {
                    org_parts.entry(part).or_default().push(i);
                }
            }
        }
    }
    org_parts.retain(|_, v| {
        v.dedup();
        v.len() == 1
    });

    // Pass 1b: other multi-word names are either a known person's surname ("El Amrani")
    // or a new person or organisation.
    for (p, v) in views.iter().enumerate() {
        for (ci, c) in v.mentions.candidates.iter().enumerate() {
            if confident(c) || c.weak || c.kind.is_none() {
                continue;
            }
            if suffixes.contains_key(&c.name)
                || firsts.contains_key(&c.name)
                || org_parts.contains_key(&c.name)
            {
                continue; // pass 2
            }
            let i = t.add(&c.name, c.kind.unwrap());
            t.enrich(i, c);
            placed.push((p, ci, i, c.via));
        }
    }
    build_index(&t, &mut suffixes, &mut firsts);

    // Pass 2: single words and weak candidates join what is known.
    // Where each actor has been mentioned, for "the most recent of these people".
    let mut seen_at: Vec<std::collections::BTreeSet<(usize, usize)>> =
        vec![Default::default(); t.actors.len()];
    for &(p, ci, i, _) in &placed {
        seen_at[i].insert((p, ci));
    }
    // Positions are (paragraph, candidate): the order of mentions, independent of offsets.
    type Seen = std::collections::BTreeSet<(usize, usize)>;
    let recent = |seen_at: &[Seen], among: &[usize], at: (usize, usize)| -> usize {
        among
            .iter()
            .filter_map(|&a| seen_at.get(a)?.range(..at).next_back().map(|&o| (o, a)))
            .max()
            .map(|(_, a)| a)
            .unwrap_or(among[0])
    };
    let already: std::collections::HashSet<(usize, usize)> =
        placed.iter().map(|&(p, ci, _, _)| (p, ci)).collect();
    for (p, v) in views.iter().enumerate() {
        for (ci, c) in v.mentions.candidates.iter().enumerate() {
            if already.contains(&(p, ci)) {
                continue;
            }
            let at = (p, ci);
            let words = name_words(&c.name);
            let surname = words[words.len().saturating_sub(1)..].join(" ");
            let found = if let Some(&i) = t.by_name.get(&c.name.to_lowercase()) {
                let via = if t.actors[i].aliases.iter().any(|a| a == &c.name) {
                    Via::Acronym
                } else {
                    c.via
                };
                Some((i, via))
            } else if let Some(among) = suffixes.get(&c.name).or_else(|| suffixes.get(&surname)) {
                let via = if c.via == Via::Honorific {
                    Via::Honorific
                } else {
                    Via::Surname
                };
                Some((recent(&seen_at, among, at), via))
            } else if let Some(among) = firsts.get(&c.name) {
                Some((recent(&seen_at, among, at), Via::FirstName))
            } else if let Some(among) = org_parts.get(&c.name).filter(|_| !c.locative) {
                Some((among[0], Via::Name))
            } else {
                let speech_next = is_speech_verb(v, c.last_token + 1)
                    || is_speech_verb(v, c.first_token.wrapping_sub(1));
                let kind = match c.kind {
                    Some(ActorKind::Person) if !c.weak => Some(ActorKind::Person),
                    Some(k) if !c.weak && k != ActorKind::Person => Some(k),
                    _ if speech_next && !c.the && plausible_surname(&c.name) => {
                        Some(ActorKind::Person)
                    }
                    None if !c.weak && c.locative => Some(ActorKind::Place),
                    None if !c.weak && c.the => None,
                    _ => None,
                };
                kind.map(|k| {
                    let i = t.add(&c.name, k);
                    (i, c.via)
                })
            };
            if let Some((i, via)) = found {
                t.enrich(i, c);
                placed.push((p, ci, i, via));
                if seen_at.len() <= i {
                    seen_at.resize(i + 1, Default::default());
                }
                seen_at[i].insert(at);
            }
        }
    }

    // Nominal references resolve when exactly one actor fits. Candidates are indexed by
    // the words a nominal can end in (a role's last word, an organisation's last word),
    // so each nominal looks at a handful of actors, not all of them.
    let mut nominal_hits = Vec::new();
    let mut by_head: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    let lower_roles: Vec<Vec<String>> = t
        .actors
        .iter()
        .map(|a| a.roles.iter().map(|r| r.to_lowercase()).collect())
        .collect();
    for (i, a) in t.actors.iter().enumerate() {
        let keys: Vec<String> = match a.kind {
            ActorKind::Organization => a
                .name
                .rsplit(' ')
                .next()
                .map(str::to_lowercase)
                .into_iter()
                .collect(),
            ActorKind::Person => lower_roles[i]
                .iter()
                .filter_map(|r| r.rsplit(' ').next().map(str::to_string))
                .collect(),
            ActorKind::Place => Vec::new(),
        };
        for k in keys {
            let v = by_head.entry(k).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    let role_fits = |r: &str, head: &str| {
        r == head
            || (r.ends_with(head) && r[..r.len() - head.len()].ends_with(' '))
            || (head.ends_with(r) && head[..head.len() - r.len()].ends_with(' '))
    };
    for (p, v) in views.iter().enumerate() {
        for (ni, n) in v.mentions.nominals.iter().enumerate() {
            let last_word = n.head.rsplit(' ').next().unwrap_or(&n.head);
            let org_head = ORG_HEADS.contains(&n.head.as_str());
            let fits: Vec<usize> = by_head
                .get(last_word)
                .map(|v| v.as_slice())
                .unwrap_or(&[])
                .iter()
                .copied()
                .filter(|&i| {
                    let a = &t.actors[i];
                    if org_head {
                        a.kind == ActorKind::Organization
                    } else {
                        a.kind == ActorKind::Person
                            && lower_roles[i].iter().any(|r| role_fits(r, &n.head))
                            && n.country
                                .as_ref()
                                .is_none_or(|c| a.affiliation.as_ref() == Some(c))
                    }
                })
                .collect();
            if let [i] = fits[..] {
                nominal_hits.push((p, ni, i));
            }
        }
    }
    // The ids when every actor is kept (no roster actor goes unmentioned): the usual case.
    assign_ids(&mut t.actors);
    Names {
        actors: t.actors,
        placed,
        nominals: nominal_hits,
        roster_phrases,
        org_parts,
    }
}

/// Everything `Names` leaves to the text: mention spans, roster phrases, who speaks,
/// pronouns, affiliation references and ids.
fn assemble(views: &[ParaView], names: &Names) -> Linked {
    let lex = Lexicon::get();
    let mut t = Table {
        actors: names.actors.clone(),
        by_name: FxHashMap::default(),
    };
    let placed = &names.placed;
    let roster_phrases = &names.roster_phrases;
    let org_parts = &names.org_parts;
    let mut resolved: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); views.len()];
    let mut count = vec![0usize; t.actors.len()];
    for &(_, _, i, _) in placed {
        count[i] += 1;
    }
    for (a, n) in t.actors.iter_mut().zip(count) {
        a.mentions.reserve_exact(n);
    }
    for &(p, ci, i, via) in placed {
        let Some(c) = views.get(p).and_then(|v| v.mentions.candidates.get(ci)) else {
            continue;
        };
        let s = views[p].start;
        t.actors[i].mentions.push(ActorMention {
            span: Span::new(s + c.span.0 as usize, s + c.span.1 as usize),
            via,
            paragraph: p,
            tokens: (c.first_token, c.last_token),
        });
        resolved[p].push((c.first_token, c.last_token, i));
    }
    // Roster names and aliases wherever the text has them and no other mention does
    // ("the Pentagon chief").
    for (p, v) in views.iter().enumerate() {
        for (phrase, i) in roster_phrases {
            // "the Pentagon chief" also opens a sentence as "The Pentagon chief".
            let mut forms = vec![phrase.clone()];
            let mut cs = phrase.chars();
            if let Some(c0) = cs.next().filter(|c| c.is_lowercase()) {
                forms.push(c0.to_uppercase().chain(cs).collect());
            }
            let hits: Vec<usize> = forms
                .iter()
                .flat_map(|f| v.text.match_indices(f.as_str()).map(|(o, _)| o))
                .collect();
            for at in hits {
                let end = at + phrase.len();
                let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                if !boundary(v.text[..at].chars().next_back())
                    || !boundary(v.text[end..].chars().next())
                {
                    continue;
                }
                let first = v.tokens.partition_point(|tk| (tk.start as usize) < at);
                let last = v.tokens.partition_point(|tk| (tk.end as usize) <= end);
                if first >= last {
                    continue;
                }
                // The alias is more specific than any name inside it ("Pentagon").
                let inside: Vec<(usize, usize, usize)> = resolved[p]
                    .iter()
                    .copied()
                    .filter(|&(f, l, _)| f < last && first <= l)
                    .collect();
                if inside.iter().any(|&(f, l, _)| f < first || l >= last) {
                    continue;
                }
                for (f, _, j) in inside {
                    let s0 = v.start + v.tokens[f].start as usize;
                    t.actors[j].mentions.retain(|m| m.span.start != s0);
                    resolved[p].retain(|x| x.0 != f);
                }
                t.actors[*i].mentions.push(ActorMention {
                    span: Span::new(v.start + at, v.start + end),
                    via: Via::Roster,
                    paragraph: p,
                    tokens: (first, last - 1),
                });
                resolved[p].push((first, last - 1, *i));
            }
        }
        resolved[p].sort();
    }

    for &(p, ni, i) in &names.nominals {
        let Some(n) = views.get(p).and_then(|v| v.mentions.nominals.get(ni)) else {
            continue;
        };
        let s = views[p].start;
        t.actors[i].mentions.push(ActorMention {
            span: Span::new(s + n.span.0 as usize, s + n.span.1 as usize),
            via: Via::Title,
            paragraph: p,
            tokens: (n.token, n.token),
        });
        resolved[p].push((n.token, n.token, i));
    }
    for r in resolved.iter_mut() {
        r.sort();
    }

    let speaking: Vec<bool> = t
        .actors
        .iter()
        .map(|a| {
            a.mentions.iter().any(|m| {
                let v = &views[m.paragraph];
                is_speech_verb(v, m.tokens.1 + 1) || is_speech_verb(v, m.tokens.0.wrapping_sub(1))
            })
        })
        .collect();
    let eligible: Vec<bool> = t
        .actors
        .iter()
        .zip(&speaking)
        .map(|(a, s)| *s || confirmed(a, lex))
        .collect();
    resolve_pronouns(views, &mut t, &mut resolved, &eligible);
    resolve_affiliation_refs(&mut t);
    // A short form of an organisation as affiliation ("Rovers") names the organisation.
    let short: Vec<(usize, usize)> = t
        .actors
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((i, org_parts.get(a.affiliation.as_ref()?)?[0])))
        .collect();
    for (i, full) in short {
        t.actors[i].affiliation = Some(t.actors[full].name.clone());
    }

    // Organisation names given only as a lowercase head ("the union’s chief negotiator")
    // would be resolved here; affiliations keep the text the draft gives.
    for a in &mut t.actors {
        a.mentions.sort_by_key(|m| m.span);
    }
    // Roster actors the draft never mentions are not part of it.
    let keep: Vec<bool> = t.actors.iter().map(|a| !a.mentions.is_empty()).collect();
    if keep.iter().any(|k| !k) {
        let mut map = vec![usize::MAX; keep.len()];
        let mut n = 0;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                map[i] = n;
                n += 1;
            }
        }
        let mut i = 0;
        t.actors.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        for r in resolved.iter_mut() {
            r.retain(|x| keep[x.2]);
            for x in r.iter_mut() {
                x.2 = map[x.2];
            }
        }
    }
    if t.actors.len() == names.actors.len() {
        for (a, n) in t.actors.iter_mut().zip(&names.actors) {
            a.id.clone_from(&n.id);
        }
    } else {
        assign_ids(&mut t.actors);
    }
    Linked {
        actors: t.actors,
        resolved,
    }
}

/// Ids from names ("pete-hegseth"), numbered when two actors share one.
fn assign_ids(actors: &mut [Actor]) {
    let mut used = rustc_hash::FxHashSet::default();
    for a in actors {
        let mut id = slug(&a.name);
        let base = id.clone();
        let mut k = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{k}");
            k += 1;
        }
        a.id = id;
    }
}

/// "Its chief executive, X" / "the union’s negotiator, X": the affiliation was recorded as
/// a reference ("@its", "@union"); it is the organisation the draft last named before the
/// person, or the one whose name ends in that noun.
fn resolve_affiliation_refs(t: &mut Table) {
    let orgs: Vec<(usize, String, Vec<usize>)> = t
        .actors
        .iter()
        .filter(|a| a.kind == ActorKind::Organization)
        .map(|a| {
            (
                0,
                a.name.clone(),
                a.mentions.iter().map(|m| m.span.start).collect(),
            )
        })
        .collect();
    for a in &mut t.actors {
        let Some(r) = a
            .affiliation
            .as_ref()
            .and_then(|x| x.strip_prefix('@'))
            .map(str::to_string)
        else {
            continue;
        };
        let at = a.mentions.first().map_or(0, |m| m.span.start);
        let by_head = orgs
            .iter()
            .filter(|(_, name, _)| {
                name.split(' ')
                    .next_back()
                    .is_some_and(|w| w.eq_ignore_ascii_case(&r))
            })
            .map(|(_, name, _)| name.clone())
            .next();
        let latest = orgs
            .iter()
            .filter_map(|(_, name, starts)| {
                starts
                    .iter()
                    .filter(|&&s| s < at)
                    .max()
                    .map(|s| (*s, name.clone()))
            })
            .max()
            .map(|(_, n)| n);
        a.affiliation = by_head.or(latest);
    }
}

/// Inside a quote, "he" is never the speaker himself: a third-person pronoun resolved to
/// the quote's own speaker moves to the nearest other person of that gender before it.
pub fn rebind_quoted_pronouns(actors: &mut [Actor], quotes: &[super::Quote], text: &str) {
    for q in quotes {
        let Some(s) = q.speaker else { continue };
        let moved: Vec<ActorMention> = actors[s]
            .mentions
            .iter()
            .filter(|m| {
                m.via == Via::Pronoun && q.inner.start <= m.span.start && m.span.end <= q.inner.end
            })
            .cloned()
            .collect();
        for m in moved {
            let word = &text[m.span.start..m.span.end].to_lowercase();
            let male = matches!(word.as_str(), "he" | "him" | "his" | "himself");
            let female = matches!(word.as_str(), "she" | "her" | "hers" | "herself");
            if !male && !female {
                continue;
            }
            let other = actors
                .iter()
                .enumerate()
                .filter(|(i, a)| {
                    *i != s
                        && a.kind == ActorKind::Person
                        && if male {
                            a.gender != Gender::Female
                        } else {
                            a.gender != Gender::Male
                        }
                })
                .filter_map(|(i, a)| {
                    a.mentions
                        .iter()
                        .filter(|x| x.span.end <= q.span.start && x.via != Via::Pronoun)
                        .map(|x| x.span.start)
                        .max()
                        .map(|at| (at, i))
                })
                .max();
            if let Some((_, i)) = other {
                actors[s].mentions.retain(|x| x.span != m.span);
                actors[i].mentions.push(m);
                actors[i].mentions.sort_by_key(|x| x.span);
            }
        }
    }
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
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
    out
}

/// Pronouns take the most recent compatible actor in their paragraph or the two before:
/// he/she a person of that gender or unknown gender, it/they an organisation (or a
/// country). An unknown gender is learnt from the first pronoun resolved to it.
fn resolve_pronouns(
    views: &[ParaView],
    t: &mut Table,
    resolved: &mut [Vec<(usize, usize, usize)>],
    eligible: &[bool],
) {
    for p in 0..views.len() {
        let v = &views[p];
        for pr in &v.mentions.pronouns {
            let fits = |a: &Actor, i: usize| {
                eligible.get(i).copied().unwrap_or(true)
                    && match pr.class {
                        PronounClass::He => {
                            a.kind == ActorKind::Person && a.gender != Gender::Female
                        }
                        PronounClass::She => {
                            a.kind == ActorKind::Person && a.gender != Gender::Male
                        }
                        PronounClass::It | PronounClass::They => {
                            a.kind == ActorKind::Organization
                                || (a.kind == ActorKind::Place
                                    && a.subtype.as_deref() == Some("country"))
                        }
                    }
            };
            let sent = v.tokens[pr.token].sentence;
            let in_sentence = |first: usize| v.tokens[first].sentence == sent;
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
                let before: Vec<(usize, usize, usize)> = resolved[p]
                    .iter()
                    .copied()
                    .filter(|&(f, l, i)| l < verb && in_sentence(f) && fits(&t.actors[i], i))
                    .collect();
                pick = if coordinated {
                    before.first()
                } else {
                    before.last()
                }
                .map(|&(_, _, i)| i);
            }
            // A pronoun opening a sentence continues the previous sentence's subject.
            if pick.is_none()
                && v.tokens[pr.token].sentence_start
                && matches!(pr.class, PronounClass::He | PronounClass::She)
                && sent > 0
            {
                pick = resolved[p]
                    .iter()
                    .find(|&&(f, _, i)| v.tokens[f].sentence + 1 == sent && fits(&t.actors[i], i))
                    .map(|&(_, _, i)| i);
            }
            if pick.is_none() {
                'search: for back in 0..3 {
                    let Some(q) = p.checked_sub(back) else { break };
                    for &(_, last, i) in resolved[q].iter().rev() {
                        if back == 0 && last >= pr.token {
                            continue;
                        }
                        if fits(&t.actors[i], i) {
                            pick = Some(i);
                            break 'search;
                        }
                    }
                }
            }
            if let Some(i) = pick {
                let a = &mut t.actors[i];
                if a.gender == Gender::Unknown {
                    a.gender = match pr.class {
                        PronounClass::He => Gender::Male,
                        PronounClass::She => Gender::Female,
                        _ => Gender::Unknown,
                    };
                }
                a.mentions.push(ActorMention {
                    span: Span::new(v.start + pr.span.0 as usize, v.start + pr.span.1 as usize),
                    via: Via::Pronoun,
                    paragraph: p,
                    tokens: (pr.token, pr.token),
                });
                let r = &mut resolved[p];
                let pos = r.partition_point(|&(f, _, _)| f < pr.token);
                r.insert(pos, (pr.token, pr.token, i));
            }
        }
    }
}
