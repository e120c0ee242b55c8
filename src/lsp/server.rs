//! The language server: document sync, the analysis scheduler, and request handlers.
//!
//! Ordering: tower-lsp-server polls handler futures for the first time in the order the
//! messages arrived, and every text mutation below happens synchronously in that first
//! poll (a std mutex, no `.await` before the edit is applied), so edits are applied
//! strictly in the order received even though handlers run concurrently.
//!
//! Scheduling: each open document has one worker task. An edit bumps the document's
//! revision and wakes the worker; the worker analyses the newest text at once (no debounce
//! timer), and when it finishes it publishes only if no newer edit arrived meanwhile,
//! otherwise it goes straight on to the newest text. Bursts of keystrokes coalesce into
//! one analysis, and results for an old version are never published over a newer one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use ropey::Rope;
use tokio::sync::watch;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert::Ctx;
use super::document::{Document, Journal};
use super::features;
use super::project::{Project, Reload};
use super::transport::Outbox;
use crate::analysis::line_index::Encoding;
use crate::analysis::{Analysis, Analyzer, Code, Config, Format, LineIndex};

/// One analysed version of a document.
pub struct Snapshot {
    pub version: i32,
    pub revision: u64,
    /// The analysed text: the rope of that version (shared with the document, O(1) to
    /// keep), read out into `text` when a request first needs it. The worker keeps its
    /// own copy, changed in place by each edit, so a keystroke copies no text.
    rope: Rope,
    text: OnceLock<String>,
    pub lines: Arc<LineIndex>,
    pub analysis: Analysis,
}

impl Snapshot {
    pub fn text(&self) -> &str {
        self.text
            .get_or_init(|| super::document::text_of(&self.rope))
    }
}

struct Entry {
    doc: Document,
    revision: u64,
    wake: watch::Sender<u64>,
    done: watch::Sender<Option<Arc<Snapshot>>>,
}

#[derive(Default)]
struct State {
    docs: HashMap<Uri, Entry>,
    config: Arc<Config>,
    project: Project,
}

pub struct Backend {
    client: Client,
    /// Diagnostics go out this way, in the order they are sent (`transport::Outbox`).
    outbox: Outbox,
    state: Arc<Mutex<State>>,
    encoding: Mutex<Encoding>,
    document_changes: AtomicBool,
    related_information: AtomicBool,
    lens_refresh: AtomicBool,
    pub shutdown_requested: Arc<AtomicBool>,
}

const FIX_ALL_KIND: &str = "source.fixAll.copydesk";

