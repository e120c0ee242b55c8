//! A tolerant front end for the client's byte stream.
//!
//! A malformed message must not end the session (tower-lsp-server's own reader stops at
//! the first one it cannot decode). [`pump`] reads the client's bytes and hands the server
//! (`transport`) each well-formed message decoded. In place of a malformed one it hands it
//! a synthetic request (`guard::INVALID_MESSAGE`) that `guard::Guarded` answers with the
//! JSON-RPC error the client is owed:
//!
//! - body not UTF-8 or not JSON: -32700 Parse error, id null;
//! - JSON but not a JSON-RPC message: -32600 Invalid Request, with the id when it has one;
//! - header without a valid `Content-Length`, or bytes where a header should be: -32700,
//!   then the stream resynchronises at the next `Content-Length`;
//! - body larger than [`MAX_BODY`]: -32600, and the body is skipped without buffering it.
//!
//! Memory stays bounded by the largest accepted message: a header announcing a huge length
//! allocates nothing up front, and end of input in the middle of a message ends the session.

use futures::channel::mpsc;
use futures::SinkExt;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt};
use tower_lsp_server::jsonrpc::{Id, Request, Response};

use super::guard::INVALID_MESSAGE;
use super::transport::Incoming;

/// Header bytes accepted before a message's body must start.
pub const MAX_HEADER: usize = 8 * 1024;
/// The largest message body accepted (a 50 MB draft escapes to a bit more in JSON).
pub const MAX_BODY: usize = 512 * 1024 * 1024;

const NAME: &[u8] = b"content-length";
const READ_CHUNK: usize = 64 * 1024;
/// The input buffer's capacity kept between messages.
const KEEP: usize = 4 * READ_CHUNK;

/// What is wrong with a message, as a JSON-RPC error.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub code: i64,
    pub message: String,
    pub id: Option<Id>,
}

impl Invalid {
    fn parse(message: impl Into<String>) -> Self {
        Invalid {
            code: -32700,
            message: message.into(),
            id: None,
        }
    }
}

fn find_name(hay: &[u8]) -> Option<usize> {
    if hay.len() < NAME.len() {
        return None;
    }
    (0..=hay.len() - NAME.len()).find(|&i| hay[i..i + NAME.len()].eq_ignore_ascii_case(NAME))
}

/// The end of the header block starting at `hay[0]` (index after the empty line).
fn header_end(hay: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(nl) = memchr::memchr(b'\n', &hay[i..]) {
        let next = i + nl + 1;
        match hay.get(next) {
            Some(b'\n') => return Some(next + 1),
            Some(b'\r') if hay.get(next + 1) == Some(&b'\n') => return Some(next + 2),
            _ => {}
        }
        i = next;
    }
    None
}

/// The Content-Length of a header block, if it has exactly one valid value.
fn content_length(header: &[u8]) -> Result<usize, String> {
    let text = String::from_utf8_lossy(header);
    let mut found = None;
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("invalid Content-Length header: {value:?}"));
            }
            let n = value
                .parse::<usize>()
                .map_err(|_| format!("Content-Length out of range: {value}"))?;
            found = Some(n);
        }
    }
    found.ok_or_else(|| "missing Content-Length header".to_string())
}

