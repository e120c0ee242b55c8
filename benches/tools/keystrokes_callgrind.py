"""A keystroke's instructions in the whole server, by function (README, "Reproducing").

Runs `copydesk lsp` under callgrind, opens FILE, zeroes the counters once the open's
diagnostics are in, then sends N of lsp_probe's edits (a character typed in the middle of
the draft and deleted again, each waiting for its diagnostics) and dumps the counters:
divide by N for a keystroke. Uses lsp_probe's client from ../shared/eval.

    python3 benches/tools/keystrokes_callgrind.py /tmp/d100k.txt 200 /tmp/keys.out
    callgrind_annotate --inclusive=yes /tmp/keys.out.1 | head -60
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../shared/eval"))
from lsp_probe import Client, pos_of  # noqa: E402

path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
binary = os.environ.get("COPYDESK", "target/release/copydesk")
text = open(path, encoding="utf-8").read()
uri = "file://" + os.path.abspath(path)
c = Client(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary, "lsp"])
caps = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
c.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": caps}, timeout=600)
c.notify("initialized", {})
sent = time.perf_counter()
c.notify("textDocument/didOpen",
         {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}})
c.wait_diags(uri, 1, since=sent, timeout=600)
time.sleep(1)
subprocess.run(["callgrind_control", "-z", str(c.proc.pid)], check=True, capture_output=True)
p = pos_of(text, len(text) // 2)
for i in range(n):
    end = p if i % 2 == 0 else {"line": p["line"], "character": p["character"] + 1}
    change = {"range": {"start": p, "end": end}, "text": "x" if i % 2 == 0 else ""}
    sent = time.perf_counter()
    c.notify("textDocument/didChange",
             {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [change]})
    c.wait_diags(uri, i + 2, since=sent, timeout=600)
time.sleep(1)
subprocess.run(["callgrind_control", "-d", str(c.proc.pid)], check=True, capture_output=True)
time.sleep(1)
c.proc.kill()
