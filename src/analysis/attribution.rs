//! Who said each quote: a sieve of attribution rules, most reliable first.
//!
//! 1. trailing cue after the closing mark (`…,” Hegseth said` / `said Hegseth` /
//!    `he told the Guardian` / `Nadia Okafor, a spokeswoman for the port, said`), shared
//!    by quotes joined by "and" before one cue;
//! 2. leading cue before the opening mark in the same sentence (`Hegseth said: “…”`,
//!    `adding that … “…”`, `a summary that Trump posted …, he and Putin “…”`);
//! 3. a split quote (`“…,” she said. “…”`) continues the paragraph's previous speaker;
//! 4. `according to X`;
//! 5. nominal cues (`in a statement`, `in a post on X`) with the sentence's subject;
//! 6. conversation: a quote paragraph with no cue continues the previous paragraph's
//!    speaker, or, after a paragraph quoting no one, the speaker its last words credit
//!    (`…, Moritz declared.` / `Mitchell said in a statement:`); a quote continued over
//!    paragraphs takes the speaker of its last part.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::actors::Resolved;
use super::chunked::Chunked;
use super::lexicon::Lexicon;
use super::mentions::ActorKind;
use super::quotes::QuoteMarks;
use super::tokens::{Kind, Token};
use super::{Actor, Span};

/// A quote, placed in its paragraph as mentions are (`Analysis::quote_span` and friends
/// place it in the text): an edit moves no other paragraph's quotes, so the next analysis
/// shares them.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// From the opening mark to after the closing mark (or the paragraph's end), in
    /// paragraph `paragraph`.
    pub span: Span,
    /// The words inside the marks, in paragraph `paragraph`.
    pub inner: Span,
    pub paragraph: usize,
    pub speaker: Option<usize>,
    /// The mention that names the speaker in the attribution (a pronoun's own span): its
    /// paragraph (another one for a quote continued over paragraphs) and span there.
    pub speaker_span: Option<(usize, Span)>,
    /// A speaker who is not an actor ("the official", "a spokesman").
    /// Shared (`Arc`) with the memoised quotes of earlier analyses: a keystroke copies no
    /// strings.
    pub speaker_text: Option<Arc<str>>,
    pub cue: Option<Arc<str>>,
    pub addressee: Option<Arc<str>>,
    pub time: Option<Arc<str>>,
    pub partial: bool,
    pub words: usize,
    /// A short label in quotes that nobody says ("temporary" camps).
    pub scare: bool,
    pub closed: bool,
    /// Runs on into the next paragraph.
    pub continues: bool,
}

/// One paragraph as attribution reads it; offsets are the paragraph's own.
#[derive(Clone, Copy)]
pub struct ParaQuotes<'a> {
    pub text: &'a str,
    /// Its tokens, which also say which are speech verbs used as verbs.
    pub tokens: &'a [Token],
    pub quotes: &'a [QuoteMarks],
    /// (first token, last token, actor) of resolved mentions, in order, as linking keeps
    /// them (`actors::Resolved`).
    pub mentions: &'a [Resolved],
    /// The same, of the actors that can speak (`speakers_in`): what attribution reads.
    pub resolved: &'a [(usize, usize, usize)],
}

#[derive(Clone, Debug, Default)]
struct Attribution {
    speaker: Option<usize>,
    speaker_tokens: Option<(usize, usize)>,
    speaker_text: Option<String>,
    cue: Option<String>,
    cue_token: Option<usize>,
}

impl Attribution {
    fn found(&self) -> bool {
        self.speaker.is_some() || self.speaker_text.is_some()
    }
}

const SUBJECT_DETERMINERS: &[&str] = &[
    "the", "a", "an", "one", "another", "his", "her", "their", "its",
];

struct P<'a> {
    v: &'a ParaQuotes<'a>,
    lex: &'static Lexicon,
    /// Per token: inside the words of a top-level quote. Asked for every token of a
    /// sentence for every quote, so it is worked out once (a fuzzed paragraph of 2 KB
    /// with 700 quotes took a second when each question scanned every quote).
    inside: Vec<bool>,
}

impl<'a> P<'a> {
    fn new(v: &'a ParaQuotes<'a>, lex: &'static Lexicon) -> Self {
        let mut inside = vec![false; v.tokens.len()];
        for q in v.quotes.iter().filter(|q| q.depth == 0) {
            let from = v.tokens.partition_point(|t| t.start() < q.inner.0);
            for (k, t) in v.tokens.iter().enumerate().skip(from) {
                if t.start() >= q.inner.1 {
                    break;
                }
                if t.end() <= q.inner.1 {
                    inside[k] = true;
                }
            }
        }
        P { v, lex, inside }
    }
}

