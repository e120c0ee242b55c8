//! Request handlers as pure functions of one analysed snapshot: position in, LSP answer out.

use serde_json::{json, Value};
use tower_lsp_server::ls_types::*;

use super::convert::Ctx;
use super::server::Snapshot;
use crate::analysis::hover::{self, lens_title};
use crate::analysis::{ActorKind, Edit, Span, Via};

/// The client-side command a quote lens runs: arguments are the document URI, the lens
/// position and the locations of every quote by the same speaker. Editors register it
/// (VS Code: peek references; Neovim: quickfix list); see editors/.
pub const SHOW_QUOTES: &str = "copydesk.showQuotes";
/// Server-side command answering the same locations, for clients without the above.
pub const QUOTES_BY_SPEAKER: &str = "copydesk.quotesBySpeaker";

pub fn hover(s: &Snapshot, ctx: &Ctx, pos: Position) -> Option<Hover> {
    let offset = ctx.offset(pos);
    let h = hover::hover(&s.analysis, s.text(), &s.lines, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(ctx.range(h.span)),
    })
}

pub fn definition(s: &Snapshot, ctx: &Ctx, pos: Position) -> Option<GotoDefinitionResponse> {
    let (ai, _) = s.analysis.mention_at(ctx.offset(pos))?;
    let a = &s.analysis.actors[ai];
    let first = a.mentions.iter().find(|m| m.via != Via::Pronoun)?;
    Some(GotoDefinitionResponse::Scalar(Location::new(
        ctx.uri.clone(),
        ctx.range(s.analysis.span_of(first)),
    )))
}

pub fn references(
    s: &Snapshot,
    ctx: &Ctx,
    pos: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (ai, _) = s.analysis.mention_at(ctx.offset(pos))?;
    let a = &s.analysis.actors[ai];
    let first = a.mentions.iter().position(|m| m.via != Via::Pronoun);
    Some(
        a.mentions
            .iter()
            .enumerate()
            .filter(|(i, _)| include_declaration || Some(*i) != first)
            .map(|(_, m)| Location::new(ctx.uri.clone(), ctx.range(s.analysis.span_of(m))))
            .collect(),
    )
}

#[allow(deprecated)] // DocumentSymbol::deprecated must still be written
pub fn symbols(s: &Snapshot, ctx: &Ctx) -> Vec<DocumentSymbol> {
    let groups = [
        (ActorKind::Person, "People", SymbolKind::OBJECT),
        (
            ActorKind::Organization,
            "Organizations",
            SymbolKind::NAMESPACE,
        ),
        (ActorKind::Place, "Places", SymbolKind::PACKAGE),
    ];
    let mut out = Vec::new();
    for (kind, title, sk) in groups {
        let children: Vec<DocumentSymbol> = s
            .analysis
            .actors
            .iter()
            .filter(|a| a.kind == kind)
            .filter_map(|a| {
                let first = s
                    .analysis
                    .span_of(a.mentions.iter().find(|m| m.via != Via::Pronoun)?);
                let last = a.mentions.iter().map(|m| s.analysis.span_of(m).end).max()?;
                let n = a.mentions.len();
                let mut detail = format!("{n} mention{}", if n == 1 { "" } else { "s" });
                if let Some(d) = hover::description(a) {
                    detail = format!("{d} · {detail}");
                }
                Some(DocumentSymbol {
                    name: a.name.clone(),
                    detail: Some(detail),
                    kind: sk,
                    tags: None,
                    deprecated: None,
                    range: ctx.range(Span::new(first.start, last.max(first.end))),
                    selection_range: ctx.range(first),
                    children: None,
                })
            })
            .collect();
        if children.is_empty() {
            continue;
        }
        let start = children.iter().map(|c| c.range.start).min().unwrap();
        let end = children.iter().map(|c| c.range.end).max().unwrap();
        out.push(DocumentSymbol {
            name: title.to_string(),
            detail: Some(format!("{}", children.len())),
            kind: SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            range: Range::new(start, end),
            selection_range: Range::new(start, start),
            children: Some(children),
        });
    }
    out
}

