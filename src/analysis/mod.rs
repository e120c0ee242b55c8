//! The analysis library: text in, spans and findings out.
//!
//! Nothing in here knows about LSP or JSON-RPC. Offsets are UTF-8 byte offsets into the
//! analysed text, end exclusive. The protocol layer (`crate::lsp`) and the CLI
//! (`crate::cli`) convert them for their audiences.

pub mod actors;
pub mod attribution;
pub mod chunked;
pub mod config;
pub mod duplicates;
pub mod fingerprint;
pub mod hover;
pub mod lexicon;
pub mod line_index;
pub mod mentions;
pub mod paragraphs;
pub mod quotes;
pub mod roster;
pub mod shifted;
pub mod tokens;
pub mod unattributed_quotes;
pub mod unbalanced_quotes;

use std::sync::Arc;

use rustc_hash::FxHashMap;

pub use actors::{Actor, ActorMention};
pub use attribution::Quote;
pub use chunked::Chunked;
pub use config::Config;
pub use line_index::{LineCol, LineIndex};
pub use mentions::{ActorKind, Via};
pub use paragraphs::{BlockKind, Format, Paragraph};
pub use shifted::Shifted;

/// A half-open byte range into the analysed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    /// True when the spans share a byte, or when an empty span touches the other.
    pub fn touches(&self, other: Span) -> bool {
        self.start <= other.end && other.start <= self.end
    }
    /// The same text's span after the point it is measured from moved from `from` to `to`
    /// (a paragraph's start before and after an edit, or the end of a text that grew):
    /// requires `start + to >= from`.
    pub fn moved(self, from: usize, to: usize) -> Span {
        Span::new(self.start + to - from, self.end + to - from)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

/// The stable identifier of a kind of finding; users see it and can switch it off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    DuplicateParagraph,
    NearDuplicateParagraph,
    UnattributedQuote,
    UnbalancedQuote,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::DuplicateParagraph => "duplicate-paragraph",
            Code::NearDuplicateParagraph => "near-duplicate-paragraph",
            Code::UnattributedQuote => "unattributed-quote",
            Code::UnbalancedQuote => "unbalanced-quote",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// A replacement of `span` by `text`; a fix is a list of them, applied together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

/// Everything copydesk knows about one version of one document.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Shared with the analyser, which splits the next text from them.
    pub paragraphs: Arc<Shifted<Paragraph>>,
    pub findings: Vec<Finding>,
    pub actors: Chunked<Actor>,
    /// Placed in their paragraphs: `quote_span`, `quote_inner`, `quote_speaker_span`.
    pub quotes: Chunked<Quote>,
    /// Lines of the analysed text, built once per analysis for everyone who converts
    /// offsets (duplicate messages, the server's positions, the CLI's output).
    pub lines: Arc<LineIndex>,
    /// Paragraphs longer than `MAX_ATTRIBUTED_PARAGRAPH`, whose quotes are not attributed
    /// (counted around the edit, not over the whole list, after a keystroke).
    pub long_paragraphs: usize,
}

impl Analysis {
    /// Where a mention stands in the analysed text.
    pub fn span_of(&self, m: &ActorMention) -> Span {
        placed(&self.paragraphs, m.paragraph, m.at)
    }

    /// The actor mention covering `offset`: (actor index, mention index).
    pub fn mention_at(&self, offset: usize) -> Option<(usize, usize)> {
        // A mention lies in its paragraph's span: the last paragraph starting at or
        // before `offset` is the only one whose mentions can cover it.
        let p = self
            .paragraphs
            .partition_point(|p| p.span.start <= offset)
            .checked_sub(1)?;
        let at = offset - self.paragraphs.get(p)?.span.start;
        self.actors.iter().enumerate().find_map(|(ai, a)| {
            a.mentions
                .iter()
                .position(|m| m.paragraph == p && m.at.start <= at && at <= m.at.end)
                .map(|mi| (ai, mi))
        })
    }

    /// Where a quote stands in the analysed text, marks included.
    pub fn quote_span(&self, q: &Quote) -> Span {
        placed(&self.paragraphs, q.paragraph, q.span)
    }

    /// Where a quote's words stand in the analysed text.
    pub fn quote_inner(&self, q: &Quote) -> Span {
        placed(&self.paragraphs, q.paragraph, q.inner)
    }

