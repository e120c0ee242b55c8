//! Links the candidate mentions of every paragraph into the actors of the document:
//! full names first, then surnames, first names, honorific forms and acronyms, then
//! nominal references ("the defense secretary") and pronouns.
//!
//! This is the only whole-document step of the actor layer; everything it reads is
//! per-paragraph and cached.

use rustc_hash::FxHashMap;

use super::lexicon::{Gender, Lexicon};
use super::mentions::{ActorKind, Candidate, Mentions, PronounClass, Via, ORG_HEADS};
use super::tokens::{Kind, Token};
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
}

/// One paragraph's input to linking.
pub struct ParaView<'a> {
    pub start: usize,
    pub text: &'a str,
    pub tokens: &'a [Token],
    pub mentions: &'a Mentions,
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

fn name_words(name: &str) -> Vec<&str> {
    name.split(' ')
        .filter(|w| !matches!(*w, "Jr." | "Sr." | "Jr" | "Sr" | "II" | "III"))
        .collect()
}

fn is_speech_verb(lex: &Lexicon, v: &ParaView, i: usize) -> bool {
    v.tokens.get(i).is_some_and(|t| {
        t.kind == Kind::Word && {
            let w = t.text(v.text);
            w.chars().all(char::is_lowercase)
                && lex.speech_lemma(w).is_some_and(|l| l != "according")
        }
    })
}

pub struct Linked {
    pub actors: Vec<Actor>,
    /// Per paragraph: (first token, last token, actor) of every resolved mention, pronouns
    /// included, in token order.
    pub resolved: Vec<Vec<(usize, usize, usize)>>,
}

pub fn link(views: &[ParaView]) -> Linked {
    let lex = Lexicon::get();
    let mut t = Table::default();
    let mut placed: Vec<(usize, usize, usize, Via)> = Vec::new(); // (para, cand idx, actor, via)

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

    // Pass 1b: other multi-word names are either a known person's surname ("El Amrani")
    // or a new person or organisation.
    for (p, v) in views.iter().enumerate() {
        for (ci, c) in v.mentions.candidates.iter().enumerate() {
            if confident(c) || c.weak || c.kind.is_none() {
                continue;
            }
            if suffixes.contains_key(&c.name) {
                continue; // pass 2
            }
            let i = t.add(&c.name, c.kind.unwrap());
            t.enrich(i, c);
            placed.push((p, ci, i, c.via));
        }
    }
    build_index(&t, &mut suffixes, &mut firsts);

    // Pass 2: single words and weak candidates join what is known.
    let mut last_seen: Vec<(usize, usize)> = Vec::new(); // (abs offset, actor) for recency
    for &(p, ci, i, _) in &placed {
        last_seen.push((
            views[p].start + views[p].mentions.candidates[ci].span.0 as usize,
            i,
        ));
    }
    last_seen.sort();
    let recent = |last_seen: &[(usize, usize)], among: &[usize], at: usize| -> usize {
        let upto = last_seen.partition_point(|&(o, _)| o < at);
        last_seen[..upto]
            .iter()
            .rev()
            .find(|(_, a)| among.contains(a))
            .map(|&(_, a)| a)
            .unwrap_or(among[0])
    };
    let already: std::collections::HashSet<(usize, usize)> =
        placed.iter().map(|&(p, ci, _, _)| (p, ci)).collect();
    for (p, v) in views.iter().enumerate() {
        for (ci, c) in v.mentions.candidates.iter().enumerate() {
            if already.contains(&(p, ci)) {
                continue;
            }
            let at = v.start + c.span.0 as usize;
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
                Some((recent(&last_seen, among, at), via))
            } else if let Some(among) = firsts.get(&c.name) {
                Some((recent(&last_seen, among, at), Via::FirstName))
            } else {
                let speech_next = is_speech_verb(lex, v, c.last_token + 1)
                    || is_speech_verb(lex, v, c.first_token.wrapping_sub(1));
                let kind = match c.kind {
                    Some(ActorKind::Person) if !c.weak => Some(ActorKind::Person),
                    Some(k) if !c.weak && k != ActorKind::Person => Some(k),
                    _ if speech_next && !c.the => Some(ActorKind::Person),
                    None if !c.weak && c.locative => Some(ActorKind::Place),
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
                let pos = last_seen.partition_point(|&(o, _)| o < at);
                last_seen.insert(pos, (at, i));
            }
        }
    }

    let mut resolved: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); views.len()];
    for &(p, ci, i, via) in &placed {
        let c = &views[p].mentions.candidates[ci];
        let s = views[p].start;
        t.actors[i].mentions.push(ActorMention {
            span: Span::new(s + c.span.0 as usize, s + c.span.1 as usize),
            via,
            paragraph: p,
            tokens: (c.first_token, c.last_token),
        });
        resolved[p].push((c.first_token, c.last_token, i));
    }

    // Nominal references resolve when exactly one actor fits.
    for (p, v) in views.iter().enumerate() {
        for n in &v.mentions.nominals {
            let fits: Vec<usize> = t
                .actors
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    if ORG_HEADS.contains(&n.head.as_str()) {
                        a.kind == ActorKind::Organization
                            && a.name
                                .split(' ')
                                .next_back()
                                .is_some_and(|w| w.eq_ignore_ascii_case(&n.head))
                    } else {
                        a.kind == ActorKind::Person
                            && a.roles.iter().any(|r| {
                                let r = r.to_lowercase();
                                r == n.head
                                    || r.ends_with(&format!(" {}", n.head))
                                    || n.head.ends_with(&format!(" {r}"))
                            })
                            && n.country
                                .as_ref()
                                .is_none_or(|c| a.affiliation.as_ref() == Some(c))
                    }
                })
                .map(|(i, _)| i)
                .collect();
            if let [i] = fits[..] {
                let s = v.start;
                t.actors[i].mentions.push(ActorMention {
                    span: Span::new(s + n.span.0 as usize, s + n.span.1 as usize),
                    via: Via::Title,
                    paragraph: p,
                    tokens: (n.token, n.token),
                });
                resolved[p].push((n.token, n.token, i));
            }
        }
    }
    for r in resolved.iter_mut() {
        r.sort();
    }

    resolve_pronouns(views, &mut t, &mut resolved);

    // Organisation names given only as a lowercase head ("the union’s chief negotiator")
    // would be resolved here; affiliations keep the text the draft gives.
    for a in &mut t.actors {
        a.mentions.sort_by_key(|m| m.span);
    }
    // Drop actors with no mention left (cannot happen today, but keeps ids dense).
    let mut used = std::collections::HashSet::new();
    for a in &mut t.actors {
        let mut id = slug(&a.name);
        let base = id.clone();
        let mut k = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{k}");
            k += 1;
        }
        a.id = id;
    }
    Linked {
        actors: t.actors,
        resolved,
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
) {
    for p in 0..views.len() {
        let v = &views[p];
        for pr in &v.mentions.pronouns {
            let mut pick = None;
            'search: for back in 0..3 {
                let Some(q) = p.checked_sub(back) else { break };
                for &(first, last, i) in resolved[q].iter().rev() {
                    if back == 0 && last >= pr.token {
                        continue;
                    }
                    let _ = first;
                    let a = &t.actors[i];
                    let ok = match pr.class {
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
                    };
                    if ok {
                        pick = Some(i);
                        break 'search;
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
