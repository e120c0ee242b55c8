//! Duplicated paragraphs: a paste that went in twice, or a reworked copy left in its old
//! place.
//!
//! Exact copies match on the normalised-text hash. Edited copies are found through an
//! inverted index over each paragraph's bottom-k bigram sketch, so only paragraphs that
//! share distinctive word pairs are ever compared; features shared by very many
//! paragraphs stop being indexed, which keeps a huge manuscript linear instead of
//! quadratic.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use super::config::DuplicatesConfig;
use super::fingerprint::{Fingerprint, SKETCH};
use super::{
    Code, Edit, Finding, Fix, LineIndex, Paragraph, ParagraphFacts, Related, Severity, Shifted,
    Span,
};

/// A sketch feature found in more paragraphs than this is no longer distinctive.
const POSTING_CAP: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    /// The later copy.
    pub copy: usize,
    /// The earlier paragraph it repeats.
    pub of: usize,
    /// 1.0 for exact copies.
    pub similarity: f32,
    pub exact: bool,
}

/// Near-duplicate decisions already made, kept across the analyses of one document so
/// that re-analysing after an edit compares only paragraphs whose candidates changed: the
/// cost of the near-duplicate search then follows the edit.
///
/// A paragraph's decision depends only on its own normalised text and on the set of
/// candidates it is compared with (their normalised texts), so it is keyed by the exact
/// fingerprint (the hash of the normalised text) of the paragraph and an order-free hash of
/// its candidates' exact fingerprints. The value keeps the best similarity reaching the
/// threshold and every candidate that reaches it, so the earliest of them is chosen by the
/// current order, as `pairs` does.
#[derive(Debug, Default)]
pub struct PairMemo {
    threshold: Option<u32>,
    generation: u64,
    used: usize,
    /// (paragraph, its lists) -> (decision, generation last used)
    map: FxHashMap<(u64, u64), (Decision, u64)>,
    /// The paragraphs and pairs of the last run, from which the next one is patched.
    last: Option<LastRun>,
}

#[derive(Debug)]
struct LastRun {
    /// The analyser's run (`Edited::run`) these keys are of, when known.
    run: Option<u64>,
    /// Per paragraph: equal keys, equal fingerprints (see `pairs_with`).
    keys: Vec<u64>,
    /// What the patch reads of each paragraph, side by side: scanning these instead of
    /// following each paragraph's pointers is what makes a scan of the document cheap.
    briefs: Vec<Brief>,
    pairs: Vec<Pair>,
    config: DuplicatesConfig,
    /// The run's index, built when a keystroke first needs it and then kept up to date
    /// by `patch_in_place`; dropped when paragraphs are added or removed.
    index: Option<Index>,
}

/// The paragraphs filed under one feature, and the running hash of their texts over the
/// part of the list that is ever read.
#[derive(Debug)]
struct Posting {
    items: Vec<u32>,
    /// `sums[k]`: the sum of the scrambled exact fingerprints of `items[..k]`, for k below
    /// the cap: the hash of what a paragraph with k before it in the list can read, with no
    /// need to look up those k paragraphs (spread over the whole document).
    sums: Vec<u64>,
}

impl Posting {
    fn new() -> Self {
        Posting {
            items: Vec::new(),
            sums: vec![0],
        }
    }

    fn push(&mut self, i: u32, exact: u64) {
        self.items.push(i);
        if self.sums.len() < POSTING_CAP {
            let last = self.sums[self.sums.len() - 1];
            self.sums.push(last.wrapping_add(scramble(exact)));
        }
    }

    fn insert(&mut self, at: usize, i: u32, exact: u64) {
        self.items.insert(at, i);
        if at < self.sums.len() {
            let x = scramble(exact);
            self.sums.insert(at + 1, self.sums[at]);
            for s in &mut self.sums[at + 1..] {
                *s = s.wrapping_add(x);
            }
            self.sums.truncate(POSTING_CAP);
        }
    }

    /// Removes `items[at]`, whose exact fingerprint is `exact`; `exact_of` gives another
    /// paragraph's, for the one sum that comes into range.
    fn remove(&mut self, at: usize, exact: u64, exact_of: impl Fn(u32) -> u64) {
        self.items.remove(at);
        if at + 1 < self.sums.len() {
            let x = scramble(exact);
            self.sums.remove(at + 1);
            for s in &mut self.sums[at + 1..] {
                *s = s.wrapping_sub(x);
            }
        }
        let want = self.items.len().min(POSTING_CAP - 1) + 1;
        self.sums.truncate(want);
        while self.sums.len() < want {
            let m = self.sums.len() - 1;
            let next = self.sums[m].wrapping_add(scramble(exact_of(self.items[m])));
            self.sums.push(next);
        }
    }
}

/// Who holds what, for deciding a paragraph without scanning those before it.
#[derive(Debug, Default)]
struct Index {
    /// Feature -> the paragraphs indexed under it (`indexed`), ascending, uncapped: the
    /// cap applies to the part before the paragraph being decided.
    postings: FxHashMap<u64, Posting>,
    /// Exact fingerprint -> the paragraphs long enough to compare that have it, ascending.
    copies: FxHashMap<u64, Vec<u32>>,
    /// The indexed paragraphs whose sketch is too short to need two shared features,
    /// ascending (almost always none): the patch then knows, without reading a paragraph's
    /// brief, that one shared feature cannot make it a candidate.
    short: Vec<u32>,
}

fn comparable(g: &Brief, config: &DuplicatesConfig) -> bool {
    g.words >= config.min_words.max(1)
}

fn near_ok(g: &Brief, config: &DuplicatesConfig) -> bool {
    comparable(g, config) && config.near && g.words >= config.near_min_words
}

impl Index {
    fn build(briefs: &[Brief], config: &DuplicatesConfig) -> Index {
        let mut index = Index::default();
        for (i, g) in briefs.iter().enumerate() {
            if !comparable(g, config) {
                continue;
            }
            let list = index.copies.entry(g.exact).or_default();
            list.push(i as u32);
            if list.len() == 1 && near_ok(g, config) {
                for h in g.sketch() {
                    index
                        .postings
                        .entry(*h)
                        .or_insert_with(Posting::new)
                        .push(i as u32, g.exact);
                }
                if features_needed(g.len) < 2 {
                    index.short.push(i as u32);
                }
            }
        }
        index
    }

    /// Paragraph `i`, now `g`, is (or was) the only one with its text: file it or unfile it.
    /// `exact_of` gives the exact fingerprint of another indexed paragraph.
    fn set(
        &mut self,
        i: usize,
        g: &Brief,
        config: &DuplicatesConfig,
        add: bool,
        exact_of: impl Fn(u32) -> u64,
    ) {
        if !comparable(g, config) {
            return;
        }
        if add {
            self.copies.insert(g.exact, vec![i as u32]);
        } else {
            self.copies.remove(&g.exact);
        }
        if !near_ok(g, config) {
            return;
        }
        if features_needed(g.len) < 2 {
            let at = self.short.partition_point(|&x| (x as usize) < i);
            if add {
                self.short.insert(at, i as u32);
            } else if self.short.get(at) == Some(&(i as u32)) {
                self.short.remove(at);
            }
        }
        for h in g.sketch() {
            let list = self.postings.entry(*h).or_insert_with(Posting::new);
            let at = list.items.partition_point(|&x| (x as usize) < i);
            if add {
                list.insert(at, i as u32, g.exact);
            } else if list.items.get(at) == Some(&(i as u32)) {
                list.remove(at, g.exact, &exact_of);
                if list.items.is_empty() {
                    self.postings.remove(h);
                }
            }
        }
    }

    /// The paragraphs filed under feature `h`.
    fn list(&self, h: &u64) -> &[u32] {
        self.postings.get(h).map_or(&[][..], |l| &l.items[..])
    }

    /// Whether a paragraph other than `i` has text `g`.
    fn shared(&self, i: usize, g: &Brief, config: &DuplicatesConfig) -> bool {
        comparable(g, config)
            && self
                .copies
                .get(&g.exact)
                .is_some_and(|l| l.iter().any(|&x| x as usize != i))
    }
}

#[derive(Clone, Copy, Debug)]
struct Brief {
    exact: u64,
    mask: u64,
    words: usize,
    len: usize,
    sketch: [u64; SKETCH],
}

