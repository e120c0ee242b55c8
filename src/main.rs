use clap::{Parser, Subcommand};

use copydesk::cli::{self, OutputFormat};

/// A language server for news drafts: duplicated paragraphs, who is who, and who said what.
#[derive(Parser)]
#[command(name = "copydesk", version, about, long_about = None)]
struct Args {
    /// Serve LSP on stdio (what `copydesk lsp` does; editors may pass it alone).
    #[arg(long, global = true, hide = true)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Language Server Protocol on stdin/stdout.
    Lsp,
    /// Check drafts from the shell: files, directories (their *.md, *.markdown, *.txt) or - for stdin.
    ///
    /// Exit status: 0 no findings, 1 findings, 2 usage or I/O error.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        /// The project roster (default: ./copydesk.toml when it exists).
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
        /// Files or directories to check; - reads standard input.
        #[arg(required = true)]
        paths: Vec<String>,
    },
}

fn main() {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { cli::EXIT_ERROR } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match args.command {
        Some(Command::Lsp) => copydesk::lsp::run_stdio(),
        None if args.stdio => copydesk::lsp::run_stdio(),
        None => {
            eprintln!("copydesk: say `copydesk lsp` to serve editors or `copydesk check PATH…`; see --help");
            cli::EXIT_ERROR
        }
        Some(Command::Check {
            format,
            config,
            paths,
        }) => match cli::load_config(config.as_deref()) {
            Ok(c) => cli::run(format, &c, &paths),
            Err(e) => {
                eprintln!("copydesk: {e}");
                cli::EXIT_ERROR
            }
        },
    };
    std::process::exit(code);
}
