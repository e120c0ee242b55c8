//! The project around the open drafts: its root folder and its roster, `copydesk.toml`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range, Uri,
};

use crate::analysis::roster::{Roster, RosterError};

pub use crate::analysis::roster::ROSTER_FILE;

#[derive(Default)]
pub struct Project {
    pub root: Option<PathBuf>,
    seen: Option<Option<SystemTime>>,
}

pub enum Reload {
    Unchanged,
    Loaded(Option<Arc<Roster>>),
    Failed(Box<(Uri, Diagnostic)>),
}

impl Project {
    pub fn roster_path(&self) -> Option<PathBuf> {
        self.root.as_ref().map(|r| r.join(ROSTER_FILE))
    }

    /// Re-reads the roster if it appeared, vanished or changed since the last look.
    pub fn reload(&mut self) -> Reload {
        let Some(path) = self.roster_path() else {
            return Reload::Unchanged;
        };
        let stamp = std::fs::metadata(&path).ok().map(|m| m.modified().ok());
        let stamp = stamp.map(|s| s.unwrap_or(SystemTime::UNIX_EPOCH));
        if self.seen == Some(stamp) {
            return Reload::Unchanged;
        }
        self.seen = Some(stamp);
        if stamp.is_none() {
            return Reload::Loaded(None);
        }
        match Roster::load(&path) {
            Ok(r) => Reload::Loaded(Some(Arc::new(r))),
            Err(e) => match Uri::from_file_path(&path) {
                Some(uri) => Reload::Failed(Box::new((uri, diagnostic(&e)))),
                None => Reload::Loaded(None),
            },
        }
    }
}

pub fn diagnostic(e: &RosterError) -> Diagnostic {
    let line = e.line.unwrap_or(1).saturating_sub(1) as u32;
    Diagnostic {
        range: Range::new(Position::new(line, 0), Position::new(line, u32::MAX / 2)),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("roster-error".to_string())),
        source: Some("copydesk".to_string()),
        message: format!("copydesk.toml is not a valid roster: {}", e.message),
        ..Default::default()
    }
}