/// One bit per feature (its low six bits): two sketches with no bit in common share no
/// feature, which rules most paragraphs out before any comparison.
fn sketch_mask(sketch: &[u64]) -> u64 {
    sketch.iter().fold(0, |m, h| m | 1 << (h & 63))
}

impl Brief {
    fn of(fp: &Fingerprint) -> Brief {
        let mut sketch = [0; SKETCH];
        let len = fp.sketch.len().min(SKETCH);
        sketch[..len].copy_from_slice(&fp.sketch[..len]);
        Brief {
            exact: fp.exact,
            mask: sketch_mask(&fp.sketch),
            words: fp.words,
            len,
            sketch,
        }
    }

    fn sketch(&self) -> &[u64] {
        &self.sketch[..self.len]
    }
}

/// The best similarity reaching the threshold and the exact fingerprints of the candidates
/// reaching it; None when no candidate reaches the threshold.
type Decision = Option<(f32, Vec<u64>)>;

impl PairMemo {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn begin(&mut self, threshold: f32) {
        if self.threshold != Some(threshold.to_bits()) {
            self.map.clear();
            self.threshold = Some(threshold.to_bits());
        }
        self.generation += 1;
        self.used = 0;
    }

    /// Forgets decisions not used by the last run once they outnumber the used ones:
    /// memory stays bounded by the live document.
    fn end(&mut self) {
        if self.map.len() > 2 * self.used + 1024 {
            let generation = self.generation;
            self.map.retain(|_, v| v.1 == generation);
        }
    }
}

/// How many features a candidate must share with a sketch of `len` features: two, or one
/// for a sketch shorter than four (a short paragraph has few word pairs to share).
fn features_needed(len: usize) -> usize {
    if len >= 4 {
        2
    } else {
        1
    }
}

/// Postings per arena node: a node is one 64-byte cache line.
const NODE: usize = 14;

/// A run of postings (paragraph indexes) of one feature, and the older node it continues.
#[derive(Clone, Copy)]
struct Node {
    items: [u32; NODE],
    len: u32,
    next: u32,
}

/// A bijective scramble, so that a sum of scrambled hashes identifies a set.
fn scramble(x: u64) -> u64 {
    let mut x = x ^ (x >> 31);
    x = x.wrapping_mul(0x7FB5_D329_728E_A185);
    x ^= x >> 27;
    x = x.wrapping_mul(0x81DA_DEF4_BC2D_D44D);
    x ^ (x >> 33)
}

/// Finds, for each paragraph, the earlier paragraph it repeats, if any.
pub fn pairs(facts: &[Arc<ParagraphFacts>], config: &DuplicatesConfig) -> Vec<Pair> {
    pairs_inner(facts, config, None)
}

/// `pairs`, reusing and filling `memo` (the same result as `pairs`). `keys[i]` stands for
/// paragraph i's fingerprint: equal keys, equal fingerprints (the content key of its text,
/// or the fingerprint's `exact` hash). Comparing keys side by side, not the facts behind
/// pointers, keeps the search for what changed cheap.
pub fn pairs_with(
    facts: &[Arc<ParagraphFacts>],
    keys: &[u64],
    config: &DuplicatesConfig,
    memo: &mut PairMemo,
) -> Vec<Pair> {
    pairs_since(facts, keys, config, memo, None)
}

/// What the analyser knows of a run's paragraphs against its run before: only those in
/// `changed` may have other keys than run `last` gave them, when their number is the same
/// (outside it they are the same paragraphs, in the same places).
#[derive(Clone, Debug)]
pub struct Edited {
    pub run: u64,
    pub last: u64,
    pub changed: std::ops::Range<usize>,
}

/// `pairs_with`, told what changed since the analyser's last run: a keystroke then looks
/// for changed keys where the edit was, not along the whole document.
pub fn pairs_since(
    facts: &[Arc<ParagraphFacts>],
    keys: &[u64],
    config: &DuplicatesConfig,
    memo: &mut PairMemo,
    edited: Option<&Edited>,
) -> Vec<Pair> {
    memo.begin(config.near_threshold);
    if let Some(out) = patch_in_place(facts, keys, config, memo, edited) {
        if let Some(last) = &mut memo.last {
            last.run = edited.map(|e| e.run);
        }
        return out;
    }
    let (out, briefs) = patch(facts, keys, config, memo).unwrap_or_else(|| {
        let out = pairs_inner(facts, config, Some(&mut *memo));
        memo.end();
        (
            out,
            facts.iter().map(|f| Brief::of(&f.fingerprint)).collect(),
        )
    });
    memo.last = Some(LastRun {
        run: edited.map(|e| e.run),
        keys: keys.to_vec(),
        briefs,
        pairs: out.clone(),
        config: config.clone(),
        index: None,
    });
    out
}

/// The common keystroke: the same number of paragraphs, a few of them changed, none
/// sharing its text (before or after) with another. The last run's index is updated in
/// place, and only the paragraphs that can read a changed one are decided again: those
/// filed under one of its features early enough for the list to be usable to them (the
/// first `POSTING_CAP` or so of each list), and those whose pair it was. Nothing else is
/// scanned, so the cost follows the edit, not the document. None: `patch` decides.
fn patch_in_place(
    facts: &[Arc<ParagraphFacts>],
    keys: &[u64],
    config: &DuplicatesConfig,
    memo: &mut PairMemo,
    edited: Option<&Edited>,
) -> Option<Vec<Pair>> {
    let mut last = memo.last.take()?;
    let fits = last.config == *config && last.keys.len() == keys.len() && keys.len() == facts.len();
    let changed: Vec<usize> = if fits {
        let within = edited
            .filter(|e| last.run == Some(e.last))
            .map(|e| e.changed.clone());
        super::differing(&last.keys, keys, within)
    } else {
        Vec::new()
    };
    if !fits || changed.len() > PATCH_MAX {
        memo.last = Some(last);
        return None;
    }
    if changed.is_empty() {
        let out = last.pairs.clone();
        memo.last = Some(last);
        return Some(out);
    }
    let index = last
        .index
        .get_or_insert_with(|| Index::build(&last.briefs, config));
    let fresh: Vec<Brief> = changed
        .iter()
        .map(|&c| Brief::of(&facts[c].fingerprint))
        .collect();
    // An exact copy before or after: which paragraph is the first copy, and so what is
    // indexed, may change for others. `patch` handles that.
    let copies = changed.iter().zip(&fresh).any(|(&c, g)| {
        index.shared(c, &last.briefs[c], config)
            || index.shared(c, g, config)
            || changed
                .iter()
                .zip(&fresh)
                .any(|(&d, h)| d != c && comparable(g, config) && h.exact == g.exact)
    });
    if copies {
        last.index = None;
        memo.last = Some(last);
        return None;
    }
    let mut features: Vec<u64> = Vec::new();
    let mut olds: Vec<Brief> = Vec::with_capacity(changed.len());
    for (&c, g) in changed.iter().zip(&fresh) {
        let old = last.briefs[c];
        let exact_of = |i: u32| last.briefs[i as usize].exact;
        index.set(c, &old, config, false, exact_of);
        index.set(c, g, config, true, exact_of);
        for b in [&old, g] {
            if near_ok(b, config) {
                features.extend_from_slice(b.sketch());
            }
        }
        olds.push(old);
        last.briefs[c] = *g;
        last.keys[c] = keys[c];
    }
    features.sort_unstable();
    features.dedup();
    let from = changed.first().copied().unwrap_or(0);
    // Later paragraphs that may read the edit, ascending; `reads_a_change` decides. A list
    // serves a paragraph while fewer than the cap come before it, and the changed ones
    // were in or out of it before, so only the first `reach` of a list can read it. Of
    // those, only two kinds can: one at the cap's edge, for which the list became usable
    // or stopped being; and one sharing enough features with a changed paragraph's old or
    // new sketch to be its candidate. Finding them from the lists alone, without reading
    // each paragraph's brief, keeps this step from growing with the lists (up to the cap)
    // and from touching memory spread over the whole document.
    let reach = POSTING_CAP + 2 + changed.len();
    let eligible = |j: usize| j > from && changed.binary_search(&j).is_err();
    let mut near: Vec<usize> = Vec::new();
    let edge = POSTING_CAP.saturating_sub(changed.len() + 1)..POSTING_CAP + changed.len() + 1;
    for h in &features {
        let list = index.list(h);
        let edge = edge.start.min(list.len())..edge.end.min(list.len());
        near.extend(
            list[edge]
                .iter()
                .map(|&j| j as usize)
                .filter(|&j| eligible(j)),
        );
    }
    let mut met: Vec<u32> = Vec::new();
    for (k, &c) in changed.iter().enumerate() {
        for b in [&olds[k], &fresh[k]] {
            if !near_ok(b, config) {
                continue;
            }
            met.clear();
            for h in b.sketch() {
                met.extend(
                    index
                        .list(h)
                        .iter()
                        .take(reach)
                        .filter(|&&j| j as usize > c),
                );
            }
            met.sort_unstable();
            near.extend(
                met.chunk_by(|a, b| a == b)
                    .filter(|run| run.len() >= 2 || index.short.binary_search(&run[0]).is_ok())
                    .map(|run| run[0] as usize)
                    .filter(|&j| eligible(j)),
            );
        }
    }
    near.sort_unstable();
    near.dedup();
    // Such a paragraph's candidates are the old ones unless a changed paragraph was or is
    // one of them (shares enough lists it can read), or one of its lists crossed the cap.
    // Its other candidates did not change, so neither did its pair.
    let filed = |b: &Brief, h: &u64| near_ok(b, config) && b.sketch().contains(h);
    let reads_a_change = |j: usize| {
        let g = &last.briefs[j];
        let need = features_needed(g.len);
        let mut shared = vec![(0usize, 0usize); changed.len()];
        // Its other lists neither hold a changed paragraph nor changed length.
        for h in g
            .sketch()
            .iter()
            .filter(|h| features.binary_search(h).is_ok())
        {
            let list = index.list(h);
            let now = list.partition_point(|&i| (i as usize) < j);
            // The changed paragraphs before `j` are all it can read of the edit.
            let before = changed.partition_point(|&c| c < j);
            let then = (0..before).fold(now, |n, k| {
                n + usize::from(filed(&olds[k], h)) - usize::from(filed(&fresh[k], h))
            });
            let (usable_then, usable_now) = (then < POSTING_CAP, now < POSTING_CAP);
            if usable_then != usable_now {
                return true;
            }
            for (k, counts) in shared.iter_mut().enumerate().take(before) {
                counts.0 += usize::from(usable_then && filed(&olds[k], h));
                counts.1 += usize::from(usable_now && filed(&fresh[k], h));
            }
        }
        shared.iter().any(|&(a, b)| a >= need || b >= need)
    };
    let mut redo: Vec<usize> = changed.clone();
    redo.extend(near.into_iter().filter(|&j| reads_a_change(j)));
    redo.extend(
        last.pairs
            .iter()
            .filter(|p| changed.contains(&p.of))
            .map(|p| p.copy),
    );
    redo.sort_unstable();
    redo.dedup();
    let index = &*index;
    let mut out: Vec<Pair> = last
        .pairs
        .iter()
        .filter(|p| redo.binary_search(&p.copy).is_err())
        .copied()
        .collect();
    for &j in &redo {
        out.extend(pair_indexed(facts, &last.briefs, index, j, config, memo));
    }
    out.sort_by_key(|p| p.copy);
    last.pairs = out.clone();
    memo.last = Some(last);
    Some(out)
}

