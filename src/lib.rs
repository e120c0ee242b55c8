//! copydesk: a language server for news drafts.
//!
//! `analysis` is the pure library (text in, spans and findings out); `lsp` is the protocol
//! layer over it; `cli` is the `check` command. See ARCHITECTURE.md.

pub mod analysis;
pub mod cli;
pub mod lsp;