    /// Where the mention naming a quote's speaker stands in the analysed text.
    pub fn quote_speaker_span(&self, q: &Quote) -> Option<Span> {
        q.speaker_span.map(|(p, s)| placed(&self.paragraphs, p, s))
    }

    pub fn quote_at(&self, offset: usize) -> Option<&Quote> {
        // Quotes lie in their paragraphs, in document order.
        let p = self
            .paragraphs
            .partition_point(|p| p.span.start <= offset)
            .checked_sub(1)?;
        let at = offset - self.paragraphs.get(p)?.span.start;
        self.quotes
            .iter()
            .skip_while(|q| q.paragraph < p)
            .take_while(|q| q.paragraph == p)
            .find(|q| q.span.start <= at && at < q.span.end)
    }

    /// Index of the paragraph containing `offset`, if any.
    pub fn paragraph_at(&self, offset: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.block.end <= offset);
        (self.paragraphs.get(i)?.block.start <= offset).then_some(i)
    }
}

/// `span`, given in paragraph `p`, where it stands in the text.
pub fn placed(paragraphs: &Shifted<Paragraph>, p: usize, span: Span) -> Span {
    let start = paragraphs.get(p).map_or(0, |p| p.span.start);
    Span::new(start + span.start, start + span.end)
}

/// Per-paragraph facts that depend only on the paragraph's own text, so they can be cached
/// by content and reused across edits and across documents.
#[derive(Debug)]
pub struct ParagraphFacts {
    pub fingerprint: fingerprint::Fingerprint,
    pub tokens: Box<[tokens::Token]>,
    pub quotes: Box<[quotes::QuoteMarks]>,
    pub headline: bool,
    pub mentions: mentions::Mentions,
    /// What name linking reads of the paragraph (`actors::digest`).
    pub link_digest: u64,
}

impl ParagraphFacts {
    /// Everything about one paragraph that depends on its text alone.
    pub fn compute(text: &str) -> Self {
        let toks = tokens::tokenize(text);
        let quotes = quotes::scan(text);
        let headline = tokens::is_headline(text, &toks);
        // Sized exactly: kept for the document's life, a copy per paragraph.
        let mentions = mentions::extract(text, &toks, &quotes, headline);
        ParagraphFacts {
            fingerprint: fingerprint::Fingerprint::of(text),
            link_digest: actors::digest(&mentions, &toks),
            tokens: toks.into_boxed_slice(),
            quotes: quotes.into_boxed_slice(),
            headline,
            mentions,
        }
    }
}