/// What `pairs_inner` decides for paragraph `j`, read from an up-to-date `Index`: the
/// same first-copy rule, the same lists (what comes before `j`, capped) and so the same
/// memo key and decision as `pair_for`.
fn pair_indexed(
    facts: &[Arc<ParagraphFacts>],
    briefs: &[Brief],
    index: &Index,
    j: usize,
    config: &DuplicatesConfig,
    memo: &mut PairMemo,
) -> Option<Pair> {
    let fp = &facts[j].fingerprint;
    if fp.words < config.min_words.max(1) {
        return None;
    }
    let first = |e: u64| {
        index
            .copies
            .get(&e)
            .and_then(|l| l.first())
            .map(|&i| i as usize)
    };
    if let Some(i) = first(fp.exact).filter(|&i| i < j) {
        return Some(Pair {
            copy: j,
            of: i,
            similarity: 1.0,
            exact: true,
        });
    }
    if !config.near || fp.words < config.near_min_words {
        return None;
    }
    // Per feature: the paragraphs before `j` filed under it, and the hash of their texts
    // (both only looked at below the cap).
    let lists: Vec<(u32, u64, &[u32])> = fp
        .sketch
        .iter()
        .map(|h| {
            // One look-up for the list and its sums: the table is large and each probe
            // a likely cache miss.
            let posting = index.postings.get(h);
            let list = posting.map_or(&[][..], |l| &l.items[..]);
            let before = &list[..list.partition_point(|&i| (i as usize) < j)];
            let hash = match posting {
                Some(l) if before.len() < POSTING_CAP => l.sums[before.len()],
                _ => 0,
            };
            debug_assert_eq!(
                hash,
                if before.len() < POSTING_CAP {
                    before.iter().fold(0u64, |s, &i| {
                        s.wrapping_add(scramble(briefs[i as usize].exact))
                    })
                } else {
                    0
                }
            );
            (before.len() as u32, hash, before)
        })
        .collect();
    near_pair(facts, fp, j, &lists, first, config, memo)
}

/// The near pair of `fp` (paragraph `j`) from what each of its features' lists holds
/// before it: (length, order-free hash of the members' exact fingerprints, members); a
/// list of `POSTING_CAP` or more is not read. The lists decide the candidates, so they key
/// the memo; `first` names the first paragraph with an exact fingerprint (ties go to the
/// earliest).
fn near_pair(
    facts: &[Arc<ParagraphFacts>],
    fp: &Fingerprint,
    j: usize,
    lists: &[(u32, u64, &[u32])],
    first: impl Fn(u64) -> Option<usize>,
    config: &DuplicatesConfig,
    memo: &mut PairMemo,
) -> Option<Pair> {
    let k = fp.sketch.len();
    let usable = |l: &&(u32, u64, &[u32])| (l.0 as usize) < POSTING_CAP;
    let key = fp.sketch.iter().zip(lists).fold(k as u64, |acc, (h, l)| {
        let (len, hash) = if usable(&l) {
            (l.0, l.1)
        } else {
            (u32::MAX, 0)
        };
        scramble(acc ^ scramble(*h ^ hash).wrapping_add(u64::from(len)))
    });
    let generation = memo.generation;
    memo.used += 1;
    let entry = memo.map.entry((fp.exact, key)).or_insert_with(|| {
        let need = features_needed(k);
        let mut cands: Vec<u32> = lists
            .iter()
            .filter(usable)
            .flat_map(|l| l.2.iter().copied())
            .collect();
        cands.sort_unstable();
        let mut kept = Vec::new();
        for run in cands.chunk_by(|a, b| a == b) {
            if run.len() >= need {
                kept.push(run[0]);
            }
        }
        (decide(facts, fp, &kept, config), generation)
    });
    entry.1 = generation;
    let (sim, tied) = entry.0.as_ref()?;
    let i = tied.iter().filter_map(|&e| first(e)).min()?;
    (*sim >= config.near_threshold).then_some(Pair {
        copy: j,
        of: i,
        similarity: *sim,
        exact: false,
    })
}

/// Paragraphs changed between two runs, beyond which a full run is cheaper than patching.
const PATCH_MAX: usize = 16;

