"""Prints bench/run's table from what it measured (in its output directory) and checks the
targets. Exit status 0 whatever the figures: the targets are reported, not enforced.

    python3 bench/report.py OUT_DIR CRITERION_DIR
"""

import json
import os
import sys

STREAMS = ["orders", "order-lines"]
TARGETS = {"ratio": 1.5, "cold_ms": 5.0, "rss_mb": 64.0, "zip_mb": 4.0}


def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def median_ns(criterion, *parts):
    return load(os.path.join(criterion, *parts, "new", "estimates.json"))["median"]["point_estimate"]


def main():
    out, criterion = sys.argv[1], sys.argv[2]
    rows, worst = [], {"ratio": 0.0, "cold_ms": 0.0, "rss_mb": 0.0, "zip_mb": 0.0}
    python = load(os.path.join(out, "python-orders.json")) if os.path.exists(os.path.join(out, "python-orders.json")) else None
    zips = load(os.path.join(out, "zips.json"))
    for stream in STREAMS:
        batch = load(os.path.join(out, f"{stream}-3mb.meta.json"))
        transform_s = median_ns(criterion, "batch", "transform", stream) / 1e9
        floor_s = median_ns(criterion, "batch", "floor", stream) / 1e9
        cold_ms = median_ns(criterion, "cold_start", stream) / 1e6
        rss = load(os.path.join(out, f"rss-{stream}.json"))
        rss_mb = rss["peak_rss_kb"] / 1024
        records_s = batch["records"] / transform_s
        ratio = transform_s / floor_s
        speedup = "—"
        python_records_s = "—"
        if python is not None and stream == "orders":
            python_records_s = f"{python['records_per_s']:,.0f}"
            speedup = f"{records_s / python['records_per_s']:.1f}×"
        zip_mb = zips.get(stream)
        rows.append(
            [
                stream,
                f"{batch['records']:,}",
                f"{records_s:,.0f}",
                f"{batch['bytes'] / transform_s / 1e6:.0f}",
                f"{batch['bytes'] / floor_s / 1e6:.0f}",
                f"{ratio:.2f}",
                python_records_s,
                speedup,
                f"{cold_ms:.2f}",
                f"{rss_mb:.1f}",
                f"{rss['start_to_first_poll_ms']:.0f}",
                "—" if zip_mb is None else f"{zip_mb:.2f}",
            ]
        )
        worst["ratio"] = max(worst["ratio"], ratio)
        worst["cold_ms"] = max(worst["cold_ms"], cold_ms)
        worst["rss_mb"] = max(worst["rss_mb"], rss_mb)
        if zip_mb is not None:
            worst["zip_mb"] = max(worst["zip_mb"], zip_mb)
    header = [
        "stream",
        "records",
        "transform rec/s",
        "transform MB/s",
        "floor MB/s",
        "transform/floor",
        "Python rec/s",
        "speedup",
        "cold start ms",
        "peak RSS MB (6 MB event)",
        "start→first poll ms",
        f"zip MB ({zips.get('kind', 'none')})",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(f"3 MB batch (seed 1) per stream; Rust figures are criterion medians; zips: {zips.get('note', '')}")
    if python is not None:
        agree = python["python"] == python["rust"] and python["differing_records"] == 0
        print(
            f"Python baseline (orders, CPython {python.get('python_version', '?')}): {python['mb_per_s']:.1f} MB/s; "
            f"results Python {python['python']} vs Rust {python['rust']}; records differing: "
            f"{python['differing_records']} ({'identical' if agree else 'MISMATCH'})"
        )
    print()
    checks = [
        ("transform/floor ≤ 1.5", worst["ratio"], TARGETS["ratio"], "{:.2f}"),
        ("cold start ≤ 5 ms", worst["cold_ms"], TARGETS["cold_ms"], "{:.2f} ms"),
        ("peak RSS (6 MB event) ≤ 64 MB", worst["rss_mb"], TARGETS["rss_mb"], "{:.1f} MB"),
    ]
    if zips.get("kind") == "arm64":
        checks.append(("arm64 zip ≤ 4 MB", worst["zip_mb"], TARGETS["zip_mb"], "{:.2f} MB"))
    for name, value, limit, form in checks:
        print(f"target {name}: worst {form.format(value)}: {'met' if value <= limit else 'NOT MET'}")
    if zips.get("kind") != "arm64":
        print("target arm64 zip ≤ 4 MB: not measured here (" + zips.get("note", "") + ")")


if __name__ == "__main__":
    main()
