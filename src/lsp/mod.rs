//! The protocol layer: a thin shell over `crate::analysis`.

pub mod convert;
pub mod document;
pub mod features;
pub mod framing;
pub mod guard;
pub mod limits;
pub mod project;
pub mod server;
pub mod transport;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::LspService;

/// Serves LSP over any byte streams until `exit` or end of input. Returns the process exit
/// status the specification asks for: 0 after `shutdown`, 1 otherwise.
pub async fn serve<I, O>(input: I, output: O) -> i32
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let mut handle = None;
    let (outbox, notes) = transport::Outbox::new();
    let to_client = outbox.clone();
    let (service, socket) = LspService::new(|client| {
        handle = Some(client.clone());
        server::Backend::new(client, to_client, flag)
    });
    let client = handle.expect("LspService::new calls its init function");
    // Panics in handlers are contained (guard); malformed input is answered, not fatal
    // (framing): the server is handed messages already read and decoded.
    let service = guard::Guarded::new(service, client);
    let (to_server, from_pump) = futures::channel::mpsc::channel(16);
    let server = transport::serve(from_pump, output, socket, (outbox, notes), service);
    let pump = framing::pump(input, to_server);
    tokio::pin!(server);
    tokio::pin!(pump);
    let input_ended = tokio::select! {
        _ = &mut server => false,
        _ = &mut pump => true,
    };
    if input_ended {
        server.await;
    }
    if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// glibc gives each thread that allocates its own malloc arena and keeps freed memory
/// there; analyses run on tokio's blocking threads, so a long session would hold one
/// document-sized set of buffers per thread. Two arenas keep the peak near one analysis.
///
/// And glibc raises its mmap threshold to the size of any mapped block freed (up to 32
/// MB): after a long draft's didOpen message is freed, every keystroke's new paragraph
/// list and line index (a megabyte each at a million words) comes from the heap, and the
/// holes they leave grow the server by about 5 MB over a burst of typing. A fixed
/// threshold maps such blocks and gives them back whole; it costs page faults, about 2 ms
/// a keystroke at a million words and nothing at 100,000 (their lists are under it).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    const M_MMAP_THRESHOLD: i32 = -3;
    const M_ARENA_MAX: i32 = -8;
    // glibc's own variable, when set, is the user's choice (and how the figures for other
    // thresholds were taken).
    let threshold_set = std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_some();
    // SAFETY: mallopt only tunes the allocator and is called before any threads start.
    unsafe {
        mallopt(M_ARENA_MAX, 2);
        if !threshold_set {
            mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}

/// Standard output straight to its file descriptor: Rust's `Stdout` is line-buffered and
/// writes a message's header (which ends in CRLF) and its body in two calls, so the client
/// would wake twice for every message.
#[cfg(unix)]
fn stdout() -> std::io::Result<tokio::fs::File> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned()?;
    Ok(tokio::fs::File::from_std(std::fs::File::from(fd)))
}

#[cfg(not(unix))]
fn stdout() -> std::io::Result<tokio::io::Stdout> {
    Ok(tokio::io::stdout())
}

pub fn run_stdio() -> i32 {
    tune_malloc();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("copydesk: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let output = match stdout() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("copydesk: cannot write to standard output: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(serve(tokio::io::stdin(), output));
    // Blocking stdin reads would otherwise keep the process alive after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    code
}
