//! Types into a draft one character at a time and re-analyses after each keystroke, for
//! profiling the incremental path: `perf record target/release/examples/editloop FILE N [TYPED]`.

use std::time::Instant;

use copydesk::analysis::{Analyzer, Config, Format};

#[path = "../benches/support/gen.rs"]
mod gen;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: editloop FILE [EDITS] [TYPED]");
    let edits: usize = args.next().map_or(200, |n| n.parse().expect("EDITS"));
    // What each keystroke types: "x" (inside a word) by default; "Q" starts a new name at
    // the start of a word, so the names are linked again; "probe" types "x" in the middle
    // of the text and deletes it again, alternately, as `lsp_probe.py --latency` does;
    // "type:TEXT" types TEXT a character at a time, "end:TEXT" too but at the end of
    // each paragraph (a new sentence) rather than before its second word.
    let typed = args.next().unwrap_or_else(|| "x".to_string());
    let mut text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    if typed == "probe" {
        return probe(text, edits);
    }
    let mut sites = gen::edit_sites(&text, 16);
    let typed = match typed.strip_prefix("end:") {
        Some(t) => {
            // The same paragraphs, at their ends.
            let paras = copydesk::analysis::paragraphs::split(&text, Format::Plain);
            for s in &mut sites {
                *s = paras
                    .iter()
                    .find(|p| p.span.contains(*s))
                    .map_or(*s, |p| p.span.end);
            }
            format!("type:{t}")
        }
        None => typed,
    };
    let config = Config::default();
    let mut analyzer = Analyzer::new();
    let t0 = Instant::now();
    analyzer.analyze(&text, Format::Plain, &config);
    eprintln!("first analysis: {:?}", t0.elapsed());
    let mut times = Vec::with_capacity(edits);
    // "type:TEXT" types TEXT a character at a time at one site, then at the next: what a
    // reporter adding a sentence does.
    let sentence: Option<Vec<char>> = typed.strip_prefix("type:").map(|t| t.chars().collect());
    for k in 0..edits {
        let (i, typed) = match &sentence {
            Some(chars) => (
                (k / chars.len()) % sites.len(),
                chars[k % chars.len()].to_string(),
            ),
            None => (k % sites.len(), typed.clone()),
        };
        gen::type_at(&mut text, &mut sites, i, &typed);
        let t0 = Instant::now();
        std::hint::black_box(analyzer.analyze(&text, Format::Plain, &config));
        times.push(t0.elapsed());
        // The server frees what the analysis replaced after replying.
        drop(analyzer.take_retired());
    }
    times.sort();
    if let (Some(min), Some(median)) = (times.first(), times.get(times.len() / 2)) {
        let p90 = times[times.len() * 9 / 10];
        let max = times[times.len() - 1];
        let slow = times.iter().filter(|t| t.as_micros() > 5000).count();
        eprintln!(
            "{edits} edits: median {median:?}, min {min:?}, 90th {p90:?}, max {max:?}, {slow} over 5 ms"
        );
    }
}

fn probe(mut text: String, edits: usize) {
    let config = Config::default();
    let mut analyzer = Analyzer::new();
    // The probe counts characters, not bytes.
    let half = text.chars().count() / 2;
    let mid = text.char_indices().nth(half).map_or(text.len(), |(i, _)| i);
    // As the server runs it: its own copy of the text changed in place, and what the edit
    // left alone known.
    let unchanged = (mid, text.len() - mid);
    analyzer.analyze_in_place(&text, None, Format::Plain, &config);
    let mut times = Vec::with_capacity(edits);
    // FLUSH=BYTES writes that much memory between edits, as the server's surroundings
    // (the client, the last reply) do: the analysis then runs with cold caches.
    let flush: usize = std::env::var("FLUSH").map_or(0, |v| v.parse().expect("FLUSH=BYTES"));
    for k in 0..edits {
        if flush > 0 {
            let junk: Vec<u8> = (0..flush).map(|i| i as u8).collect();
            std::hint::black_box(&junk);
        }
        let t0 = Instant::now();
        if k % 2 == 0 {
            text.insert(mid, 'x');
        } else {
            text.remove(mid);
        }
        let analysis = analyzer.analyze_in_place(&text, Some(unchanged), Format::Plain, &config);
        times.push(t0.elapsed());
        // The server frees the last analysis, and what this one replaced, off the reply
        // path.
        drop(std::hint::black_box(analysis));
        drop(analyzer.take_retired());
    }
    times.sort();
    if let (Some(min), Some(median)) = (times.first(), times.get(times.len() / 2)) {
        eprintln!("{edits} edits: median {median:?}, min {min:?}");
    }
}