impl P<'_> {
    fn word(&self, i: usize) -> Option<&str> {
        let t = self.v.tokens.get(i)?;
        matches!(t.kind(), Kind::Word | Kind::Number).then(|| t.text(self.v.text))
    }
    fn text(&self, i: usize) -> &str {
        self.v.tokens[i].text(self.v.text)
    }
    fn is_verb(&self, i: usize) -> bool {
        self.v.tokens.get(i).is_some_and(Token::speech)
    }
    fn mention_starting(&self, i: usize) -> Option<(usize, usize, usize)> {
        self.v.resolved.iter().copied().find(|&(f, _, _)| f == i)
    }
    fn sentence(&self, i: usize) -> u32 {
        self.v.tokens[i].sentence()
    }
    /// Token index of the first token at or after byte offset `o`.
    fn token_at(&self, o: u32) -> usize {
        self.v.tokens.partition_point(|t| t.start() < o)
    }
    fn in_any_quote(&self, i: usize) -> bool {
        self.inside[i]
    }

    /// A speaker noun phrase that is not an actor: "the official", "a spokesman for the
    /// ministry", "the jury". Returns its text if the words right before `verb` form one.
    fn nominal_before(&self, verb: usize, from: usize) -> Option<String> {
        let mut k = verb;
        let mut words = Vec::new();
        while k > from && words.len() < 5 {
            // "the council's letter", "the trustees' statement"
            if self.v.tokens[k - 1].kind() == Kind::Possessive && k - 1 > from && !words.is_empty()
            {
                k -= 1;
                continue;
            }
            let Some(w) = self.word(k - 1) else { break };
            words.push(k - 1);
            if SUBJECT_DETERMINERS.contains(&w.to_lowercase().as_str()) {
                break;
            }
            k -= 1;
        }
        let first = *words.last()?;
        let det = self.word(first)?.to_lowercase();
        // "Residents said", "Officials told": a bare plural opening the sentence.
        let bare_plural = words.len() == 1
            && self.v.tokens[first].sentence_start()
            && det.ends_with('s')
            && det.len() > 3;
        (bare_plural || SUBJECT_DETERMINERS.contains(&det.as_str()) && words.len() >= 2).then(
            || {
                let s = self.v.tokens[first].start() as usize;
                let e = self.v.tokens[verb - 1].end() as usize;
                self.v.text[s..e].to_string()
            },
        )
    }

    /// Trailing cue: what follows the closing mark, up to the end of the sentence.
    fn trailing(&self, q: &QuoteMarks) -> Attribution {
        let mut a = Attribution::default();
        let mut k = self.token_at(q.end);
        while k < self.v.tokens.len()
            && self.v.tokens[k].kind() == Kind::Punct
            && matches!(self.text(k), "," | "\u{2014}" | "\u{2013}" | "-")
        {
            k += 1;
        }
        let n = self.v.tokens.len();
        if k >= n || self.in_any_quote(k) {
            return a;
        }
        let limit = (k + 10).min(n);
        // "said Hegseth" / "said the official"
        if self.is_verb(k) {
            a.cue = Some(self.text(k).to_string());
            a.cue_token = Some(k);
            for j in k + 1..limit {
                if let Some((f, l, actor)) = self.mention_starting(j) {
                    a.speaker = Some(actor);
                    a.speaker_tokens = Some((f, l));
                    return a;
                }
                if self.v.tokens[j].kind() == Kind::Punct {
                    break;
                }
            }
            let end = (k + 1..limit)
                .find(|&j| self.v.tokens[j].kind() == Kind::Punct)
                .unwrap_or(limit);
            if end > k + 1 {
                let s = self.v.tokens[k + 1].start() as usize;
                let e = self.v.tokens[end - 1].end() as usize;
                a.speaker_text = Some(self.v.text[s..e].to_string());
            }
            return a;
        }
        // "Hegseth said", "he told", "U.S. Defense Secretary Pete Hegseth said"
        for j in k..limit {
            // "Eleanor Marsh, a volunteer at the food bank, said": the most common credit
            // in news after "X said"; the appositive between the commas is not the cue.
            if self.text(j) == "," {
                if let Some(a) = self.after_appositive(k, j) {
                    return a;
                }
            }
            if self.v.tokens[j].kind() == Kind::Punct && !matches!(self.text(j), ".")
                || self.in_any_quote(j)
            {
                break;
            }
            if self.is_verb(j) {
                a.cue = Some(self.text(j).to_string());
                a.cue_token = Some(j);
                // The subject: the last mention before the verb.
                if let Some((f, l, actor)) = self
                    .v
                    .resolved
                    .iter()
                    .rev()
                    .find(|&&(f, l, _)| f >= k && l < j)
                    .map(|&m| self.head_of(m))
                    .filter(|&(f, _, _)| f >= k)
                {
                    a.speaker = Some(actor);
                    a.speaker_tokens = Some((f, l));
                } else {
                    a.speaker_text = self.nominal_before(j, k);
                }
                return a;
            }
            if self.text(j) == "." {
                break;
            }
        }
        a
    }

    /// A trailing credit whose subject, a mention ending just before the comma at `comma`,
    /// is followed by an appositive and a second comma right before a speech verb.
    fn after_appositive(&self, from: usize, comma: usize) -> Option<Attribution> {
        let &(f, l, actor) = self
            .v
            .resolved
            .iter()
            .find(|&&(f, l, _)| f >= from && l + 1 == comma)?;
        let sent = self.sentence(comma);
        // News appositives run to a dozen words ("a spokeswoman for the regional health
        // authority in the north"), with commas of their own ("45, a teacher from Leeds,");
        // further than that it is another clause.
        let end = (comma + 2..(comma + 24).min(self.v.tokens.len()))
            .take_while(|&j| {
                self.sentence(j) == sent
                    && !self.in_any_quote(j)
                    && !matches!(self.text(j), "." | ";" | ":" | "?" | "!")
            })
            .find(|&j| {
                self.text(j) == "," && self.is_verb(j + 1) && self.sentence(j + 1) == sent
            })?;
        let verb = end + 1;
        Some(Attribution {
            cue: Some(self.text(verb).to_string()),
            cue_token: Some(verb),
            speaker: Some(actor),
            speaker_tokens: Some((f, l)),
            ..Attribution::default()
        })
    }

    /// "Maria Lopez of the Harbor Trust said", "Justice Savage of the New York Supreme
    /// Court declared": the speaker is the one before "of", not the organisation.
    fn head_of(&self, m: (usize, usize, usize)) -> (usize, usize, usize) {
        let mut m = m;
        loop {
            let mut k = m.0;
            while k > 0
                && self
                    .word(k - 1)
                    .is_some_and(|w| w.starts_with(char::is_uppercase))
            {
                k -= 1;
            }
            if k > 0 && self.text(k - 1).eq_ignore_ascii_case("the") {
                k -= 1;
            }
            if k < 2 || self.text(k - 1) != "of" {
                return m;
            }
            match self.v.resolved.iter().find(|&&(_, l, _)| l + 2 == k) {
                Some(&h) if h.0 < m.0 => m = h,
                _ => return m,
            }
        }
    }

    /// The subject of the speech verb at `v`: the nearest mention before it in its
    /// sentence, or, for a participle after a comma ("…, adding that"), the speaker of the
    /// sentence's main clause.
    fn subject_of(&self, v: usize) -> Option<(usize, usize, usize)> {
        let sent = self.sentence(v);
        let participle = self.text(v).ends_with("ing") && v > 0 && self.text(v - 1) == ",";
        if participle {
            for j in 0..v {
                if self.sentence(j) != sent || !self.is_verb(j) {
                    continue;
                }
                if let Some(m) = self
                    .v
                    .resolved
                    .iter()
                    .rev()
                    .find(|&&(_, l, _)| l < j && self.sentence(l) == sent)
                {
                    return Some(*m);
                }
            }
        }
        let cands: Vec<(usize, usize, usize)> = self
            .v
            .resolved
            .iter()
            .copied()
            .filter(|&(f, l, _)| l < v && self.sentence(f) == sent && !self.in_any_quote(f))
            .collect();
        // "Marsh, the Republican who chairs the committee, told" / "he said … and
        // promised": the verb's subject is the sentence's subject, not the nearest name.
        let after_break = v > 0 && matches!(self.text(v - 1), "," | "and");
        if after_break {
            let before_comma = cands.iter().find(|&&(_, l, _)| {
                self.v
                    .tokens
                    .get(l + 1)
                    .is_some_and(|t| t.text(self.v.text) == ",")
            });
            return before_comma.or(cands.first()).map(|&m| self.head_of(m));
        }
        cands
            .iter()
            .rev()
            .find(|&&(_, l, _)| v - l <= 8)
            .or(cands.first())
            .map(|&m| self.head_of(m))
    }

    /// Leading cue: the last speech verb before the opening mark in its sentence.
    fn leading(&self, q: &QuoteMarks) -> Attribution {
        let mut a = Attribution::default();
        let open = self.token_at(q.open);
        if open >= self.v.tokens.len() {
            return a;
        }
        let sent = self.sentence(open);
        let mut j = open;
        while j > 0 {
            j -= 1;
            if self.sentence(j) != sent && self.text(j) != "." {
                break;
            }
            if self.in_any_quote(j) {
                continue;
            }
            if self.is_verb(j) {
                a.cue = Some(self.text(j).to_string());
                a.cue_token = Some(j);
                if let Some((f, l, actor)) = self.subject_of(j) {
                    a.speaker = Some(actor);
                    a.speaker_tokens = Some((f, l));
                } else if let Some((f, l, actor)) =
                    (j + 1..open).find_map(|k| self.mention_starting(k))
                {
                    // "said Zelensky: “…”"
                    a.speaker = Some(actor);
                    a.speaker_tokens = Some((f, l));
                } else {
                    let start = (0..j)
                        .rev()
                        .take_while(|&k| self.sentence(k) == sent)
                        .last()
                        .unwrap_or(j);
                    a.speaker_text = self.nominal_before(j, start);
                }
                return a;
            }
        }
        a
    }

    /// "according to X" or a nominal cue ("in a statement") in the quote's sentence.
    fn according_or_nominal(&self, q: &QuoteMarks) -> Attribution {
        let mut a = Attribution::default();
        let open = self
            .token_at(q.open)
            .min(self.v.tokens.len().saturating_sub(1));
        if self.v.tokens.is_empty() {
            return a;
        }
        let sent = self.sentence(open);
        let range: Vec<usize> = (0..self.v.tokens.len())
            .filter(|&k| self.sentence(k) == sent && !self.in_any_quote(k))
            .collect();
        for &k in &range {
            if self
                .word(k)
                .is_some_and(|w| w.eq_ignore_ascii_case("according"))
                && self.word(k + 1) == Some("to")
            {
                a.cue = Some("according to".to_string());
                a.cue_token = Some(k);
                if let Some((f, l, actor)) =
                    (k + 2..(k + 8).min(self.v.tokens.len())).find_map(|j| self.mention_starting(j))
                {
                    a.speaker = Some(actor);
                    a.speaker_tokens = Some((f, l));
                }
                return a;
            }
        }
        for &k in &range {
            let Some(w) = self.word(k) else { continue };
            if self.lex.speech_nouns.contains(&w.to_lowercase())
                && k > 0
                && self.word(k - 1).is_some_and(|d| {
                    matches!(d, "a" | "an" | "the" | "its" | "his" | "her" | "their")
                })
            {
                a.cue = Some(w.to_string());
                a.cue_token = Some(k);
                let subject = self
                    .v
                    .resolved
                    .iter()
                    .find(|&&(f, _, actor)| {
                        self.sentence(f) == sent && !self.in_any_quote(f) && actor != usize::MAX
                    })
                    .copied();
                if let Some((f, l, actor)) = subject {
                    a.speaker = Some(actor);
                    a.speaker_tokens = Some((f, l));
                }
                return a;
            }
        }
        a
    }

    /// Addressee or medium and time, read around the cue verb.
    fn details(&self, cue: usize, actors: &Chunked<Actor>) -> (Option<String>, Option<String>) {
        let n = self.v.tokens.len();
        let sent = self.sentence(cue);
        let mut addressee = None;
        let mut time = None;
        let verb = self.text(cue).to_lowercase();
        let lemma = self.lex.speech_lemma(&verb).unwrap_or("");
        let mut k = cue + 1;
        while k < n && self.sentence(k) == sent && k < cue + 12 && !self.in_any_quote(k) {
            let w = self.text(k);
            if self.lex.calendar.contains(w) && time.is_none() {
                time = Some(w.to_string());
            }
            if addressee.is_none() {
                if lemma == "tell" && k == cue + 1 {
                    addressee = self.phrase_from(k);
                } else if matches!(w, "on" | "to") && k <= cue + 2 {
                    if let Some((_, _, actor)) = self
                        .mention_starting(k + 1)
                        .or_else(|| self.mention_starting(k + 2))
                    {
                        if actors[actor].kind == ActorKind::Organization {
                            let p = self
                                .phrase_from(k + 1)
                                .unwrap_or_else(|| actors[actor].name.clone());
                            addressee = Some(format!("{w} {p}"));
                        }
                    } else if w == "to" && self.word(k + 1) == Some("reporters") {
                        addressee = Some("to reporters".to_string());
                    }
                }
            }
            k += 1;
        }
        if time.is_none() {
            let mut k = cue;
            while k > 0 && self.sentence(k - 1) == sent && cue - k < 6 {
                k -= 1;
                if self.lex.calendar.contains(self.text(k)) {
                    time = Some(self.text(k).to_string());
                    break;
                }
            }
        }
        (addressee, time)
    }

    /// "the Guardian", "reporters", "the Financial Times": the noun phrase at `k`.
    fn phrase_from(&self, k: usize) -> Option<String> {
        let n = self.v.tokens.len();
        let mut e = k;
        while e < n && self.v.tokens[e].kind() == Kind::Word && e < k + 5 {
            let w = self.text(e);
            let content = e > k && !matches!(self.text(e - 1), "the" | "a" | "an");
            if content
                && (self.lex.calendar.contains(w)
                    || matches!(
                        w,
                        "on" | "in"
                            | "at"
                            | "that"
                            | "after"
                            | "before"
                            | "last"
                            | "this"
                            | "during"
                            | "about"
                            | "when"
                    ))
            {
                break;
            }
            e += 1;
            if self.mention_starting(k).is_some_and(|(_, l, _)| e > l)
                || (e > k && w.chars().all(char::is_lowercase) && !matches!(w, "the" | "a" | "an"))
            {
                break;
            }
        }
        (e > k).then(|| {
            let s = self.v.tokens[k].start() as usize;
            let end = self.v.tokens[e - 1].end() as usize;
            self.v.text[s..end].to_string()
        })
    }
}

