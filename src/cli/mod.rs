//! `copydesk check`: the same analysis as the server, from the shell.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::analysis::line_index::Encoding;
use crate::analysis::{Analysis, Analyzer, Config, Format, LineIndex, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

/// Exit statuses, as documented in the README.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

const DRAFT_EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

/// Settings for `check`: the roster from `--config`, or `./copydesk.toml` if present.
pub fn load_config(path: Option<&Path>) -> Result<Config, String> {
    let default = Path::new(crate::analysis::roster::ROSTER_FILE);
    let path = match path {
        Some(p) => p,
        None if default.is_file() => default,
        None => return Ok(Config::default()),
    };
    let roster = crate::analysis::roster::Roster::load(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Config {
        roster: Some(std::sync::Arc::new(roster)),
        ..Config::default()
    })
}

/// One input that could be read as text.
pub struct Draft {
    pub path: String,
    pub text: String,
}

/// The longest draft: offsets are kept in 32 bits (tokens, the line index).
const MAX_DRAFT: u64 = u32::MAX as u64;

fn too_big(path: &str) -> String {
    format!("{path}: over 4 GiB, not checked")
}

/// Reads a draft from `from`, no further than one byte past the longest one (standard
/// input can be endless): a longer one is refused, not held in memory.
fn read_bounded(path: &str, from: impl Read) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    from.take(MAX_DRAFT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{path}: {}", io_reason(&e)))?;
    Ok(bytes)
}

/// Reads bytes as a draft, or says in one line why it cannot be checked.
pub fn decode(path: &str, bytes: Vec<u8>) -> Result<Draft, String> {
    if bytes.is_empty() {
        return Err(format!("{path}: empty file, nothing to check"));
    }
    if bytes.len() as u64 > MAX_DRAFT {
        return Err(too_big(path));
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return Err(format!(
            "{path}: binary file (contains NUL bytes), not checked"
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Draft {
            path: path.to_string(),
            text,
        }),
        Err(e) => Err(format!(
            "{path}: invalid UTF-8 at byte {}, not checked",
            e.utf8_error().valid_up_to()
        )),
    }
}

/// Walks `dir` for drafts. An unreadable subdirectory or entry is reported in `errors` and
/// the walk goes on; only regular files (or links to them) are taken, so a FIFO or socket
/// named `*.txt` cannot make `check` wait forever.
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(format!("{}: {}", dir.display(), io_reason(&e)));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let p = e.path();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            collect_dir(&p, out, errors);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| DRAFT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
        {
            match std::fs::metadata(&p) {
                Ok(m) if m.is_file() => out.push(p),
                Ok(_) => {} // a FIFO, socket or device: not a draft
                Err(e) => errors.push(format!("{}: {}", p.display(), io_reason(&e))),
            }
        }
    }
}

/// Expands the command line's paths into drafts; every problem becomes one message.
pub fn gather(paths: &[String]) -> (Vec<Draft>, Vec<String>) {
    let mut drafts = Vec::new();
    let mut errors = Vec::new();
    for arg in paths {
        if arg == "-" {
            match read_bounded("<stdin>", std::io::stdin()) {
                Ok(bytes) if bytes.is_empty() => {
                    errors.push("<stdin>: nothing on standard input".into())
                }
                Ok(bytes) => match decode("<stdin>", bytes) {
                    Ok(d) => drafts.push(d),
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(e),
            }
            continue;
        }
        let path = Path::new(arg);
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{arg}: {}", io_reason(&e)));
                continue;
            }
        };
        let files = if meta.is_dir() {
            let mut files = Vec::new();
            let before = errors.len();
            collect_dir(path, &mut files, &mut errors);
            if files.is_empty() && errors.len() == before {
                errors.push(format!(
                    "{arg}: no drafts (*.md, *.markdown, *.txt) in this directory"
                ));
            }
            files
        } else {
            vec![path.to_path_buf()]
        };
        for f in files {
            let name = f.to_string_lossy().to_string();
            let read = std::fs::File::open(&f)
                .map_err(|e| format!("{name}: {}", io_reason(&e)))
                .and_then(|file| {
                    // Refused by its size, before a byte of it is read.
                    match file.metadata() {
                        Ok(m) if m.len() > MAX_DRAFT => Err(too_big(&name)),
                        _ => read_bounded(&name, file).and_then(|bytes| decode(&name, bytes)),
                    }
                });
            match read {
                Ok(d) => drafts.push(d),
                Err(e) => errors.push(e),
            }
        }
    }
    (drafts, errors)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The JSON written for each element, borrowed from the analysis: a draft's findings,
