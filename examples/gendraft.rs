//! Writes a generated news draft to standard output, for the benchmarks' figures by hand
//! and for `lsp_probe.py`:
//!
//! ```sh
//! cargo run --release --example gendraft -- 100000 > /tmp/d100k.txt
//! cargo run --release --example gendraft -- 1000000 7 > /tmp/d1m.txt   # seed 7
//! cargo run --release --example gendraft -- 100000 --lines > /tmp/l100k.txt
//! ```
//!
//! `--lines` writes each paragraph on one line with no blank lines between them, as a CMS
//! export (and the reference article) has it.
//!
//! The draft's statistics go to standard error.

#[path = "../benches/support/gen.rs"]
mod gen;

use std::io::Write;

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let lines = all.iter().any(|a| a == "--lines");
    let mut args = all.into_iter().filter(|a| a != "--lines");
    let usage = "usage: gendraft WORDS [SEED] [--lines]   (WORDS like 10000, 100k or 1m)";
    let Some(words) = args.next().and_then(|w| parse_count(&w)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let seed = match args.next().map(|s| s.parse::<u64>()) {
        None => 1,
        Some(Ok(s)) => s,
        Some(Err(_)) => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let d = gen::draft(words, seed);
    let text = if lines {
        let mut t: String = d
            .text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.trim().split('\n').collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n");
        t.push('\n');
        t
    } else {
        d.text.clone()
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).is_err() {
        std::process::exit(2);
    }
    eprintln!(
        "gendraft: {} words, {} bytes, {} paragraphs, {} exact and {} edited copies (seed {seed})",
        d.words,
        d.text.len(),
        d.paragraphs,
        d.exact_copies,
        d.near_copies
    );
}

fn parse_count(s: &str) -> Option<usize> {
    let s = s.trim().to_ascii_lowercase().replace(['_', ','], "");
    let (num, mult) = if let Some(n) = s.strip_suffix('m') {
        (n, 1_000_000)
    } else if let Some(n) = s.strip_suffix('k') {
        (n, 1_000)
    } else {
        (s.as_str(), 1)
    };
    num.parse::<usize>()
        .ok()
        .map(|n| n * mult)
        .filter(|&n| n > 0)
}