fn words_in(text: &str) -> usize {
    // One pass: the runs of letters, digits and apostrophes that hold a letter or digit.
    let (mut count, mut run, mut alnum_in_run) = (0, false, false);
    for c in text.chars() {
        let alnum = c.is_alphanumeric();
        if alnum || c == '\'' || c == '\u{2019}' {
            run = true;
            alnum_in_run |= alnum;
        } else {
            count += usize::from(run && alnum_in_run);
            (run, alnum_in_run) = (false, false);
        }
    }
    count + usize::from(run && alnum_in_run)
}

/// The document's paragraphs as attribution reads them, each one's `ParaQuotes` built
/// only when it is read (a keystroke reads the changed paragraphs and those around
/// quotes, not all of them).
pub struct Paras<'a> {
    pub len: usize,
    pub para: &'a (dyn Fn(usize) -> ParaQuotes<'a> + Sync),
}

/// The per-paragraph results of earlier runs, keyed by everything `in_paragraph` reads,
/// and the last run.
#[derive(Default)]
pub struct QuoteMemo {
    entries: FxHashMap<u64, (u64, Arc<Vec<Quote>>)>,
    generation: u64,
    last: Option<LastQuotes>,
}

/// The last run: each paragraph's own quotes, what `across_paragraphs` read of them and
/// decided, and the output. The next run decides again from the compact records and
/// rewrites only the quotes whose credit or text changed; the output's other chunks are
/// shared with the analysis before.
struct LastQuotes {
    /// The `Linked::call` the run attributed.
    call: u64,
    /// Each paragraph's own quotes, numbered in document order: paragraph p's are
    /// `at[p]..at[p + 1]`. Shared with the memo, as if each were paragraph 0 (`Local`).
    local: Local,
    at: Vec<usize>,
    /// What `across_paragraphs` reads of each of `local`.
    briefs: Vec<Brief>,
    /// Per paragraph: it opens with a quotation mark (a quote before it may run on).
    opens: Vec<bool>,
    /// `closing_speaker` of the paragraphs it was asked of.
    closing: FxHashMap<usize, Option<Credit>>,
    decisions: Vec<Decision>,
    /// Per quote: which checks read it (`flags`), so that they look at those alone.
    flags: Vec<u8>,
    /// `local` with `decisions` applied.
    out: Chunked<Quote>,
}