/// The last run's pairs, patched for what changed since: the text between the common
/// prefix and suffix of paragraphs (compared by identity of their cached facts) is decided
/// again, and so is every later paragraph that shares a sketch feature with a removed or
/// added one (its candidates, or the length of one of its lists, may have changed).
/// Everything else keeps its pair, renumbered. None when a full run is needed: no last
/// run, other settings, or many paragraphs changed.
fn patch(
    facts: &[Arc<ParagraphFacts>],
    keys: &[u64],
    config: &DuplicatesConfig,
    memo: &mut PairMemo,
) -> Option<(Vec<Pair>, Vec<Brief>)> {
    let mut last = memo.last.take()?;
    if last.config != *config || last.keys.len() != last.briefs.len() || keys.len() != facts.len() {
        return None;
    }
    let (old, new) = (&last.keys, keys);
    let a = old.iter().zip(new).take_while(|(x, y)| x == y).count();
    let room = old.len().min(new.len()) - a;
    let b = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let (x_end, y_end) = (old.len() - b, new.len() - b);
    if (x_end - a) + (y_end - a) > PATCH_MAX {
        return None;
    }
    let new = facts;
    // The last run's briefs, the changed ones replaced in place (no copy of the rest).
    let mut briefs = std::mem::take(&mut last.briefs);
    let added: Vec<Brief> = new[a..y_end]
        .iter()
        .map(|f| Brief::of(&f.fingerprint))
        .collect();
    let removed: Vec<Brief> = briefs.splice(a..x_end, added).collect();
    let (xs, ys) = (&removed[..], &briefs[a..y_end]);
    let exacts: Vec<u64> = xs.iter().chain(ys).map(|f| f.exact).collect();
    let mut features: Vec<u64> = xs
        .iter()
        .chain(ys)
        .flat_map(|f| f.sketch().iter().copied())
        .collect();
    features.sort_unstable();
    features.dedup();
    let mask = sketch_mask(&features);
    let slot = |h: &u64| features.binary_search(h).ok();
    // Has a changed feature: the mask rules most paragraphs out, the search decides.
    let touches = |g: &Brief| g.mask & mask != 0 && g.sketch().iter().any(|h| slot(h).is_some());
    let near_ok = |g: &Brief| {
        g.words >= config.min_words.max(1) && config.near && g.words >= config.near_min_words
    };
    // How many indexed paragraphs list each changed feature: in the unchanged prefix, in
    // what was removed, in what was added. Only paragraphs with a changed feature matter,
    // and an exact copy has its original's features, so first copies are told apart
    // among those alone.
    let mut seen: rustc_hash::FxHashSet<u64> = Default::default();
    let mut base = vec![0u32; features.len()];
    // An unchanged paragraph with a changed feature, first of its text: counted in `base`.
    let count_indexed =
        |g: &Brief, touched: bool, seen: &mut rustc_hash::FxHashSet<u64>, base: &mut [u32]| {
            if touched && near_ok(g) && seen.insert(g.exact) {
                g.sketch()
                    .iter()
                    .filter_map(slot)
                    .for_each(|k| base[k] += 1);
            }
        };
    let mut copied_in_prefix: Vec<u64> = Vec::new();
    for g in &briefs[..a] {
        if g.words >= config.min_words.max(1) && exacts.contains(&g.exact) {
            copied_in_prefix.push(g.exact);
        }
        count_indexed(g, touches(g), &mut seen, &mut base);
    }
    // Per changed paragraph: indexed or not; per changed feature: how many indexed list it.
    let count_changed = |fs: &[Brief]| {
        let mut counts = vec![0u32; features.len()];
        let mut indexed = vec![false; fs.len()];
        let mut firsts = copied_in_prefix.clone();
        for (g, ix) in fs.iter().zip(&mut indexed) {
            if g.words < config.min_words.max(1) || firsts.contains(&g.exact) {
                continue;
            }
            firsts.push(g.exact);
            if near_ok(g) {
                *ix = true;
                g.sketch()
                    .iter()
                    .filter_map(slot)
                    .for_each(|k| counts[k] += 1);
            }
        }
        (counts, indexed)
    };
    let ((in_x, _), (in_y, y_indexed)) = (count_changed(xs), count_changed(ys));
    let cap = POSTING_CAP as u32;
    // A later paragraph's decision can change only if a removed or added paragraph was or
    // is one of its candidates (shares enough features), if the list of one of its
    // features crosses the cap, if its own pair pointed into the removed text, or if it
    // is an exact copy of a changed paragraph (then what is indexed after it changes too:
    // a full run).
    let shift = |i: usize| {
        if i < a {
            i
        } else {
            i - (x_end - a) + (y_end - a)
        }
    };
    let mut out: Vec<Pair> = last
        .pairs
        .iter()
        .take_while(|p| p.copy < a)
        .copied()
        .collect();
    for j in a..y_end {
        out.extend(pair_for(facts, &briefs, j, config, memo));
    }
    let mut olds = last.pairs.iter().skip_while(|p| p.copy < x_end).peekable();
    let mut redone = 0;
    for (j, g) in briefs.iter().enumerate().skip(y_end) {
        if g.words >= config.min_words.max(1) && exacts.contains(&g.exact) {
            return None;
        }
        let j_old = j - y_end + x_end;
        let kept = match olds.peek() {
            Some(p) if p.copy == j_old => {
                let p = **p;
                olds.next();
                Some(p)
            }
            _ => None,
        };
        let touched = touches(g);
        let mut affected = kept.is_some_and(|p| (a..x_end).contains(&p.of));
        let mut pair = kept.filter(|_| !affected).map(|p| Pair {
            copy: j,
            of: shift(p.of),
            ..p
        });
        let exact_copy = kept.is_some_and(|p| p.exact);
        if !affected && !exact_copy && touched && near_ok(g) {
            affected = g
                .sketch()
                .iter()
                .filter_map(slot)
                .any(|k| (base[k] + in_x[k] < cap) != (base[k] + in_y[k] < cap));
            // Lists kept their usability, so the candidates are the old ones, less the
            // removed paragraphs (none of them was the pair, or `affected` would be set),
            // plus the added paragraphs that share enough usable features: the pair is the
            // old one unless an added candidate is more similar, or as similar and earlier.
            let need = features_needed(g.len);
            for (yi, y) in ys.iter().enumerate().filter(|(yi, _)| y_indexed[*yi]) {
                let shared = y
                    .sketch()
                    .iter()
                    .filter(|h| g.sketch().contains(h))
                    .filter(|h| slot(h).is_some_and(|k| base[k] + in_y[k] < cap))
                    .count();
                if shared < need {
                    continue;
                }
                let fp = &new[j].fingerprint;
                let Some(sim) = new[a + yi]
                    .fingerprint
                    .similarity_at_least(fp, config.near_threshold)
                else {
                    continue;
                };
                let at = a + yi;
                if pair.is_none_or(|p| sim > p.similarity || (sim == p.similarity && at < p.of)) {
                    pair = Some(Pair {
                        copy: j,
                        of: at,
                        similarity: sim,
                        exact: false,
                    });
                }
            }
        }
        if affected {
            redone += 1;
            if redone > PATCH_MAX {
                return None;
            }
            out.extend(pair_for(facts, &briefs, j, config, memo));
        } else {
            out.extend(pair);
        }
        count_indexed(g, touched, &mut seen, &mut base);
    }
    Some((out, briefs))
}

/// What `pairs_inner` decides for paragraph `j`, found by one scan of the paragraphs before
/// it instead of an index of the whole document: the same first-copy rule, the same lists
/// (lengths capped, hashes of their members) and so the same memo key and decision.
fn pair_for(
    facts: &[Arc<ParagraphFacts>],
    briefs: &[Brief],
    j: usize,
    config: &DuplicatesConfig,
    memo: &mut PairMemo,
) -> Option<Pair> {
    let fp = &facts[j].fingerprint;
    if fp.words < config.min_words.max(1) {
        return None;
    }
    let mut first: FxHashMap<u64, usize> = FxHashMap::default();
    let near = config.near && fp.words >= config.near_min_words;
    let k = fp.sketch.len();
    // Per feature of `fp`: members so far (capped as the index caps them), hash of members.
    let mut lists: Vec<(u32, u64, Vec<u32>)> = vec![(0, 0, Vec::new()); k];
    let mask = briefs[j].mask;
    for (i, g) in briefs[..j].iter().enumerate() {
        if g.words < config.min_words.max(1) {
            continue;
        }
        if first.contains_key(&g.exact) {
            continue; // an exact copy: never indexed
        }
        first.insert(g.exact, i);
        if g.exact == fp.exact {
            return Some(Pair {
                copy: j,
                of: i,
                similarity: 1.0,
                exact: true,
            });
        }
        if !near || !config.near || g.words < config.near_min_words || g.mask & mask == 0 {
            continue;
        }
        for h in g.sketch() {
            if mask & (1 << (h & 63)) == 0 {
                continue;
            }
            if let Some(x) = fp.sketch.iter().position(|y| y == h) {
                let l = &mut lists[x];
                if (l.0 as usize) <= POSTING_CAP {
                    l.0 += 1;
                    l.1 = l.1.wrapping_add(scramble(g.exact));
                    l.2.push(i as u32);
                }
            }
        }
    }
    if !near {
        return None;
    }
    let lists: Vec<(u32, u64, &[u32])> = lists.iter().map(|l| (l.0, l.1, &l.2[..])).collect();
    near_pair(
        facts,
        fp,
        j,
        &lists,
        |e| first.get(&e).copied(),
        config,
        memo,
    )
}

