"""Times the Python baseline on a Firehose event file, the way the Rust bench is timed: from the
event's JSON text to the response's serialized bytes. Optionally compares its response with
the Rust function's response for the same event.

    python3 bench/baseline/run.py EVENT [--rust RESPONSE] [--seconds S]

Prints one JSON object: records, bytes, seconds per batch (median), records/s, MB/s, and for
--rust the counts of each result on both sides and the number of Ok lines that differ.
"""

import argparse
import base64
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import handler  # noqa: E402


def handle(text):
    return json.dumps(handler.lambda_handler(json.loads(text)), separators=(",", ":")).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("event")
    parser.add_argument("--rust", help="the Rust function's response to the same event")
    parser.add_argument("--seconds", type=float, default=10.0, help="time to spend measuring")
    args = parser.parse_args()
    with open(args.event, encoding="utf-8") as file:
        text = file.read()
    records = len(json.loads(text)["records"])
    size = len(text.encode("utf-8"))

    response = handle(text)  # warm-up
    times = []
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline or len(times) < 3:
        started = time.perf_counter()
        handle(text)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    result = {
        "records": records,
        "bytes": size,
        "iterations": len(times),
        "seconds": seconds,
        "records_per_s": records / seconds,
        "mb_per_s": size / seconds / 1e6,
        "python_version": sys.version.split()[0],
    }
    if args.rust:
        with open(args.rust, encoding="utf-8") as file:
            rust = json.load(file)["records"]
        python = json.loads(response)["records"]
        count = lambda rs, what: sum(1 for r in rs if r["result"] == what)  # noqa: E731
        result["python"] = {what: count(python, what) for what in ("Ok", "Dropped", "ProcessingFailed")}
        result["rust"] = {what: count(rust, what) for what in ("Ok", "Dropped", "ProcessingFailed")}
        differ = [
            p["recordId"]
            for p, r in zip(python, rust)
            if p["recordId"] != r["recordId"] or p["result"] != r["result"] or p["data"] != r["data"]
        ]
        result["differing_records"] = len(differ) + abs(len(python) - len(rust))
        for record_id in differ[:3]:
            p = next(x for x in python if x["recordId"] == record_id)
            r = next(x for x in rust if x["recordId"] == record_id)
            show = lambda x: base64.b64decode(x["data"]).decode(errors="replace") if x["result"] == "Ok" else ""  # noqa: E731
            print(f"differs: {record_id}: python {p['result']} {show(p)!r} rust {r['result']} {show(r)!r}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
