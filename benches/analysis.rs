//! Throughput of each analysis pass (`pass/*`: split, cache keys, the per-paragraph facts
//! and their passes — tokens, quote marks, mentions, fingerprints — name linking,
//! duplicates, line index) and of the whole analysis, in words per second, on
//! generated drafts of 10k, 100k and 1M words; and re-analysis after a one-character edit
//! with the `Analyzer` (and its per-paragraph cache) reused, as the server does.
//!
//! `cargo bench --bench analysis` (criterion reports "elem/s": words per second).

#[path = "support/gen.rs"]
mod gen;

use std::hint::black_box;

use std::sync::Arc;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};

use copydesk::analysis::{
    self, actors, duplicates, fingerprint, mentions, paragraphs, quotes, tokens, Analyzer, Config,
    Format, LineIndex, ParagraphFacts,
};

pub const SIZES: [(usize, &str); 3] = [(10_000, "10k"), (100_000, "100k"), (1_000_000, "1M")];

struct Case {
    label: &'static str,
    draft: gen::Draft,
    paragraphs: Vec<paragraphs::Paragraph>,
    facts: Vec<Arc<ParagraphFacts>>,
}

fn cases() -> Vec<Case> {
    SIZES
        .iter()
        .map(|&(words, label)| {
            let draft = gen::draft(words, 1);
            let paragraphs = paragraphs::split(&draft.text, Format::Plain);
            let facts = paragraphs
                .iter()
                .map(|p| {
                    Arc::new(ParagraphFacts::compute(
                        &draft.text[p.span.start..p.span.end],
                    ))
                })
                .collect();
            Case {
                label,
                draft,
                paragraphs,
                facts,
            }
        })
        .collect()
}

/// Sampling suited to the input size: flat sampling and few samples for the big drafts, so
/// the whole suite stays within a few minutes.
fn tune(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, words: usize) {
    if words >= 1_000_000 {
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .measurement_time(Duration::from_secs(4));
    } else {
        g.sampling_mode(SamplingMode::Auto)
            .sample_size(20)
            .measurement_time(Duration::from_secs(2));
    }
    g.warm_up_time(Duration::from_millis(500));
}