fn pairs_inner(
    facts: &[Arc<ParagraphFacts>],
    config: &DuplicatesConfig,
    mut memo: Option<&mut PairMemo>,
) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut first: FxHashMap<u64, usize> =
        FxHashMap::with_capacity_and_hasher(facts.len(), Default::default());
    // The inverted index: feature -> (posting count, newest node of its list in `nodes`,
    // order-free hash of the exact fingerprints listed); each list is a chain of
    // cache-line nodes in one arena. Order inside a list does not matter: the candidates
    // are counted, then ranked by (similarity, index).
    let mut index: FxHashMap<u64, (u32, u32, u64)> =
        FxHashMap::with_capacity_and_hasher(facts.len() * SKETCH, Default::default());
    let mut nodes: Vec<Node> = Vec::new();
    // Shared-feature counts per earlier paragraph, and which ones are non-zero.
    let mut counts: Vec<u32> = vec![0; facts.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut cands: Vec<u32> = Vec::new();
    for (j, f) in facts.iter().enumerate() {
        // The facts of each paragraph are a block of their own: asked for a few
        // paragraphs ahead, then their sketch, rather than waited on one at a time.
        if let Some(ahead) = facts.get(j + 8) {
            super::prefetch(Arc::as_ptr(ahead));
        }
        if let Some(ahead) = facts.get(j + 4) {
            super::prefetch(ahead.fingerprint.sketch.as_ptr());
        }
        let fp = &f.fingerprint;
        if fp.words < config.min_words.max(1) {
            continue;
        }
        if let Some(&i) = first.get(&fp.exact) {
            out.push(Pair {
                copy: j,
                of: i,
                similarity: 1.0,
                exact: true,
            });
            continue;
        }
        first.insert(fp.exact, j);
        if !config.near || fp.words < config.near_min_words {
            continue;
        }
        let need = features_needed(fp.sketch.len()) as u32;
        let mut count_candidates = |cands: &mut Vec<u32>| {
            for h in &fp.sketch {
                if let Some(&(len, head, _)) = index.get(h) {
                    if (len as usize) < POSTING_CAP {
                        let mut at = head;
                        while at != u32::MAX {
                            let node = &nodes[at as usize];
                            for &i in &node.items[..node.len as usize] {
                                if counts[i as usize] == 0 {
                                    touched.push(i);
                                }
                                counts[i as usize] += 1;
                            }
                            at = node.next;
                        }
                    }
                }
            }
            cands.clear();
            for &i in &touched {
                if std::mem::take(&mut counts[i as usize]) >= need {
                    cands.push(i);
                }
            }
            touched.clear();
        };
        let best = match memo.as_deref_mut() {
            None => {
                count_candidates(&mut cands);
                best_direct(facts, fp, &cands, config)
            }
            Some(memo) => {
                // The candidates are decided by the contents of the lists read, which the
                // lists' lengths and hashes identify: a paragraph whose lists did not
                // change since it was last decided needs no counting and no comparison.
                let lists = fp.sketch.iter().fold(fp.sketch.len() as u64, |acc, h| {
                    let (len, hash) = match index.get(h) {
                        Some(&(len, _, hash)) if (len as usize) < POSTING_CAP => (len, hash),
                        Some(_) => (u32::MAX, 0),
                        None => (0, 0),
                    };
                    scramble(acc ^ scramble(*h ^ hash).wrapping_add(u64::from(len)))
                });
                let generation = memo.generation;
                memo.used += 1;
                let entry = match memo.map.entry((fp.exact, lists)) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        count_candidates(&mut cands);
                        e.insert((decide(facts, fp, &cands, config), generation))
                    }
                };
                entry.1 = generation;
                // Ties go to the earliest paragraph; an indexed paragraph is the first
                // with its exact fingerprint.
                entry.0.as_ref().and_then(|(sim, tied)| {
                    tied.iter()
                        .filter_map(|e| first.get(e).copied())
                        .min()
                        .map(|i| (i, *sim))
                })
            }
        };
        if let Some((i, sim)) = best {
            if sim >= config.near_threshold {
                out.push(Pair {
                    copy: j,
                    of: i,
                    similarity: sim,
                    exact: false,
                });
            }
        }
        for h in &fp.sketch {
            let entry = index.entry(*h).or_insert((0, u32::MAX, 0));
            if (entry.0 as usize) <= POSTING_CAP {
                entry.2 = entry.2.wrapping_add(scramble(fp.exact));
                let full = entry.1 == u32::MAX || nodes[entry.1 as usize].len as usize == NODE;
                if full {
                    nodes.push(Node {
                        items: [0; NODE],
                        len: 0,
                        next: entry.1,
                    });
                    entry.1 = (nodes.len() - 1) as u32;
                }
                let node = &mut nodes[entry.1 as usize];
                node.items[node.len as usize] = j as u32;
                node.len += 1;
                entry.0 += 1;
            }
        }
    }
    out
}

/// The candidates' fingerprints, in order. Candidates are paragraphs scattered over the
/// draft, each fingerprint a block of its own: all are asked for at once, and each
/// one's bigrams while the one before it is compared, rather than waited on in turn.
fn scattered<'f>(
    facts: &'f [Arc<ParagraphFacts>],
    cands: &'f [u32],
) -> impl Iterator<Item = (usize, &'f Fingerprint)> {
    for &i in cands {
        super::prefetch(Arc::as_ptr(&facts[i as usize]));
    }
    cands.iter().enumerate().map(move |(k, &i)| {
        if let Some(&next) = cands.get(k + 1) {
            super::prefetch(facts[next as usize].fingerprint.bigrams.as_ptr());
        }
        (i as usize, &facts[i as usize].fingerprint)
    })
}

/// The candidate `pairs` reports for `fp`: the most similar at or above the threshold,
/// the earliest among equals. Only a candidate that can reach the threshold and the best
/// so far is compared in full; `similarity_at_least` stops early, exactly, otherwise.
fn best_direct(
    facts: &[Arc<ParagraphFacts>],
    fp: &Fingerprint,
    cands: &[u32],
    config: &DuplicatesConfig,
) -> Option<(usize, f32)> {
    let mut best: Option<(usize, f32)> = None;
    for (i, other) in scattered(facts, cands) {
        let floor = match best {
            Some((_, bs)) => bs.max(config.near_threshold),
            None => config.near_threshold,
        };
        let Some(sim) = other.similarity_at_least(fp, floor) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((bi, bs)) => sim > bs || (sim == bs && i < bi),
        };
        if better {
            best = Some((i, sim));
        }
    }
    best
}

/// The best similarity at or above the threshold among `cands`, and the exact
/// fingerprints of every candidate reaching it (what `PairMemo` keeps).
fn decide(
    facts: &[Arc<ParagraphFacts>],
    fp: &Fingerprint,
    cands: &[u32],
    config: &DuplicatesConfig,
) -> Decision {
    let mut top: Decision = None;
    for (_, other) in scattered(facts, cands) {
        let floor = top.as_ref().map_or(config.near_threshold, |t| t.0);
        let Some(sim) = other.similarity_at_least(fp, floor) else {
            continue;
        };
        match &mut top {
            Some((bs, tied)) if sim == *bs => tied.push(other.exact),
            _ => top = Some((sim, vec![other.exact])),
        }
    }
    top
}

/// The straightforward form of `pairs`, for the equivalence tests.
#[cfg(test)]
fn pairs_reference(facts: &[Arc<ParagraphFacts>], config: &DuplicatesConfig) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut first: FxHashMap<u64, usize> = FxHashMap::default();
    let mut index: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    for (j, f) in facts.iter().enumerate() {
        let fp = &f.fingerprint;
        if fp.words < config.min_words.max(1) {
            continue;
        }
        if let Some(&i) = first.get(&fp.exact) {
            out.push(Pair {
                copy: j,
                of: i,
                similarity: 1.0,
                exact: true,
            });
            continue;
        }
        first.insert(fp.exact, j);
        if !config.near || fp.words < config.near_min_words {
            continue;
        }
        counts.clear();
        for h in &fp.sketch {
            if let Some(list) = index.get(h) {
                if list.len() < POSTING_CAP {
                    for &i in list {
                        *counts.entry(i).or_default() += 1;
                    }
                }
            }
        }
        let need = if fp.sketch.len() >= 4 { 2 } else { 1 };
        let mut best: Option<(usize, f32)> = None;
        for (&i, &c) in &counts {
            if c < need {
                continue;
            }
            let i = i as usize;
            let sim = facts[i].fingerprint.similarity(fp);
            let better = match best {
                None => true,
                Some((bi, bs)) => sim > bs || (sim == bs && i < bi),
            };
            if better {
                best = Some((i, sim));
            }
        }
        if let Some((i, sim)) = best {
            if sim >= config.near_threshold {
                out.push(Pair {
                    copy: j,
                    of: i,
                    similarity: sim,
                    exact: false,
                });
            }
        }
        for h in &fp.sketch {
            let list = index.entry(*h).or_default();
            if list.len() <= POSTING_CAP {
                list.push(j as u32);
            }
        }
    }
    out
}

