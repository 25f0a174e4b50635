"""Runs a Lambda binary as Lambda runs it: as a process under a minimal local Lambda Runtime API
(on 127.0.0.1 only), and measures it. Prints one JSON object.

    python3 bench/lambda_rss.py rss  BINARY EVENT_FILE
    python3 bench/lambda_rss.py cpu  BINARY EVENT_FILE [--invocations N]
    python3 bench/lambda_rss.py init BINARY [--starts N]

rss:  one invocation; the peak resident set size (VmHWM) once its response has arrived.
cpu:  one cold invocation, then N warm ones (default 7) of the same event; for each, the CPU
      time the process used (user + system, all its threads) from the poll that took the event
      to the poll after its response, read from /proc: `schedstat`'s run time of every thread
      (nanoseconds) and, as a cross-check at tick resolution, `utime + stime` of /proc/PID/stat.
      The figure is the median over the warm invocations. Also the lines the process wrote to
      stdout per invocation (its log and metric lines) and the response's result counts.
init: N starts (default 15): the time from starting the process to its first poll for an event
      (what it does before it can take work), median and all values, and the median CPU time the
      process used until then (less sensitive to a busy machine); each process is then ended.

BINARY is an executable (a `bootstrap`); one ending in `.py` is run with this Python. The
process gets Lambda's environment with AWS_LAMBDA_LOG_LEVEL=info, as in production (another
level with --log-level, to see what the log lines cost); its stdout
and stderr are pipes that are read and counted, as Lambda's log agent reads them.

The runtime API serves what lambda_runtime uses: GET /2018-06-01/runtime/invocation/next,
POST .../invocation/<id>/response and .../invocation/<id>/error, POST
/2018-06-01/runtime/init/error. Bounded: each wait gives up after 120 s.
"""

import argparse
import contextlib
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time

TIMEOUT = 120.0
TICKS = os.sysconf("SC_CLK_TCK")


def command(binary):
    return [sys.executable, binary] if binary.endswith(".py") else [binary]


LOG_LEVEL = "info"


def environment(api_port):
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api_port}",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/23/[$LATEST]bench",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/bench",
        "AWS_REGION": "us-east-1",
        "AWS_LAMBDA_LOG_LEVEL": LOG_LEVEL,
    }


def cpu_ns(pid):
    """User + system time of every live thread of `pid`, in nanoseconds (schedstat's run time)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as file:
                total += int(file.read().split()[0])
        except FileNotFoundError:  # a thread that ended in between
            pass
    return total


def cpu_ticks(pid):
    """utime + stime of the whole process (all threads, ended ones included), in clock ticks."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class Session:
    """One process under the Runtime API, handed `events` in turn; records what it did."""

    def __init__(self, events):
        self.events = list(events)
        self.served = 0
        self.pid = None
        self.polls = []  # (monotonic time, cpu ns, cpu ticks) at each GET /next
        self.responses = []
        self.error = None
        self.answered = threading.Condition()
        self.finished = threading.Event()
        self.stdout_lines = 0
        self.stderr_tail = b""
        self.started = None  # monotonic time the process was started

    def poll(self):
        reading = (time.monotonic(), None, None)
        if self.pid is not None:
            try:
                reading = (reading[0], cpu_ns(self.pid), cpu_ticks(self.pid))
            except (FileNotFoundError, ProcessLookupError):
                pass
        self.polls.append(reading)

    def answer(self, body, error):
        with self.answered:
            if error:
                self.error = body.decode(errors="replace")
            else:
                self.responses.append(body)
            self.answered.notify_all()

    def wait_for(self, count, process):
        """Waits for `count` responses and the poll after the last: the process is idle again."""
        deadline = time.monotonic() + TIMEOUT
        with self.answered:
            while len(self.responses) < count and self.error is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"no response: {self.stderr_tail.decode(errors='replace')[-2000:]}")
                self.answered.wait(0.05)
        if self.error is not None:
            raise SystemExit(f"the function reported an error: {self.error[:2000]}")
        self.wait_for_polls(count + 1, process, deadline)

    def wait_for_polls(self, count, process, deadline):
        """Waits until the process has polled for an event `count` times."""
        while len(self.polls) < count:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"the runtime polled {len(self.polls)} times, not {count}: "
                    f"{self.stderr_tail.decode(errors='replace')[-2000:]}"
                )
            time.sleep(0.001)