/// What attribution reads of the linking call it follows: `actors::Linked`'s `call`,
/// `since` and `moved`.
pub type LinkCall<'a> = (u64, Option<&'a (u64, Vec<usize>)>, Option<&'a [usize]>);

impl LastQuotes {
    /// The speakers of the actors linking renumbered (`actors::Linked::moved`). One it
    /// dropped was named only in the changed paragraphs, whose quotes and those credited
    /// from them are attributed again.
    fn renumber(&mut self, moved: &[usize]) {
        let to = |s: &mut Option<usize>| {
            if let Some(i) = *s {
                *s = moved.get(i).copied().filter(|&j| j != usize::MAX);
            }
        };
        let stale = |s: Option<usize>| s.is_some_and(|i| moved.get(i) != Some(&i));
        for part in self.local.0.iter_mut().flatten() {
            if part.iter().any(|q| stale(q.speaker)) {
                Arc::make_mut(part)
                    .iter_mut()
                    .for_each(|q| to(&mut q.speaker));
            }
        }
        for c in self.closing.values_mut().flatten() {
            to(&mut c.0);
        }
        for i in 0..self.out.len() {
            if stale(self.out[i].speaker) {
                to(&mut self.out.make_mut(i).speaker);
            }
        }
    }
}

/// Who said each quote of the document. A paragraph's quotes are reused when its text
/// (`content[i]`), its resolved mentions and the kinds and names of their actors are what
/// they were: after an edit, only the edited paragraph and those whose mentions moved are
/// attributed again. `since` is `actors::Linked::since`: when it names the last run, only
/// its paragraphs are looked at; the others' quotes are moved with their paragraphs.
pub fn attribute_with(
    paras: &Paras,
    content: &[u64],
    actors: &Chunked<Actor>,
    (call, since, moved): LinkCall,
    memo: &mut QuoteMemo,
) -> Chunked<Quote> {
    memo.generation += 1;
    // Memo entries kept at most: the live paragraphs' and as many again.
    let bound = 2 * paras.len + 64;
    let last = memo.last.take().filter(|l| {
        since.is_some_and(|(c, _)| *c == l.call)
            && l.opens.len() == paras.len
            // Entries of paragraphs not looked at are not marked live; keep the table
            // bounded by running in full from time to time.
            && memo.entries.len() <= bound
    });
    // What `in_paragraph` reads of an actor, hashed once per actor when first needed, on a
    // full run. A keystroke keys a paragraph or two: hashing their speakers' names again
    // is cheaper than a table as long as the actor list (at 100k words, filling it was a
    // twentieth of a keystroke's time).
    let actor_keys: Vec<std::sync::OnceLock<u64>> = if last.is_some() {
        Vec::new()
    } else {
        std::iter::repeat_with(Default::default)
            .take(actors.len())
            .collect()
    };
    // The memo's key of paragraph `pi` (read as `v`), whose speakers are `speakers`.
    let key_of = |pi: usize, v: &ParaQuotes, speakers: &[(usize, usize, usize)]| -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        (content[pi], v.quotes.len(), speakers).hash(&mut h);
        for &(_, _, a) in speakers {
            if let Some(actor) = actors.get(a) {
                match actor_keys.get(a) {
                    Some(k) => *k.get_or_init(|| actor_key(actor)),
                    None => actor_key(actor),
                }
                .hash(&mut h);
            }
        }
        h.finish()
    };
    let closing = |p: usize, cache: &mut FxHashMap<usize, Option<Credit>>| {
        cache
            .entry(p)
            .or_insert_with(|| closing_speaker(p, &(paras.para)(p), actors))
            .as_ref()
            .map(|c| c.0.is_some() || c.1.is_some())
    };
    let next = match (last, since) {
        (Some(mut l), Some((_, changed))) => {
            if let Some(moved) = moved {
                l.renumber(moved);
            }
            // Ascending (`reassemble` lists them so).
            let is_changed = |p: usize| changed.binary_search(&p).is_ok();
            let mut shifted = false;
            let quotes = memoised(paras, changed.iter().copied(), &key_of, actors, memo);
            for (&pi, (opens, fresh)) in changed.iter().zip(quotes) {
                let fresh_len = fresh.as_ref().map_or(0, |f| f.len());
                l.opens[pi] = opens;
                l.closing.remove(&pi);
                let (from, to) = (l.at[pi], l.at[pi + 1]);
                let grown = fresh_len as isize - (to - from) as isize;
                if grown != 0 {
                    shifted = true;
                    for a in &mut l.at[pi + 1..] {
                        *a = (*a as isize + grown) as usize;
                    }
                }
                let briefs = fresh
                    .iter()
                    .flat_map(|f| f.iter())
                    .map(|q| Brief::of(q, pi));
                l.briefs.splice(from..to, briefs);
                l.local.0[pi] = fresh;
            }
            if shifted {
                l.decisions = decide(&l.briefs, &l.opens, &mut |p| closing(p, &mut l.closing));
                l.flags = all_flags(&l.briefs, &l.decisions);
                l.out = materialize(&l.local, &l.at, &l.decisions, &l.closing);
            } else if let (Some(&first), Some(&last)) = (changed.first(), changed.last()) {
                // Only the quotes a changed paragraph can reach are decided again: see
                // `reach`.
                let span = reach(&l.briefs, &l.at, first, last);
                let part = decide(&l.briefs[span.clone()], &l.opens, &mut |p| {
                    closing(p, &mut l.closing)
                });
                let changed_at = |k: u32| is_changed(l.briefs[k as usize].paragraph as usize);
                for (i, mut d) in span.clone().zip(part) {
                    d.offset(span.start as u32);
                    let from_changed = match d.credit {
                        Credited::Own => false,
                        Credited::From(k) => changed_at(k),
                        Credited::Closing(p) => is_changed(p as usize),
                    } || d.cue_from.is_some_and(changed_at);
                    if changed_at(i as u32) || from_changed || d != l.decisions[i] {
                        *l.out.make_mut(i) = apply(&l.local, &l.at, i, &d, &l.closing);
                    }
                    // `reach` holds the changed paragraphs' quotes, so their new briefs
                    // are flagged here too.
                    l.flags[i] = flags(&l.briefs[i], &d);
                    l.decisions[i] = d;
                }
                debug_assert_eq!(
                    l.decisions,
                    decide(&l.briefs, &l.opens, &mut |p| closing(p, &mut l.closing))
                );
            }
            l.call = call;
            l
        }
        _ => {
            let mut at = Vec::with_capacity(paras.len + 1);
            let mut briefs: Vec<Brief> = Vec::new();
            let parts = memoised(paras, 0..paras.len, &key_of, actors, memo);
            let (opens, parts): (Vec<bool>, Vec<_>) = parts.into_iter().unzip();
            for (pi, part) in parts.iter().enumerate() {
                at.push(briefs.len());
                briefs.extend(part.iter().flat_map(|f| f.iter()).map(|q| Brief::of(q, pi)));
            }
            at.push(briefs.len());
            let local_quotes = Local(parts);
            let generation = memo.generation;
            if memo.entries.len() > bound {
                memo.entries.retain(|_, e| e.0 == generation);
            }
            let mut cache = FxHashMap::default();
            let decisions = decide(&briefs, &opens, &mut |p| closing(p, &mut cache));
            LastQuotes {
                call,
                out: materialize(&local_quotes, &at, &decisions, &cache),
                local: local_quotes,
                at,
                flags: all_flags(&briefs, &decisions),
                briefs,
                opens,
                closing: cache,
                decisions,
            }
        }
    };
    debug_assert_eq!(next.flags, all_flags(&next.briefs, &next.decisions));
    let out = next.out.clone();
    memo.last = Some(next);
    out
}