/// actors and quotes go straight to the output without a tree of `serde_json::Value`s
/// (which was a fifth of `check`'s work on a long draft). Fields are in alphabetical
/// order, the order schema version 1 has always had.
mod out {
    use serde::Serialize;

    pub type Span = [usize; 2];

    #[derive(Serialize)]
    pub struct Position {
        pub character: u32,
        pub line: u32,
    }

    #[derive(Serialize)]
    pub struct Range {
        pub end: Position,
        pub start: Position,
    }

    #[derive(Serialize)]
    pub struct Mention<'a> {
        pub span: Span,
        pub text: &'a str,
        pub via: &'a str,
    }

    #[derive(Serialize)]
    pub struct Actor<'a, M: Serialize> {
        pub affiliation: Option<&'a str>,
        pub id: &'a str,
        pub kind: &'a str,
        pub mentions: M,
        pub name: &'a str,
        pub roles: &'a [String],
        pub subtype: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct Related<'a> {
        pub message: &'a str,
        pub range: Range,
        pub span: Span,
    }

    #[derive(Serialize)]
    pub struct Diagnostic<'a, R: Serialize> {
        pub code: &'a str,
        pub message: &'a str,
        pub range: Range,
        pub related: R,
        pub severity: &'a str,
        pub span: Span,
    }

    #[derive(Serialize)]
    pub struct Paragraph {
        pub span: Span,
    }

    #[derive(Serialize)]
    pub struct Quote<'a> {
        pub addressee: Option<&'a str>,
        pub cue: Option<&'a str>,
        pub partial: bool,
        pub span: Span,
        pub speaker: Option<&'a str>,
        pub speaker_span: Option<Span>,
        pub speaker_text: Option<&'a str>,
        pub text: &'a str,
        pub time: Option<&'a str>,
        pub words: usize,
    }

    #[derive(Serialize)]
    pub struct Scare<'a> {
        pub span: Span,
        pub text: &'a str,
    }

    /// Serialises the items of an iterator as an array without collecting them.
    pub struct Seq<F>(pub F);

    impl<I, F> Serialize for Seq<F>
    where
        F: Fn() -> I,
        I: Iterator,
        I::Item: Serialize,
    {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq((self.0)())
        }
    }
}

fn span_json(s: Span) -> out::Span {
    [s.start, s.end]
}

fn range_json(idx: &LineIndex, s: Span) -> out::Range {
    let a = idx.line_col(s.start, Encoding::Utf16);
    let b = idx.line_col(s.end, Encoding::Utf16);
    out::Range {
        end: out::Position {
            character: b.col,
            line: b.line,
        },
        start: out::Position {
            character: a.col,
            line: a.line,
        },
    }
}

/// Writes the JSON array of `items` one element at a time: a draft with hundreds of
/// thousands of findings never has its whole JSON document in memory (a 48 MB flood of
/// pasted copies took 5.6 GB that way).
fn write_array<T, J: serde::Serialize>(
    out: &mut impl Write,
    items: impl IntoIterator<Item = T>,
    to_json: impl Fn(T) -> J,
) -> std::io::Result<()> {
    out.write_all(b"[")?;
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &to_json(item))?;
    }
    out.write_all(b"]")
}