/// The message in a body, read as tower-lsp-server reads it: a response if it is one,
/// else a request or notification (whose method may be missing); says why neither.
pub fn decode(body: &[u8]) -> Result<Incoming, Invalid> {
    let text = std::str::from_utf8(body)
        .map_err(|e| Invalid::parse(format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let response = || {
        serde_json::from_str::<Response>(text)
            .ok()
            .map(Incoming::Response)
    };
    // A response has a "result" or an "error": only then is it worth reading as one first
    // (that reading copies the whole body, a draft's text in a didOpen).
    let keyed = |key: &[u8]| memchr::memmem::find(body, key).is_some();
    if keyed(b"\"result\"") || keyed(b"\"error\"") {
        if let Some(res) = response() {
            return Ok(res);
        }
    }
    match serde_json::from_str::<Request>(text) {
        Ok(req) if !req.method().is_empty() => return Ok(Incoming::Request(req)),
        // Keys can be spelt with escapes: no method, so perhaps a response after all.
        Ok(req) => return Ok(response().unwrap_or(Incoming::Request(req))),
        Err(_) => {
            if let Some(res) = response() {
                return Ok(res);
            }
        }
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Invalid::parse(format!("Parse error: {e}")))?;
    let id = value
        .get("id")
        .and_then(|v| serde_json::from_value::<Id>(v.clone()).ok())
        .filter(|id| *id != Id::Null);
    Err(Invalid {
        code: -32600,
        message: "Invalid Request: not a JSON-RPC 2.0 request, notification or response"
            .to_string(),
        id,
    })
}

/// The synthetic request that stands for a malformed message (`guard` answers it).
pub fn invalid_message(invalid: &Invalid) -> Incoming {
    let request = json!({
        "jsonrpc": "2.0",
        "id": null,
        "method": INVALID_MESSAGE,
        "params": {"code": invalid.code, "message": invalid.message, "id": invalid.id},
    });
    Incoming::Request(
        serde_json::from_value(request).expect("the synthetic request is a valid request"),
    )
}

struct Input<R> {
    r: R,
    buf: Vec<u8>,
    start: usize,
    eof: bool,
}

impl<R: AsyncRead + Unpin> Input<R> {
    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Reads more input; false at end of input (or on a read error).
    async fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        if self.start > 0 && (self.start >= self.buf.len() / 2 || self.start > 1 << 20) {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        // Into the spare capacity: zeroing a chunk first cost as much as the rest of
        // reading a keystroke's message.
        self.buf.reserve(READ_CHUNK);
        let n = self.r.read_buf(&mut self.buf).await.unwrap_or(0);
        if n == 0 {
            self.eof = true;
        }
        n > 0
    }

    /// Makes at least `n` bytes pending; false if the input ends first.
    async fn want(&mut self, n: usize) -> bool {
        while self.pending().len() < n {
            if self.start > 0 {
                self.buf.drain(..self.start);
                self.start = 0;
            }
            // Grow with the data actually received, not with the announced length.
            self.buf.reserve((n - self.pending().len()).min(8 << 20));
            if !self.fill().await {
                return false;
            }
        }
        true
    }

    /// Gives back what a large message made the buffer grow to, once it is consumed: a
    /// draft opened once would otherwise keep its size in memory for the whole session.
    fn release(&mut self) {
        if self.buf.capacity() > KEEP && self.pending().len() <= KEEP / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
            self.buf.shrink_to(KEEP);
        }
    }

    /// Discards `n` bytes without keeping them; false if the input ends first.
    async fn skip(&mut self, mut n: usize) -> bool {
        loop {
            let have = self.pending().len().min(n);
            self.start += have;
            n -= have;
            if n == 0 {
                return true;
            }
            self.buf.clear();
            self.start = 0;
            if !self.fill().await {
                return false;
            }
        }
    }
}

/// Decodes well-formed messages from `input` into `output` (see the module documentation)
/// until the input ends or the output is closed.
pub async fn pump<R>(input: R, mut output: mpsc::Sender<Incoming>)
where
    R: AsyncRead + Unpin,
{
    let mut inp = Input {
        r: input,
        buf: Vec::new(),
        start: 0,
        eof: false,
    };
    // After a bad header, the bytes up to the next header are its body: skip them quietly.
    let mut quiet = false;
    'messages: loop {
        // Blank lines and spaces between messages are tolerated.
        loop {
            let ws = inp
                .pending()
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            inp.start += ws;
            if !inp.pending().is_empty() {
                break;
            }
            if !inp.fill().await {
                break 'messages;
            }
        }
        let pending = inp.pending();
        let window = &pending[..pending.len().min(MAX_HEADER)];
        let name = find_name(window);
        let end = header_end(window);
        let at_line_start = |at: usize| at == 0 || window[at - 1] == b'\n';
        let problem = match (end, name) {
            // A header block with a Content-Length line: the message's header.
            (Some(end), Some(at)) if at < end && at_line_start(at) => {
                let len = content_length(&window[..end]);
                inp.start += end;
                match len {
                    Ok(len) => {
                        quiet = false;
                        Ok(len)
                    }
                    Err(why) => Err((format!("Parse error: {why}"), true)),
                }
            }
            // Bytes, then a header: skip to the header.
            (_, Some(at))
                if at > 0 && end.is_none_or(|end| at < end || window.len() == MAX_HEADER) =>
            {
                inp.start += at;
                let was_quiet = std::mem::take(&mut quiet);
                if was_quiet {
                    continue;
                }
                Err((
                    "Parse error: unexpected bytes before a message header".to_string(),
                    false,
                ))
            }
            // A header block without Content-Length.
            (Some(end), _) => {
                inp.start += end;
                Err((
                    "Parse error: missing Content-Length header".to_string(),
                    true,
                ))
            }
            (None, name) if window.len() == MAX_HEADER => {
                if name == Some(0) {
                    inp.start += NAME.len();
                    Err(("Parse error: message header too long".to_string(), true))
                } else {
                    inp.start += window.len() - (NAME.len() - 1);
                    Err((
                        "Parse error: expected a Content-Length header".to_string(),
                        true,
                    ))
                }
            }
            (None, _) => {
                if !inp.fill().await {
                    break 'messages; // the input ended inside a header
                }
                continue;
            }
        };
        let len = match problem {
            Ok(len) => len,
            Err((why, then_quiet)) => {
                if !quiet
                    && output
                        .send(invalid_message(&Invalid::parse(why)))
                        .await
                        .is_err()
                {
                    return;
                }
                quiet = then_quiet;
                continue;
            }
        };
        if len > MAX_BODY {
            let invalid = Invalid {
                code: -32600,
                message: format!(
                    "Invalid Request: message of {len} bytes is over the limit of {MAX_BODY}"
                ),
                id: None,
            };
            if output.send(invalid_message(&invalid)).await.is_err() || !inp.skip(len).await {
                return;
            }
            continue;
        }
        if !inp.want(len).await {
            break; // the input ended inside the body
        }
        let message = decode(&inp.pending()[..len]).unwrap_or_else(|e| invalid_message(&e));
        inp.start += len;
        inp.release();
        if output.send(message).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_leniently() {
        assert_eq!(header_end(b"Content-Length: 2\r\n\r\n{}"), Some(21));
        assert_eq!(header_end(b"Content-Length: 2\n\n{}"), Some(19));
        assert_eq!(content_length(b"content-length:  12 \r\n\r\n"), Ok(12));
        assert!(content_length(b"Content-Length: -1\r\n\r\n").is_err());
        assert!(content_length(b"Content-Length: 99999999999999999999999\r\n\r\n").is_err());
        assert!(content_length(b"Content-Type: x\r\n\r\n").is_err());
        assert_eq!(find_name(b"xx CONTENT-LENGTH"), Some(3));
    }

    #[tokio::test]
    async fn a_large_message_does_not_keep_its_buffer() {
        let big = vec![b'x'; 3 << 20];
        let mut input: &[u8] = &big;
        let mut inp = Input {
            r: &mut input,
            buf: Vec::new(),
            start: 0,
            eof: false,
        };
        assert!(inp.want(big.len() - 10).await);
        assert!(inp.buf.capacity() >= big.len() - 10);
        inp.start += big.len() - 10;
        inp.release();
        assert!(inp.buf.capacity() <= KEEP, "{}", inp.buf.capacity());
        let left = inp.pending().len();
        assert!(left <= 10);
        assert_eq!(inp.pending(), &big[big.len() - 10..big.len() - 10 + left]);
    }

    #[test]
    fn bodies_are_decoded_or_said_why_not() {
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","method":"exit"}"#),
            Ok(Incoming::Request(r)) if r.method() == "exit"
        ));
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":1,"result":null}"#),
            Ok(Incoming::Response(_))
        ));
        // As tower-lsp-server reads them: a response if it is one, whatever else it has.
        for response in [
            &br#"{"jsonrpc":"2.0","id":1,"r\u0065sult":null}"#[..],
            br#"{"jsonrpc":"2.0","id":1,"method":"x","result":1}"#,
            br#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"no"}}"#,
        ] {
            assert!(matches!(decode(response), Ok(Incoming::Response(_))));
        }
        let said = br#"{"jsonrpc":"2.0","method":"m","params":{"text":"the \"result\""}}"#;
        assert!(matches!(decode(said), Ok(Incoming::Request(r)) if r.method() == "m"));
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":3}"#),
            Ok(Incoming::Request(r)) if r.method().is_empty()
        ));
        assert_eq!(decode(b"{").unwrap_err().code, -32700);
        assert_eq!(decode(b"\xff").unwrap_err().code, -32700);
        assert_eq!(decode(b"").unwrap_err().code, -32700);
        let e = decode(br#"{"jsonrpc":"1.0","id":7,"method":"x"}"#).unwrap_err();
        assert_eq!((e.code, e.id), (-32600, Some(Id::Number(7))));
        assert_eq!(decode(b"[1,2]").unwrap_err().code, -32600);
    }
}
