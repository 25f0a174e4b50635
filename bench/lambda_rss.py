"""Runs a Lambda binary under a minimal local Lambda Runtime API (on 127.0.0.1 only) and hands
it one event; prints one JSON object with the peak resident set size (VmHWM) of the process
after its response arrived, the time from its start to its first poll for an event, the time
from handing it the event to its response, and the response's result counts.

    python3 bench/lambda_rss.py BINARY EVENT_FILE

The runtime API serves what lambda_runtime uses: GET /2018-06-01/runtime/invocation/next
(the event, once; later polls wait until the end), POST .../invocation/<id>/response and
.../invocation/<id>/error, POST /2018-06-01/runtime/init/error. Bounded: it gives up after 120 s.
"""

import http.server
import json
import os
import subprocess
import sys
import threading
import time

TIMEOUT = 120.0
REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"


def main():
    binary, event_file = sys.argv[1], sys.argv[2]
    with open(event_file, "rb") as file:
        event = file.read()
    state = {"served": False, "first_poll": None, "sent": None, "answered": None, "response": None, "error": None}
    answered = threading.Event()
    finished = threading.Event()

    class RuntimeApi(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    chunk = self.rfile.read(size)
                    self.rfile.readline()
                    if size == 0:
                        return b"".join(chunks)
                    chunks.append(chunk)
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def do_GET(self):
            if self.path != "/2018-06-01/runtime/invocation/next":
                return self.reply(404)
            if state["first_poll"] is None:
                state["first_poll"] = time.monotonic()
            if state["served"]:
                finished.wait(TIMEOUT)
                self.close_connection = True
                return None
            state["served"] = True
            deadline = int(time.time() * 1000) + 900_000
            headers = [
                ("Content-Type", "application/json"),
                ("Lambda-Runtime-Aws-Request-Id", REQUEST_ID),
                ("Lambda-Runtime-Deadline-Ms", str(deadline)),
                ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench"),
                ("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"),
            ]
            state["sent"] = time.monotonic()
            self.reply(200, event, headers)

        def do_POST(self):
            body = self.body()
            if self.path == f"/2018-06-01/runtime/invocation/{REQUEST_ID}/response":
                state["response"] = body
            elif self.path.endswith("/error"):
                state["error"] = body.decode(errors="replace")
            else:
                return self.reply(404)
            state["answered"] = time.monotonic()
            self.reply(202, b'{"status":"OK"}', [("Content-Type", "application/json")])
            answered.set()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/23/[$LATEST]bench",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/bench",
        "AWS_REGION": "us-east-1",
        "AWS_LAMBDA_LOG_LEVEL": "warn",
    }
    started = time.monotonic()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if not answered.wait(TIMEOUT) or process.poll() is not None and state["response"] is None:
            raise SystemExit(f"no response from {binary}: {process.stderr.read().decode(errors='replace')[:2000]}")
        with open(f"/proc/{process.pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        peak_kb = int(fields["VmHWM"].split()[0])
    finally:
        process.kill()
        process.wait()
        finished.set()
        server.shutdown()
    if state["error"] is not None:
        raise SystemExit(f"the function reported an error: {state['error'][:2000]}")
    records = json.loads(state["response"])["records"]
    counts = {what: sum(1 for r in records if r["result"] == what) for what in ("Ok", "Dropped", "ProcessingFailed")}
    print(
        json.dumps(
            {
                "event_bytes": len(event),
                "response_bytes": len(state["response"]),
                "peak_rss_kb": peak_kb,
                "start_to_first_poll_ms": (state["first_poll"] - started) * 1000,
                "invoke_ms": (state["answered"] - state["sent"]) * 1000,
                "results": counts,
            }
        )
    )


if __name__ == "__main__":
    main()