impl Backend {
    pub fn new(client: Client, outbox: Outbox, shutdown_requested: Arc<AtomicBool>) -> Self {
        Backend {
            client,
            outbox,
            state: Arc::new(Mutex::new(State::default())),
            encoding: Mutex::new(Encoding::Utf16),
            document_changes: AtomicBool::new(false),
            related_information: AtomicBool::new(false),
            lens_refresh: AtomicBool::new(false),
            shutdown_requested,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock must not take the server down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn encoding(&self) -> Encoding {
        *self.encoding.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `opened`: the text the document was opened with, whose edits the journal holds.
    fn spawn_worker(&self, uri: Uri, mut wake: watch::Receiver<u64>, opened: String) {
        let state = self.state.clone();
        let client = self.client.clone();
        let outbox = self.outbox.clone();
        let enc = self.encoding();
        let document_changes = self.document_changes.load(Ordering::Relaxed);
        let related_information = self.related_information.load(Ordering::Relaxed);
        let lens_refresh = self.lens_refresh.load(Ordering::Relaxed);
        tokio::spawn(async move {
            let mut analyzer = Analyzer::new();
            let mut limits = super::limits::Limits::default();
            // The text the worker last analysed: the journal's edits apply to it in place.
            // At first the opening text, not read back out of the rope (a long draft opens
            // a few milliseconds sooner).
            let mut previous_text: Option<String> = Some(opened);
            loop {
                if wake.changed().await.is_err() {
                    return; // document closed
                }
                let job = {
                    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                    let config = st.config.clone();
                    let Some(e) = st.docs.get_mut(&uri) else {
                        return;
                    };
                    // A rope clone is O(1), and so is taking the journal; the text is
                    // built outside the lock, so edits arriving meanwhile do not wait
                    // for a copy of the document.
                    (
                        e.doc.rope.clone(),
                        std::mem::replace(&mut e.doc.journal, Journal::Edits(Vec::new())),
                        e.doc.version,
                        e.doc.format,
                        e.revision,
                        config,
                    )
                };
                let (rope, journal, version, format, revision, config) = job;
                let mut moved = std::mem::take(&mut analyzer);
                // Taken here: if the analysis task is lost, the next text comes from the rope.
                let base = previous_text.take();
                let result = tokio::task::spawn_blocking(move || {
                    // The last text with the edits since applied in place (each moves the
                    // text after it, no copy), else the whole rope read out.
                    #[cfg(debug_assertions)]
                    let before = base.clone();
                    let (text, unchanged) = match base {
                        Some(mut text) => match journal.replay(&mut text) {
                            Some(known) => (text, Some(known)),
                            None => (super::document::text_of(&rope), None),
                        },
                        None => (super::document::text_of(&rope), None),
                    };
                    // Checked in the tests' (debug) builds, outside the analysis's guard so
                    // that a wrong text or a wrong "unchanged" claim fails loudly.
                    debug_assert_eq!(text, super::document::text_of(&rope));
                    #[cfg(debug_assertions)]
                    if let (Some(b), Some((p, s))) = (&before, unchanged) {
                        assert_eq!(b.get(..p), text.get(..p));
                        assert_eq!(b.get(b.len() - s..), text.get(text.len() - s..));
                    }
                    // A panic in the analysis is contained: see guard.rs.
                    let analysis =
                        super::guard::analyze(&mut moved, &text, unchanged, format, &config);
                    // The analysis built the line index; a failed one did not.
                    let lines = match &analysis {
                        Ok(a) => a.lines.clone(),
                        Err(_) => Arc::new(LineIndex::new(&text)),
                    };
                    (moved, text, rope, lines, analysis)
                })
                .await;
                let (back, text, rope, lines, analysis) = match result {
                    Ok((back, text, rope, lines, Ok(analysis))) => {
                        (back, text, rope, lines, analysis)
                    }
                    Ok((back, text, rope, lines, Err(panic))) => {
                        client
                            .log_message(
                                MessageType::ERROR,
                                format!(
                                    "copydesk: analysis of {} failed (no diagnostics for this version; the server keeps running): {panic}",
                                    uri.as_str()
                                ),
                            )
                            .await;
                        (back, text, rope, lines, Analysis::default())
                    }
                    Err(err) => {
                        client
                            .log_message(
                                MessageType::ERROR,
                                format!("copydesk: analysis of {} failed: {err}", uri.as_str()),
                            )
                            .await;
                        continue;
                    }
                };
                analyzer = back;
                // What the analysis replaced is freed with the previous snapshot, below.
                let retired = analyzer.take_retired();
                let text: &str = previous_text.insert(text);
                // Degrade gracefully on absurd input: see limits.rs.
                let mut analysis = analysis;
                for notice in limits.apply(uri.as_str(), &mut analysis) {
                    client.log_message(MessageType::WARNING, notice).await;
                }
                let snapshot = Arc::new(Snapshot {
                    version,
                    revision,
                    rope,
                    text: OnceLock::new(),
                    lines,
                    analysis,
                });
                // The previous snapshot is freed after publishing (below), not before:
                // dropping a large analysis takes a while; the diagnostics should not wait.
                let previous = {
                    let st = state.lock().unwrap_or_else(|e| e.into_inner());
                    let Some(e) = st.docs.get(&uri) else { return };
                    if e.revision != revision {
                        tokio::task::spawn_blocking(move || drop(retired));
                        continue; // stale: a newer edit is already waiting
                    }
                    e.done.send_replace(Some(snapshot.clone()))
                };
                let ctx = Ctx {
                    uri: &uri,
                    version,
                    text,
                    lines: &snapshot.lines,
                    enc,
                    document_changes,
                    related_information,
                };
                let diagnostics = snapshot
                    .analysis
                    .findings
                    .iter()
                    .map(|f| ctx.diagnostic(f))
                    .collect();
                outbox
                    .publish_diagnostics(uri.clone(), diagnostics, Some(version))
                    .await;
                // Freed beside the next analysis, not before it: a burst of keystrokes
                // does not wait for the last version's actors and quotes to be freed.
                tokio::task::spawn_blocking(move || drop((previous, retired)));
                if lens_refresh {
                    // The reply is the client's business; never hold the worker on it.
                    let c = client.clone();
                    tokio::spawn(async move {
                        let _ = c.code_lens_refresh().await;
                    });
                }
            }
        });
    }

    /// The analysis of the document's current text, waiting briefly for a running one.
    async fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        let (mut rx, revision) = {
            let st = self.state();
            let e = st.docs.get(uri)?;
            (e.done.subscribe(), e.revision)
        };
        let ready = {
            let wait = rx.wait_for(|s| s.as_ref().is_some_and(|s| s.revision >= revision));
            match tokio::time::timeout(Duration::from_secs(5), wait).await {
                Ok(Ok(s)) => s.clone(),
                _ => None,
            }
        };
        ready.or_else(|| rx.borrow().clone())
    }

    /// Picks up a new, changed or removed `copydesk.toml`; a broken one is reported on
    /// the file itself and the last good roster stays in force.
    async fn reload_roster(&self) {
        let outcome = {
            let mut st = self.state();
            let outcome = st.project.reload();
            if let Reload::Loaded(roster) = &outcome {
                let mut config = (*st.config).clone();
                config.roster = roster.clone();
                st.config = Arc::new(config);
                for e in st.docs.values_mut() {
                    bump(e);
                }
            }
            outcome
        };
        match outcome {
            Reload::Unchanged => {}
            Reload::Loaded(_) => {
                let path = self.state().project.roster_path();
                if let Some(uri) = path.and_then(Uri::from_file_path) {
                    self.outbox.publish_diagnostics(uri, Vec::new(), None).await;
                }
            }
            Reload::Failed(failed) => {
                let (uri, diag) = *failed;
                self.client
                    .log_message(MessageType::WARNING, format!("copydesk: {}", diag.message))
                    .await;
                self.outbox.publish_diagnostics(uri, vec![diag], None).await;
            }
        }
    }

    fn ctx<'a>(&self, uri: &'a Uri, s: &'a Snapshot) -> Ctx<'a> {
        Ctx {
            uri,
            version: s.version,
            text: s.text(),
            lines: &s.lines,
            enc: self.encoding(),
            document_changes: self.document_changes.load(Ordering::Relaxed),
            related_information: self.related_information.load(Ordering::Relaxed),
        }
    }
}

fn bump(e: &mut Entry) {
    e.revision += 1;
    e.wake.send_replace(e.revision);
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let enc = if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        *self.encoding.lock().unwrap_or_else(|e| e.into_inner()) = enc;
        let doc_changes = caps
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|w| w.document_changes)
            .unwrap_or(false);
        self.document_changes.store(doc_changes, Ordering::Relaxed);
        // Sent only to clients that show it: the message says the same in words.
        let related = caps
            .text_document
            .as_ref()
            .and_then(|t| t.publish_diagnostics.as_ref())
            .and_then(|d| d.related_information)
            .unwrap_or(false);
        self.related_information.store(related, Ordering::Relaxed);
        let lens_refresh = caps
            .workspace
            .as_ref()
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        self.lens_refresh.store(lens_refresh, Ordering::Relaxed);
        #[allow(deprecated)] // root_uri is still what many clients send
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        {
            let mut st = self.state();
            if let Some(opts) = &params.initialization_options {
                st.config = Arc::new(Config::from_json(opts));
            }
            st.project.root = root;
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "copydesk".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(if utf8 {
                    PositionEncodingKind::UTF8
                } else {
                    PositionEncodingKind::UTF16
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![features::QUOTES_BY_SPEAKER.to_string()],
                    ..Default::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(FIX_ALL_KIND),
                        ]),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.reload_roster().await;
        self.client
            .log_message(MessageType::INFO, "copydesk ready")
            .await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let format = Format::from_language_id(&td.language_id, td.uri.as_str());
        let (wake_tx, wake_rx) = watch::channel(0u64);
        let (done_tx, _) = watch::channel(None);
        let mut entry = Entry {
            doc: Document::opened(&td.text, td.version, format),
            revision: 0,
            wake: wake_tx,
            done: done_tx,
        };
        bump(&mut entry);
        // Replacing an entry drops its wake sender, which ends the old worker.
        self.state().docs.insert(td.uri.clone(), entry);
        self.spawn_worker(td.uri, wake_rx, td.text);
        self.reload_roster().await;
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        self.reload_roster().await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let enc = self.encoding();
        let mut st = self.state();
        let Some(e) = st.docs.get_mut(&params.text_document.uri) else {
            return;
        };
        for change in &params.content_changes {
            e.doc.apply(change, enc);
        }
        e.doc.version = params.text_document.version;
        bump(e);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let removed = self.state().docs.remove(&params.text_document.uri);
        if removed.is_some() {
            self.outbox
                .publish_diagnostics(params.text_document.uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut st = self.state();
        if params.settings.is_null() {
            return;
        }
        let roster = st.config.roster.clone();
        let mut config = Config::from_json(&params.settings);
        config.roster = roster;
        st.config = Arc::new(config);
        for e in st.docs.values_mut() {
            bump(e);
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = &params.text_document.uri;
        let Some(snap) = self.snapshot(uri).await else {
            return Ok(None);
        };
        let ctx = self.ctx(uri, &snap);
        let want = |kind: &str| match &params.context.only {
            None => true,
            Some(only) => only.iter().any(|k| kind.starts_with(k.as_str())),
        };
        let mut actions = Vec::new();
        if want(CodeActionKind::QUICKFIX.as_str()) {
            let range = ctx.span(params.range);
            for f in &snap.analysis.findings {
                if f.span.touches(range) {
                    if let Some(a) = ctx.fix_action(f, CodeActionKind::QUICKFIX) {
                        actions.push(CodeActionOrCommand::CodeAction(a));
                    }
                }
            }
        }
        if want(FIX_ALL_KIND) {
            let edits: Vec<_> = snap
                .analysis
                .findings
                .iter()
                .filter(|f| f.code == Code::DuplicateParagraph)
                .filter_map(|f| f.fix.as_ref())
                .flat_map(|fix| fix.edits.iter().cloned())
                .collect();
            if !edits.is_empty() {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: "Remove all duplicate paragraphs".to_string(),
                    kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                    edit: Some(ctx.workspace_edit(&edits)),
                    ..Default::default()
                }));
            }
        }
        Ok(Some(actions))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        Ok(features::hover(
            &snap,
            &self.ctx(&p.text_document.uri, &snap),
            p.position,
        ))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        Ok(features::definition(
            &snap,
            &self.ctx(&p.text_document.uri, &snap),
            p.position,
        ))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        let ctx = self.ctx(&p.text_document.uri, &snap);
        Ok(features::references(
            &snap,
            &ctx,
            p.position,
            params.context.include_declaration,
        ))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = &params.text_document.uri;
        let Some(snap) = self.snapshot(uri).await else {
            return Ok(None);
        };
        Ok(Some(DocumentSymbolResponse::Nested(features::symbols(
            &snap,
            &self.ctx(uri, &snap),
        ))))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = &params.text_document.uri;
        let Some(snap) = self.snapshot(uri).await else {
            return Ok(None);
        };
        let ctx = self.ctx(uri, &snap);
        Ok(features::rename_target(&snap, &ctx, params.position)
            .map(|(_, span)| PrepareRenameResponse::Range(ctx.range(span))))
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let Some(snap) = self.snapshot(&p.text_document.uri).await else {
            return Ok(None);
        };
        let ctx = self.ctx(&p.text_document.uri, &snap);
        Ok(features::rename(&snap, &ctx, p.position, &params.new_name))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = &params.text_document.uri;
        let Some(snap) = self.snapshot(uri).await else {
            return Ok(None);
        };
        Ok(Some(features::code_lenses(&snap, &self.ctx(uri, &snap))))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != features::QUOTES_BY_SPEAKER {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let uri = params
            .arguments
            .first()
            .and_then(|v| serde_json::from_value::<Uri>(v.clone()).ok());
        let pos = params
            .arguments
            .get(1)
            .and_then(|v| serde_json::from_value::<Position>(v.clone()).ok());
        let (Some(uri), Some(pos)) = (uri, pos) else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "expected [uri, position]",
            ));
        };
        let Some(snap) = self.snapshot(&uri).await else {
            return Ok(Some(serde_json::json!([])));
        };
        Ok(Some(features::quotes_by_speaker(
            &snap,
            &self.ctx(&uri, &snap),
            pos,
        )))
    }
}