/// The name mention under the cursor, for prepareRename: pronouns and nominal references
/// are not renamed.
pub fn rename_target(s: &Snapshot, ctx: &Ctx, pos: Position) -> Option<(usize, Span)> {
    let (ai, mi) = s.analysis.mention_at(ctx.offset(pos))?;
    let m = &s.analysis.actors[ai].mentions[mi];
    (!matches!(m.via, Via::Pronoun | Via::Title)).then_some((ai, s.analysis.span_of(m)))
}

/// Renames every name mention of the actor: a mention equal to the old text becomes the
/// new text; a surname or first-name mention of a renamed full name becomes the matching
/// part of the new one ("Pete Hegseth" → "Peter Smith" turns "Hegseth" into "Smith").
pub fn rename(s: &Snapshot, ctx: &Ctx, pos: Position, new_name: &str) -> Option<WorkspaceEdit> {
    let (ai, span) = rename_target(s, ctx, pos)?;
    let old = &s.text()[span.start..span.end];
    let old_words: Vec<&str> = old.split_whitespace().collect();
    let new_words: Vec<&str> = new_name.split_whitespace().collect();
    let mut edits = Vec::new();
    for m in s.analysis.actors[ai].mentions.iter() {
        if matches!(m.via, Via::Pronoun | Via::Title) {
            continue;
        }
        let span = s.analysis.span_of(m);
        let t = &s.text()[span.start..span.end];
        let words: Vec<&str> = t.split_whitespace().collect();
        let replacement = if t == old {
            Some(new_name.to_string())
        } else if old_words.ends_with(&words) && new_words.len() >= words.len() {
            Some(new_words[new_words.len() - words.len()..].join(" "))
        } else if old_words.starts_with(&words) && new_words.len() >= words.len() {
            Some(new_words[..words.len()].join(" "))
        } else if words.ends_with(&old_words) {
            let keep = t.len() - old.len();
            Some(format!("{}{}", &t[..keep], new_name))
        } else {
            None
        };
        if let Some(r) = replacement {
            edits.push(Edit { span, text: r });
        }
    }
    Some(ctx.workspace_edit(&edits))
}

fn speaker_locations(s: &Snapshot, ctx: &Ctx, speaker: usize) -> Vec<Location> {
    s.analysis
        .quotes
        .iter()
        .filter(|q| q.speaker == Some(speaker) && !q.scare)
        .map(|q| Location::new(ctx.uri.clone(), ctx.range(s.analysis.quote_span(q))))
        .collect()
}

pub fn code_lenses(s: &Snapshot, ctx: &Ctx) -> Vec<CodeLens> {
    s.analysis
        .quotes
        .iter()
        .filter(|q| !q.scare)
        .map(|q| {
            let range = ctx.range(s.analysis.quote_span(q));
            let title = lens_title(&s.analysis, q);
            let command = match q.speaker {
                Some(sp) => Command {
                    title,
                    command: SHOW_QUOTES.to_string(),
                    arguments: Some(vec![
                        json!(ctx.uri.as_str()),
                        json!(range.start),
                        json!(speaker_locations(s, ctx, sp)),
                    ]),
                },
                // A lens with no action still shows its title.
                None => Command {
                    title,
                    command: String::new(),
                    arguments: None,
                },
            };
            CodeLens {
                range: Range::new(range.start, range.start),
                command: Some(command),
                data: None,
            }
        })
        .collect()
}

/// `copydesk.quotesBySpeaker [uri, position]`: the quotes by the speaker of the quote or
/// actor at the position.
pub fn quotes_by_speaker(s: &Snapshot, ctx: &Ctx, pos: Position) -> Value {
    let offset = ctx.offset(pos);
    let speaker = s
        .analysis
        .quote_at(offset)
        .and_then(|q| q.speaker)
        .or_else(|| s.analysis.mention_at(offset).map(|(a, _)| a));
    match speaker {
        Some(sp) => json!(speaker_locations(s, ctx, sp)),
        None => json!([]),
    }
}