/// Threads for computing many paragraphs' facts at once (opening a draft, a large paste):
/// 0 = one per core (at most 8). `set_threads(1)` measures one core.
static THREADS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub fn set_threads(n: usize) {
    THREADS.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// Fewer new paragraphs than this are analysed on the calling thread alone: their facts,
/// then duplicates and linking in turn.
const PARALLEL_BATCH: usize = 256;

/// A text at least this long, analysed afresh, has its lines indexed on a second thread
/// while its paragraphs are split: each takes about a millisecond a megabyte here, far
/// more than starting a thread.
const PARALLEL_TEXT: usize = 1 << 20;

fn threads() -> usize {
    match THREADS.load(std::sync::atomic::Ordering::Relaxed) {
        0 => {
            // Asked once: the answer reads the cgroup's files, and the passes that split a
            // long draft between threads ask on keystrokes too.
            static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
            *CORES
                .get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
        }
        n => n,
    }
}

/// Starts loading the cache line at `at`, for a loop that will read it a few steps on.
/// Walks over every paragraph's facts chase pointers into blocks spread over tens of
/// megabytes on a long draft; one miss at a time, those walks wait on memory most of
/// the time.
#[inline(always)]
pub(crate) fn prefetch<T: ?Sized>(at: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(at.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// Where `new` differs from `old`, a pass's record of the same paragraphs in its last
/// call (as many): looked for only `within`, when the analyser has told the pass that
/// nothing outside it changed since that call (debug builds check it), so that a
/// keystroke does not read every paragraph's key.
pub(crate) fn differing(
    old: &[u64],
    new: &[u64],
    within: Option<std::ops::Range<usize>>,
) -> Vec<usize> {
    let all = 0..new.len();
    let look = within.filter(|r| r.end <= new.len()).unwrap_or(all.clone());
    let changed: Vec<usize> = look.filter(|&p| old[p] != new[p]).collect();
    debug_assert!(
        all.filter(|&p| old[p] != new[p])
            .eq(changed.iter().copied()),
        "a paragraph changed outside those the analyser said it replaced"
    );
    changed
}

/// `(a(), b())`, with `a` on a second thread when `two` (a panic in it goes on in the
/// caller): for two whole passes that read different things.
fn beside<A: Send, B>(two: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if !two {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let a = s.spawn(a);
        let b = b();
        (a.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), b)
    })
}

/// `f` over `items` on `threads` threads, the results in order, as `f(0, items)` gives
/// them: for the passes whose items each read only themselves and shared tables (the
/// paragraphs' facts on opening a draft, then each paragraph's hits for the assembly and
/// the quotes the memo lacks). `f` is given where its part starts. The threads take
/// slices of 128 items in turn rather than a half each: when one core is slower (another
/// process, a busy host), the other does more instead of waiting for it.
fn on_threads<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(usize, &[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    if threads < 2 {
        return f(0, items);
    }
    const SLICE: usize = 128;
    let slices = items.len().div_ceil(SLICE);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if k >= slices {
                            return mine;
                        }
                        let end = ((k + 1) * SLICE).min(items.len());
                        mine.push((k, f(k * SLICE, &items[k * SLICE..end])));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(k, _)| *k);
    let mut out = Vec::with_capacity(items.len());
    for (_, part) in done {
        out.extend(part);
    }
    out
}

/// The facts of `bodies`, in order, on `threads` threads: each paragraph's depend on its
/// text alone.
fn compute_facts(bodies: &[&str], threads: usize) -> Vec<Arc<ParagraphFacts>> {
    on_threads(bodies, threads, |_, chunk| {
        chunk
            .iter()
            .map(|b| Arc::new(ParagraphFacts::compute(b)))
            .collect()
    })
}

/// Quotes in a paragraph longer than this (bytes) are not attributed or checked; the
/// server says so in its log (`lsp::limits`). News paragraphs are well under 2 KB.
pub const MAX_ATTRIBUTED_PARAGRAPH: usize = 16 * 1024;

/// A stateful analyser for one document: it remembers the per-paragraph facts of the
/// previous run, so the cost of a re-analysis follows what changed.
#[derive(Default)]
pub struct Analyzer {
    cache: FxHashMap<u64, Arc<ParagraphFacts>>,
    generation: u64,
    last_used: FxHashMap<u64, u64>,
    /// Near-duplicate similarities from earlier runs: after an edit only pairs involving
    /// changed paragraphs are compared again (same findings as `duplicates::find`).
    pair_memo: duplicates::PairMemo,
    /// The actor names and mentions of the last run, redone only where the text changed.
    link_memo: actors::LinkMemo,
    /// Each paragraph's attributed quotes, reused while its text and mentions stand.
    quote_memo: attribution::QuoteMemo,
    /// The last text and what was derived from it alone, so that the next analysis scans
    /// only what changed: line index, paragraph keys and facts.
    last: Option<LastText>,
}

struct LastText {
    /// Kept for comparing the next text with, unless the caller keeps it (and changes it
    /// in place: `analyze_in_place`).
    text: Option<Arc<String>>,
    len: usize,
    format: Format,
    lines: Arc<LineIndex>,
    paragraphs: Arc<Shifted<Paragraph>>,
    long_paragraphs: usize,
    /// The split found a paragraph on each line (`paragraphs::split_with_mode`).
    per_line: bool,
    keys: Vec<u64>,
    /// `ParagraphFacts::link_digest` of each paragraph, side by side like the keys, so
    /// that linking reads them without following each paragraph's pointer.
    digests: Vec<u64>,
    facts: Vec<Arc<ParagraphFacts>>,
}

/// See `Analyzer::take_retired`; dropping it frees it.
pub struct Retired {
    _held: Vec<Box<dyn std::any::Any + Send>>,
}

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// What the last analysis replaced and no longer needs (large: the names and actors
    /// of a draft, when a keystroke linked them afresh), for the caller to free after it
    /// has replied, as the server does; if not taken, it is freed by the next analysis.
    pub fn take_retired(&mut self) -> Retired {
        Retired {
            _held: std::mem::take(&mut self.link_memo.retired),
        }
    }

    pub fn analyze(&mut self, text: &str, format: Format, config: &Config) -> Analysis {
        self.analyze_shared(&Arc::new(text.to_string()), format, config)
    }

    /// `analyze`, keeping `text` itself (not a copy) for comparing the next text with.
    pub fn analyze_shared(
        &mut self,
        shared: &Arc<String>,
        format: Format,
        config: &Config,
    ) -> Analysis {
        let changed = |l: &LastText| match &l.text {
            Some(old) if Arc::ptr_eq(old, shared) => Some((shared.len(), 0)),
            Some(old) => Some(line_index::changed(old, shared)),
            None => None,
        };
        self.run(shared, &changed, Some(shared.clone()), format, config)
    }

    /// The server's way: `text` is the text of the last analysis changed in place by the
    /// caller, who knows that its first `unchanged.0` and last `unchanged.1` bytes are as
    /// they were (`None`: not known, analyse it afresh; paragraphs' facts are still
    /// reused). The analyser keeps no copy of the text: the caller has it.
    pub fn analyze_in_place(
        &mut self,
        text: &str,
        unchanged: Option<(usize, usize)>,
        format: Format,
        config: &Config,
    ) -> Analysis {
        let changed = |l: &LastText| {
            let (p, s) = unchanged?;
            // What the caller says must hold of both texts; if it cannot, start afresh.
            let fits = p + s <= l.len.min(text.len())
                && text.is_char_boundary(p)
                && text.is_char_boundary(text.len() - s);
            debug_assert!(fits, "unchanged {p}+{s} in {} then {}", l.len, text.len());
            fits.then_some((p, s))
        };
        self.run(text, &changed, None, format, config)
    }

    /// One analysis of `text`; `changed` tells, from the last one, how much of the text
    /// at its start and end is as it was then.
    fn run(
        &mut self,
        text: &str,
        changed: &dyn Fn(&LastText) -> Option<(usize, usize)>,
        keep: Option<Arc<String>>,
        format: Format,
        config: &Config,
    ) -> Analysis {
        let mut last = self.last.take();
        let changed = last.as_ref().and_then(changed);
        let index_lines = || match (&last, changed) {
            (Some(l), Some((p, s))) => Arc::new(l.lines.patch_changed(l.len, text, p, s)),
            _ => Arc::new(LineIndex::new(text)),
        };
        // Around the change only, when the last split was of the same format.
        let split = || {
            match (&last, changed) {
                (Some(l), Some(ch)) if l.format == format => {
                    paragraphs::split_again(&l.paragraphs, l.len, text, ch, format, l.per_line)
                        .map(|(p, window)| (p, l.per_line, Some(window)))
                }
                _ => None,
            }
            .unwrap_or_else(|| {
                let (all, per_line) = paragraphs::split_with_mode(text, format);
                (Shifted::new(&all), per_line, None)
            })
        };
        // Opening a long draft: nothing else runs yet, so the second core indexes the
        // lines while this one splits the paragraphs (both scan the whole text).
        let (lines, (paragraphs, per_line, window)) = beside(
            changed.is_none() && text.len() >= PARALLEL_TEXT && threads() >= 2,
            index_lines,
            split,
        );
        let paragraphs = Arc::new(paragraphs);
        self.generation += 1;
        let generation = self.generation;
        // The first `head` and last `tail` paragraphs lie in the text's unchanged prefix
        // and suffix, where the last split had the same ones: same keys and facts, kept in
        // place (no hashing, no lookup, not even a reference count touched).
        let (head, tail) = match (&last, changed) {
            (Some(l), Some((p, s))) => {
                let (old, new) = (&l.paragraphs, &paragraphs);
                let most = old.len().min(new.len());
                // The split kept the paragraphs outside its window (none after a full
                // split): the walks start past them rather than along the whole list.
                let (known_head, known_tail) = window
                    .as_ref()
                    .map_or((0, 0), |w| (w.start, old.len().saturating_sub(w.end)));
                let at = |list: &Shifted<Paragraph>, k: usize| list.get(k).map(|q| q.span);
                let mut head = known_head.min(most);
                while head < most
                    && at(new, head).is_some_and(|n| n.end <= p && at(old, head) == Some(n))
                {
                    head += 1;
                }
                let from_end = |list: &Shifted<Paragraph>, k: usize| at(list, list.len() - 1 - k);
                let mut tail = known_tail.min(most - head);
                while tail < most - head
                    && from_end(old, tail).is_some_and(|o| {
                        o.start >= l.len - s
                            && Some(o.moved(l.len, text.len())) == from_end(new, tail)
                    })
                {
                    tail += 1;
                }
                debug_assert_eq!(
                    (head, tail),
                    {
                        let head = old
                            .iter()
                            .zip(new.iter())
                            .take_while(|(o, n)| n.span.end <= p && o.span == n.span)
                            .count();
                        let tail = old
                            .iter()
                            .rev()
                            .zip(new.iter().rev())
                            .take(most - head)
                            .take_while(|(o, n)| {
                                o.span.start >= l.len - s
                                    && o.span.moved(l.len, text.len()) == n.span
                            })
                            .count();
                        (head, tail)
                    },
                    "the walks from the split's window differ from walks along the lists"
                );
                (head, tail)
            }
            _ => (0, 0),
        };
        let (mut keys, mut digests, mut facts) = last
            .as_mut()
            .map(|l| {
                (
                    std::mem::take(&mut l.keys),
                    std::mem::take(&mut l.digests),
                    std::mem::take(&mut l.facts),
                )
            })
            .unwrap_or_default();
        let long = |ps: &Shifted<Paragraph>, r: std::ops::Range<usize>| {
            ps.range(r)
                .filter(|p| p.span.len() > MAX_ATTRIBUTED_PARAGRAPH)
                .count()
        };
        let long_paragraphs = match (&last, changed) {
            (Some(l), Some(_)) => {
                l.long_paragraphs - long(&l.paragraphs, head..l.paragraphs.len() - tail)
                    + long(&paragraphs, head..paragraphs.len() - tail)
            }
            _ => long(&paragraphs, 0..paragraphs.len()),
        };
        debug_assert_eq!(long_paragraphs, long(&paragraphs, 0..paragraphs.len()));
        let middle: Vec<Span> = paragraphs
            .range(head..paragraphs.len() - tail)
            .map(|p| p.span)
            .collect();
        let mut middle_keys = Vec::with_capacity(middle.len());
        let mut found: Vec<Option<Arc<ParagraphFacts>>> = Vec::with_capacity(middle.len());
        // Positions in `middle` and texts of the paragraphs the cache does not have.
        let mut missing: Vec<usize> = Vec::new();
        let mut bodies: Vec<&str> = Vec::new();
        // Grown once to size on opening a long draft rather than doubling through every
        // size on the way (a no-op for a keystroke's few paragraphs).
        self.last_used.reserve(middle.len());
        for (k, span) in middle.iter().enumerate() {
            let body = &text[span.start..span.end];
            let key = fingerprint::content_key(body);
            self.last_used.insert(key, generation);
            middle_keys.push(key);
            let cached = self.cache.get(&key).cloned();
            if cached.is_none() {
                missing.push(k);
                bodies.push(body);
            }
            found.push(cached);
        }
        // Below a few hundred new paragraphs (a keystroke, a story) a thread costs more than
        // it saves.
        let threads = if bodies.len() < PARALLEL_BATCH {
            1
        } else {
            threads()
        };
        let computed = compute_facts(&bodies, threads);
        self.cache.reserve(computed.len());
        for (k, f) in missing.into_iter().zip(computed) {
            // A paragraph repeated in the text was computed twice; the cache keeps one.
            found[k] = Some(self.cache.entry(middle_keys[k]).or_insert(f).clone());
        }
        let middle_facts: Vec<Arc<ParagraphFacts>> = found.into_iter().flatten().collect();
        debug_assert_eq!(middle_facts.len(), middle.len());
        let old_middle = head..keys.len() - tail;
        keys.splice(old_middle.clone(), middle_keys);
        digests.splice(
            old_middle.clone(),
            middle_facts.iter().map(|f| f.link_digest),
        );
        let new_middle = head..head + middle_facts.len();
        let edited = duplicates::Edited {
            run: generation,
            last: generation - 1,
            changed: new_middle.clone(),
        };
        // Kept for this run: linking counts what the replaced paragraphs named.
        let replaced: Vec<Arc<ParagraphFacts>> = facts.splice(old_middle, middle_facts).collect();
        // Forget paragraphs that vanished: keeps memory bounded by the live document.
        if self.cache.len() > 2 * facts.len() + 64 {
            let last_used = &self.last_used;
            self.cache
                .retain(|k, _| last_used.get(k).is_some_and(|g| *g == generation));
            self.last_used.retain(|_, g| *g == generation);
        }
        let mut findings = Vec::new();
        let (pair_memo, link_memo) = (&mut self.pair_memo, &mut self.link_memo);
        let find_duplicates = || {
            config.duplicates.enabled.then(|| {
                let pairs = duplicates::pairs_since(
                    &facts,
                    &keys,
                    &config.duplicates,
                    pair_memo,
                    Some(&edited),
                );
                duplicates::findings(text, &lines, &paragraphs, pairs)
            })
        };
        // Paragraph p's text, as every pass below reads it: the spans just collected cover
        // every paragraph after a full split, and a keystroke's reads elsewhere are few.
        let body = |p: usize| {
            let span = match p.checked_sub(head).and_then(|k| middle.get(k)) {
                Some(&span) => span,
                None => paragraphs.get(p).map_or(Span::new(0, 0), |q| q.span),
            };
            &text[span.start..span.end]
        };
        let view = |p: usize| {
            let f = &facts[p];
            actors::ParaView {
                text: body(p),
                tokens: &f.tokens,
                mentions: &f.mentions,
                quotes: &f.quotes,
                digest: digests[p],
                key: keys[p],
            }
        };
        let paras = actors::Paras {
            keys: &keys,
            digests: &digests,
            view: &view,
            before: Some(actors::Before {
                new: new_middle,
                old: replaced.iter().map(|f| (&*f.tokens, &f.mentions)).collect(),
            }),
        };
        let link = || actors::link_with(&paras, config.roster.as_ref(), link_memo);
        // The duplicate pass and name linking read different facts and keep different
        // memos. After a large batch (opening a long draft) each is a full pass, and the
        // duplicates run on a second core beside linking; a keystroke's passes are far
        // shorter than starting a thread.
        let (duplicates, mut linked) = beside(threads >= 2, find_duplicates, link);
        findings.extend(duplicates.into_iter().flatten());
        let resolved = linked.resolved.clone();
        let para = |p: usize| {
            let (f, text) = (&facts[p], body(p));
            attribution::ParaQuotes {
                text,
                tokens: &f.tokens,
                // Attribution is superlinear in a paragraph's length (issue 7: a 200 KB
                // paragraph took 50 s); a paragraph this long is not prose to attribute.
                quotes: if text.len() > MAX_ATTRIBUTED_PARAGRAPH {
                    &[]
                } else {
                    &f.quotes
                },
                mentions: &resolved[p],
                resolved: &[],
            }
        };
        let quotes = attribution::attribute_with(
            &attribution::Paras {
                len: paragraphs.len(),
                para: &para,
            },
            &keys,
            &linked.actors,
            (linked.call, linked.since.as_ref(), linked.moved.as_deref()),
            &mut self.quote_memo,
        );
        actors::rebind_quoted_pronouns(
            &mut linked.actors,
            &quotes,
            &body,
            &linked.quoted_pronouns,
            &linked.resolved,
            self.quote_memo.at(),
        );
        if config.quotes.unattributed {
            findings.extend(unattributed_quotes::find(
                self.quote_memo.flagged(attribution::UNATTRIBUTED),
                &paragraphs,
            ));
        }
        if config.quotes.unbalanced {
            findings.extend(unbalanced_quotes::find(
                text,
                self.quote_memo.flagged(attribution::UNBALANCED),
                &paragraphs,
            ));
        }
        findings.sort_by_key(|f| (f.span.start, f.code));
        self.last = Some(LastText {
            text: keep,
            len: text.len(),
            format,
            lines: lines.clone(),
            paragraphs: Arc::clone(&paragraphs),
            long_paragraphs,
            per_line,
            keys,
            digests,
            facts,
        });
        Analysis {
            paragraphs,
            findings,
            actors: linked.actors,
            quotes,
            lines,
            long_paragraphs,
        }
    }
}

/// One-shot analysis, for the CLI and tests.
pub fn analyze(text: &str, format: Format, config: &Config) -> Analysis {
    Analyzer::new().analyze(text, format, config)
}
