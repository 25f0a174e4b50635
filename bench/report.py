"""Prints bench/run's table from what it measured (in its output directory) and checks the
targets. Exit status 0 whatever the figures: the targets are reported, not enforced.

    python3 bench/report.py OUT_DIR CRITERION_DIR

The main figures are process-level (bench/lambda_rss.py): CPU per warm invocation, init, peak
RSS, each binary run as Lambda runs it. Criterion's in-process ratio is shown beside them.
"""

import json
import os
import sys

STREAMS = ["orders", "order-lines"]
# The Python baseline's ratio is reported as measured, with no target (issue 22).
TARGETS = {"ratio": 1.0, "stretch": 0.8, "init_over_floor_ms": 2.0, "rss_mb": 32.0, "zip_mb": 4.0}


def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def maybe(path):
    return load(path) if os.path.exists(path) else None


def median_ns(criterion, *parts):
    path = os.path.join(criterion, *parts, "new", "estimates.json")
    return load(path)["median"]["point_estimate"] if os.path.exists(path) else None


def init_cell(init):
    """Init ms as wall / CPU, or wall alone where the CPU time could not be read."""
    if init.get("init_cpu_ms") is None:
        return f"{init['init_ms']:.1f}"
    return f"{init['init_ms']:.1f} / {init['init_cpu_ms']:.1f}"


def row(out, criterion, stream, zips, floor_init, python, worst):
    batch = load(os.path.join(out, f"{stream}-3mb.meta.json"))
    cpu = load(os.path.join(out, f"cpu-{stream}.json"))
    floor = load(os.path.join(out, f"cpu-floor-{stream}.json"))
    init = load(os.path.join(out, f"init-{stream}.json"))
    rss_mb = load(os.path.join(out, f"rss-{stream}.json"))["peak_rss_kb"] / 1024
    ratio = cpu["cpu_ms"] / floor["cpu_ms"]
    init_over = init["init_ms"] - floor_init["init_ms"]
    transform_ns = median_ns(criterion, "batch", "transform", stream)
    floor_ns = median_ns(criterion, "batch", "floor", stream)
    in_process = "—" if not transform_ns or not floor_ns else f"{transform_ns / floor_ns:.2f}"
    python_ms, speedup = "—", "—"
    if python is not None and stream == "orders":
        python_ms = f"{python['cpu_ms']:,.0f}"
        speedup = f"{python['cpu_ms'] / cpu['cpu_ms']:.1f}×"
        worst["python"] = min(worst["python"], python["cpu_ms"] / cpu["cpu_ms"])
    worst["ratio"] = max(worst["ratio"], ratio)
    worst["init_over_floor_ms"] = max(worst["init_over_floor_ms"], init_over)
    worst["rss_mb"] = max(worst["rss_mb"], rss_mb)
    zip_mb = zips.get(stream)
    if zip_mb is not None:
        worst["zip_mb"] = max(worst["zip_mb"], zip_mb)
    return [
        stream,
        f"{batch['records']:,}",
        f"{cpu['cpu_ms']:.1f}",
        f"{floor['cpu_ms']:.1f}",
        f"**{ratio:.2f}**",
        python_ms,
        speedup,
        init_cell(init),
        init_cell(floor_init),
        f"{init_over:+.1f}",
        f"{rss_mb:.1f}",
        "—" if zip_mb is None else f"{zip_mb:.2f}",
        in_process,
    ]