/// Whether each of paragraphs `which` opens with a quotation mark, and its quotes (`None`
/// for one without), in order, each as if it were paragraph 0: from the memo, keyed by
/// `key_of`, or attributed and filed there. Each paragraph's opening, key and quotes
/// depend on it and the actors alone, so when many are asked of (opening a long draft)
/// the cores share all three: keyed one after another, on the calling thread, a 1M-word
/// draft's paragraphs took 14 ms, waiting on memory, beside 22 ms to attribute those
/// missing on two cores.
#[allow(clippy::type_complexity)]
fn memoised(
    paras: &Paras,
    which: impl Iterator<Item = usize>,
    key_of: &(dyn Fn(usize, &ParaQuotes, &[(usize, usize, usize)]) -> u64 + Sync),
    actors: &Chunked<Actor>,
    memo: &mut QuoteMemo,
) -> Vec<(bool, Option<Arc<Vec<Quote>>>)> {
    let generation = memo.generation;
    let which: Vec<usize> = which.collect();
    // A keystroke asks of a few paragraphs at most: a thread would cost more than it saves.
    let threads = if which.len() >= super::PARALLEL_BATCH {
        super::threads()
    } else {
        1
    };
    let entries = &memo.entries;
    // Each paragraph's opening, and its key and quotes, found in the memo or attributed
    // here.
    let looked: Vec<(bool, Option<(u64, Arc<Vec<Quote>>)>)> =
        super::on_threads(&which, threads, |_, part| {
            part.iter()
                .map(|&pi| {
                    let v = (paras.para)(pi);
                    let opens = super::quotes::opens_with_quote(v.text);
                    if v.quotes.is_empty() {
                        return (opens, None);
                    }
                    let speakers = speakers_in(&v, actors);
                    let key = key_of(pi, &v, &speakers);
                    let quotes = match entries.get(&key) {
                        Some(e) => e.1.clone(),
                        None => {
                            let v = ParaQuotes {
                                resolved: &speakers,
                                ..v
                            };
                            Arc::new(in_paragraph(&v, 0, actors))
                        }
                    };
                    (opens, Some((key, quotes)))
                })
                .collect()
        });
    looked
        .into_iter()
        .map(|(opens, found)| {
            let quotes = found.map(|(key, quotes)| {
                // A paragraph repeated in the draft was attributed twice; the memo keeps one.
                let e = memo.entries.entry(key).or_insert((generation, quotes));
                e.0 = generation;
                e.1.clone()
            });
            (opens, quotes)
        })
        .collect()
}