/// The span that removing paragraph `j` deletes: its lines and the blank lines that
/// separate it from what follows, or, for the last block of the text, the separator
/// before it, so the rest keeps its spacing and final line break.
pub fn removal_span(text: &str, lines: &LineIndex, paragraph: &Paragraph) -> Span {
    let block = paragraph.block;
    let is_blank_line = |line: usize| {
        let s = lines.line_start(line);
        let e = lines.line_content_end(text, line);
        text[s..e].trim().is_empty()
    };
    let last_line = lines.line_of(block.end.saturating_sub(1).max(block.start));
    let mut next = last_line + 1;
    while next < lines.line_count() && lines.line_start(next) < text.len() && is_blank_line(next) {
        next += 1;
    }
    let first_line = lines.line_of(block.start);
    if next < lines.line_count() && lines.line_start(next) < text.len() {
        // Take the blank lines after only when blank lines also stand before: between
        // adjacent list items or one-line paragraphs there is no separator to remove.
        let separated_before = first_line == 0 || is_blank_line(first_line - 1);
        let end = if separated_before {
            lines.line_start(next)
        } else {
            block.end
        };
        return Span::new(block.start, end);
    }
    let mut prev = first_line;
    while prev > 0 && is_blank_line(prev - 1) {
        prev -= 1;
    }
    let content_end = lines.line_text_end(text, last_line);
    if prev > 0 {
        Span::new(lines.line_text_end(text, prev - 1), content_end)
    } else {
        block
    }
}

pub fn find(
    text: &str,
    paragraphs: &[Paragraph],
    facts: &[Arc<ParagraphFacts>],
    config: &DuplicatesConfig,
) -> Vec<Finding> {
    findings(
        text,
        &LineIndex::new(text),
        &Shifted::new(paragraphs),
        pairs(facts, config),
    )
}