fn passes(c: &mut Criterion) {
    let cases = cases();
    let config = Config::default();
    for case in &cases {
        let text = case.draft.text.as_str();
        let words = case.draft.words;
        let mut g = c.benchmark_group("pass");
        g.throughput(Throughput::Elements(words as u64));
        tune(&mut g, words);
        g.bench_function(BenchmarkId::new("split", case.label), |b| {
            b.iter(|| paragraphs::split(black_box(text), Format::Plain))
        });
        g.bench_function(BenchmarkId::new("cache_key", case.label), |b| {
            b.iter(|| {
                case.paragraphs
                    .iter()
                    .map(|p| fingerprint::content_key(&text[p.span.start..p.span.end]))
                    .fold(0u64, |a, k| a ^ k)
            })
        });
        g.bench_function(BenchmarkId::new("fingerprint", case.label), |b| {
            b.iter(|| {
                case.paragraphs
                    .iter()
                    .map(|p| fingerprint::Fingerprint::of(&text[p.span.start..p.span.end]).exact)
                    .fold(0u64, |a, k| a ^ k)
            })
        });
        // The per-paragraph facts (on one core), and the passes they are made of.
        let bodies: Vec<&str> = case
            .paragraphs
            .iter()
            .map(|p| &text[p.span.start..p.span.end])
            .collect();
        g.bench_function(BenchmarkId::new("facts", case.label), |b| {
            b.iter(|| {
                bodies
                    .iter()
                    .map(|t| ParagraphFacts::compute(t).link_digest)
                    .fold(0u64, |a, k| a ^ k)
            })
        });
        g.bench_function(BenchmarkId::new("tokens", case.label), |b| {
            b.iter(|| {
                bodies
                    .iter()
                    .map(|t| tokens::tokenize(t).len())
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("quote_marks", case.label), |b| {
            b.iter(|| bodies.iter().map(|t| quotes::scan(t).len()).sum::<usize>())
        });
        g.bench_function(BenchmarkId::new("mentions", case.label), |b| {
            b.iter(|| {
                bodies
                    .iter()
                    .zip(&case.facts)
                    .map(|(t, f)| {
                        mentions::extract(t, &f.tokens, &f.quotes, f.headline)
                            .candidates
                            .len()
                    })
                    .sum::<usize>()
            })
        });
        // Linking names afresh over the whole draft (what opening it runs; a keystroke
        // patches the last result instead).
        let views: Vec<actors::ParaView> = bodies
            .iter()
            .zip(&case.facts)
            .map(|(t, f)| actors::ParaView {
                text: t,
                tokens: &f.tokens,
                mentions: &f.mentions,
                quotes: &f.quotes,
                digest: f.link_digest,
                key: fingerprint::content_key(t),
            })
            .collect();
        g.bench_function(BenchmarkId::new("link_names", case.label), |b| {
            b.iter(|| actors::link_names(black_box(&views), None))
        });
        g.bench_function(BenchmarkId::new("duplicates", case.label), |b| {
            b.iter(|| {
                duplicates::find(
                    black_box(text),
                    &case.paragraphs,
                    &case.facts,
                    &config.duplicates,
                )
            })
        });
        g.bench_function(BenchmarkId::new("line_index", case.label), |b| {
            b.iter(|| LineIndex::new(black_box(text)))
        });
        g.bench_function(BenchmarkId::new("rope_to_string", case.label), |b| {
            let rope = ropey::Rope::from_str(text);
            b.iter(|| rope.to_string())
        });
        g.finish();

        let mut g = c.benchmark_group("full");
        g.throughput(Throughput::Elements(words as u64));
        tune(&mut g, words);
        // What `copydesk check` runs per file: a fresh analysis, every pass. On one core
        // (the target's terms), then with a thread per core for the paragraphs' facts, as
        // the server and `check` run it.
        analysis::set_threads(1);
        g.bench_function(BenchmarkId::new("analyze", case.label), |b| {
            b.iter(|| analysis::analyze(black_box(text), Format::Plain, &config))
        });
        analysis::set_threads(0);
        g.bench_function(BenchmarkId::new("analyze_threads", case.label), |b| {
            b.iter(|| analysis::analyze(black_box(text), Format::Plain, &config))
        });
        g.finish();
    }
}

/// Analysis after each edit that types `typed` at the next of `sites` in `text`, with an
/// analyser that analysed `text` before.
fn typing(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    mut text: String,
    mut sites: Vec<usize>,
    typed: &str,
) {
    let config = Config::default();
    let mut analyzer = Analyzer::new();
    analyzer.analyze(&text, Format::Plain, &config);
    let mut k = 0usize;
    g.bench_function(id, |b| {
        b.iter_batched(
            || {
                let i = k % sites.len();
                k += 1;
                gen::type_at(&mut text, &mut sites, i, typed);
                text.clone()
            },
            |t| analyzer.analyze(&t, Format::Plain, &config),
            BatchSize::PerIteration,
        )
    });
}

fn incremental(c: &mut Criterion) {
    let mut g = c.benchmark_group("incremental");
    for &(words, label) in &SIZES {
        let draft = gen::draft(words, 1);
        g.throughput(Throughput::Elements(1));
        tune(&mut g, words);
        // Typing one character at a time: each edit inserts an "x" at one of 16 places in
        // the middle of the draft, so every version of the text is new (no cache hit for
        // the edited paragraph, as with a real keystroke) and every other paragraph is
        // unchanged.
        let sites = gen::edit_sites(&draft.text, 16);
        let id = BenchmarkId::new("one_char_edit", label);
        typing(&mut g, id, draft.text.clone(), sites, "x");
        // Naming someone the draft already named: a sentence with a known surname added at
        // one of 16 places per edit. The person is introduced once at the top (the
        // generated cast shares surnames and first names, which relinks by design).
        let text = format!(
            "Zuleika Vasquez-Holloway, a harbour pilot, spoke first.\n\n{}",
            draft.text
        );
        // At the start of each paragraph, so the sentence stands on its own.
        let sites: Vec<usize> = gen::edit_sites(&text, 16)
            .into_iter()
            .map(|s| text[..s].rfind('\n').map_or(0, |i| i + 1))
            .collect();
        let id = BenchmarkId::new("known_name", label);
        typing(&mut g, id, text, sites, "Vasquez-Holloway nodded. ");
    }
    g.finish();
}

criterion_group!(benches, passes, incremental);
criterion_main!(benches);