/// The schema-version-1 JSON object for one analysed file, written as it is built. Keys
/// are in alphabetical order.
pub fn write_file_json(
    out: &mut impl Write,
    path: &str,
    text: &str,
    a: &Analysis,
) -> std::io::Result<()> {
    let idx = &*a.lines;
    out.write_all(b"{\"actors\":")?;
    write_array(out, &a.actors, |x| out::Actor {
        affiliation: x.affiliation.as_deref(),
        id: &x.id,
        kind: x.kind.as_str(),
        mentions: out::Seq(|| {
            x.mentions.iter().map(|m| {
                let span = a.span_of(m);
                out::Mention {
                    span: span_json(span),
                    text: &text[span.start..span.end],
                    via: m.via.as_str(),
                }
            })
        }),
        name: &x.name,
        roles: &x.roles,
        subtype: x.subtype.as_deref(),
    })?;
    out.write_all(b",\"diagnostics\":")?;
    write_array(out, &a.findings, |f| out::Diagnostic {
        code: f.code.as_str(),
        message: &f.message,
        range: range_json(idx, f.span),
        related: out::Seq(|| {
            f.related.iter().map(|r| out::Related {
                message: &r.message,
                range: range_json(idx, r.span),
                span: span_json(r.span),
            })
        }),
        severity: f.severity.as_str(),
        span: span_json(f.span),
    })?;
    out.write_all(b",\"paragraphs\":")?;
    write_array(out, a.paragraphs.iter(), |p| out::Paragraph {
        span: span_json(p.span),
    })?;
    out.write_all(b",\"path\":")?;
    serde_json::to_writer(&mut *out, path)?;
    out.write_all(b",\"quotes\":")?;
    write_array(out, a.quotes.iter().filter(|q| !q.scare), |q| {
        let inner = a.quote_inner(q);
        out::Quote {
            addressee: q.addressee.as_deref(),
            cue: q.cue.as_deref(),
            partial: q.partial,
            span: span_json(a.quote_span(q)),
            speaker: q.speaker.map(|i| a.actors[i].id.as_str()),
            speaker_span: a.quote_speaker_span(q).map(span_json),
            speaker_text: q.speaker_text.as_deref(),
            text: &text[inner.start..inner.end],
            time: q.time.as_deref(),
            words: q.words,
        }
    })?;
    out.write_all(b",\"scare_quotes\":")?;
    write_array(out, a.quotes.iter().filter(|q| q.scare), |q| {
        let inner = a.quote_inner(q);
        out::Scare {
            span: span_json(a.quote_span(q)),
            text: &text[inner.start..inner.end],
        }
    })?;
    out.write_all(b"}")
}

fn human(out: &mut impl Write, path: &str, text: &str, a: &Analysis) -> std::io::Result<()> {
    let idx = &*a.lines;
    for f in &a.findings {
        let line = idx.line_of(f.span.start);
        let col = text[idx.line_start(line)..f.span.start].chars().count() + 1;
        writeln!(
            out,
            "{path}:{}:{col}: {}[{}] {}",
            line + 1,
            f.severity.as_str(),
            f.code.as_str(),
            f.message
        )?;
        let body = &text[idx.line_start(line)..idx.line_text_end(text, line)];
        let shown: String = body.chars().take(100).collect();
        let more = if shown.len() < body.len() { "…" } else { "" };
        writeln!(out, "    | {shown}{more}")?;
    }
    Ok(())
}

/// Standard output past Rust's line buffering, which would search every chunk of the
/// JSON for a line end (the JSON has one, at its end); `Stdout` itself where its file
/// descriptor cannot be had.
fn raw_stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}

pub fn run(format: OutputFormat, config: &Config, paths: &[String]) -> i32 {
    let (drafts, errors) = gather(paths);
    for e in &errors {
        eprintln!("copydesk: {e}");
    }
    // Buffered: the JSON is written in many small pieces.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, raw_stdout());
    let mut findings = 0;
    if format == OutputFormat::Json && out.write_all(b"{\"files\":[").is_err() {
        return EXIT_ERROR;
    }
    for (i, d) in drafts.iter().enumerate() {
        let format_of = Format::from_path(&d.path);
        let mut analyzer = Analyzer::new();
        let a = analyzer.analyze(&d.text, format_of, config);
        findings += a.findings.len();
        let written = match format {
            OutputFormat::Json => (if i > 0 { out.write_all(b",") } else { Ok(()) })
                .and_then(|()| write_file_json(&mut out, &d.path, &d.text, &a)),
            OutputFormat::Human => human(&mut out, &d.path, &d.text, &a),
        };
        if written.is_err() {
            return EXIT_ERROR;
        }
        // The process ends after the last draft: freeing its analysis piece by piece (3 %
        // of `check`'s instructions on a long draft) would only hand back memory the exit
        // returns whole. Earlier drafts' are freed, so that many files take no more memory
        // than the largest.
        if i + 1 == drafts.len() {
            std::mem::forget((analyzer, a));
        }
    }
    if format == OutputFormat::Json && out.write_all(b"],\"version\":1}\n").is_err() {
        return EXIT_ERROR;
    }
    if out.flush().is_err() {
        return EXIT_ERROR;
    }
    if format == OutputFormat::Human {
        eprintln!(
            "{findings} finding{} in {} file{}",
            if findings == 1 { "" } else { "s" },
            drafts.len(),
            if drafts.len() == 1 { "" } else { "s" }
        );
    }
    if !errors.is_empty() || (drafts.is_empty() && paths.is_empty()) {
        EXIT_ERROR
    } else if findings > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