def serve(session):
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
            session.poll()
            if session.served >= len(session.events):
                session.finished.wait(TIMEOUT)
                self.close_connection = True
                return None
            event = session.events[session.served]
            session.served += 1
            request_id = f"8476a536-e9f4-11e8-9739-{session.served:012d}"
            headers = [
                ("Content-Type", "application/json"),
                ("Lambda-Runtime-Aws-Request-Id", request_id),
                ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 900_000)),
                ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench"),
                ("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"),
            ]
            self.reply(200, event, headers)

        def do_POST(self):
            body = self.body()
            if self.path.endswith("/response") and "/invocation/" in self.path:
                session.answer(body, error=False)
            elif self.path.endswith("/error"):
                session.answer(body, error=True)
            else:
                return self.reply(404)
            self.reply(202, b'{"status":"OK"}', [("Content-Type", "application/json")])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start(binary, session, server):
    """Starts the process; its stdout lines are counted and its stderr's tail kept by threads."""
    session.started = time.monotonic()
    process = subprocess.Popen(
        command(binary), env=environment(server.server_address[1]), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    session.pid = process.pid

    def count_lines():
        for chunk in iter(lambda: process.stdout.read1(1 << 16), b""):
            session.stdout_lines += chunk.count(b"\n")

    def keep_tail():
        for chunk in iter(lambda: process.stderr.read1(1 << 16), b""):
            session.stderr_tail = (session.stderr_tail + chunk)[-4096:]

    readers = [threading.Thread(target=count_lines, daemon=True), threading.Thread(target=keep_tail, daemon=True)]
    for reader in readers:
        reader.start()
    return process, readers


def stop(process, readers, session, server):
    # SIGTERM first, so that a profiler wrapping the binary (callgrind, perf record) writes its data.
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    session.finished.set()
    for reader in readers:
        reader.join(5)
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def running(binary, events):
    """The process under a fresh Runtime API that hands it `events`; ended on leaving."""
    session = Session(events)
    server = serve(session)
    process, readers = start(binary, session, server)
    try:
        yield session, process
    finally:
        stop(process, readers, session, server)


def results(response):
    records = json.loads(response)["records"]
    return {what: sum(1 for r in records if r["result"] == what) for what in ("Ok", "Dropped", "ProcessingFailed")}


def peak_rss(binary, event):
    with running(binary, [event]) as (session, process):
        session.wait_for(1, process)
        with open(f"/proc/{process.pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        peak_kb = int(fields["VmHWM"].split()[0])
    return {
        "event_bytes": len(event),
        "response_bytes": len(session.responses[0]),
        "peak_rss_kb": peak_kb,
        "results": results(session.responses[0]),
    }


def cpu(binary, event, invocations, save_response=None):
    with running(binary, [event] * (invocations + 1)) as (session, process):
        session.wait_for(invocations + 1, process)
    if save_response is not None:
        with open(save_response, "wb") as file:
            file.write(session.responses[0])
    polls = session.polls
    if any(p[1] is None for p in polls):
        raise SystemExit(f"{binary}: the runtime did not poll after each response")
    ns = [after[1] - before[1] for before, after in zip(polls, polls[1:])]
    ticks = [after[2] - before[2] for before, after in zip(polls, polls[1:])]
    wall = [after[0] - before[0] for before, after in zip(polls, polls[1:])]
    first = results(session.responses[0])
    if any(response != session.responses[0] for response in session.responses[1:]):
        raise SystemExit(f"{binary}: the responses to the same event differ between invocations")
    return {
        "event_bytes": len(event),
        "response_bytes": len(session.responses[0]),
        "invocations": invocations,
        "cold_cpu_ms": ns[0] / 1e6,
        "warm_cpu_ms": [n / 1e6 for n in ns[1:]],
        "cpu_ms": statistics.median(ns[1:]) / 1e6,
        "cpu_ticks_ms_mean": sum(ticks[1:]) / invocations * 1000 / TICKS,
        "wall_ms": statistics.median(wall[1:]) * 1000,
        "stdout_lines_per_invocation": session.stdout_lines / (invocations + 1),
        "results": first,
    }


def init(binary, starts):
    times, cpu_times = [], []
    for _ in range(starts):
        with running(binary, []) as (session, process):
            session.wait_for_polls(1, process, session.started + TIMEOUT)
            times.append((session.polls[0][0] - session.started) * 1000)
            if session.polls[0][1] is not None:
                cpu_times.append(session.polls[0][1] / 1e6)
    return {
        "starts": starts,
        "init_ms": statistics.median(times),
        "all_ms": times,
        "init_cpu_ms": statistics.median(cpu_times) if cpu_times else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["rss", "cpu", "init"])
    parser.add_argument("binary")
    parser.add_argument("event", nargs="?")
    parser.add_argument("--invocations", type=int, default=7)
    parser.add_argument("--starts", type=int, default=15)
    parser.add_argument("--save-response", help="cpu: write the first response to this file")
    parser.add_argument("--log-level", default="info", help="AWS_LAMBDA_LOG_LEVEL (for analysis; bench/run uses info)")
    args = parser.parse_args()
    global LOG_LEVEL
    LOG_LEVEL = args.log_level
    if args.mode != "init" and args.event is None:
        parser.error(f"{args.mode} needs an EVENT_FILE")
    event = None
    if args.event is not None:
        with open(args.event, "rb") as file:
            event = file.read()
    if args.mode == "rss":
        result = peak_rss(args.binary, event)
    elif args.mode == "cpu":
        result = cpu(args.binary, event, args.invocations, args.save_response)
    else:
        result = init(args.binary, args.starts)
    print(json.dumps({"binary": args.binary, **result}))


if __name__ == "__main__":
    main()
