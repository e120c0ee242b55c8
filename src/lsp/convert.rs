//! Analysis types → LSP types. The only place that knows both.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range,
    TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::analysis::line_index::Encoding;
use crate::analysis::{Edit, Finding, LineCol, LineIndex, Severity, Span};

/// What a conversion needs to know about the analysed version of a document.
pub struct Ctx<'a> {
    pub uri: &'a Uri,
    pub version: i32,
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub enc: Encoding,
    pub document_changes: bool,
    /// The client accepts `relatedInformation` on diagnostics (its capabilities say so).
    pub related_information: bool,
}

impl Ctx<'_> {
    pub fn position(&self, offset: usize) -> Position {
        let lc = self.lines.line_col(offset, self.enc);
        Position::new(lc.line, lc.col)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn offset(&self, pos: Position) -> usize {
        self.lines.offset(
            self.text,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.enc,
        )
    }

    pub fn span(&self, range: Range) -> Span {
        let a = self.offset(range.start);
        let b = self.offset(range.end);
        Span::new(a.min(b), a.max(b))
    }

    pub fn diagnostic(&self, f: &Finding) -> Diagnostic {
        Diagnostic {
            range: self.range(f.span),
            severity: Some(match f.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Information => DiagnosticSeverity::INFORMATION,
                Severity::Hint => DiagnosticSeverity::HINT,
            }),
            code: Some(NumberOrString::String(f.code.as_str().to_string())),
            source: Some("copydesk".to_string()),
            message: f.message.clone(),
            related_information: (self.related_information && !f.related.is_empty()).then(|| {
                f.related
                    .iter()
                    .map(|r| DiagnosticRelatedInformation {
                        location: Location::new(self.uri.clone(), self.range(r.span)),
                        message: r.message.clone(),
                    })
                    .collect()
            }),
            ..Default::default()
        }
    }

    /// A workspace edit for this document, pinned to the analysed version when the client
    /// supports it, so an edit computed for an older text is refused rather than misapplied.
    pub fn workspace_edit(&self, edits: &[Edit]) -> WorkspaceEdit {
        let edits: Vec<TextEdit> = merge_deletions(edits)
            .into_iter()
            .map(|e| TextEdit::new(self.range(e.span), e.text))
            .collect();
        if self.document_changes {
            WorkspaceEdit {
                document_changes: Some(tower_lsp_server::ls_types::DocumentChanges::Edits(vec![
                    TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri: self.uri.clone(),
                            version: Some(self.version),
                        },
                        edits: edits.into_iter().map(OneOf::Left).collect(),
                    },
                ])),
                ..Default::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(HashMap::from([(self.uri.clone(), edits)])),
                ..Default::default()
            }
        }
    }

    pub fn fix_action(&self, f: &Finding, kind: CodeActionKind) -> Option<CodeAction> {
        let fix = f.fix.as_ref()?;
        Some(CodeAction {
            title: fix.title.clone(),
            kind: Some(kind),
            diagnostics: Some(vec![self.diagnostic(f)]),
            edit: Some(self.workspace_edit(&fix.edits)),
            is_preferred: Some(true),
            ..Default::default()
        })
    }
}

/// Sorts edits and merges overlapping deletions, which fixes for neighbouring copies
/// produce; LSP forbids overlapping edits in one change.
pub fn merge_deletions(edits: &[Edit]) -> Vec<Edit> {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out: Vec<Edit> = Vec::with_capacity(sorted.len());
    for e in sorted {
        if let Some(last) = out.last_mut() {
            if e.span.start < last.span.end && last.text.is_empty() && e.text.is_empty() {
                last.span.end = last.span.end.max(e.span.end);
                continue;
            }
        }
        out.push(e);
    }
    out
}