/// The paragraph's resolved mentions of actors that can speak: cities and regions do not;
/// countries and organisations may.
fn speakers_in(v: &ParaQuotes, actors: &Chunked<Actor>) -> Vec<(usize, usize, usize)> {
    v.mentions
        .iter()
        .map(|&(f, l, a)| (f as usize, l as usize, a as usize))
        .filter(|&(_, _, i)| {
            actors.get(i).is_some_and(|a| {
                a.kind != ActorKind::Place || a.subtype.as_deref() == Some("country")
            })
        })
        .collect()
}

fn actor_key(a: &Actor) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (a.kind, &a.subtype, &a.name).hash(&mut h);
    h.finish()
}

/// The quotes of one paragraph, attributed from what the paragraph itself says.
fn in_paragraph(v: &ParaQuotes, pi: usize, actors: &Chunked<Actor>) -> Vec<Quote> {
    let lex = Lexicon::get();
    let out: Vec<Quote>;
    {
        let p = P::new(v, lex);
        let mut local: Vec<(Quote, Attribution)> = Vec::new();
        let top: Vec<&QuoteMarks> = v.quotes.iter().filter(|q| q.depth == 0).collect();
        for (qi, q) in top.iter().enumerate() {
            let inner = &v.text[q.inner.0 as usize..q.inner.1 as usize];
            let words = words_in(inner);
            let open_tok = p.token_at(q.open);
            let starts_sentence = open_tok == 0
                || v.tokens
                    .get(open_tok.wrapping_sub(1))
                    .is_some_and(|t| matches!(t.text(v.text), "." | ":" | "!" | "?" | "\u{2014}"))
                || v.tokens.get(open_tok).is_some_and(|t| t.sentence_start());
            let partial = !starts_sentence;
            let mut att = p.trailing(q);
            if !att.found() {
                // Quotes joined before one cue: “…” and “…,” Zelensky wrote.
                if let Some(next) = top.get(qi + 1) {
                    let between = &v.text[q.end as usize..next.open as usize];
                    if between.trim().len() <= 4
                        && between
                            .split_whitespace()
                            .all(|w| matches!(w, "and" | "or" | "," | "but"))
                    {
                        let t = p.trailing(next);
                        if t.found() {
                            att = t;
                        }
                    }
                }
            }
            if !att.found() {
                let lead = p.leading(q);
                if lead.found() || att.cue.is_none() {
                    att = lead;
                }
            }
            if !att.found() {
                let near = p.according_or_nominal(q);
                if near.found() {
                    att = near;
                }
            }
            if !att.found() {
                if let Some((_, prev)) = local.iter().rev().find(|(_, a)| a.found()) {
                    att = Attribution {
                        cue: None,
                        cue_token: None,
                        ..prev.clone()
                    };
                }
            }
            let scare = words <= 3
                && partial
                && !att.found()
                && !inner.trim_end().ends_with(['.', ',', '!', '?']);
            let (addressee, time) = att
                .cue_token
                .filter(|_| att.cue.as_deref() != Some("according to"))
                .map(|k| p.details(k, actors))
                .unwrap_or((None, None));
            let speaker_span = att.speaker_tokens.map(|(f, l)| {
                (
                    pi,
                    Span::new(v.tokens[f].start() as usize, v.tokens[l].end() as usize),
                )
            });
            local.push((
                Quote {
                    span: Span::new(q.open as usize, q.end as usize),
                    inner: Span::new(q.inner.0 as usize, q.inner.1 as usize),
                    paragraph: pi,
                    speaker: att.speaker,
                    speaker_span,
                    speaker_text: att.speaker_text.as_deref().map(Arc::from),
                    cue: att.cue.as_deref().map(Arc::from),
                    addressee: addressee.map(Arc::from),
                    time: time.map(Arc::from),
                    partial,
                    words,
                    scare,
                    closed: q.closed,
                    continues: false,
                },
                att,
            ));
        }
        // Sized exactly: extending an empty vector rounds it up to four quotes, and
        // collecting would keep `local`'s larger buffer.
        let mut quotes = Vec::with_capacity(local.len());
        quotes.extend(local.into_iter().map(|(q, _)| q));
        out = quotes;
    }
    out
}

/// A speaker carried over from another paragraph: actor, or else a phrase; the mention
/// (its paragraph and span there).
type Credit = (Option<usize>, Option<Arc<str>>, Option<(usize, Span)>);