def main():
    out, criterion = sys.argv[1], sys.argv[2]
    zips = load(os.path.join(out, "zips.json"))
    python = maybe(os.path.join(out, "cpu-python-orders.json"))
    agreement = maybe(os.path.join(out, "python-orders.json"))
    floor_init = load(os.path.join(out, "init-floor.json"))
    worst = {"ratio": 0.0, "python": float("inf"), "init_over_floor_ms": float("-inf"), "rss_mb": 0.0, "zip_mb": 0.0}
    rows = [row(out, criterion, stream, zips, floor_init, python, worst) for stream in STREAMS]
    header = [
        "stream",
        "records",
        "CPU ms / warm invocation",
        "floor Lambda CPU ms",
        "function / floor",
        "Python CPU ms",
        "Python / function",
        "init ms (wall / CPU)",
        "floor init ms (wall / CPU)",
        "init − floor ms",
        "peak RSS MB (6 MB event)",
        f"zip MB ({zips.get('kind', 'none')})",
        "in-process transform/floor (criterion)",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    print()
    sample = load(os.path.join(out, "cpu-orders.json"))
    print(
        f"3 MB batch (seed 1) per stream, the same for the function, the floor Lambda and Python; each binary "
        f"under the local Runtime API, log level info; CPU = user + system of the process (all threads, "
        f"/proc schedstat), median of {sample['invocations']} warm invocations after a cold one; init = start "
        f"to the first /next, median of {floor_init['starts']} starts; zips: {zips.get('note', '')}"
    )
    for stream in STREAMS:
        cpu = load(os.path.join(out, f"cpu-{stream}.json"))
        floor = load(os.path.join(out, f"cpu-floor-{stream}.json"))
        print(
            f"{stream}: warm CPU ms {', '.join(f'{v:.1f}' for v in cpu['warm_cpu_ms'])} "
            f"(ticks cross-check {cpu['cpu_ticks_ms_mean']:.0f}); floor {', '.join(f'{v:.1f}' for v in floor['warm_cpu_ms'])} "
            f"(ticks {floor['cpu_ticks_ms_mean']:.0f}); results {cpu['results']}; "
            f"stdout lines per invocation {cpu['stdout_lines_per_invocation']:.0f}"
        )
    if python is not None:
        print(f"Python process (orders): warm CPU ms {', '.join(f'{v:.0f}' for v in python['warm_cpu_ms'])}; results {python['results']}")
    if agreement is not None:
        agree = agreement["python"] == agreement["rust"] and agreement["differing_records"] == 0
        print(
            f"Python baseline vs the Rust function on the orders batch (CPython {agreement.get('python_version', '?')}): "
            f"results Python {agreement['python']} vs Rust {agreement['rust']}; records differing: "
            f"{agreement['differing_records']} ({'identical' if agree else 'MISMATCH'})"
        )
    print()
    checks = [
        (f"CPU per warm invocation ≤ {TARGETS['ratio']:.1f}× the floor Lambda", worst["ratio"], lambda v: v <= TARGETS["ratio"], "{:.2f}×"),
        (f"(stretch) CPU per warm invocation ≤ {TARGETS['stretch']:.1f}× the floor Lambda", worst["ratio"], lambda v: v <= TARGETS["stretch"], "{:.2f}×"),
        (f"init ≤ the floor's init + {TARGETS['init_over_floor_ms']:g} ms", worst["init_over_floor_ms"], lambda v: v <= TARGETS["init_over_floor_ms"], "{:+.1f} ms"),
        (f"peak RSS (6 MB event) ≤ {TARGETS['rss_mb']:g} MB", worst["rss_mb"], lambda v: v <= TARGETS["rss_mb"], "{:.1f} MB"),
    ]
    if python is not None:
        print(f"Python baseline (orders): {worst['python']:.1f}× the function's CPU, as measured (no target)")
    zip_target = f"arm64 zip ≤ {TARGETS['zip_mb']:g} MB"
    if zips.get("kind") == "arm64":
        checks.append((zip_target, worst["zip_mb"], lambda v: v <= TARGETS["zip_mb"], "{:.2f} MB"))
    for name, value, met, form in checks:
        print(f"target {name}: worst {form.format(value)}: {'met' if met(value) else 'NOT MET'}")
    if zips.get("kind") != "arm64":
        print(f"target {zip_target}: not measured here (" + zips.get("note", "") + ")")


if __name__ == "__main__":
    main()
