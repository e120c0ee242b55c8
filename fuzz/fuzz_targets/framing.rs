//! Message framing and dispatch: arbitrary bytes into the real server (`lsp::serve`) over
//! in-memory streams. It must neither panic nor hang, and must exit with 0 or 1.
//!
//! The first byte picks a preamble so the fuzzer also reaches the initialised state: 0 none,
//! 1 initialize + initialized, 2 that and a document opened.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn frame(out: &mut Vec<u8>, body: &str) {
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut input = Vec::new();
    if mode % 3 >= 1 {
        frame(
            &mut input,
            r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#,
        );
        frame(
            &mut input,
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        );
    }
    if mode % 3 == 2 {
        frame(
            &mut input,
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.txt","languageId":"plaintext","version":1,"text":"One two three four five six seven.\n\nOne two three four five six seven.\n"}}}"#,
        );
    }
    input.extend_from_slice(rest);
    // One runtime for all runs (a fresh one per run costs more than the run itself).
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    });
    let code = runtime.block_on(copydesk::lsp::serve(&input[..], tokio::io::sink()));
    assert!(code == 0 || code == 1, "exit status {code}");
});
