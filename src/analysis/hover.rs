//! What hovering a mention or a quote shows: short Markdown, readable at a glance.

use super::{Analysis, LineIndex, Quote, Span, Via};

/// Words of a quote's opening shown in summaries.
const OPENING_WORDS: usize = 6;

pub struct HoverInfo {
    pub markdown: String,
    /// The text the hover is about (the mention or the quote).
    pub span: Span,
}

/// The first `words` words of quote `q` of `analysis` (of `text`).
pub fn opening(analysis: &Analysis, text: &str, q: &Quote, words: usize) -> String {
    let inner = analysis.quote_inner(q);
    let inner = &text[inner.start..inner.end];
    let mut out: Vec<&str> = inner.split_whitespace().take(words).collect();
    let more = inner.split_whitespace().count() > words;
    if let Some(last) = out.last_mut() {
        *last = last.trim_end_matches([',', '.', ';', ':']);
    }
    format!("“{}{}”", out.join(" "), if more { "…" } else { "" })
}

/// "Defense Secretary · United States" — what the draft says the actor is.
pub fn description(a: &super::Actor) -> Option<String> {
    let mut parts = Vec::new();
    if !a.roles.is_empty() {
        parts.push(a.roles.join(", "));
    }
    if let Some(aff) = &a.affiliation {
        parts.push(aff.clone());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

pub fn hover(
    analysis: &Analysis,
    text: &str,
    lines: &LineIndex,
    offset: usize,
) -> Option<HoverInfo> {
    if let Some((ai, mi)) = analysis.mention_at(offset) {
        let a = &analysis.actors[ai];
        let m = &a.mentions[mi];
        let span = analysis.span_of(m);
        let mut md = String::new();
        if m.via == Via::Pronoun {
            md.push_str(&format!("*{}* → ", &text[span.start..span.end]));
        }
        let kind = match &a.subtype {
            Some(s) if s != "other" => format!("{} ({})", a.kind.as_str(), s.replace('-', " ")),
            _ => a.kind.as_str().to_string(),
        };
        md.push_str(&format!("**{}** · {}\n", a.name, kind));
        if let Some(d) = description(a) {
            md.push_str(&format!("\n{d}\n"));
        }
        if let Some(desc) = &a.description {
            md.push_str(&format!("\n_{desc}_\n"));
        }
        let first = a
            .mentions
            .iter()
            .find(|m| m.via != Via::Pronoun)
            .unwrap_or(&a.mentions[0]);
        let n = a.mentions.len();
        md.push_str(&format!(
            "\nMentioned {} time{}, first on line {}",
            n,
            if n == 1 { "" } else { "s" },
            lines.line_of(analysis.span_of(first).start) + 1
        ));
        let quotes: Vec<&Quote> = analysis
            .quotes
            .iter()
            .filter(|q| q.speaker == Some(ai))
            .collect();
        if !quotes.is_empty() {
            let shown: Vec<String> = quotes
                .iter()
                .take(3)
                .map(|q| opening(analysis, text, q, OPENING_WORDS))
                .collect();
            md.push_str(&format!(
                "\n\nQuoted {} time{}: {}{}",
                quotes.len(),
                if quotes.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if quotes.len() > 3 { ", …" } else { "" }
            ));
        }
        return Some(HoverInfo { markdown: md, span });
    }
    let q = analysis.quote_at(offset)?;
    let mut md = String::new();
    let kind = if q.scare {
        "Scare quote"
    } else if q.partial {
        "Partial quote"
    } else {
        "Quote"
    };
    md.push_str(&format!("**{kind}** · {} words\n", q.words));
    if !q.scare {
        let who = match (q.speaker, &q.speaker_text) {
            (Some(i), _) => {
                let a = &analysis.actors[i];
                match description(a) {
                    Some(d) => format!("**{}** ({})", a.name, d.replace(" · ", ", ")),
                    None => format!("**{}**", a.name),
                }
            }
            (None, Some(t)) => t.to_string(),
            (None, None) => "_no one is credited_".to_string(),
        };
        let mut line = format!("\nSpeaker: {who}");
        if let Some(c) = &q.cue {
            line.push_str(&format!(" · {c}"));
            if let Some(ad) = &q.addressee {
                line.push_str(&format!(" {ad}"));
            }
        }
        if let Some(t) = &q.time {
            line.push_str(&format!(" · {t}"));
        }
        md.push_str(&line);
        md.push('\n');
    }
    let inner = analysis.quote_inner(q);
    let inner = &text[inner.start..inner.end];
    md.push_str(&format!(
        "\n> {}",
        inner.split_whitespace().collect::<Vec<_>>().join(" ")
    ));
    Some(HoverInfo {
        markdown: md,
        span: analysis.quote_span(q),
    })
}

/// One line above a quote: `Volodymyr Zelensky · told the Guardian · Tuesday · 9 words`.
pub fn lens_title(analysis: &Analysis, q: &Quote) -> String {
    let mut parts = Vec::new();
    parts.push(match (q.speaker, &q.speaker_text) {
        (Some(i), _) => analysis.actors[i].name.clone(),
        (None, Some(t)) => t.to_string(),
        (None, None) => "Unattributed".to_string(),
    });
    if let Some(c) = &q.cue {
        parts.push(match &q.addressee {
            Some(a) => format!("{c} {a}"),
            None => c.to_string(),
        });
    }
    if let Some(t) = &q.time {
        parts.push(t.to_string());
    }
    if q.partial {
        parts.push("partial".to_string());
    }
    parts.push(format!(
        "{} word{}",
        q.words,
        if q.words == 1 { "" } else { "s" }
    ));
    parts.join(" · ")
}