/// The findings for the pairs `pairs_since` found (a long-lived `Analyzer` keeps the
/// memo that makes them cheap): the same as `find`'s for the same text.
pub fn findings(
    text: &str,
    lines: &LineIndex,
    paragraphs: &Shifted<Paragraph>,
    found: Vec<Pair>,
) -> Vec<Finding> {
    if found.is_empty() {
        return Vec::new();
    }
    found
        .into_iter()
        .filter_map(|p| {
            let (copy, of) = (paragraphs.get(p.copy)?, paragraphs.get(p.of)?);
            let line = lines.line_of(of.span.start) + 1;
            let (code, message, related) = if p.exact {
                (
                    Code::DuplicateParagraph,
                    format!("Duplicate of the paragraph at line {line}"),
                    "first copy".to_string(),
                )
            } else {
                let pct = (p.similarity * 100.0).floor() as u32;
                (
                    Code::NearDuplicateParagraph,
                    format!("Near-duplicate ({pct}% similar) of the paragraph at line {line}"),
                    format!("the paragraph it repeats ({pct}% similar)"),
                )
            };
            Some(Finding {
                code,
                severity: Severity::Warning,
                message,
                span: copy.span,
                related: vec![Related {
                    span: of.span,
                    message: related,
                }],
                fix: Some(Fix {
                    title: "Remove duplicate paragraph".to_string(),
                    edits: vec![Edit {
                        span: removal_span(text, lines, &copy),
                        text: String::new(),
                    }],
                }),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{analyze, Config, Format};
    use super::*;

    fn dups(text: &str) -> Vec<(usize, usize, Code)> {
        let a = analyze(text, Format::Plain, &Config::default());
        a.findings
            .iter()
            .filter(|f| !f.related.is_empty())
            .map(|f| {
                let copy = a.paragraph_at(f.span.start).unwrap();
                let of = a.paragraph_at(f.related[0].span.start).unwrap();
                (copy, of, f.code)
            })
            .collect()
    }

    fn apply(text: &str, fix: &Fix) -> String {
        let mut out = text.to_string();
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            out.replace_range(e.span.start..e.span.end, &e.text);
        }
        out
    }

    const A: &str = "The city council voted 7-2 on Tuesday to approve a new stadium for the Harbor FC soccer club, ending months of debate.";
    const B: &str = "“We listened to every neighbour who came to speak,” Mayor Linda Okafor said after the vote, promising a review of traffic plans.";
    const C: &str = "Opponents, led by the Eastside Residents Association, said they would ask a judge to block construction before the spring.";

    #[test]
    fn exact_paste_points_at_first_copy_and_fix_removes_it() {
        let text = format!("{A}\n\n{B}\n\n{A}\n\n{C}\n");
        assert_eq!(dups(&text), vec![(2, 0, Code::DuplicateParagraph)]);
        let a = analyze(&text, Format::Plain, &Config::default());
        let f = &a.findings[0];
        assert_eq!(f.message, "Duplicate of the paragraph at line 1");
        assert_eq!(
            apply(&text, f.fix.as_ref().unwrap()),
            format!("{A}\n\n{B}\n\n{C}\n")
        );
    }

    #[test]
    fn exact_ignores_quotes_dashes_case_and_final_punctuation() {
        let b2 = B.replace(['“', '”'], "\"").to_uppercase();
        let text = format!("{A}\n{B}\n{C}\n{}!\n", b2.trim_end_matches('.'));
        assert_eq!(dups(&text), vec![(3, 1, Code::DuplicateParagraph)]);
    }

    #[test]
    fn pasted_block_flags_each_copy() {
        let text = format!("{A}\n{B}\n{A}\n{B}\n{C}");
        assert_eq!(
            dups(&text),
            vec![
                (2, 0, Code::DuplicateParagraph),
                (3, 1, Code::DuplicateParagraph)
            ]
        );
    }

    #[test]
    fn removing_the_last_paragraph_keeps_the_final_line_break() {
        let text = format!("{A}\r\n\r\n{B}\r\n\r\n{A}\r\n");
        let a = analyze(&text, Format::Plain, &Config::default());
        let fixed = apply(&text, a.findings[0].fix.as_ref().unwrap());
        assert_eq!(fixed, format!("{A}\r\n\r\n{B}\r\n"));
        let text = format!("{A}\n{B}\n{A}");
        let a = analyze(&text, Format::Plain, &Config::default());
        assert_eq!(
            apply(&text, a.findings[0].fix.as_ref().unwrap()),
            format!("{A}\n{B}")
        );
    }

    #[test]
    fn reworked_copy_with_a_tenth_of_words_changed_is_near_duplicate() {
        let reworked = "The city council voted 7-2 on Tuesday night to approve a new arena for the Harbor FC soccer team, ending months of debate.";
        let text = format!("{A}\n{B}\n{C}\n{reworked}\n");
        let got = dups(&text);
        assert_eq!(got, vec![(3, 0, Code::NearDuplicateParagraph)]);
        let a = analyze(&text, Format::Plain, &Config::default());
        assert!(
            a.findings[0].message.starts_with("Near-duplicate ("),
            "{}",
            a.findings[0].message
        );
    }

    #[test]
    fn sentence_added_dropped_or_moved_is_near_duplicate() {
        let two = "The mayor signed the order on Friday morning. It takes effect in March and covers every public park in the city.";
        let moved = "It takes effect in March and covers every public park in the city. The mayor signed the order on Friday morning.";
        let added = format!("{two} Critics called it rushed.");
        for other in [moved.to_string(), added] {
            let text = format!("{two}\n{B}\n{other}\n");
            assert_eq!(
                dups(&text),
                vec![(2, 0, Code::NearDuplicateParagraph)],
                "{other}"
            );
        }
    }

    #[test]
    fn same_story_paragraphs_are_not_duplicates() {
        let text = [
            "Mayor Linda Okafor said the stadium would bring jobs to the east side, the official said.",
            "Mayor Linda Okafor said the council would hold a second hearing on the stadium, the official said.",
            "The council voted on the stadium after a hearing that lasted until midnight, according to city records.",
            "According to city records, the stadium project has already cost the council $4 million in studies.",
        ]
        .join("\n\n");
        assert!(dups(&text).is_empty(), "{:?}", dups(&text));
    }

    #[test]
    fn short_paragraphs_are_not_compared() {
        let text = "Follow along here.\n\nSome news.\n\nFollow along here.\n";
        assert!(dups(text).is_empty());
        let mut config = Config::default();
        config.duplicates.min_words = 2;
        let a = analyze(text, Format::Plain, &config);
        assert_eq!(a.findings.len(), 1);
    }

    #[test]
    fn switches_turn_passes_off() {
        let text = format!("{A}\n{A}\n");
        let mut config = Config::default();
        config.duplicates.enabled = false;
        assert!(analyze(&text, Format::Plain, &config).findings.is_empty());
    }

    #[test]
    fn markdown_list_item_copy_is_removed_with_its_marker() {
        let text = format!("# Notes\n\n- {A}\n- {B}\n- {A}\n\nEnd of notes here today.\n");
        let a = analyze(&text, Format::Markdown, &Config::default());
        assert_eq!(a.findings.len(), 1);
        let fixed = apply(&text, a.findings[0].fix.as_ref().unwrap());
        assert_eq!(
            fixed,
            format!("# Notes\n\n- {A}\n- {B}\n\nEnd of notes here today.\n")
        );
    }

    fn facts_of(text: &str, format: Format) -> Vec<Arc<ParagraphFacts>> {
        super::super::paragraphs::split(text, format)
            .iter()
            .map(|p| Arc::new(ParagraphFacts::compute(&text[p.span.start..p.span.end])))
            .collect()
    }

    fn configs() -> Vec<DuplicatesConfig> {
        let mut out = vec![DuplicatesConfig::default()];
        for (t, min, near_min) in [
            (0.05, 1, 1),
            (0.3, 2, 4),
            (0.5, 6, 15),
            (0.9, 3, 5),
            (1.0, 1, 1),
        ] {
            out.push(DuplicatesConfig {
                near_threshold: t,
                min_words: min,
                near_min_words: near_min,
                ..DuplicatesConfig::default()
            });
        }
        out.push(DuplicatesConfig {
            near: false,
            ..DuplicatesConfig::default()
        });
        out
    }

    #[test]
    fn indexed_pairs_agree_with_the_reference_on_fixtures() {
        let texts = [
            include_str!("../../tests/fixtures/same-story-50.txt"),
            include_str!("../../tests/fixtures/reworked.txt"),
            include_str!("../../tests/fixtures/articles/budget-standoff.txt"),
            include_str!("../../tests/fixtures/articles/cup-final.txt"),
            include_str!("../../tests/fixtures/articles/flood-relief.txt"),
            include_str!("../../tests/fixtures/articles/port-strike.txt"),
        ];
        let all = texts.join("\n\n");
        for text in texts.iter().copied().chain([all.as_str()]) {
            let facts = facts_of(text, Format::Plain);
            let mut memo = PairMemo::new();
            for config in configs() {
                let want = pairs_reference(&facts, &config);
                assert_eq!(pairs(&facts, &config), want);
                // Twice: filling the memo, then answering from it.
                assert_eq!(
                    pairs_with(&facts, &keys_of(&facts), &config, &mut memo),
                    want
                );
                assert_eq!(
                    pairs_with(&facts, &keys_of(&facts), &config, &mut memo),
                    want
                );
            }
        }
    }

    #[test]
    fn memo_follows_edits_and_stays_bounded() {
        let base = include_str!("../../tests/fixtures/same-story-50.txt");
        let mut memo = PairMemo::new();
        let config = DuplicatesConfig::default();
        let mut text = base.to_string();
        for round in 0..40 {
            // Rework one paragraph after another, append copies, then delete them again.
            let at = text.len() * (round % 10 + 1) / 12;
            let at = (at..text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap();
            text.insert_str(at, if round % 2 == 0 { "new " } else { "x" });
            if round % 5 == 0 {
                let copy = text[..text.len() / 5].to_string();
                text.push_str("\n\n");
                text.push_str(&copy);
            }
            let facts = facts_of(&text, Format::Plain);
            assert_eq!(
                pairs_with(&facts, &keys_of(&facts), &config, &mut memo),
                pairs_reference(&facts, &config),
                "round {round}"
            );
        }
        let facts = facts_of(base, Format::Plain);
        for _ in 0..2 {
            assert_eq!(
                pairs_with(&facts, &keys_of(&facts), &config, &mut memo),
                pairs_reference(&facts, &config)
            );
        }
        assert!(memo.len() <= 2 * memo.used + 1024);
    }

    /// The facts of paragraphs, shared by content as `Analyzer` shares them: what lets
    /// `pairs_with` see which paragraphs an edit left alone.
    /// Duplicate-search keys for facts: their fingerprints' exact hashes.
    fn keys_of(facts: &[Arc<ParagraphFacts>]) -> Vec<u64> {
        facts.iter().map(|f| f.fingerprint.exact).collect()
    }

    fn cached_facts(
        paras: &[String],
        cache: &mut FxHashMap<String, Arc<ParagraphFacts>>,
    ) -> Vec<Arc<ParagraphFacts>> {
        paras
            .iter()
            .map(|p| {
                cache
                    .entry(p.clone())
                    .or_insert_with(|| Arc::new(ParagraphFacts::compute(p)))
                    .clone()
            })
            .collect()
    }

    /// The words the proptests build paragraphs from: few, so paragraphs share features.
    const VOCAB: [&str; 12] = [
        "the", "council", "voted", "on", "budget", "mayor", "said", "a", "harbor", "stadium", "of",
        "rent",
    ];

    fn patched_pairs_agree(
        start: &[Vec<usize>],
        edits: &[(usize, usize, usize, Vec<usize>)],
        t: f32,
        which: usize,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let words = |w: &[usize]| w.iter().map(|&i| VOCAB[i]).collect::<Vec<_>>().join(" ");
        let mut paras: Vec<String> = start.iter().map(|p| words(p)).collect();
        let mut config = configs()[which].clone();
        config.near_threshold = t;
        let mut cache = FxHashMap::default();
        let mut memo = PairMemo::new();
        for (op, x, y, w) in edits {
            let (op, x, y, n) = (*op, *x, *y, paras.len());
            match op {
                0 => paras.insert(x % (n + 1), words(w)),
                1 if n > 0 => {
                    paras.remove(x % n);
                }
                2 if n > 0 => paras[x % n] = format!("{} {}", paras[x % n], words(w)),
                5 if n > 0 => paras[x % n] = words(w),
                // Stop words only: no sketch, so only the exact rule can pair them.
                3 => paras.insert(x % (n + 1), "the on a of the on a of".to_string()),
                _ if n > 0 => {
                    let copy = paras[x % n].clone();
                    paras.insert(y % (n + 1), copy);
                }
                _ => paras.push(words(w)),
            }
            let facts = cached_facts(&paras, &mut cache);
            proptest::prop_assert_eq!(
                pairs_with(&facts, &keys_of(&facts), &config, &mut memo),
                pairs_reference(&facts, &config)
            );
        }
        Ok(())
    }

    /// A made-up word per (i, k), distinct for i below 26 * 26.
    fn word(i: usize, k: usize) -> String {
        let l = |x: usize| char::from(b'a' + (x % 26) as u8);
        format!("{}{}{}q", l(i), l(i / 26), l(k))
    }

    /// `n` made-up words of paragraph `i`.
    fn own(i: usize, n: usize) -> String {
        (0..n).map(|k| word(i, k)).collect::<Vec<_>>().join(" ")
    }

    /// Short paragraphs compared at a low threshold: every bigram is in the sketch.
    fn loose() -> DuplicatesConfig {
        DuplicatesConfig {
            near_threshold: 0.05,
            min_words: 1,
            near_min_words: 1,
            ..DuplicatesConfig::default()
        }
    }

    /// The patched pairs of `paras` after the memo's last run, checked against a full run.
    fn patched(
        paras: &[String],
        cache: &mut FxHashMap<String, Arc<ParagraphFacts>>,
        memo: &mut PairMemo,
    ) -> Vec<Pair> {
        let facts = cached_facts(paras, cache);
        let got = pairs_with(&facts, &keys_of(&facts), &loose(), memo);
        assert_eq!(got, pairs_reference(&facts, &loose()));
        got
    }

    /// A paragraph inserted before another can change its pair while sharing only one
    /// feature with it: by pushing that feature's list past the cap.
    #[test]
    fn patched_pairs_follow_a_list_pushed_past_the_cap() {
        // Each filler has "zebra quartz".
        let filler = |i: usize| format!("zebra quartz {}", own(i, 4));
        let mut paras: Vec<String> = (0..POSTING_CAP - 1).map(filler).collect();
        // Shares "zebra quartz" and "ab cd" with filler 0: a candidate while the list is usable.
        paras[0] = format!("{} ab cd", paras[0]);
        paras.push(format!("zebra quartz ab cd {}", own(999, 3)));
        let (mut cache, mut memo) = (FxHashMap::default(), PairMemo::new());
        let before = patched(&paras, &mut cache, &mut memo);
        let last = paras.len() - 1;
        assert!(before.iter().any(|p| p.copy == last), "{before:?}");
        paras.insert(last, filler(500));
        patched(&paras, &mut cache, &mut memo);
    }

    /// `n` fillers sharing "zebra quartz abq", then the target sharing it too; and its index.
    fn fillers_then_target(n: usize) -> (Vec<String>, usize) {
        let mut paras: Vec<String> = (0..n)
            .map(|i| format!("zebra quartz abq {}", own(i, 3)))
            .collect();
        paras.push(format!("zebra quartz abq {}", own(675, 3)));
        (paras, n)
    }

    /// A keystroke in one paragraph changes the pair of a paragraph that shares only
    /// features filed under many others with it, the last place where those lists are
    /// still usable: `patch_in_place` must reach that far down them.
    #[test]
    fn an_edit_reaches_the_last_paragraph_a_long_list_serves() {
        // POSTING_CAP - 1 fillers, then the target: it reads both shared lists, the
        // fillers tie for it and the first one is its pair.
        let (mut paras, target) = fillers_then_target(POSTING_CAP - 1);
        let (mut cache, mut memo) = (FxHashMap::default(), PairMemo::new());
        let before = patched(&paras, &mut cache, &mut memo);
        assert!(
            before.iter().any(|p| p.copy == target && p.of == 0),
            "{before:?}"
        );
        // The second filler loses its own words: now closer to the target than the first.
        paras[1] = "zebra quartz abq".to_string();
        let after = patched(&paras, &mut cache, &mut memo);
        assert!(
            after.iter().any(|p| p.copy == target && p.of == 1),
            "{after:?}"
        );
    }

    /// A paragraph with nothing in common with the others, `POSTING_CAP - 1` fillers that
    /// share "zebra quartz abq", and the target, which shares it too: the fillers' lists are
    /// just usable to it. Then `edit` becomes the first paragraph: the target's pairs
    /// before and after.
    fn fill_the_target_lists(edit: &str) -> (Vec<Pair>, Vec<Pair>, usize) {
        let mut paras = vec![format!("walrus lantern pebble {}", own(650, 3))];
        paras.extend((1..POSTING_CAP).map(|i| format!("zebra quartz abq {}", own(i, 3))));
        paras.push(format!("zebra quartz abq {}", own(675, 3)));
        let target = paras.len() - 1;
        let (mut cache, mut memo) = (FxHashMap::default(), PairMemo::new());
        let before = patched(&paras, &mut cache, &mut memo);
        paras[0] = format!("{edit} {}", own(650, 3));
        let after = patched(&paras, &mut cache, &mut memo);
        (before, after, target)
    }

    /// A keystroke that files one more paragraph under a long list pushes it past the
    /// cap for a later paragraph, which loses every candidate it found there.
    #[test]
    fn an_edit_that_fills_a_list_takes_its_candidates_away() {
        let (before, after, target) = fill_the_target_lists("zebra quartz abq");
        assert!(
            before.iter().any(|p| p.copy == target && p.of == 1),
            "{before:?}"
        );
        assert!(after.iter().all(|p| p.copy != target), "{after:?}");
    }

    /// And back: an edit that takes a paragraph out of a full list makes it usable again
    /// to the paragraph just past the cap (whose candidates' hash then reads the list's
    /// running sums up to the cap).
    #[test]
    fn an_edit_that_empties_a_list_gives_its_candidates_back() {
        let (mut paras, target) = fillers_then_target(POSTING_CAP);
        let (mut cache, mut memo) = (FxHashMap::default(), PairMemo::new());
        let before = patched(&paras, &mut cache, &mut memo);
        assert!(before.iter().all(|p| p.copy != target), "{before:?}");
        paras[1] = format!("walrus lantern pebble {}", own(1, 3));
        let after = patched(&paras, &mut cache, &mut memo);
        assert!(after.iter().any(|p| p.copy == target), "{after:?}");
    }

    /// The same, by an edit that gives the changed paragraph only one feature in common
    /// with the later one: it is no candidate of it, yet fills the list they share.
    #[test]
    fn an_edit_sharing_one_feature_can_fill_a_list() {
        let (before, after, target) = fill_the_target_lists("zebra quartz walrus");
        assert!(before.iter().any(|p| p.copy == target), "{before:?}");
        assert!(after.iter().all(|p| p.copy != target), "{after:?}");
    }

    /// A paragraph with few word pairs takes a candidate sharing one of them: an edit that
    /// gives an earlier paragraph one of its pairs gives it a pair.
    #[test]
    fn an_edit_sharing_one_feature_with_a_short_paragraph_pairs_it() {
        let mut paras = vec![
            "walrus lantern pebble".to_string(),
            own(3, 4),
            "zebra quartz abq".to_string(),
        ];
        let (mut cache, mut memo) = (FxHashMap::default(), PairMemo::new());
        let before = patched(&paras, &mut cache, &mut memo);
        assert!(before.iter().all(|p| p.copy != 2), "{before:?}");
        paras[0] = "zebra quartz walrus".to_string();
        let after = patched(&paras, &mut cache, &mut memo);
        assert!(after.iter().any(|p| p.copy == 2 && p.of == 0), "{after:?}");
    }

    proptest::proptest! {
        // Patching the last run's pairs after an edit gives what a full run gives: edits
        // insert, delete, reword and copy paragraphs of a tiny vocabulary (features shared
        // by many, lists past the cap, ties, exact and near copies).
        #[test]
        fn patched_pairs_agree_with_the_reference_after_every_edit(
            start in proptest::collection::vec(
                proptest::collection::vec(0usize..12, 0..30), 0..40),
            edits in proptest::collection::vec(
                (0usize..6, 0usize..1000, 0usize..1000,
                 proptest::collection::vec(0usize..12, 0..30)), 1..30),
            t in 0.05f32..1.0,
            which in 0usize..7,
        ) {
            patched_pairs_agree(&start, &edits, t, which)?;
        }

        // Enough paragraphs sharing few words that posting lists reach the cap, and edits
        // push them across it.
        #[test]
        fn patched_pairs_agree_when_lists_cross_the_cap(
            start in proptest::collection::vec(
                proptest::collection::vec(1usize..6, 15..25), 60..90),
            edits in proptest::collection::vec(
                (0usize..6, 0usize..1000, 0usize..1000,
                 proptest::collection::vec(1usize..6, 15..25)), 1..12),
            t in 0.05f32..1.0,
        ) {
            patched_pairs_agree(&start, &edits, t, 0)?;
        }
    }

    proptest::proptest! {
        // Paragraphs drawn from a tiny vocabulary share many features: posting lists fill
        // past the cap, and candidates tie on similarity.
        #[test]
        fn indexed_pairs_agree_with_the_reference(
            paras in proptest::collection::vec(
                proptest::collection::vec(0usize..12, 0..40), 1..150),
            t in 0.05f32..1.0,
        ) {
            let text: String = paras
                .iter()
                .map(|p| p.iter().map(|&w| VOCAB[w]).collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("\n\n");
            let facts = facts_of(&text, Format::Plain);
            let mut memo = PairMemo::new();
            for mut config in configs() {
                config.near_threshold = t;
                let want = pairs_reference(&facts, &config);
                proptest::prop_assert_eq!(&pairs(&facts, &config), &want);
                proptest::prop_assert_eq!(&pairs_with(&facts, &keys_of(&facts), &config, &mut memo), &want);
                // A later run over a shorter document, from the same memo.
                let half = &facts[..facts.len() / 2];
                proptest::prop_assert_eq!(
                    pairs_with(half, &keys_of(half), &config, &mut memo),
                    pairs_reference(half, &config)
                );
            }
        }
    }
}