/// Who the last sentence of a paragraph without quotes credits with speech: "Place
/// kicking is a matter of timing, Moritz declared." or "Mitchell said in a statement:".
/// A quote opening the next paragraph with no credit of its own is theirs, as news
/// style has it.
fn closing_speaker(pi: usize, v: &ParaQuotes, actors: &Chunked<Actor>) -> Option<Credit> {
    let last = v.tokens.last()?;
    if v.quotes.iter().any(|q| q.depth == 0) {
        return None;
    }
    let speakers = speakers_in(v, actors);
    let v = &ParaQuotes {
        resolved: &speakers,
        ..*v
    };
    let p = P::new(v, Lexicon::get());
    let from = v.tokens.partition_point(|t| t.sentence() < last.sentence());
    let verb = (from..v.tokens.len()).rev().find(|&j| p.is_verb(j))?;
    // The credit closes the sentence ("…, Moritz declared.", "said on Friday.") or
    // introduces what follows ("said in a statement:"); "Smith said the plan would fail."
    // reports speech without introducing a quote. "to talk", "speaking" are not credits.
    let introduces = p.text(v.tokens.len() - 1) == ":";
    let words_after = (verb + 1..v.tokens.len())
        .filter(|&j| p.word(j).is_some())
        .count();
    if !(introduces || words_after <= 4)
        || p.text(verb).ends_with("ing")
        || verb > 0 && p.text(verb - 1).eq_ignore_ascii_case("to")
    {
        return None;
    }
    let after = p.mention_starting(verb + 1);
    // The subject stands right before the verb ("Moritz declared", "he also said", "Pete
    // Rozelle, the league commissioner, pointed out"), or after it ("said Mr. Kennedy").
    let adverb = |j: usize| {
        p.word(j).is_some_and(|w| {
            w.ends_with("ly") && w.chars().all(|c| c.is_ascii_lowercase())
                || matches!(w, "also" | "then" | "later" | "again" | "once")
        })
    };
    let next_to_verb = |&(_, l, _): &(usize, usize, usize)| {
        l + 1 == verb || l + 2 == verb && adverb(l + 1) || p.text(verb - 1) == ","
    };
    if let Some((f, l, actor)) = p.subject_of(verb).filter(next_to_verb).or(after) {
        let span = Span::new(v.tokens[f].start() as usize, v.tokens[l].end() as usize);
        return Some((Some(actor), None, Some((pi, span))));
    }
    let nominal = p.nominal_before(verb, from)?;
    Some((None, Some(Arc::from(nominal.as_str())), None))
}

/// What `decide` and the quote checks read of a quote: a few words, side by side, so
/// that a keystroke reads a compact list, not every quote.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Brief {
    paragraph: u32,
    /// The quote's span in its paragraph.
    start: u32,
    end: u32,
    words: u32,
    closed: bool,
    scare: bool,
    partial: bool,
    credited: bool,
    cue: bool,
}

impl Brief {
    /// The brief of paragraph `pi`'s quote `q` (as its memo keeps it, placed in paragraph
    /// 0): read in place, not from a placed copy (a clone of its shared strings).
    fn of(q: &Quote, pi: usize) -> Brief {
        Brief {
            paragraph: pi as u32,
            start: q.span.start as u32,
            end: q.span.end as u32,
            words: q.words as u32,
            closed: q.closed,
            scare: q.scare,
            partial: q.partial,
            credited: q.speaker.is_some() || q.speaker_text.is_some(),
            cue: q.cue.is_some(),
        }
    }
}

/// Whose credit (speaker, speaker phrase and mention) a quote ends up with.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Credited {
    Own,
    /// Another quote's own (an index into the paragraphs' own quotes).
    From(u32),
    /// What the last sentence of this paragraph, which has no quotes, credits.
    Closing(u32),
}

/// What `across_paragraphs` decides for one quote.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Decision {
    credit: Credited,
    /// The quote whose own cue it takes, if not its own.
    cue_from: Option<u32>,
    continues: bool,
    /// Someone is credited with it in the end.
    said: bool,
}

impl Decision {
    /// Moves the quote indexes of a decision made on a stretch starting at `start`.
    fn offset(&mut self, start: u32) {
        if let Credited::From(k) = &mut self.credit {
            *k += start;
        }
        if let Some(k) = &mut self.cue_from {
            *k += start;
        }
    }
}

/// A quote as the quote checks read it (`QuoteMemo::states`).
#[derive(Clone, Copy, Debug)]
pub struct QuoteState {
    pub paragraph: usize,
    /// In the paragraph.
    pub span: Span,
    pub words: usize,
    pub scare: bool,
    pub partial: bool,
    /// Someone is credited with it.
    pub said: bool,
    pub closed: bool,
    pub continues: bool,
}

/// `QuoteMemo::flagged`'s checks: the quotes `unattributed_quotes::reads`, and those
/// `unbalanced_quotes::reads`.
pub const UNATTRIBUTED: u8 = 1;
pub const UNBALANCED: u8 = 2;

fn state(b: &Brief, d: &Decision) -> QuoteState {
    QuoteState {
        paragraph: b.paragraph as usize,
        span: Span::new(b.start as usize, b.end as usize),
        words: b.words as usize,
        scare: b.scare,
        partial: b.partial,
        said: d.said,
        closed: b.closed,
        continues: d.continues,
    }
}

/// Which of the checks read a quote: kept per quote and updated where the decisions are,
/// so that a keystroke's checks skip the document's other quotes a byte at a time
/// (building every quote's state for them was a seventh of a keystroke at 100k words).
fn flags(b: &Brief, d: &Decision) -> u8 {
    let q = state(b, d);
    let bit = |reads: bool, check: u8| if reads { check } else { 0 };
    bit(super::unattributed_quotes::reads(&q), UNATTRIBUTED)
        | bit(super::unbalanced_quotes::reads(&q), UNBALANCED)
}

fn all_flags(briefs: &[Brief], decisions: &[Decision]) -> Vec<u8> {
    briefs
        .iter()
        .zip(decisions)
        .map(|(b, d)| flags(b, d))
        .collect()
}

impl QuoteMemo {
    /// The last run's quotes that `check` (`UNATTRIBUTED`, `UNBALANCED`) reads, in order.
    pub fn flagged(&self, check: u8) -> impl Iterator<Item = QuoteState> + '_ {
        self.last.iter().flat_map(move |l| {
            l.flags
                .iter()
                .enumerate()
                .filter(move |(_, &f)| f & check != 0)
                .map(|(i, _)| state(&l.briefs[i], &l.decisions[i]))
        })
    }

    /// Where paragraph p's quotes are in the last run's list: `at[p]..at[p + 1]`.
    pub fn at(&self) -> &[usize] {
        self.last.as_ref().map_or(&[], |l| &l.at)
    }
}

/// Multi-paragraph quotes and conversation, in document order, decided from the
/// paragraphs' own quotes (`briefs`) alone: a quote continued over paragraphs takes the
/// speaker of its last part; a paragraph that opens with an uncredited quote continues the
/// speaker of the paragraph before: its last quote's, or, if it quotes no one, the one
/// its last sentence credits with speech (`closing(p)`: whether it credits someone, if it
/// credits at all; and so do the paragraph's other uncredited quotes).
/// The quotes whose decisions an edit of paragraphs `first..=last` can change (indexes
/// into `briefs`): `decide` links a quote only to quotes of its own paragraph and of the
/// paragraphs either side, and to the text of the paragraph before it. So the quotes of
/// the paragraphs from the one before `first` to the one after `last`, widened to the
/// nearest gaps (a paragraph without quotes between two quotes, which no decision
/// crosses), are all that can change; `decide` of that stretch alone decides them as
/// `decide` of the whole document would.
fn reach(briefs: &[Brief], at: &[usize], first: usize, last: usize) -> std::ops::Range<usize> {
    let n = briefs.len();
    let gap = |k: usize| briefs[k].paragraph > briefs[k - 1].paragraph + 1;
    let mut lo = at[first.saturating_sub(1).min(at.len() - 1)];
    let mut hi = at[(last + 2).min(at.len() - 1)];
    while lo > 0 && lo < n && !gap(lo) {
        lo -= 1;
    }
    while hi > 0 && hi < n && !gap(hi) {
        hi += 1;
    }
    lo.min(hi)..hi
}

/// `briefs` may be a stretch of the document's quotes (see `reach`): the quote indexes in
/// the decisions are then relative to the stretch (`Decision::offset` places them).
fn decide(
    briefs: &[Brief],
    opens: &[bool],
    closing: &mut dyn FnMut(usize) -> Option<bool>,
) -> Vec<Decision> {
    let n = briefs.len();
    let mut out: Vec<Decision> = briefs
        .iter()
        .map(|b| Decision {
            credit: Credited::Own,
            cue_from: None,
            continues: !b.closed
                && opens
                    .get(b.paragraph as usize + 1)
                    .copied()
                    .unwrap_or(false),
            said: b.credited,
        })
        .collect();
    let mut cue: Vec<bool> = briefs.iter().map(|b| b.cue).collect();
    let whose = |d: &Decision, k: usize| match d.credit {
        Credited::Own => Credited::From(k as u32),
        c => c,
    };
    for i in (0..n.saturating_sub(1)).rev() {
        if out[i].continues && !out[i].said && briefs[i + 1].paragraph == briefs[i].paragraph + 1 {
            out[i].credit = whose(&out[i + 1], i + 1);
            out[i].cue_from = Some(out[i + 1].cue_from.unwrap_or(i as u32 + 1));
            out[i].said = out[i + 1].said;
            cue[i] = cue[i + 1];
        }
    }
    let mut i = 0;
    while i < n {
        let b = briefs[i];
        let prev = i
            .checked_sub(1)
            .filter(|&k| briefs[k].paragraph + 1 == b.paragraph);
        let first = b.start == 0;
        let before = match prev {
            _ if !first || out[i].said || b.scare || b.paragraph == 0 => None,
            Some(k) if out[k].said => Some((whose(&out[k], k), true)),
            Some(_) => None,
            // Not when it has a cue of its own ("the trustees' statement said") whose
            // speaker was not found.
            None if cue[i] => None,
            None => closing(b.paragraph as usize - 1)
                .map(|said| (Credited::Closing(b.paragraph - 1), said)),
        };
        if let Some((credit, said)) = before {
            let mut j = i;
            while j < n && briefs[j].paragraph == b.paragraph {
                if !out[j].said && !briefs[j].scare {
                    out[j].credit = credit;
                    out[j].said = said;
                }
                j += 1;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Quote `i` of the paragraphs' own quotes as `d` decides (`closing`: the credits
/// `decide` was given).
fn apply(
    local: &Local,
    at: &[usize],
    i: usize,
    d: &Decision,
    closing: &FxHashMap<usize, Option<Credit>>,
) -> Quote {
    let mut q = local.get(at, i);
    q.continues = d.continues;
    match d.credit {
        Credited::Own => {}
        Credited::From(k) => {
            let from = local.get(at, k as usize);
            q.speaker = from.speaker;
            q.speaker_text = from.speaker_text.clone();
            q.speaker_span = from.speaker_span;
        }
        Credited::Closing(p) => {
            if let Some(Some((speaker, text, span))) = closing.get(&(p as usize)) {
                q.speaker = *speaker;
                q.speaker_text = text.clone();
                q.speaker_span = *span;
            }
        }
    }
    if let Some(k) = d.cue_from {
        q.cue = local.get(at, k as usize).cue;
    }
    q
}

fn materialize(
    local: &Local,
    at: &[usize],
    decisions: &[Decision],
    closing: &FxHashMap<usize, Option<Credit>>,
) -> Chunked<Quote> {
    decisions
        .iter()
        .enumerate()
        .map(|(i, d)| apply(local, at, i, d, closing))
        .collect()
}

/// Each paragraph's own quotes as the memo keeps them (as if the paragraph were the
/// first): a long draft's quotes are not held a second time, placed.
struct Local(Vec<Option<Arc<Vec<Quote>>>>);

impl Local {
    /// Quote `i` in document order, placed in its paragraph (`at` as in `LastQuotes`).
    fn get(&self, at: &[usize], i: usize) -> Quote {
        let p = at.partition_point(|&a| a <= i) - 1;
        let part = self.0[p]
            .as_ref()
            .expect("a paragraph numbered with quotes has them");
        placed(&part[i - at[p]], p)
    }
}

/// A quote of a paragraph read as the first, as paragraph `pi`'s.
fn placed(q: &Quote, pi: usize) -> Quote {
    Quote {
        paragraph: pi,
        speaker_span: q.speaker_span.map(|(_, s)| (pi, s)),
        ..q.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_the_runs_split_at_other_characters() {
        let reference = |text: &str| {
            text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
        };
        for text in [
            "",
            "'",
            "It's over, ’tis said —  ' 'a' 9.5 %",
            "rock ’n’ roll's",
            "«Über» naïve café, 東京 ok'",
            "…",
            "x",
        ] {
            assert_eq!(words_in(text), reference(text), "{text:?}");
        }
    }
}
